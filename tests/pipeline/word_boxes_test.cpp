// Word boxes of the page result against the truth of rendered pages (the glyphs' boxes as the
// renderer struck them), upright, turned by 90/180/270° and skewed; line boxes on the dev
// pages against their ALTO lines.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/text.h"
#include "pipeline/page_pipeline.h"
#include "training/page_renderer.h"
#include "test_pages.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

double iou(const Box& a, const Box& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  if (x1 <= x0 || y1 <= y0) return 0;
  const double inter = static_cast<double>(x1 - x0) * (y1 - y0);
  return inter / (static_cast<double>(a.width) * a.height + static_cast<double>(b.width) * b.height - inter);
}

/// `image` turned clockwise by `quarter_turns` quarter turns, and `box` with it.
GreyImage turned(const GreyImage& image, int quarter_turns) {
  if (quarter_turns % 4 == 0) return image;
  const bool sideways = quarter_turns % 2 == 1;
  GreyImage out(sideways ? image.height : image.width, sideways ? image.width : image.height);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      int ox = x, oy = y;
      if (quarter_turns == 1) ox = image.height - 1 - y, oy = x;
      if (quarter_turns == 2) ox = image.width - 1 - x, oy = image.height - 1 - y;
      if (quarter_turns == 3) ox = y, oy = image.width - 1 - x;
      out.at(ox, oy) = image.at(x, y);
    }
  return out;
}
Box turned(const Box& b, int quarter_turns, int w, int h) {
  switch (quarter_turns % 4) {
    case 1: return Box{h - b.bottom(), b.x, b.height, b.width};
    case 2: return Box{w - b.right(), h - b.bottom(), b.width, b.height};
    case 3: return Box{b.y, w - b.right(), b.height, b.width};
    default: return b;
  }
}

void write_pgm(const GreyImage& image, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << image.width << " " << image.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(image.pixels.data()), static_cast<std::streamsize>(image.pixels.size()));
}

TEST(WordBoxes, RenderedPagesUprightTurnedAndSkewedMatchTheTruth) {
  // Liberation Mono is one of the faces kept out of training.
  const std::string font_path = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf";
  if (!fs::exists(font_path)) GTEST_SKIP() << "fonts-liberation2 not installed";
  LineRenderer font(font_path);
  const PageCorpus corpus({"The committee met on the 12th of March and decided that the",
                           "application of Mr. Weiss was to be granted without delay,",
                           "Die Behörde hat den Antrag mit Schreiben vom 3. Mai abgelehnt, weil",
                           "der Antragsteller keine Bürgschaft vorlegen konnte und daher"});
  const std::string dir = test::make_temp_dir();
  PageOptions options;
  options.height = 1400;  // a third of a sheet: enough lines, less time
  int truth_words = 0, matched = 0;
  double iou_sum = 0;
  struct Case {
    unsigned seed;
    int quarter_turns;
    double max_skew;
  };
  for (const Case& c : {Case{1, 0, 1.0}, Case{2, 1, 1.0}, Case{3, 2, 1.0}, Case{4, 3, 1.0}, Case{5, 0, 3.0},
                        Case{6, 1, 3.0}}) {
    SCOPED_TRACE("seed " + std::to_string(c.seed) + ", " + std::to_string(90 * c.quarter_turns) + "°");
    options.max_skew_deg = c.max_skew;
    std::mt19937 rng(c.seed);
    const RenderedPage page = render_page(corpus, {&font}, options, rng);
    const std::string path = dir + "/page" + std::to_string(c.seed) + ".pgm";
    write_pgm(turned(page.image, c.quarter_turns), path);
    PipelineOptions run;
    std::vector<PageResult> results;
    run_page_pipeline({path}, test::shipped_recognizer(), run, [&](const PageResult& p) { results.push_back(p); });
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results[0].ok) << results[0].error;
    int page_words = 0, page_matched = 0;
    for (const auto& line : page.words)
      for (const TruthWord& t : line) {
        const Box truth = turned(t.box, c.quarter_turns, page.image.width, page.image.height);
        double best = 0;
        for (const Line& l : results[0].lines)
          for (const Word& w : l.words) best = std::max(best, iou(truth, w.box));
        ++page_words;
        iou_sum += best;
        page_matched += best >= 0.5;
        if (best < 0.5) std::printf("  unmatched '%s' (IoU %.2f)\n", t.text.c_str(), best);
      }
    std::printf("seed %u turned %d° skew %.2f°: %d of %d words at IoU ≥ 0.5\n", c.seed, 90 * c.quarter_turns,
                page.skew_deg, page_matched, page_words);
    truth_words += page_words;
    matched += page_matched;
  }
  ASSERT_GT(truth_words, 300);
  const double rate = static_cast<double>(matched) / truth_words;
  std::printf("word boxes: %d of %d (%.2f %%) matched at IoU ≥ 0.5, mean best IoU %.3f\n", matched, truth_words,
              100 * rate, iou_sum / truth_words);
  EXPECT_GE(rate, 0.98);
  EXPECT_GE(iou_sum / truth_words, 0.8);
}

}  // namespace
}  // namespace platen
