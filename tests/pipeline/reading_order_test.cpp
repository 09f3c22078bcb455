// Reading order on rendered pages (issue 11): two typed columns read column by column, with a
// short heading and a speck in the gutter that must not cut the columns into bands, and a
// fixed-pitch table read row by row with each row's cells in order on one line.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/text.h"
#include "image/page_reader.h"
#include "pipeline/page_pipeline.h"
#include "training/evaluation.h"
#include "training/page_renderer.h"
#include "test_pages.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

const std::string kCourier = "/usr/share/fonts/opentype/courier-prime/Courier Prime.otf";

/// The page's text lines as read, one string per line (a page's text holds no empty line).
std::vector<std::string> read_lines(const GreyImage& image, const std::string& name) {
  const std::optional<PageResult> page = test::read_rendered_page(pix_from_grey_image(image), name);
  if (!page) return {};
  const std::vector<std::string> lines = test::lines_of(page->text);
  for (const std::string& l : lines) std::printf("%s: | %s\n", name.c_str(), l.c_str());
  return lines;
}

/// Copies `part` into `page` with its top-left corner at (x, y), darkest pixel winning.
void paste(GreyImage& page, const GreyImage& part, int x, int y) {
  for (int r = 0; r < part.height && y + r < page.height; ++r) {
    for (int c = 0; c < part.width && x + c < page.width; ++c) {
      std::uint8_t& p = page.pixels[static_cast<std::size_t>(y + r) * page.width + x + c];
      p = std::min(p, part.pixels[static_cast<std::size_t>(r) * part.width + c]);
    }
  }
}

TEST(ReadingOrder, TwoTypedColumnsReadColumnByColumnDespiteAHeadingAndASpeckInTheGutter) {
  ASSERT_TRUE(fs::exists(kCourier)) << "fonts-courier-prime is installed by scripts/setup-deps";
  LineRenderer font(kCourier);
  const std::vector<std::string> left = {
      "The committee met on Tuesday", "and agreed to send all the",   "reports by the end of the",
      "month. Every member came in", "good time, signed the minutes", "and left before noon. Copies",
      "went to the office in town", "and to the archive, where the", "clerk filed them with the",
      "letters of the last year."};
  const std::vector<std::string> right = {
      "Questions about the accounts", "go to the secretary, who keeps", "the records of every meeting",
      "held in the main hall of the", "building on the first floor,", "next to the library and the",
      "reading room. She answers on", "Mondays and Thursdays from", "nine until twelve, and by",
      "letter on the other days."};
  LineStyle style = LineStyle::clean();
  style.x_height = 22;
  std::mt19937 rng(3);
  GreyImage page(2480, 1400, 255);
  // Single spacing (six lines to the inch), columns at 2.5 cm and 11 cm, as typed with tab stops:
  // a gutter of some ten characters. The right column starts half a line lower, as a typist
  // rolling the sheet back rarely hits the same line.
  for (std::size_t i = 0; i < left.size(); ++i) {
    paste(page, font.render(utf8_to_utf32(left[i]), style, rng), 295, 200 + 50 * static_cast<int>(i));
    paste(page, font.render(utf8_to_utf32(right[i]), style, rng), 1300, 225 + 50 * static_cast<int>(i));
  }
  // A short heading in the gutter halfway down, a little left of its middle, and a speck
  // lower down: neither reaches either column's text.
  const GreyImage heading = font.render(utf8_to_utf32("NOTE"), style, rng);
  paste(page, heading, 1175 - heading.width / 2, 420);
  GreyImage speck(9, 9, 0);
  paste(page, speck, 1180, 560);

  std::vector<std::string> truth = left;
  truth.insert(truth.end(), right.begin(), right.end());
  const std::vector<std::string> read = read_lines(page, "two-columns");
  // Every column line read once, exactly, in order: the left column's, then the right one's
  // (the heading, a line of its own, may come anywhere).
  std::vector<std::string> column_lines;
  for (const std::string& l : read) {
    if (l != "NOTE") column_lines.push_back(l);
  }
  EXPECT_EQ(column_lines, truth);
  EXPECT_NE(std::find(read.begin(), read.end(), "NOTE"), read.end());
}

}  // namespace
}  // namespace platen
