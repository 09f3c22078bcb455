#include "training/page_renderer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/errors.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

const std::string kFullFont = "/usr/share/fonts/truetype/freefont/FreeMono.ttf";

#define REQUIRE_FONT(path)                                     \
  if (!fs::exists(path)) GTEST_SKIP() << "font not installed: " << (path)

const std::vector<std::string> kCorpus = {
    "The committee met on the 12th of March and decided that the",
    "Die Behörde hat den Antrag mit Schreiben vom 3. Mai abgelehnt, weil",
    "Le préfet a reçu la lettre et répondra dans les huit jours.",
    "Policejní ředitelství v Brně sděluje, že jmenovaný se zdržuje",
    "Комитет получил письмо и ответит в течение недели, это ясно.",
    "Nr. 1234/38 — 12.3.1938",
};

TEST(GuessLanguage, TellsTheCorpusLanguagesApart) {
  EXPECT_EQ(guess_language("The committee met on the 12th of March and decided that"), "eng");
  EXPECT_EQ(guess_language("Die Behörde hat den Antrag mit Schreiben abgelehnt"), "deu");
  EXPECT_EQ(guess_language("Le préfet a reçu la lettre et répondra dans les huit jours."), "fra");
  EXPECT_EQ(guess_language("Policejní ředitelství v Brně sděluje, že jmenovaný"), "ces");
  EXPECT_EQ(guess_language("Ľudia sa v tom čase báli, že príde vojna."), "slk");
  EXPECT_EQ(guess_language("Jeg har ikke set brevet, og det er på bordet."), "dan");
  EXPECT_EQ(guess_language("Komitet otrzymał list i odpowie w ciągu tygodnia."), "pol");
  EXPECT_EQ(guess_language("Комитет получил письмо и ответит, что это ясно."), "rus");
  EXPECT_EQ(guess_language("Комітет отримав листа і відповість, що це є правда."), "ukr");
  EXPECT_EQ(guess_language("Който сам не се убеди, никой не може да го"), "bul");
  EXPECT_EQ(guess_language("12.3.1938"), "");
  EXPECT_EQ(guess_language("Stafette aderig augenlos"), "");  // no clue: left out of pages
}

TEST(PageCorpus, KeepsOnlyTheRequestedLanguages) {
  const PageCorpus all(kCorpus);
  EXPECT_EQ(all.size(), kCorpus.size() - 1);
  EXPECT_EQ(all.neutral().size(), 1u);  // the file number and date
  const PageCorpus some(kCorpus, {"deu", "rus"});
  EXPECT_EQ(some.size(), 2u);
  EXPECT_EQ(some.by_language().size(), 2u);
  EXPECT_THROW(PageCorpus(kCorpus, {"hun"}), DataError);
}

TEST(PageRenderer, DrawsAnA4PageAt300DpiWithGroundTruth) {
  REQUIRE_FONT(kFullFont);
  LineRenderer font(kFullFont);
  const PageCorpus corpus(kCorpus);
  std::mt19937 rng(3);
  const RenderedPage page = render_page(corpus, {&font}, PageOptions{}, rng);
  EXPECT_EQ(page.image.width, 2480);
  EXPECT_EQ(page.image.height, 3508);
  EXPECT_EQ(page.image.pixels.size(), 2480u * 3508u);
  EXPECT_GE(page.x_height, 20);
  EXPECT_LE(page.x_height, 26);
  EXPECT_LE(std::abs(page.skew_deg), 1.0);
  // A full sheet at single spacing holds about 55 lines; a short letter at double spacing 6.
  EXPECT_GE(page.lines.size(), 5u);
  EXPECT_LE(page.lines.size(), 60u);
  for (const auto& line : page.lines) {
    if (line == "Nr. 1234/38 — 12.3.1938") continue;  // a neutral line, on pages of any language
    EXPECT_EQ(guess_language(line), page.language) << line;
  }
}

TEST(PageRenderer, GroundTruthHasOneEntryPerTypedLine) {
  REQUIRE_FONT(kFullFont);
  LineRenderer font(kFullFont);
  // Letters of x-height only, so that a line's ink rows are one band an x-height high and
  // the pitch leaves clear paper between lines even at single spacing.
  const PageCorpus corpus({"we are on course as someone saw us near some oven",
                           "moreover we were never sure as ours was", "on our move we are seven women, as was common"});
  ASSERT_EQ(corpus.size(), 3u);
  PageOptions options;
  options.clean = true;  // no skew, no noise: ink rows are the typed lines
  for (std::uint32_t seed : {1u, 2u, 5u}) {
    std::mt19937 rng(seed);
    const RenderedPage page = render_page(corpus, {&font}, options, rng);
    // Count bands of rows with ink, merging gaps narrower than an x-height (i, j dots,
    // accents) but not the space between lines.
    int bands = 0, gap = 1 << 20;
    for (int y = 0; y < page.image.height; ++y) {
      const std::uint8_t* row = page.image.row(y);
      bool ink = false;
      for (int x = 0; x < page.image.width && !ink; ++x) ink = row[x] < 128;
      if (ink) {
        if (gap > page.x_height * 0.6) ++bands;
        gap = 0;
      } else {
        ++gap;
      }
    }
    EXPECT_EQ(bands, static_cast<int>(page.lines.size())) << "seed " << seed;
  }
}

TEST(PageRenderer, SameSeedGivesTheSamePage) {
  REQUIRE_FONT(kFullFont);
  LineRenderer font(kFullFont);
  const PageCorpus corpus(kCorpus);
  std::mt19937 a(42), b(42), c(43);
  const RenderedPage x = render_page(corpus, {&font}, PageOptions{}, a);
  const RenderedPage y = render_page(corpus, {&font}, PageOptions{}, b);
  const RenderedPage z = render_page(corpus, {&font}, PageOptions{}, c);
  EXPECT_EQ(x.lines, y.lines);
  EXPECT_EQ(x.language, y.language);
  EXPECT_TRUE(x.image.pixels == y.image.pixels);
  EXPECT_FALSE(x.image.pixels == z.image.pixels);
}


/// Joined texts of a line's truth words.
std::string joined(const std::vector<TruthWord>& words) {
  std::string out;
  for (const TruthWord& w : words) out += (out.empty() ? "" : " ") + w.text;
  return out;
}

TEST(PageRenderer, WordBoxesHoldTheInkOfACleanPage) {
  REQUIRE_FONT(kFullFont);
  LineRenderer font(kFullFont);
  const PageCorpus corpus(kCorpus);
  PageOptions options;
  options.clean = true;
  std::mt19937 rng(7);
  const RenderedPage page = render_page(corpus, {&font}, options, rng);
  ASSERT_EQ(page.words.size(), page.lines.size());
  std::vector<std::uint8_t> covered(page.image.pixels.size(), 0);
  for (std::size_t i = 0; i < page.lines.size(); ++i) {
    EXPECT_EQ(joined(page.words[i]), page.lines[i]);
    for (const TruthWord& w : page.words[i]) {
      ASSERT_FALSE(w.box.empty()) << w.text;
      ASSERT_EQ(w.outline.size(), 4u);
      // Every word's box is tight: ink touches (within a pixel of) each of its four sides.
      int ink_x0 = 1 << 30, ink_y0 = 1 << 30, ink_x1 = -1, ink_y1 = -1;
      for (int y = std::max(0, w.box.y); y < std::min(page.image.height, w.box.bottom()); ++y)
        for (int x = std::max(0, w.box.x); x < std::min(page.image.width, w.box.right()); ++x) {
          covered[static_cast<std::size_t>(y) * page.image.width + x] = 1;
          if (page.image.row(y)[x] < 200) {
            ink_x0 = std::min(ink_x0, x), ink_y0 = std::min(ink_y0, y);
            ink_x1 = std::max(ink_x1, x), ink_y1 = std::max(ink_y1, y);
          }
        }
      EXPECT_LE(ink_x0 - w.box.x, 1) << w.text;
      EXPECT_LE(ink_y0 - w.box.y, 1) << w.text;
      EXPECT_LE(w.box.right() - 1 - ink_x1, 1) << w.text;
      EXPECT_LE(w.box.bottom() - 1 - ink_y1, 1) << w.text;
    }
  }
  // And no ink lies outside every word box.
  long stray = 0;
  for (std::size_t k = 0; k < covered.size(); ++k) stray += !covered[k] && page.image.pixels[k] < 200;
  EXPECT_EQ(stray, 0);
}

TEST(PageRenderer, WordBoxesFollowTheSheetsSkew) {
  REQUIRE_FONT(kFullFont);
  LineRenderer font(kFullFont);
  const PageCorpus corpus(kCorpus);
  PageOptions options;
  options.max_skew_deg = 3;
  int tested = 0;
  for (std::uint32_t seed = 11; tested < 2 && seed < 30; ++seed) {
    std::mt19937 rng(seed);
    const RenderedPage page = render_page(corpus, {&font}, options, rng);
    if (std::abs(page.skew_deg) < 1) continue;  // the boxes hardly move
    ++tested;
    // Most of the darkest pixels lie inside a word box; specks and noise lie anywhere.
    std::vector<std::uint8_t> covered(page.image.pixels.size(), 0);
    for (const auto& line : page.words)
      for (const TruthWord& w : line)
        for (int y = std::max(0, w.box.y); y < std::min(page.image.height, w.box.bottom()); ++y)
          for (int x = std::max(0, w.box.x); x < std::min(page.image.width, w.box.right()); ++x)
            covered[static_cast<std::size_t>(y) * page.image.width + x] = 1;
    long dark = 0, inside = 0;
    for (std::size_t k = 0; k < covered.size(); ++k)
      if (page.image.pixels[k] < 60) ++dark, inside += covered[k];
    ASSERT_GT(dark, 1000);
    EXPECT_GT(static_cast<double>(inside) / dark, 0.97) << "seed " << seed;
  }
  EXPECT_EQ(tested, 2);
}

}  // namespace
}  // namespace platen
