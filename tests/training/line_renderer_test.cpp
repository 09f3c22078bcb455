#include "training/line_renderer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/text.h"
#include "recognition/alphabet.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

// Courier Prime has Latin only; FreeMono covers the whole alphabet, Cyrillic included.
const std::string kLatinOnlyFont = "/usr/share/fonts/opentype/courier-prime/Courier Prime.otf";
const std::string kFullFont = "/usr/share/fonts/truetype/freefont/FreeMono.ttf";

#define REQUIRE_FONT(path)                                     \
  if (!fs::exists(path)) GTEST_SKIP() << "font not installed: " << (path)

/// Font files listed in scripts/<name> (comments and blank lines skipped).
std::vector<std::string> font_list(const std::string& name) {
  std::ifstream in(fs::path(test::source_dir()) / "scripts" / name);
  std::vector<std::string> fonts;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') fonts.push_back(line);
  return fonts;
}

std::uint8_t darkest(const GreyImage& img) { return *std::min_element(img.pixels.begin(), img.pixels.end()); }

std::uint8_t median(const GreyImage& img) {
  std::vector<std::uint8_t> p = img.pixels;
  std::nth_element(p.begin(), p.begin() + p.size() / 2, p.end());
  return p[p.size() / 2];
}

TEST(LineRenderer, SameSeedGivesTheSameImage) {
  REQUIRE_FONT(kFullFont);
  LineRenderer a(kFullFont), b(kFullFont);
  const std::string text = "Dodatečně sděluje policejní ředitelství v Brně, 12.3.1938";
  for (std::uint32_t seed : {1u, 7u, 12345u}) {
    const GreyImage x = a.render(text, seed), y = b.render(text, seed);
    ASSERT_EQ(x.width, y.width);
    ASSERT_EQ(x.height, y.height);
    EXPECT_EQ(x.pixels, y.pixels) << "seed " << seed;
  }
  const GreyImage s1 = a.render(text, 1), s2 = a.render(text, 2);
  EXPECT_TRUE(s1.width != s2.width || s1.pixels != s2.pixels);
}

TEST(LineRenderer, ReportsGlyphsTheFontLacks) {
  REQUIRE_FONT(kLatinOnlyFont);
  LineRenderer latin(kLatinOnlyFont);
  EXPECT_TRUE(latin.missing_glyphs(U"Žluťoučký kůň, „Straße“ – 12.3.1938").empty());
  // Each missing code point once, in order; spaces never count.
  EXPECT_EQ(latin.missing_glyphs(U"Привет мир, Prag"), U"Приветм");
  std::mt19937 rng(1);
  EXPECT_THROW(latin.render(U"Ответ: да", LineStyle::clean(), rng), DataError);
}

TEST(LineRenderer, FullFontDrawsCyrillic) {
  REQUIRE_FONT(kFullFont);
  LineRenderer full(kFullFont);
  EXPECT_TRUE(full.missing_glyphs(U"Ґанок, їжак, Ўсход, Ёлка, № 5").empty());
  std::mt19937 rng(3);
  const GreyImage img = full.render(U"Ґанок, їжак, Ўсход", LineStyle::clean(), rng);
  EXPECT_LT(darkest(img), 60);
}

TEST(LineRenderer, CleanLineIsDarkInkOnWhitePaper) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  std::mt19937 rng(5);
  const GreyImage img = r.render(U"The quick brown fox", LineStyle::clean(), rng);
  EXPECT_EQ(img.height, 48);
  EXPECT_GT(img.width, 4 * img.height);  // 19 characters of monospaced type
  EXPECT_LT(darkest(img), 40);
  EXPECT_EQ(median(img), 255);
  // Ink spans the text from left to right: every quarter of the width has some.
  for (int q = 0; q < 4; ++q) {
    bool ink = false;
    for (int y = 0; y < img.height && !ink; ++y)
      for (int x = q * img.width / 4; x < (q + 1) * img.width / 4 && !ink; ++x) ink = img.at(x, y) < 128;
    EXPECT_TRUE(ink) << "no ink in quarter " << q;
  }
}

TEST(LineRenderer, CleanStyleIgnoresTheSeed) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  std::mt19937 a(1), b(999);
  EXPECT_EQ(r.render(U"Nr. 45/38", LineStyle::clean(), a).pixels, r.render(U"Nr. 45/38", LineStyle::clean(), b).pixels);
}

TEST(LineRenderer, OutputHeightFollowsTheStyle) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  LineStyle style = LineStyle::clean();
  style.output_height = 0;  // scan size: crop_height x-heights
  style.x_height = 10;
  style.crop_height = 4;
  std::mt19937 rng(1);
  EXPECT_EQ(r.render(U"abc", style, rng).height, 40);
  style.output_height = 32;
  EXPECT_EQ(r.render(U"abc", style, rng).height, 32);
}

TEST(LineRenderer, LongerTextGivesWiderImage) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  std::mt19937 rng(1);
  const int short_w = r.render(U"abc", LineStyle::clean(), rng).width;
  const int long_w = r.render(U"abcabcabcabc", LineStyle::clean(), rng).width;
  EXPECT_GT(long_w, 3 * short_w);
}

TEST(LineRenderer, RefusesBlankLines) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  std::mt19937 rng(1);
  EXPECT_THROW(r.render(U"   ", LineStyle::clean(), rng), DataError);
  EXPECT_THROW(r.render(U"", LineStyle::clean(), rng), DataError);
}

TEST(LineRenderer, RefusesMissingFontFile) {
  EXPECT_THROW(LineRenderer("/nonexistent/font.ttf"), DataError);
}

TEST(LineRenderer, DegradedLinesKeepLegibleInk) {
  REQUIRE_FONT(kFullFont);
  LineRenderer r(kFullFont);
  // Over many random styles (carbon copies, worn ribbons, 1-bit scans…) the strokes stay
  // clearly darker than the paper: at least 60 grey levels between paper and darkest ink.
  for (std::uint32_t seed = 0; seed < 60; ++seed) {
    const GreyImage img = r.render("Wieviel Geld haben sie? Dreissig Kronen.", seed);
    EXPECT_EQ(img.height, 48);
    EXPECT_GT(median(img) - darkest(img), 60) << "seed " << seed;
  }
}

TEST(SampleLineStyle, StaysInTheMeasuredRanges) {
  std::mt19937 rng(42);
  int carbon = 0, bilevel = 0;
  for (int i = 0; i < 2000; ++i) {
    const LineStyle s = sample_line_style(rng);
    EXPECT_GE(s.x_height, 6);
    EXPECT_LE(s.x_height, 25);
    EXPECT_LE(std::abs(s.rotation_deg), 1.0);
    EXPECT_GE(s.crop_height, 2.8);
    EXPECT_LE(s.crop_height, 7.0);
    EXPECT_GT(s.paper_tone, s.ink_tone + 50);
    EXPECT_EQ(s.output_height, 48);
    carbon += s.ink_tone >= 50 && s.blur_sigma > 0.5 && !s.bilevel;
    bilevel += s.bilevel;
  }
  EXPECT_GT(carbon, 50);   // faint carbon copies are part of the mix
  EXPECT_GT(bilevel, 50);  // and 1-bit scans
}

TEST(Fonts, TrainingAndHeldOutFontsOpenAndHeldOutCoverTheAlphabet) {
  const std::vector<std::string> training = font_list("fonts.txt");
  const std::vector<std::string> held_out = font_list("fonts-heldout.txt");
  ASSERT_FALSE(training.empty());
  ASSERT_EQ(held_out.size(), 2u);
  for (const auto& f : held_out)
    EXPECT_EQ(std::find(training.begin(), training.end(), f), training.end()) << f << " is also trained on";
  const Alphabet alphabet = Alphabet::standard();
  for (const auto& f : training) {
    if (!fs::exists(f)) continue;
    EXPECT_NO_THROW(LineRenderer{f}) << f;
  }
  for (const auto& f : held_out) {
    if (!fs::exists(f)) continue;
    LineRenderer r(f);
    EXPECT_EQ(utf32_to_utf8(r.missing_glyphs(alphabet.symbols())), "") << f;
  }
}

}  // namespace
}  // namespace platen
