#include "recognition/line_normaliser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <regex>

#include "image/page_reader.h"
#include "test_paths.h"
#include "training/line_dataset.h"

namespace platen {
namespace {

/// A synthetic line: a band of "x-height" ink blocks between rows top and top+xh, with a few
/// taller "ascender" strokes, on paper of tone `paper` with ink of tone `ink`.
GreyImage blocky_line(int width, int height, int top, int xh, std::uint8_t paper, std::uint8_t ink) {
  GreyImage g(width, height, paper);
  for (int x = 4; x + 6 < width; x += 10) {
    for (int y = top; y < top + xh; ++y)
      for (int dx = 0; dx < 6; ++dx) g.at(x + dx, y) = ink;
    if ((x / 10) % 4 == 0)
      for (int y = std::max(0, top - xh * 3 / 4); y < top; ++y) g.at(x, y) = g.at(x + 1, y) = ink;
  }
  return g;
}

/// Rows of a normalised line that hold at least half the peak ink.
std::pair<int, int> ink_band(const NormalisedLine& l) {
  std::vector<float> rows(l.height, 0.0f);
  for (int y = 0; y < l.height; ++y)
    for (int x = 0; x < l.width; ++x) rows[y] += l.pixels[static_cast<std::size_t>(y) * l.width + x];
  float peak = *std::max_element(rows.begin(), rows.end());
  int top = 0, bottom = l.height - 1;
  while (rows[top] < 0.5f * peak) ++top;
  while (rows[bottom] < 0.5f * peak) --bottom;
  return {top, bottom};
}

TEST(LineNormaliser, XHeightBandLandsInTheMiddleAtAFixedShare) {
  for (int scale : {1, 2, 3}) {
    GreyImage g = blocky_line(300 * scale, 48 * scale, 20 * scale, 12 * scale, 230, 40);
    NormalisedLine l = normalise_line(g);
    ASSERT_EQ(l.height, kLineHeight);
    auto [top, bottom] = ink_band(l);
    double band = bottom - top + 1;
    EXPECT_NEAR(band, kXHeightShare * kLineHeight, 1.5) << "scale " << scale;
    EXPECT_NEAR(0.5 * (top + bottom + 1), kLineHeight / 2.0, 1.5) << "scale " << scale;
    // Aspect ratio kept: width follows the same factor as the height.
    double factor = kXHeightShare * kLineHeight / (12.0 * scale);
    EXPECT_NEAR(l.width - 2 * kLinePadding, 300 * scale * factor, 3.0);
  }
}

/// Draws a row of x-height glyphs (6 px wide, pitch 10) with an ascender on every fourth
/// one into g, x-height band rows [top, top + xh); rows outside the image are clipped. With
/// `hollow`, each glyph is a slab-serif outline: heavy top and bottom bars and thin stems.
void draw_glyph_row(GreyImage& g, int top, int xh, std::uint8_t ink, bool hollow = false) {
  auto put = [&](int x, int y) {
    if (y >= 0 && y < g.height && x >= 0 && x < g.width) g.at(x, y) = ink;
  };
  for (int x = 4; x + 6 < g.width; x += 10) {
    for (int y = top; y < top + xh; ++y)
      for (int dx = 0; dx < 6; ++dx) {
        bool bar = y < top + 2 || y >= top + xh - 2;
        if (!hollow || bar || dx == 0 || dx == 5) put(x + dx, y);
      }
    if ((x / 10) % 4 == 0)
      for (int y = top - xh * 3 / 4; y < top; ++y) put(x, y), put(x + 1, y);
  }
}

TEST(LineNormaliser, LooseCropWithCutNeighboursMeasuresItsOwnLine) {
  // A crop cut along a loose polygon: the lower half of the line above at the top, the line
  // itself, and the ascenders of the line below reaching in at the bottom.
  GreyImage g(400, 70, 230);
  draw_glyph_row(g, -6, 12, 40);
  draw_glyph_row(g, 28, 12, 40);
  draw_glyph_row(g, 68, 12, 40);
  LineGeometry m = measure_line(g);
  ASSERT_TRUE(m.has_text);
  EXPECT_NEAR(m.x_height, 12.0, 1.0);
  EXPECT_NEAR(m.centre, 34.0, 1.5);
  EXPECT_NEAR(m.slope, 0.0, 0.005);
}

TEST(LineNormaliser, SlabSerifGlyphsKeepTheirWholeXHeight) {
  // Most ink on the x-height line and the baseline, little between: a profile threshold
  // would split the band in two.
  GreyImage g(400, 48, 230);
  draw_glyph_row(g, 20, 14, 40, /*hollow=*/true);
  LineGeometry m = measure_line(g);
  ASSERT_TRUE(m.has_text);
  EXPECT_NEAR(m.x_height, 14.0, 1.0);
  EXPECT_NEAR(m.centre, 27.0, 1.5);
}

TEST(LineNormaliser, HeavyInkJoiningWholeWordsKeepsTheWordsXHeight) {
  // Ink spread joins each word's glyphs into one run far wider than tall (as in rendered
  // Russian lines of a heavy face that read at 45-65 % CER): only punctuation and two
  // one-letter words stay apart. The punctuation, six marks 4 px tall on the baseline against
  // the words' 14, outnumbers the letters, and most of the ink is in the runs.
  GreyImage g(460, 48, 230);
  const int top = 17, xh = 14;
  auto fill = [&](int x0, int x1, int y0, int y1, std::uint8_t tone) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) g.at(x, y) = tone;
  };
  for (int word = 0; word < 4; ++word) {
    const int x0 = 8 + word * 110;
    fill(x0, x0 + 80, top, top + xh, 40);                 // the word's glyphs, joined
    for (int x = x0 + 6; x < x0 + 78; x += 8) fill(x, x + 2, top + 3, top + xh - 3, 230);  // counters
    fill(x0 + 20, x0 + 23, top - 10, top, 40);            // an ascender
  }
  for (int x : {90, 96, 200, 206, 310, 316}) fill(x, x + 4, top + xh - 4, top + xh, 40);  // dots, commas
  fill(102, 109, top, top + xh, 40);                      // a one-letter word
  fill(412, 419, top, top + xh, 40);                      // another
  const LineGeometry m = measure_line(g);
  ASSERT_TRUE(m.has_text);
  EXPECT_NEAR(m.x_height, 14.0, 1.5);
  EXPECT_NEAR(m.centre, top + 0.5 * xh, 1.5);
  EXPECT_NEAR(m.slope, 0.0, 0.005);
}

TEST(LineNormaliser, SkewedLineIsMeasuredAlongItsBaseline) {
  // Glyph rows drawn with a slope of 1 row per 20 columns, as on a skewed scan.
  GreyImage g(400, 60, 230);
  for (int x = 4; x + 6 < g.width; x += 10) {
    int top = 10 + x / 20;
    for (int y = top; y < top + 10; ++y)
      for (int dx = 0; dx < 6; ++dx) g.at(x + dx, y) = 40;
  }
  LineGeometry m = measure_line(g);
  ASSERT_TRUE(m.has_text);
  EXPECT_NEAR(m.slope, 0.05, 0.01);
  EXPECT_NEAR(m.x_height, 10.0, 1.0);
}

TEST(LineNormaliser, RealDevLinesOfOnePageShareOneXHeight) {
  // Each dev page was typed on one machine, so its lines have one x-height; loose ALTO crops
  // with parts of the neighbouring lines must not change the measure.
  const std::string root = test::typewritten_dataset_dir();
  if (root.empty()) GTEST_SKIP() << "typewritten dataset not present";
  std::map<std::string, std::vector<double>> by_page;
  const std::regex line_number("-[0-9]+\\.[a-z]+$");
  for (const std::string& path : list_line_images(root + "/dev/lines")) {
    LineGeometry m = measure_line(read_grey_image(path));
    if (m.has_text) by_page[std::regex_replace(path, line_number, "")].push_back(m.x_height);
  }
  ASSERT_GE(by_page.size(), 10u);
  int lines = 0, consistent = 0;
  for (auto& [page, heights] : by_page) {
    std::vector<double> sorted = heights;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double median = sorted[sorted.size() / 2];
    for (double x : heights) {
      ++lines;
      if (x >= 0.8 * median && x <= 1.25 * median) ++consistent;
    }
  }
  ASSERT_GT(lines, 400);
  // Short lines of capitals or punctuation differ by nature (13 of 412 when written).
  EXPECT_GE(consistent, 0.95 * lines) << consistent << " of " << lines;
}

TEST(LineNormaliser, FaintAndDarkCropsGiveTheSameContrast) {
  NormalisedLine dark = normalise_line(blocky_line(200, 40, 15, 10, 240, 20));
  NormalisedLine faint = normalise_line(blocky_line(200, 40, 15, 10, 225, 180));
  ASSERT_EQ(dark.width, faint.width);
  float max_dark = *std::max_element(dark.pixels.begin(), dark.pixels.end());
  float max_faint = *std::max_element(faint.pixels.begin(), faint.pixels.end());
  EXPECT_GT(max_faint, 0.9f);
  EXPECT_NEAR(max_dark, max_faint, 0.05f);
  float paper = faint.pixels[0];
  EXPECT_LT(paper, 0.05f);
}

TEST(LineNormaliser, BlankOrEmptyCropGivesBlankLine) {
  for (const GreyImage& g : {GreyImage(), GreyImage(100, 30, 250), GreyImage(1, 1, 0)}) {
    NormalisedLine l = normalise_line(g);
    EXPECT_EQ(l.height, kLineHeight);
    EXPECT_GE(l.width, 8);
    EXPECT_EQ(std::accumulate(l.pixels.begin(), l.pixels.end(), 0.0f), 0.0f);
  }
}

}  // namespace
}  // namespace platen
