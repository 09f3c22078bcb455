// A clean page typed in a Courier face dense in l, 1 and I, read end to end upright, turned
// by 180° and skewed by 4° (issue 11): before the line geometry was checked, every line's
// x-height band collapsed onto the baseline serifs and the page read as garbage (CER > 100 %).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "image/page_reader.h"
#include "pipeline/page_pipeline.h"
#include "training/evaluation.h"
#include "training/page_renderer.h"
#include "test_pages.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

struct Reading {
  double cer = 1;
  std::size_t lines = 0;
  float confidence = 0;
  bool low_confidence = true;
};

Reading read(const PixPtr& pix, const std::string& truth, const std::string& name) {
  Reading r;
  const std::optional<PageResult> page = test::read_rendered_page(pix, name);
  if (!page) return r;
  r.cer = score_text(truth, page->text).cer();
  r.lines = page->lines.size();
  r.confidence = page->confidence;
  r.low_confidence = page->low_confidence;
  std::printf("%s: CER %.2f %%, %zu lines, page confidence %.3f\n", name.c_str(), 100 * r.cer, r.lines, r.confidence);
  return r;
}

TEST(DenseSerifPage, ReadsUprightTurnedBy180AndSkewedBy4Degrees) {
  const std::string font_path = "/usr/share/fonts/opentype/courier-prime/Courier Prime.otf";
  ASSERT_TRUE(fs::exists(font_path)) << "fonts-courier-prime is installed by scripts/setup-deps";
  LineRenderer font(font_path);
  const PageCorpus corpus({"Bill filled 111 little bills at Lille in 1911 and still ill, the mill is idle.",
                           "I will tell the Illinois Mill that 11 lilies fill all the tall little hills.",
                           "Ill will kill the illicit trill of Illyria, 1111 idyllic lilts in the hill.",
                           "It is 11.11.1911: lll Ill 1l1 I1l, the till is full and the bell is still."});
  PageOptions options;
  options.clean = true;  // black on white, upright: nothing but the type to blame
  options.height = 1400;
  std::mt19937 rng(7);
  const RenderedPage page = render_page(corpus, {&font}, options, rng);
  std::string truth;
  for (const std::string& line : page.lines) truth += line + "\n";
  PixPtr upright = pix_from_grey_image(page.image);
  ASSERT_TRUE(upright);
  PixPtr turned = adopt(pixRotateOrth(upright.get(), 2));
  const float a = static_cast<float>(4.0 * M_PI / 180.0);
  PixPtr skewed = adopt(pixRotate(upright.get(), a, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
  ASSERT_TRUE(turned && skewed);

  // Measured: upright 5.4 %, turned 5.4 %, skewed 5.6 % (the model has not seen this face's
  // l/1/I runs much: "1111" read as "lll"); before the fix all three over 100 %.
  const Reading r_up = read(upright, truth, "upright");
  const Reading r_turned = read(turned, truth, "turned-180");
  const Reading r_skewed = read(skewed, truth, "skewed-4");
  for (const Reading* r : {&r_up, &r_turned, &r_skewed}) {
    EXPECT_LE(r->cer, 0.10);
    // One spurious fragment line of ascender tops is still found beside one typed line.
    EXPECT_LE(r->lines, page.lines.size() + 1);
    EXPECT_GE(r->lines, page.lines.size());
    EXPECT_FALSE(r->low_confidence) << r->confidence;
  }
}

}  // namespace
}  // namespace platen
