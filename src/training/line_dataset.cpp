#include "training/line_dataset.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "training/text_corpus.h"

namespace platen {

namespace fs = std::filesystem;

std::vector<std::string> list_line_images(const std::string& dir) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": not a folder of line images");
  static const char* kExtensions[] = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pgm"};
  std::vector<std::string> images;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::find(std::begin(kExtensions), std::end(kExtensions), ext) == std::end(kExtensions)) continue;
    fs::path gt = entry.path();
    gt.replace_extension(".gt.txt");
    if (fs::exists(gt)) images.push_back(entry.path().string());
  }
  std::sort(images.begin(), images.end());
  return images;
}

std::string read_ground_truth(const std::string& image_path) {
  fs::path gt = image_path;
  gt.replace_extension(".gt.txt");
  std::ifstream in(gt);
  if (!in) throw DataError("cannot read ground truth " + gt.string());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return to_nfc(text);
}

std::string document_of(const std::string& image_path) {
  std::string stem = fs::path(image_path).stem().string();
  std::size_t dash = stem.rfind('-');
  if (dash != std::string::npos && dash + 1 < stem.size() &&
      std::all_of(stem.begin() + dash + 1, stem.end(), [](unsigned char c) { return std::isdigit(c); }))
    return stem.substr(0, dash);
  return stem;
}

std::vector<LineSample> load_line_folder(const std::string& dir, const Alphabet& alphabet, int* skipped) {
  std::vector<std::string> paths = list_line_images(dir);
  std::vector<LineSample> samples(paths.size());
  std::vector<char> ok(paths.size(), 0);
  tbb::parallel_for(std::size_t(0), paths.size(), [&](std::size_t i) {
    try {
      LineSample s;
      s.path = paths[i];
      // Transcriptions are fitted to the alphabet the way the rendered corpus is (e.g. the
      // Cyrillic ӓ some transcribers typed for Latin ä), so both teach the same symbols.
      std::optional<std::string> text = fit_to_alphabet(read_ground_truth(paths[i]), alphabet);
      if (!text) return;
      s.text = utf8_to_utf32(*text);
      s.image = read_grey_image(paths[i]);
      s.document = document_of(paths[i]);
      samples[i] = std::move(s);
      ok[i] = 1;
    } catch (const Error&) {
      // An unreadable line is skipped like one with foreign symbols; the count reports it.
    }
  });
  std::vector<LineSample> kept;
  int dropped = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (ok[i]) kept.push_back(std::move(samples[i]));
    else ++dropped;
  }
  if (skipped) *skipped = dropped;
  if (kept.empty()) throw DataError(dir + ": no usable line images with .gt.txt");
  return kept;
}

}  // namespace platen
