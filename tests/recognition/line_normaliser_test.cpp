#include "recognition/line_normaliser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

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
