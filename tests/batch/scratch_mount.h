#pragma once
// Mounts for tests of full and read-only output folders. CI runs as root, for whom file
// permissions mean nothing, so a read-only bind mount and a small tmpfs stand in for a
// read-only share and a full disk. Header-only: used by several test files.

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "test_paths.h"

namespace platen::test {

/// A mount at a fresh folder, unmounted (lazily) when destroyed. `error` says why mounting
/// failed (then `ok()` is false).
class ScratchMount {
 public:
  /// A tmpfs of `megabytes` MiB.
  static ScratchMount tmpfs(int megabytes) {
    ScratchMount m;
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    if (::mount("tmpfs", m.path_.c_str(), "tmpfs", 0, options.c_str()) != 0) m.fail("tmpfs");
    else m.mounted_ = true;
    return m;
  }
  /// A read-only view of a fresh folder (bind mount, then remounted read-only).
  static ScratchMount read_only() {
    ScratchMount m;
    const std::string source = make_temp_dir();
    if (::mount(source.c_str(), m.path_.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      m.fail("bind");
      return m;
    }
    m.mounted_ = true;
    if (::mount(nullptr, m.path_.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) m.fail("read-only remount");
    return m;
  }
  ScratchMount(ScratchMount&& other) noexcept
      : path_(std::move(other.path_)), error_(std::move(other.error_)), mounted_(other.mounted_) {
    other.mounted_ = false;
  }
  ~ScratchMount() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool ok() const { return mounted_ && error_.empty(); }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  ScratchMount() : path_(make_temp_dir()) {}
  void fail(const char* what) {
    error_ = std::string("cannot mount a ") + what + " at " + path_ + ": " + std::strerror(errno) +
             " (these tests need root with CAP_SYS_ADMIN, as in CI)";
  }
  std::string path_, error_;
  bool mounted_ = false;
};

}  // namespace platen::test
