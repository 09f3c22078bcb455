// Tests for src/layout/line_finder.cpp: rendered pages with known lines (straight, skewed,
// curved, underlined, touching, noisy, two columns) and the real dev pages.

#include "layout/line_finder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "image/page_preparer.h"
#include "image/page_reader.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

constexpr int kPaper = 225;    // grey of the paper on rendered pages
constexpr int kInk = 40;       // grey of the ink
constexpr int kFontSize = 10;  // Leptonica bitmap font: x-height 20 px, ascenders 29, descenders 11
constexpr int kXHeight = 20;

// Sentences with ascenders and descenders in most words, so that touching lines really touch.
const std::vector<std::string> kSentences = {
    "The quick brown fox jumps over the lazy dog, judging the typist quietly.",
    "Typewritten pages of the archive keep their ghostly grey lines for ages.",
    "Hold the ribbon tight: a jumpy key gives light, patchy glyphs and dots.",
    "Dear Sirs, I beg of you, kindly reply by the eighth of July, if possible.",
    "Polished gold type, a sharp platen and quality paper yield clear pages.",
    "Eighty-five boxes of yellowed papers lay piled high in the dusty hall.",
    "Big jugs of thick glue keep the pages bound, though they age quickly.",
    "Justify the lengthy paragraph by typing spaces, not by hyphenating.",
    "Help the clerk: file the duplicate copy of the deposition by Friday.",
    "Jolly typists quipped that a good ribbon lasts longer than a bad day.",
};

// A 1 bpp page (1 = ink) with lines of text in the bitmap font.
struct RenderedPage {
  PixPtr pix;
  std::vector<int> baselines;  // page y of each line's baseline
  int left = 0;                // x where each line starts
};

RenderedPage render_page(int n_lines, int pitch, int width = 1800, int left = 120, int top = 160) {
  RenderedPage page;
  const int height = top + n_lines * pitch + 160;
  page.pix = adopt(pixCreate(width, height, 1));
  page.left = left;
  L_BMF* bmf = bmfCreate(nullptr, kFontSize);
  for (int i = 0; i < n_lines; ++i) {
    const int baseline = top + i * pitch;
    l_int32 w = 0, overflow = 0;
    const std::string& text = kSentences[i % kSentences.size()];
    pixSetTextline(page.pix.get(), bmf, text.c_str(), 1, left, baseline, &w, &overflow);
    page.baselines.push_back(baseline);
  }
  bmfDestroy(&bmf);
  return page;
}

// Renders `text` at (x, baseline) into `pix`; returns the width drawn.
int draw_text(Pix* pix, const std::string& text, int x, int baseline) {
  L_BMF* bmf = bmfCreate(nullptr, kFontSize);
  l_int32 w = 0, overflow = 0;
  pixSetTextline(pix, bmf, text.c_str(), 1, x, baseline, &w, &overflow);
  bmfDestroy(&bmf);
  return w;
}

// The prepared page a binary page would give: grey with paper and ink tones.
PreparedPage prepared(const PixPtr& binary) {
  PreparedPage page;
  page.grey = adopt(pixConvert1To8(nullptr, binary.get(), kPaper, kInk));
  page.binary = adopt(pixCopy(nullptr, binary.get()));
  page.dpi = 300;
  return page;
}

// Vertical centre of a found line on the page.
double centre_y(const TextLine& line) { return line.box.y + 0.5 * line.box.height; }

// Lines sorted as returned must go down the page.
void expect_top_to_bottom(const std::vector<TextLine>& lines) {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_LT(centre_y(lines[i - 1]), centre_y(lines[i])) << "line " << i << " is above line " << i - 1;
  }
}

// Each true baseline (at the page's middle column, where lines are longest) lies inside the
// box of the line found for it, in the same order.
void expect_lines_match(const std::vector<TextLine>& lines, const std::vector<int>& baselines) {
  ASSERT_EQ(lines.size(), baselines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_GE(baselines[i], lines[i].box.y) << "line " << i;
    EXPECT_LE(baselines[i], lines[i].box.bottom()) << "line " << i;
  }
}

// Shifts every 8-px column strip of `pix` down by amplitude·sin(2πx/period): lines that rise
// and fall across the page like a page photographed on a curved book spread.
PixPtr curve(Pix* pix, double amplitude, double period) {
  const int w = pixGetWidth(pix);
  const int h = pixGetHeight(pix);
  PixPtr out = adopt(pixCreate(w, h, 1));
  constexpr int kStrip = 8;
  for (int x = 0; x < w; x += kStrip) {
    const int dy = static_cast<int>(std::lround(amplitude * std::sin(2 * M_PI * x / period)));
    pixRasterop(out.get(), x, dy, std::min(kStrip, w - x), h, PIX_SRC, pix, x, 0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

TEST(LineFinder, EmptyAndBlankPagesGiveNoLines) {
  EXPECT_TRUE(find_text_lines(PreparedPage{}).empty());
  PixPtr blank = adopt(pixCreate(1200, 1600, 1));
  EXPECT_TRUE(find_text_lines(prepared(blank)).empty());
}

TEST(LineFinder, StraightPageGivesEveryLineWithBaselineAndXHeight) {
  RenderedPage page = render_page(16, 60);
  const std::vector<TextLine> lines = find_text_lines(prepared(page.pix));
  ASSERT_EQ(lines.size(), 16u);
  expect_top_to_bottom(lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    // The baseline is reported within the crop; on a straight page the crop's rows are the
    // page's rows from box.y down.
    EXPECT_NEAR(line.box.y + line.baseline, page.baselines[i], 2) << "line " << i;
    EXPECT_NEAR(line.x_height, kXHeight, 3) << "line " << i;
    EXPECT_EQ(line.image.width, line.box.width);
    EXPECT_GT(line.image.height, 41);  // ascender to descender, plus margins
    EXPECT_LT(line.image.height, 2 * 41);
    EXPECT_LE(line.box.x, page.left);
    EXPECT_GT(line.box.x, page.left - 30);
  }
}

TEST(LineFinder, CropsArePaperToneOutsideTheLineAndKeepTheInk) {
  RenderedPage page = render_page(10, 60);
  const std::vector<TextLine> lines = find_text_lines(prepared(page.pix));
  ASSERT_EQ(lines.size(), 10u);
  for (const TextLine& line : lines) {
    const GreyImage& im = line.image;
    ASSERT_EQ(im.pixels.size(), static_cast<std::size_t>(im.width) * im.height);
    EXPECT_EQ(im.at(0, 0), kPaper);
    EXPECT_EQ(im.at(im.width - 1, im.height - 1), kPaper);
    const auto darkest = *std::min_element(im.pixels.begin(), im.pixels.end());
    EXPECT_EQ(darkest, kInk);
  }
}

TEST(LineFinder, ResidualSkewOfOneAndAHalfDegreesKeepsLinesApart) {
  for (double degrees : {1.5, -1.5}) {
    RenderedPage page = render_page(18, 56);
    PixPtr skewed = adopt(pixRotate(page.pix.get(), static_cast<float>(degrees * M_PI / 180), L_ROTATE_SAMPLING,
                                    L_BRING_IN_WHITE, 0, 0));
    const std::vector<TextLine> lines = find_text_lines(prepared(skewed));
    ASSERT_EQ(lines.size(), 18u) << degrees << " degrees";
    expect_top_to_bottom(lines);
    // The rotation is about the page centre, so each baseline keeps its height at the middle
    // column, and the crop is straightened: ink must not spill out of a normal line height.
    expect_lines_match(lines, page.baselines);
    for (const TextLine& line : lines) {
      EXPECT_NEAR(line.x_height, kXHeight, 4);
      EXPECT_LT(line.image.height, 2 * 41);
    }
  }
}

TEST(LineFinder, CurvedLinesAreFollowed) {
  // Lines drift ±14 px across the page, half their spacing; a single horizontal profile
  // would see them merge.
  RenderedPage page = render_page(18, 56);
  PixPtr curved = curve(page.pix.get(), 14.0, 1400.0);
  const std::vector<TextLine> lines = find_text_lines(prepared(curved));
  ASSERT_EQ(lines.size(), 18u);
  expect_top_to_bottom(lines);
  for (const TextLine& line : lines) {
    EXPECT_NEAR(line.x_height, kXHeight, 4);
    // Straightened along the curve, so no taller than a straight line's crop.
    EXPECT_LT(line.image.height, 2 * 41);
  }
}

TEST(LineFinder, TouchingAscendersAndDescendersAreSplitBetweenLines) {
  // 38 px spacing: descenders reach 11 px below the baseline and ascenders 29 px above it,
  // so the lines overlap by two rows and many letters touch across lines.
  RenderedPage page = render_page(20, 38);
  BOXA* raw = pixConnCompBB(page.pix.get(), 8);
  ASSERT_NE(raw, nullptr);
  int merged = 0;
  for (int i = 0; i < boxaGetCount(raw); ++i) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(raw, i, &x, &y, &w, &h);
    if (h > 45) ++merged;  // spans two lines
  }
  boxaDestroy(&raw);
  ASSERT_GT(merged, 20) << "the test page should have touching lines";

  const std::vector<TextLine> lines = find_text_lines(prepared(page.pix));
  ASSERT_EQ(lines.size(), 20u);
  expect_top_to_bottom(lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    EXPECT_NEAR(line.box.y + line.baseline, page.baselines[i], 3) << "line " << i;
    EXPECT_NEAR(line.x_height, kXHeight, 3) << "line " << i;
    // Neighbours' ascenders and descenders reaching into the crop are paper: the crop's top
    // and bottom rows, in the margin beyond the line's own ink, hold no ink.
    const GreyImage& im = line.image;
    for (int x = 0; x < im.width; ++x) {
      ASSERT_EQ(im.at(x, 0), kPaper) << "line " << i << " top row, x " << x;
      ASSERT_EQ(im.at(x, im.height - 1), kPaper) << "line " << i << " bottom row, x " << x;
    }
  }
}

TEST(LineFinder, UnderlinesStayOutOfTheLines) {
  RenderedPage page = render_page(14, 60);
  // Every other line underlined 3 px below its baseline, 2 px thick: the descenders cross
  // the rule, so letters and rule form one blob.
  for (std::size_t i = 0; i < page.baselines.size(); i += 2) {
    pixRasterop(page.pix.get(), page.left, page.baselines[i] + 3, 1300, 2, PIX_SET, nullptr, 0, 0);
  }
  const std::vector<TextLine> lines = find_text_lines(prepared(page.pix));
  ASSERT_EQ(lines.size(), 14u);
  expect_top_to_bottom(lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_NEAR(lines[i].box.y + lines[i].baseline, page.baselines[i], 2) << "line " << i;
    EXPECT_NEAR(lines[i].x_height, kXHeight, 3) << "line " << i;
  }
}

TEST(LineFinder, SpecksPunchHolesAndDarkBordersAreNotLines) {
  RenderedPage page = render_page(16, 60);
  const std::vector<TextLine> clean = find_text_lines(prepared(page.pix));
  ASSERT_EQ(clean.size(), 16u);

  Pix* pix = page.pix.get();
  const int w = pixGetWidth(pix);
  const int h = pixGetHeight(pix);
  std::mt19937 rng(7);
  // Specks: 600 dots of 1–3 px anywhere.
  for (int i = 0; i < 600; ++i) {
    const int s = 1 + static_cast<int>(rng() % 3);
    pixRasterop(pix, static_cast<int>(rng() % (w - 3)), static_cast<int>(rng() % (h - 3)), s, s, PIX_SET,
                nullptr, 0, 0);
  }
  // Punch holes: two filled discs 60 px across in the left margin, x 15–75.
  for (int cy : {h / 4, 3 * h / 4}) {
    for (int y = -30; y <= 30; ++y) {
      for (int x = -30; x <= 30; ++x) {
        if (x * x + y * y <= 900) pixSetPixel(pix, 45 + x, cy + y, 1);
      }
    }
  }
  // Dark scan border: a ragged black band down the right edge and along the top.
  for (int y = 0; y < h; ++y) {
    const int band = 25 + static_cast<int>(rng() % 20);
    pixRasterop(pix, w - band, y, band, 1, PIX_SET, nullptr, 0, 0);
  }
  for (int x = 0; x < w; ++x) {
    const int band = 20 + static_cast<int>(rng() % 15);
    pixRasterop(pix, x, 0, 1, band, PIX_SET, nullptr, 0, 0);
  }

  const std::vector<TextLine> noisy = find_text_lines(prepared(page.pix));
  ASSERT_EQ(noisy.size(), clean.size());
  for (std::size_t i = 0; i < noisy.size(); ++i) {
    EXPECT_NEAR(noisy[i].box.y + noisy[i].baseline, page.baselines[i], 2) << "line " << i;
    // The border and holes stay out of the lines' extent (specks next to a line may join it).
    EXPECT_GT(noisy[i].box.x, 75) << "line " << i;
    EXPECT_LT(noisy[i].box.right(), w - 45) << "line " << i;
    EXPECT_LT(noisy[i].box.height, clean[i].box.height + 20) << "line " << i;
  }
}

TEST(LineFinder, TwoColumnsAreReadLeftColumnFirst) {
  constexpr int kWidth = 1800, kPitch = 60, kRows = 8, kRight = 960;
  PixPtr pix = adopt(pixCreate(kWidth, 300 + kRows * kPitch + 200, 1));
  draw_text(pix.get(), "A Title Typed Across Both Columns of the Report", 400, 150);
  const std::vector<std::string> words = {"Typed columns keep", "their ragged edges", "apart by a gutter,",
                                          "quite plainly wide", "enough to judge by", "eye: the reader goes",
                                          "down the left column", "then up the right."};
  for (int i = 0; i < kRows; ++i) {
    draw_text(pix.get(), words[i], 120, 300 + i * kPitch);
    draw_text(pix.get(), words[(i + 3) % kRows], kRight, 300 + i * kPitch);
  }
  const std::vector<TextLine> lines = find_text_lines(prepared(pix));
  ASSERT_EQ(lines.size(), 1u + 2 * kRows);
  EXPECT_LT(lines[0].box.y + lines[0].baseline, 200);  // the title first
  for (int i = 0; i < kRows; ++i) {
    const TextLine& left = lines[1 + i];
    const TextLine& right = lines[1 + kRows + i];
    EXPECT_LT(left.box.right(), kRight) << "left column, row " << i;
    EXPECT_GE(right.box.right(), kRight) << "right column, row " << i;
    EXPECT_NEAR(left.box.y + left.baseline, 300 + i * kPitch, 2);
    EXPECT_NEAR(right.box.y + right.baseline, 300 + i * kPitch, 2);
  }
}

TEST(LineFinder, WideSpacesInsideALineDoNotSplitIt) {
  // Sentences followed by four spaces, as some typists did: prose runs on above and below,
  // so the gap is not a column gutter.
  PixPtr pix = adopt(pixCreate(1800, 700, 1));
  for (int i = 0; i < 6; ++i) {
    const int x = 120 + draw_text(pix.get(), "Dear Sirs, we agree.", 120, 150 + 60 * i);
    draw_text(pix.get(), "The papers were typed in haste by the clerk.", x + (i == 2 ? 110 : 30), 150 + 60 * i);
  }
  const std::vector<TextLine> lines = find_text_lines(prepared(pix));
  EXPECT_EQ(lines.size(), 6u);
}

TEST(LineFinder, FullPageOfFiftyLinesGivesFiftyLines) {
  // A 2400×3300 page (A4 at 280 dpi) of 50 lines. Its speed is measured by scripts/bench-pages.
  RenderedPage page = render_page(50, 60, 2400, 150, 150);
  PixPtr full = adopt(pixCreate(2400, 3300, 1));
  pixRasterop(full.get(), 0, 0, 2400, pixGetHeight(page.pix.get()), PIX_SRC, page.pix.get(), 0, 0);
  const PreparedPage prepared_page = prepared(full);
  const std::vector<TextLine> lines = find_text_lines(prepared_page);
  EXPECT_EQ(lines.size(), 50u);
}

// ---------------------------------------------------------------------------------------------
// Real pages: the dev set of the typewritten dataset, prepared by prepare_page.

int count_ground_truth_lines(const fs::path& gt) {
  std::ifstream in(gt);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  }
  return n;
}

TEST(LineFinder, DevPagesLineCountsWithinTenPercentOfGroundTruth) {
  const std::string dataset = test::typewritten_dataset_dir();
  const fs::path pages = fs::path(dataset) / "dev" / "pages";
  if (dataset.empty() || !fs::exists(pages)) GTEST_SKIP() << "typewritten dev pages not found";
  std::vector<fs::path> images;
  for (const auto& entry : fs::directory_iterator(pages)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".jpg" || ext == ".jpeg") images.push_back(entry.path());
  }
  std::sort(images.begin(), images.end());
  ASSERT_FALSE(images.empty());
  int within = 0;
  for (const fs::path& image : images) {
    fs::path gt = image;
    gt.replace_extension(".gt.txt");
    const int expected = count_ground_truth_lines(gt);
    ASSERT_GT(expected, 0) << gt;
    const PreparedPage page = prepare_page(read_image_page(image.string(), 0));
    const int found = static_cast<int>(find_text_lines(page).size());
    const bool ok = std::abs(found - expected) <= 0.1 * expected;
    within += ok;
    std::printf("  %-50s lines %3d, ground truth %3d%s\n", image.stem().string().c_str(), found, expected,
                ok ? "" : "  (off by more than 10 %)");
  }
  EXPECT_GE(within, static_cast<int>(images.size()) - 2);
}

}  // namespace
}  // namespace platen
