// The searchable PDF's text layer on pages the pipeline read: words laid along skewed
// baselines, and on every dev page pdftotext's word boxes on the page result's word boxes.

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

#include "image/pix.h"
#include "output/document.h"
#include "output/pdf_text.h"
#include "output/pdf_writer.h"
#include "output/sample_document.h"
#include "pipeline/page_pipeline.h"
#include "test_images.h"
#include "test_pages.h"
#include "test_paths.h"

namespace platen {
namespace {

using namespace platen::test;
namespace fs = std::filesystem;

/// `page` alone as a PDF in a fresh temporary folder; returns its path.
std::string write_page_pdf(const PageResult& page, const std::string& name) {
  Document document;
  document.source = page.source;
  document.pages = {page};
  const std::string path = make_temp_dir() + "/" + name + ".pdf";
  std::ofstream(path, std::ios::binary) << PdfWriter().write(document).bytes;
  return path;
}

/// How far one word of the text layer lies from its word box, px: the ends along x, and the
/// offset of the vertical middles.
struct Deviation {
  double left = 0, right = 0, middle = 0, height = 0;
};

/// Matches every word of `page` to a word pdftotext found with the same text (each found word
/// used once, the nearest by centre first), giving their deviations in the page's word order:
/// one entry for every word of every line, empty for a word without a match (which also adds a
/// test failure), so that entry i is always the page's word i.
std::vector<std::optional<Deviation>> match_words(const std::vector<PdfWord>& found, const PageResult& page) {
  std::vector<bool> used(found.size(), false);
  std::vector<std::optional<Deviation>> deviations;
  for (const Line& line : page.lines)
    for (const Word& word : line.words) {
      const Box& b = word.box;
      const double cx = b.x + 0.5 * b.width, cy = b.y + 0.5 * b.height;
      std::size_t best = found.size();
      double best_distance = 1e30;
      for (std::size_t i = 0; i < found.size(); ++i) {
        if (used[i] || found[i].text != word.text) continue;
        const double dx = 0.5 * (found[i].x0 + found[i].x1) - cx, dy = 0.5 * (found[i].y0 + found[i].y1) - cy;
        if (dx * dx + dy * dy < best_distance) best_distance = dx * dx + dy * dy, best = i;
      }
      if (best == found.size()) {
        std::string near;
        for (const PdfWord& f : found)
          if (std::abs(0.5 * (f.x0 + f.x1) - cx) < b.width && std::abs(0.5 * (f.y0 + f.y1) - cy) < b.height)
            near += " '" + f.text + "'";
        ADD_FAILURE() << "'" << word.text << "' (at " << b.x << "," << b.y
                      << ") is not in the text layer (pdftotext found there:" << near << ")";
        deviations.emplace_back();
        continue;
      }
      used[best] = true;
      const PdfWord& f = found[best];
      deviations.push_back(Deviation{f.x0 - b.x, f.x1 - b.right(), 0.5 * (f.y0 + f.y1) - cy, f.y1 - f.y0});
    }
  return deviations;
}

/// A page of two lines, "alpha beta" and "gamma", with boxes 100 px apart.
PageResult two_line_page() {
  PageResult page;
  Line a, b;
  a.words = {Word{}, Word{}};
  a.words[0].text = "alpha", a.words[0].box = Box{100, 100, 200, 40};
  a.words[1].text = "beta", a.words[1].box = Box{400, 100, 160, 40};
  b.words = {Word{}};
  b.words[0].text = "gamma", b.words[0].box = Box{100, 200, 200, 40};
  page.lines = {a, b};
  return page;
}

TEST(PdfTextLayer, MatchWordsKeepsEachDeviationOnItsOwnWord) {
  // "beta" is missing: it is named, and "gamma" (off by 5 px) is still measured against "gamma",
  // not against the slot "beta" left.
  const PageResult page = two_line_page();
  const std::vector<PdfWord> found = {{"alpha", 101, 100, 300, 140}, {"gamma", 105, 200, 305, 240}};
  std::vector<std::optional<Deviation>> deviations;
  EXPECT_NONFATAL_FAILURE(deviations = match_words(found, page), "'beta' (at 400,100) is not in the text layer");
  ASSERT_EQ(deviations.size(), 3u);
  ASSERT_TRUE(deviations[0] && deviations[2]);
  EXPECT_FALSE(deviations[1]);
  EXPECT_DOUBLE_EQ(deviations[0]->left, 1);
  EXPECT_DOUBLE_EQ(deviations[2]->left, 5);
  EXPECT_DOUBLE_EQ(deviations[2]->right, 5);
}

/// The page's words, sorted (pdftotext's order of words is its own layout's).
std::vector<std::string> sorted_words(const PageResult& page) {
  std::vector<std::string> words;
  for (const Line& line : page.lines)
    for (const Word& word : line.words) words.push_back(word.text);
  std::sort(words.begin(), words.end());
  return words;
}

std::vector<std::string> sorted_words(const std::vector<PdfWord>& found) {
  std::vector<std::string> words;
  for (const PdfWord& f : found) words.push_back(f.text);
  std::sort(words.begin(), words.end());
  return words;
}

/// The line's band across its text, px: how far its outline reaches across its baseline (the
/// chord from the baseline's first point to its last).
double band_across(const Line& line) {
  if (line.baseline.size() < 2 || line.polygon.empty()) return line.box.height;
  const Point& p0 = line.baseline.front();
  const Point& p1 = line.baseline.back();
  const double length = std::hypot(p1.x - p0.x, p1.y - p0.y);
  if (length < 1) return line.box.height;
  const double nx = (p1.y - p0.y) / length, ny = -(p1.x - p0.x) / length;
  double low = 1e30, high = -1e30;
  for (const Point& p : line.polygon) {
    const double across = (p.x - p0.x) * nx + (p.y - p0.y) * ny;
    low = std::min(low, across), high = std::max(high, across);
  }
  return high - low;
}

/// Text without its white space.
std::string without_spaces(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\f'; }),
             text.end());
  return text;
}

TEST(PdfTextLayer, SkewedPageWordsStepWithTheirBaselines) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  // The sample page turned 3 degrees counter-clockwise: its lines climb to the right, the
  // right end of a long line some 70 px above its left end.
  PixPtr upright = sample_text_page();
  ASSERT_TRUE(upright);
  PixPtr framed = adopt(pixAddBorder(upright.get(), 80, 0xFF));
  const double degrees = 3.0;
  PixPtr skewed = adopt(pixRotate(framed.get(), static_cast<float>(-degrees * M_PI / 180.0), L_ROTATE_AREA_MAP,
                                  L_BRING_IN_WHITE, 0, 0));
  ASSERT_TRUE(skewed);
  const auto page = read_rendered_page(skewed, "skewed-3");
  ASSERT_TRUE(page);
  ASSERT_GE(page->lines.size(), 10u);
  EXPECT_NEAR(std::abs(page->skew_degrees), degrees, 0.5);
  const std::string pdf = write_page_pdf(*page, "skewed-3");

  // In content-stream order (-raw), the page's characters in order. (pdftotext -raw decides
  // white space from the geometry alone, ignoring the text layer's space glyphs: no space for
  // a gap under 15 % of the font size, "desperatelyto", and a line break where two words'
  // baselines differ by half the font size, as on the noisy last line.)
  EXPECT_EQ(without_spaces(pdf_raw_text(pdf)), without_spaces(page->text));
  // In its own layout, pdftotext finds exactly the page's words (the space glyphs keep them
  // apart), each on its box: the ends within 2 px, across the text over the box's middle, and
  // within its line's box (the words of a line share one baseline, so a word's box reaches from
  // there to its own ink, but no further: a layer written level along a skewed line's box with
  // one size for the whole line would stick out of that box by the line's climb, 70 px).
  const std::vector<PdfWord> found = flatten(pdf_word_lines(pdf, 1, page->resolution));
  EXPECT_EQ(sorted_words(found), sorted_words(*page));
  const std::vector<std::optional<Deviation>> deviations = match_words(found, *page);
  std::size_t i = 0, matched = 0;
  double worst_end = 0;
  for (const Line& line : page->lines) {
    const double band = band_across(line);
    for (const Word& word : line.words) {
      if (!deviations[i++]) continue;  // reported by match_words
      const Deviation& d = *deviations[i - 1];
      ++matched;
      EXPECT_LE(std::abs(d.left), 2.0) << word.text;
      EXPECT_LE(std::abs(d.right), 2.0) << word.text;
      EXPECT_GE(0.5 * d.height + 0.5 * word.box.height - std::abs(d.middle), 0.5 * word.box.height) << word.text;
      const double top = word.box.y + 0.5 * word.box.height + d.middle - 0.5 * d.height;
      const double slack = 2.0 + 0.05 * band;  // the font's heights come in 5 % steps
      EXPECT_GE(top, line.box.y - slack) << word.text << " (line box " << line.box.y << "–" << line.box.bottom() << ")";
      EXPECT_LE(top + d.height, line.box.bottom() + slack) << word.text << " (line box " << line.box.y << "–"
                                                           << line.box.bottom() << ")";
      worst_end = std::max({worst_end, std::abs(d.left), std::abs(d.right)});
    }
  }
  std::printf("skewed page: %zu of %zu words found, ends within %.2f px of their boxes\n", matched,
              deviations.size(), worst_end);
}

/// Checks that `read` (the words pdftotext printed, in its order) are the words of `page`'s
/// lines in the page's reading order. Poppler's layout mode joins a word that ends a line in a
/// hyphen with the next line's first word, dropping the hyphen ("con-" "viction" →
/// "conviction"): that counts as both words. Adds a failure naming the first word out of place.
void expect_words_in_reading_order(const std::vector<std::string>& read, const PageResult& page) {
  std::vector<std::string> expected;
  std::vector<bool> line_end;
  for (const Line* line : text_lines(page)) {
    const std::vector<Word> words = words_of(*line);
    for (std::size_t i = 0; i < words.size(); ++i) {
      expected.push_back(words[i].text);
      line_end.push_back(i + 1 == words.size());
    }
  }
  std::size_t i = 0, j = 0;
  while (i < expected.size() && j < read.size()) {
    if (expected[i] == read[j]) {
      ++i, ++j;
      continue;
    }
    const std::string& e = expected[i];
    if (line_end[i] && i + 1 < expected.size() && e.size() > 1 && e.back() == '-' &&
        read[j] == e.substr(0, e.size() - 1) + expected[i + 1]) {
      i += 2, ++j;
      continue;
    }
    break;
  }
  if (i == expected.size() && j == read.size()) return;
  auto around = [](const std::vector<std::string>& words, std::size_t at) {
    std::string text;
    for (std::size_t k = at >= 3 ? at - 3 : 0; k < std::min(words.size(), at + 4); ++k)
      text += (k == at ? " [" : " ") + words[k] + (k == at ? "]" : "");
    return text;
  };
  ADD_FAILURE() << "pdftotext read " << read.size() << " words for the page's " << expected.size()
                << "; the first out of place is page word " << i << ":" << around(expected, i)
                << ", where pdftotext read:" << around(read, j);
}

TEST(PdfTextLayer, PlainPdftotextReadsTheSkewedSamplePageInReadingOrder) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  // The bundled sample page as scanned, its lines skewed by about half a degree: with 20 px
  // between lines and lines up to 780 px long, a line climbs some 7 px, a third of the line
  // spacing and more than half of the font size's tolerance. Written word by word at the height
  // of its own stretch of the baseline, pdftotext's layout mode (its default, which viewers
  // use to select and copy) read 336 of the 342 words, putting words into the next line
  // ("Lordshipo 16.", "thethe").
  std::vector<PageResult> pages;
  run_page_pipeline({source_dir() + "/datasets/samples/sample-page.jpg"}, shipped_recognizer(), PipelineOptions{},
                    [&](const PageResult& p) { pages.push_back(p); });
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_TRUE(pages[0].ok) << pages[0].error;
  ASSERT_GT(all_words(pages[0]).size(), 300u);
  const std::string pdf = write_page_pdf(pages[0], "sample-page");
  expect_words_in_reading_order(words_in(run_command("pdftotext -q " + shell_quote(pdf) + " -")), pages[0]);
  // and in content-stream order, every word apart (pdftotext -raw decides spaces from the gaps).
  EXPECT_EQ(words_in(pdf_raw_text(pdf)), words_in(pages[0].text));
}

/// A 300 ppi page of `count` single-spaced lines of fixed-pitch words (25 px a character and a
/// space, 50 px from baseline to baseline, the band from 12 px under the baseline to 38 px over
/// it) whose baselines climb `degrees` to the right, each line's outline the band's corners.
PageResult skewed_typed_page(double degrees, int count) {
  static const char* const kWords[] = {"archives", "do", "not", "store", "plain", "text:", "a", "digital",
                                       "library", "ingests", "ALTO", "or", "searchable", "PDF,", "and"};
  const double a = degrees * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
  const double dx = c, dy = -s, nx = dy, ny = -dx;  // along the baseline; up across it
  auto at = [&](double ox, double oy, double t, double h) {
    return Point{static_cast<int>(std::lround(ox + t * dx + h * nx)), static_cast<int>(std::lround(oy + t * dy + h * ny))};
  };
  PageResult page;
  page.ok = true;
  page.width = 1900, page.height = 300 + 50 * count + 200;
  page.resolution = 300;
  page.skew_degrees = degrees;
  for (int k = 0; k < count; ++k) {
    const double ox = 100 + (k % 3 == 2 ? 100 : 0), oy = 250 + 50 * k;  // every third line indented
    Line line;
    double t = 0;
    for (int j = 0; j < 11 && t < 1500; ++j) {
      Word w;
      w.text = kWords[(3 * k + j) % 15];
      const double length = 25.0 * code_point_count(w.text) - 4;
      Box box;
      for (double h : {0.0, 30.0})
        for (double u : {t, t + length}) box = union_box(box, Box{at(ox, oy, u, h).x, at(ox, oy, u, h).y, 1, 1});
      w.box = box;
      w.confidence = 0.9f;
      line.words.push_back(w);
      t += length + 4 + 25;
    }
    t -= 29;
    for (const Word& w : line.words) line.text += (line.text.empty() ? "" : " ") + w.text;
    line.baseline = {at(ox, oy, 0, 0), at(ox, oy, t, 0)};
    line.polygon = {at(ox, oy, 0, 38), at(ox, oy, t, 38), at(ox, oy, t, -12), at(ox, oy, 0, -12)};
    for (const Point& p : line.polygon) line.box = union_box(line.box, Box{p.x, p.y, 1, 1});
    page.lines.push_back(line);
    page.text += line.text + "\n";
  }
  return page;
}

TEST(PdfTextLayer, PlainPdftotextReadsSkewedSingleSpacedLinesInOrder) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  // Lines 1,500 px long climb 26 px at 1 degree, 79 px at 3 and 131 px at 5, against 50 px
  // between baselines: on its way a line passes the height of the next one and more.
  for (double degrees : {1.0, 3.0, 5.0}) {
    SCOPED_TRACE(std::to_string(degrees) + " degrees");
    const PageResult page = skewed_typed_page(degrees, 12);
    const std::string pdf = write_page_pdf(page, "skewed-typed");
    expect_words_in_reading_order(words_in(run_command("pdftotext -q " + shell_quote(pdf) + " -")), page);
    EXPECT_EQ(words_in(pdf_raw_text(pdf)), words_in(page.text));
    // Every word on its box, within its line's box.
    const std::vector<PdfWord> found = flatten(pdf_word_lines(pdf, 1, page.resolution));
    const std::vector<std::optional<Deviation>> deviations = match_words(found, page);
    std::size_t i = 0;
    for (const Line& line : page.lines)
      for (const Word& word : line.words) {
        if (!deviations[i++]) continue;
        const Deviation& d = *deviations[i - 1];
        const double top = word.box.y + 0.5 * word.box.height + d.middle - 0.5 * d.height;
        EXPECT_LE(std::abs(d.left), 2.0) << word.text;
        EXPECT_LE(std::abs(d.right), 2.0) << word.text;
        EXPECT_LE(std::abs(d.middle), 0.5 * d.height) << word.text;
        EXPECT_GE(top, line.box.y - 2 - 0.05 * 50) << word.text;
        EXPECT_LE(top + d.height, line.box.bottom() + 2 + 0.05 * 50) << word.text;
      }
  }
}

TEST(PdfTextLayer, LineWithoutOutlineTakesItsBandFromItsBox) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  // A skewed page whose lines have a baseline and a box but no outline, as a page result made
  // through the API or read from ALTO: the band is the box's height less what the skew adds,
  // not the box's corners measured across the baseline (which at 3 degrees gave a band 79 px
  // taller, and a font of three times the size).
  const PageResult outlined = skewed_typed_page(3.0, 6);
  PageResult bare = outlined;
  for (Line& line : bare.lines) line.polygon.clear();
  const auto boxes = [](const PageResult& page) {
    return flatten(pdf_word_lines(write_page_pdf(page, "outline"), 1, page.resolution));
  };
  const std::vector<PdfWord> with = boxes(outlined), without = boxes(bare);
  ASSERT_EQ(with.size(), all_words(outlined).size());
  ASSERT_EQ(without.size(), with.size());
  for (std::size_t i = 0; i < with.size(); ++i) {
    EXPECT_EQ(without[i].text, with[i].text);
    // The same box across the text, but for a step of the font's heights (5 %) and rounding.
    const double height = with[i].y1 - with[i].y0;
    EXPECT_NEAR(without[i].y1 - without[i].y0, height, 2.0 + 0.05 * height) << with[i].text;
    EXPECT_NEAR(0.5 * (without[i].y0 + without[i].y1), 0.5 * (with[i].y0 + with[i].y1), 2.0) << with[i].text;
    EXPECT_NEAR(without[i].x0, with[i].x0, 0.5) << with[i].text;
  }
}

/// The dev pages (../shared/datasets/typewritten/dev/pages), read once for the suite.
class PdfTextLayerDevPages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dataset = typewritten_dataset_dir();
    if (dataset.empty()) return;
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(dataset + "/dev/pages"))
      if (entry.path().extension() == ".jpg") paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    std::mutex mutex;
    pages_ = new std::vector<PageResult>(paths.size());
    run_page_pipeline(paths, shipped_recognizer(), PipelineOptions{}, [&](const PageResult& p) {
      std::lock_guard<std::mutex> lock(mutex);
      (*pages_)[p.input_index] = p;
    });
  }
  static void TearDownTestSuite() {
    delete pages_;
    pages_ = nullptr;
  }
  static std::vector<PageResult>* pages_;
};

std::vector<PageResult>* PdfTextLayerDevPages::pages_ = nullptr;

TEST_F(PdfTextLayerDevPages, EveryWordOfEveryPageIsOnItsBox) {
  PLATEN_REQUIRE_TOOL(!typewritten_dataset_dir().empty(), "../shared/datasets/typewritten");
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  ASSERT_TRUE(pages_);
  ASSERT_EQ(pages_->size(), 11u);
  std::size_t words = 0, off = 0;
  for (const PageResult& page : *pages_) {
    SCOPED_TRACE(page.source);
    ASSERT_TRUE(page.ok) << page.error;
    ASSERT_FALSE(page.lines.empty());
    const std::string pdf = write_page_pdf(page, fs::path(page.source).stem().string());
    const std::vector<PdfWord> found = flatten(pdf_word_lines(pdf, 1, page.resolution));
    // pdftotext finds exactly the page's words, each on its box: the left and right ends
    // within 2 px, across the text an overlap of at least half the box.
    EXPECT_EQ(sorted_words(found), sorted_words(page));
    const std::vector<std::optional<Deviation>> deviations = match_words(found, page);
    std::size_t i = 0, matched = 0;
    for (const Line& line : page.lines)
      for (const Word& word : line.words) {
        if (!deviations[i++]) continue;  // reported by match_words
        const Deviation& d = *deviations[i - 1];
        ++matched;
        const bool on_box = std::abs(d.left) <= 2.0 && std::abs(d.right) <= 2.0 &&
                            d.height * 0.5 + word.box.height * 0.5 - std::abs(d.middle) >= 0.5 * word.box.height;
        EXPECT_TRUE(on_box) << "'" << word.text << "' at " << word.box.x << "," << word.box.y << ": ends off by "
                            << d.left << " and " << d.right << " px, middle by " << d.middle << " px";
        off += !on_box;
      }
    words += matched;
    std::printf("%s: skew %.2f deg, %zu of %zu words found\n", fs::path(page.source).filename().c_str(),
                page.skew_degrees, matched, deviations.size());
  }
  std::printf("dev pages: %zu words found, %zu off their boxes\n", words, off);
}

}  // namespace
}  // namespace platen
