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

TEST(OrientationCheck, UprightLinesStayAndTurnedLinesAreCaught) {
  const std::string font = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf";
  if (!std::filesystem::exists(font)) GTEST_SKIP() << "fonts-liberation2 not installed";
  Recognizer recognizer(default_model_path());
  std::vector<GreyImage> upright = rendered_lines(font);
  EXPECT_FALSE(lines_read_better_turned(upright, recognizer));
  std::vector<GreyImage> turned = upright;
  for (GreyImage& g : turned) std::reverse(g.pixels.begin(), g.pixels.end());
  EXPECT_TRUE(lines_read_better_turned(turned, recognizer));
}

TEST(OrientationCheck, NoLinesGiveNoTurn) {
  Recognizer recognizer(default_model_path());
  EXPECT_FALSE(lines_read_better_turned({}, recognizer));
}

}  // namespace
}  // namespace platen
