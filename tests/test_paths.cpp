#include "test_paths.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace platen::test {

namespace fs = std::filesystem;

std::string source_dir() { return PLATEN_TEST_SOURCE_DIR; }

std::string typewritten_dataset_dir() {
  fs::path p = fs::path(source_dir()).parent_path() / "shared" / "datasets" / "typewritten";
  return fs::exists(p) ? p.string() : std::string();
}

std::string ocr_binary() { return PLATEN_TEST_OCR_BINARY; }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

namespace {
struct TempDirs {
  std::vector<fs::path> dirs;
  ~TempDirs() {
    std::error_code ec;
    for (auto& d : dirs) fs::remove_all(d, ec);
  }
};
TempDirs& temp_dirs() {
  static TempDirs t;
  return t;
}
}  // namespace

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "platen-test-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  char* made = mkdtemp(buf.data());
  if (!made) std::abort();
  temp_dirs().dirs.emplace_back(made);
  return made;
}

}  // namespace platen::test
