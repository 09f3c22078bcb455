// Line geometry that cannot collapse (layout/line_geometry.h): a clean page in a Courier face
// dense in l, 1 and I, whose densest ink rows are the baseline serifs, not the x-height band.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "image/page_preparer.h"
#include "image/page_reader.h"
#include "layout/line_finder.h"
#include "layout/line_geometry.h"
#include "training/page_renderer.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

TEST(LineGeometry, ACollapsedProfileIsRemeasuredAPlausibleOneStands) {
  // Relative to the centre path: ink from -16 to 14, baseline at 8.
  layout::LineMetrics collapsed{5, 8, -16, 14};  // a 4 px band on the serifs
  layout::LineMetrics columns{-14, 9, -16, 14};  // 24 px from the columns
  layout::CheckedMetrics c = layout::check_line_metrics(collapsed, columns, 24.0);
  EXPECT_TRUE(c.remeasured);
  EXPECT_EQ(c.metrics.dy_baseline, 8);  // the profile's baseline: the columns agree
  EXPECT_EQ(c.metrics.dy_baseline - c.metrics.dy_xline + 1, 24);
  EXPECT_EQ(c.metrics.dy_top, -16);
  EXPECT_EQ(c.metrics.dy_bottom, 14);

  // Columns that disagree on the baseline and are implausible themselves: their baseline, the
  // page's x-height.
  layout::LineMetrics wild{12, 13, -16, 14};
  c = layout::check_line_metrics(collapsed, wild, 24.0);
  EXPECT_TRUE(c.remeasured);
  EXPECT_EQ(c.metrics.dy_baseline, 13);
  EXPECT_EQ(c.metrics.dy_baseline - c.metrics.dy_xline + 1, 24);

  layout::LineMetrics good{-13, 8, -16, 14};  // 22 px: plausible
  c = layout::check_line_metrics(good, wild, 24.0);
  EXPECT_FALSE(c.remeasured);
  EXPECT_EQ(c.metrics.dy_xline, -13);
  EXPECT_EQ(c.metrics.dy_baseline, 8);
}

/// Lines dense in l, 1 and I (with enough common words for the renderer to give them a language).
const std::vector<std::string>& dense_lines() {
  static const std::vector<std::string> lines = {
      "Bill filled 111 little bills at Lille in 1911 and still ill, the mill is idle.",
      "I will tell the Illinois Mill that 11 lilies fill all the tall little hills.",
      "Ill will kill the illicit trill of Illyria, 1111 idyllic lilts in the hill.",
      "It is 11.11.1911: lll Ill 1l1 I1l, the till is full and the bell is still."};
  return lines;
}

TEST(LineGeometry, LinesDenseInL1IKeepTheirXHeight) {
  const std::string font_path = "/usr/share/fonts/opentype/courier-prime/Courier Prime.otf";
  ASSERT_TRUE(fs::exists(font_path)) << "fonts-courier-prime is installed by scripts/setup-deps";
  LineRenderer font(font_path);
  const PageCorpus corpus(dense_lines());
  PageOptions options;
  options.clean = true;
  options.height = 1400;
  std::mt19937 rng(7);
  const RenderedPage page = render_page(corpus, {&font}, options, rng);
  ASSERT_GE(page.lines.size(), 8u);
  const std::string path = test::make_temp_dir() + "/dense-l1i.png";
  PixPtr pix = pix_from_grey_image(page.image);
  ASSERT_EQ(pixWrite(path.c_str(), pix.get(), IFF_PNG), 0);

  PrepareOptions prepare;
  prepare.quarter_turns = 0;
  const PreparedPage prepared = prepare_page(read_image_page(path, 0), prepare);
  const std::vector<TextLine> lines = find_text_lines(prepared);
  // Each typed line, and (still) one fragment of ascender tops found as a line of its own.
  ASSERT_GE(lines.size(), page.lines.size());
  ASSERT_LE(lines.size(), page.lines.size() + 1);
  for (const TextLine& line : lines) {
    if (line.box.width < 300) continue;  // the fragment
    // Before the check: 3–4 px on every line (the band of the baseline serifs).
    EXPECT_NEAR(line.x_height, page.x_height, 0.15 * page.x_height) << "line at y " << line.box.y;
    // The crop holds the whole line: the ascenders of l and I included.
    EXPECT_GE(line.image.height, 1.6 * page.x_height) << "line at y " << line.box.y;
  }
}

}  // namespace
}  // namespace platen
