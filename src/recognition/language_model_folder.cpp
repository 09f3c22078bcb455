#include "recognition/language_model_folder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace platen {

std::vector<std::string> language_codes_in(const std::string& models_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> codes;
  std::error_code ec;
  for (fs::directory_iterator it(models_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > 8 && name.compare(0, 5, "lang-") == 0 &&
        name.compare(name.size() - 3, 3, ".lm") == 0)
      codes.push_back(name.substr(5, name.size() - 8));
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::string language_model_path(const std::string& models_dir, const std::string& code) {
  return (std::filesystem::path(models_dir) / ("lang-" + code + ".lm")).string();
}

}  // namespace platen
