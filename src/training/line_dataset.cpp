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
#include "training/alto_pages.h"
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

GreyImage line_image(const LineSample& line) {
  if (!line.image.empty() || line.path.find('#') != std::string::npos) return line.image;
  return read_grey_image(line.path);
}

std::vector<LineSample> read_line_folder(const std::string& dir, LineFolderCounts* counts, bool keep_images) {
  std::vector<std::string> paths;
  for (std::string& image : list_line_images(dir)) {
    fs::path xml = image;
    xml.replace_extension(".xml");
    if (!fs::exists(xml)) paths.push_back(std::move(image));  // else a page with its ALTO
  }
  const std::vector<std::string> pages = list_alto_pages(dir);
  if (paths.empty() && pages.empty())
    throw DataError(dir + ": no line images with .gt.txt and no ALTO pages (NAME.xml beside NAME.jpg/png/tif)");

  std::vector<LineSample> samples(paths.size());
  std::vector<char> ok(paths.size(), 0);
  tbb::parallel_for(std::size_t(0), paths.size(), [&](std::size_t i) {
    try {
      LineSample s;
      s.path = paths[i];
      s.text = utf8_to_utf32(read_ground_truth(paths[i]));
      s.image = read_grey_image(paths[i]);  // read even when not kept: an unreadable line is skipped here
      if (!keep_images) s.image = GreyImage();
      s.document = document_of(paths[i]);
      samples[i] = std::move(s);
      ok[i] = 1;
    } catch (const Error&) {
      // An unreadable line is skipped like one with foreign symbols; the count reports it.
    }
  });
  std::vector<std::vector<LineSample>> page_lines(pages.size());
  std::vector<int> page_skipped(pages.size(), 0);
  // A bad ALTO page stops the run (tbb rethrows the first error): its lines are many.
  tbb::parallel_for(std::size_t(0), pages.size(),
                    [&](std::size_t i) { page_lines[i] = load_alto_page(pages[i], &page_skipped[i]); });

  std::vector<LineSample> lines;
  LineFolderCounts c;
  c.alto_pages = static_cast<int>(pages.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!ok[i]) {
      ++c.skipped;
      continue;
    }
    ++c.line_images;
    lines.push_back(std::move(samples[i]));
  }
  for (std::size_t i = 0; i < pages.size(); ++i) {
    c.skipped += page_skipped[i];
    for (LineSample& s : page_lines[i]) lines.push_back(std::move(s));
  }
  if (counts) *counts = c;
  return lines;
}

int fit_lines_to_alphabet(std::vector<LineSample>& lines, const Alphabet& alphabet) {
  // Transcriptions are fitted to the alphabet the way the rendered corpus is (e.g. the
  // Cyrillic ӓ some transcribers typed for Latin ä), so both teach the same symbols.
  std::size_t kept = 0;
  for (LineSample& l : lines) {
    std::optional<std::string> text = fit_to_alphabet(utf32_to_utf8(l.text), alphabet);
    if (!text) continue;
    l.text = utf8_to_utf32(*text);
    if (&lines[kept] != &l) lines[kept] = std::move(l);
    ++kept;
  }
  const int removed = static_cast<int>(lines.size() - kept);
  lines.resize(kept);
  return removed;
}

std::vector<LineSample> load_line_folder(const std::string& dir, const Alphabet& alphabet, int* skipped) {
  LineFolderCounts counts;
  std::vector<LineSample> lines = read_line_folder(dir, &counts);
  const int unfit = fit_lines_to_alphabet(lines, alphabet);
  if (skipped) *skipped = counts.skipped + unfit;
  if (lines.empty()) throw DataError(dir + ": no usable line images with .gt.txt or ALTO text lines");
  return lines;
}

}  // namespace platen
