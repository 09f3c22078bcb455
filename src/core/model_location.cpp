#include "core/model_location.h"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

// Compiled once per binary kind with PLATEN_MODELS_FROM_BINARY, the path from the folder of
// the binary holding this code to share/platen/models ("../share/platen/models"), and
// PLATEN_MODELS_IN_LIBRARY when that binary is the shared library.
#ifndef PLATEN_MODELS_FROM_BINARY
#error "PLATEN_MODELS_FROM_BINARY must be defined by the build"
#endif

namespace platen {

namespace {

/// The file holding this code: the shared library (found by dladdr of a function of its own),
/// or the executable it is linked into.
std::filesystem::path this_binary() {
  namespace fs = std::filesystem;
  std::error_code ec;
#ifdef PLATEN_MODELS_IN_LIBRARY
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&this_binary), &info) != 0 && info.dli_fname && *info.dli_fname) {
    fs::path p = fs::canonical(info.dli_fname, ec);
    if (!ec) return p;
  }
#endif
  fs::path self = fs::canonical("/proc/self/exe", ec);
  return ec ? fs::path() : self;
}

}  // namespace

std::vector<std::string> shipped_model_dirs() {
  const std::filesystem::path binary = this_binary();
  if (binary.empty()) return {};
  return {(binary.parent_path() / PLATEN_MODELS_FROM_BINARY).lexically_normal().string()};
}

}  // namespace platen
