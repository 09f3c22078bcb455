#include "pipeline/orientation_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "core/text.h"
#include "training/line_renderer.h"

namespace platen {
namespace {

/// Lines of Russian and Czech typewriter text rendered in a face kept out of training.
std::vector<GreyImage> rendered_lines(const std::string& font) {
  const std::vector<std::string> texts = {"Каждый час, посвящённый работе, окупается.",
                                          "исправили бы и другие средства, менее опасные.",
                                          "Žádost o prodloužení pobytu byla zamítnuta.",
                                          "малоэтажный составлять гидромагнитный"};
  LineRenderer renderer(font);
  std::mt19937 rng(11);
  std::vector<GreyImage> lines;
  for (const std::string& t : texts) {
    LineStyle style = LineStyle::clean();
    style.x_height = 16;
    lines.push_back(renderer.render(utf8_to_utf32(t), style, rng));
  }
  return lines;
}

TEST(OrientationCheck, UprightLinesReadBetterThanTurnedOnes) {
  const std::string font = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf";
  if (!std::filesystem::exists(font)) GTEST_SKIP() << "fonts-liberation2 not installed";
  Recognizer recognizer(default_model_path());
  std::vector<GreyImage> upright = rendered_lines(font);
  const double as_they_are = reading_confidence(upright, recognizer, false);
  const double turned = reading_confidence(upright, recognizer, true);
  EXPECT_GT(as_they_are, 0.9);
  EXPECT_GT(as_they_are, turned + kOrientationReadingMargin);
  // Lines given upside down read better turned back, and exactly as well as upright ones.
  std::vector<GreyImage> upside_down = upright;
  for (GreyImage& g : upside_down) std::reverse(g.pixels.begin(), g.pixels.end());
  EXPECT_DOUBLE_EQ(reading_confidence(upside_down, recognizer, true), as_they_are);
  EXPECT_GT(reading_confidence(upside_down, recognizer, true),
            reading_confidence(upside_down, recognizer, false) + kOrientationReadingMargin);
}

TEST(OrientationCheck, NoLinesReadWithNoConfidence) {
  Recognizer recognizer(default_model_path());
  EXPECT_EQ(reading_confidence(std::vector<GreyImage>{}, recognizer, false), 0.0);
  EXPECT_EQ(quick_reading_confidence({}, recognizer, 900, false), 0.0);
}

TEST(OrientationCheck, BeginningsOfUprightLinesReadClearlyAndTurnedOnesDoNot) {
  const std::string font = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf";
  if (!std::filesystem::exists(font)) GTEST_SKIP() << "fonts-liberation2 not installed";
  Recognizer recognizer(default_model_path());
  const std::vector<GreyImage> upright = rendered_lines(font);
  std::vector<const GreyImage*> lines;
  for (const GreyImage& g : upright) lines.push_back(&g);
  // About half of each line (x-height 16 px: some 20 characters).
  const int width = 260;
  EXPECT_GE(quick_reading_confidence(lines, recognizer, width, false), kClearReadingConfidence);
  EXPECT_LT(quick_reading_confidence(lines, recognizer, width, true), kFairReadingConfidence);
  // Given upside down, they read clearly only turned back.
  std::vector<GreyImage> upside_down = upright;
  for (GreyImage& g : upside_down) std::reverse(g.pixels.begin(), g.pixels.end());
  std::vector<const GreyImage*> turned;
  for (const GreyImage& g : upside_down) turned.push_back(&g);
  EXPECT_LT(quick_reading_confidence(turned, recognizer, width, false), kFairReadingConfidence);
  EXPECT_GE(quick_reading_confidence(turned, recognizer, width, true), kClearReadingConfidence);
}

}  // namespace
}  // namespace platen
