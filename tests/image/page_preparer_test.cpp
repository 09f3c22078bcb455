// Tests for src/image/page_preparer.cpp on synthetic pages with known answers (text rendered
// with Leptonica's bitmap fonts, then faded, stained, turned or rotated by known amounts), and
// on the real dev pages when the shared dataset is present.

#include "image/page_preparer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include "core/errors.h"
#include "test_paths.h"

namespace platen {
namespace {

constexpr double kPi = 3.14159265358979323846;

const char* const kProse =
    "Das Generalkonsulat der Republik in Wien beehrt sich, die Aufmerksamkeit des Amtes darauf "
    "zu lenken, dass die von der Polizeidirektion geuebte Ausweisungspraxis nicht nur alle "
    "Merkmale der Verletzungen der Grundsaetze des Voelkerrechtes traegt. The quick brown fox "
    "jumps over the lazy dog; pack my box with five dozen liquor jugs. Lieu et date de recolte, "
    "numero du document dans la collection, materiel d'execution, titre ou premiers mots. ";

// A page of ragged-right prose, 1 bpp, 1 = ink. Leptonica's bitmap fonts are drawn for
// 300 ppi: size 10 is a 10 pt face.
PixPtr render_text(int width, int height, int font_size = 10) {
  PixPtr mask = adopt(pixCreate(width, height, 1));
  L_BMF* bmf = bmfCreate(nullptr, font_size);
  std::string text;
  for (int i = 0; i < 20; ++i) text += kProse;
  l_int32 overflow = 0;
  const int margin = width / 12;
  pixSetTextblock(mask.get(), bmf, text.c_str(), 1, margin, margin + bmf->lineheight,
                  width - 2 * margin, 0, &overflow);
  bmfDestroy(&bmf);
  // Keep a bottom margin like a real page.
  PixPtr page = adopt(pixCreate(width, height, 1));
  pixRasterop(page.get(), 0, 0, width, height - margin, PIX_SRC, mask.get(), 0, 0);
  return page;
}

// Paper and ink in grey. Paper falls linearly from `paper_left` to `paper_right` across the
// page (uneven light or yellowing) and darkens by `stain` in a soft blot; ink multiplies the
// paper by `ink_ratio` (a carbon copy is a weak ratio, a ribbon a strong one); strokes are
// softened by a 3×3 box and noise of about ±`noise` grey levels is added (fixed seed).
struct Paper {
  double paper_left = 245, paper_right = 245;
  double ink_ratio = 0.15;
  double stain = 0;
  double noise = 3;
  int black_border = 0;  // px of scanner lid on the left edge
};

// Carbon text at grey ~200 on paper ~235 that yellows to the right, with a stain.
Paper faint_carbon_paper() {
  Paper faint;
  faint.paper_left = 240;
  faint.paper_right = 220;
  faint.ink_ratio = 0.85;
  faint.stain = 20;
  return faint;
}

PixPtr make_grey_page(Pix* mask, const Paper& p) {
  const int w = pixGetWidth(mask), h = pixGetHeight(mask);
  PixPtr cover = adopt(pixConvert1To8(nullptr, mask, 0, 255));
  PixPtr soft = adopt(pixBlockconv(cover.get(), 1, 1));
  PixPtr grey = adopt(pixCreate(w, h, 8));
  std::uint32_t seed = 12345;
  auto uniform = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0 - 0.5;
  };
  l_uint32* out = pixGetData(grey.get());
  const l_uint32* in = pixGetData(soft.get());
  const int wpl_out = pixGetWpl(grey.get()), wpl_in = pixGetWpl(soft.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double paper = p.paper_left + (p.paper_right - p.paper_left) * x / w;
      const double dx = (x - 0.3 * w) / (0.2 * w), dy = (y - 0.6 * h) / (0.15 * h);
      paper -= p.stain * std::exp(-(dx * dx + dy * dy));
      const double cover_fraction = GET_DATA_BYTE(in + y * wpl_in, x) / 255.0;
      double v = paper * (1.0 - cover_fraction * (1.0 - p.ink_ratio));
      v += p.noise * (uniform() + uniform() + uniform());
      if (x < p.black_border) v = 25;
      SET_DATA_BYTE(out + y * wpl_out, x, static_cast<int>(std::clamp(v, 0.0, 255.0)));
    }
  }
  return grey;
}

DecodedPage page_of(PixPtr pix, int dpi = 0) {
  DecodedPage page;
  page.pix = std::move(pix);
  page.dpi = dpi;
  return page;
}

int count_ink(Pix* binary) {
  l_int32 n = 0;
  pixCountPixels(binary, &n, nullptr);
  return n;
}

// Fraction of the text mask's pixels found as ink, and ink found away from any text (outside
// the mask dilated by 2 px and outside `skip_left` px), relative to the mask's pixel count.
struct Agreement {
  double recall = 0, stray = 0;
};

Agreement compare_with_mask(Pix* binary, Pix* mask, int skip_left = 0) {
  PixPtr found = adopt(pixAnd(nullptr, binary, mask));
  PixPtr near_text = adopt(pixDilateBrick(nullptr, mask, 5, 5));
  PixPtr stray = adopt(pixSubtract(nullptr, binary, near_text.get()));
  if (skip_left > 0)
    pixRasterop(stray.get(), 0, 0, skip_left, pixGetHeight(stray.get()), PIX_CLR, nullptr, 0, 0);
  const double n = count_ink(mask);
  return {count_ink(found.get()) / n, count_ink(stray.get()) / n};
}

PrepareOptions binarise_only() {
  PrepareOptions o;
  o.detect_orientation = false;
  o.deskew = false;
  return o;
}

// Rotates a grey page so that its text turns counter-clockwise by `degrees` (Leptonica's
// pixRotate turns clockwise for positive angles), bringing in white paper.
PixPtr rotate_ccw(Pix* grey, double degrees) {
  return adopt(pixRotate(grey, static_cast<l_float32>(-degrees * kPi / 180.0), L_ROTATE_AREA_MAP,
                         L_BRING_IN_WHITE, 0, 0));
}

// ---------------------------------------------------------------------------------------------

TEST(Binarise, KeepsFaintCarbonCopyThatGlobalOtsuLoses) {
  PixPtr mask = render_text(1400, 1000);
  // Faint carbon paper, and the scanner's black lid along the left edge.
  Paper faint = faint_carbon_paper();
  faint.black_border = 60;
  PixPtr grey = make_grey_page(mask.get(), faint);

  const PreparedPage out = prepare_page(page_of(share(grey.get())), binarise_only());
  const Agreement ours = compare_with_mask(out.binary.get(), mask.get(), faint.black_border);
  EXPECT_GT(ours.recall, 0.85);
  EXPECT_LT(ours.stray, 0.02);

  // The same text printed cleanly, as the reference for how much ink the text should give.
  PixPtr clean = make_grey_page(mask.get(), Paper{});
  const PreparedPage clean_out = prepare_page(page_of(std::move(clean)), binarise_only());
  const double faint_to_clean =
      static_cast<double>(count_ink(out.binary.get()) - faint.black_border * 1000) /
      count_ink(clean_out.binary.get());
  EXPECT_GT(faint_to_clean, 0.8);
  EXPECT_LT(faint_to_clean, 1.2);

  // One global Otsu threshold splits the black lid from the paper and loses the text.
  l_int32 threshold = 0;
  ASSERT_EQ(pixSplitDistributionFgBg(grey.get(), 0.0f, 1, &threshold, nullptr, nullptr, nullptr),
            0);
  PixPtr otsu = adopt(pixThresholdToBinary(grey.get(), threshold));
  const Agreement global = compare_with_mask(otsu.get(), mask.get(), faint.black_border);
  EXPECT_LT(global.recall, 0.3);
  std::cout << "[ measured ] faint page: strokes found " << ours.recall << ", stray ink "
            << ours.stray << ", ink vs clean page " << faint_to_clean << "; global Otsu finds "
            << global.recall << "\n";
}

TEST(Binarise, LargePageBinarisedAtHalfSizeKeepsFaintCarbonStrokes) {
  // An A4 page at 300 ppi (odd sides, so the half-size binary does not tile it exactly),
  // large enough for the half-size path, with the faint carbon paper of the test above.
  PixPtr mask = render_text(2481, 3509, 20);
  PixPtr grey = make_grey_page(mask.get(), faint_carbon_paper());
  PixPtr binary = binarise_page(grey.get());
  ASSERT_EQ(pixGetWidth(binary.get()), 2481);
  ASSERT_EQ(pixGetHeight(binary.get()), 3509);
  const Agreement found = compare_with_mask(binary.get(), mask.get());
  EXPECT_GT(found.recall, 0.85);
  EXPECT_LT(found.stray, 0.02);
}

TEST(Binarise, StainedBlankPaperGivesNoInk) {
  PixPtr blank = adopt(pixCreate(1200, 900, 1));
  Paper stained;
  stained.paper_left = 235;
  stained.paper_right = 200;
  stained.stain = 30;
  stained.noise = 4;
  PixPtr grey = make_grey_page(blank.get(), stained);
  PixPtr binary = binarise_page(grey.get());
  EXPECT_LT(count_ink(binary.get()), 1200 * 900 / 1000);
}

TEST(Binarise, OutputGreyKeepsTheOriginalTones) {
  PixPtr mask = render_text(900, 700);
  Paper yellowed;
  yellowed.paper_left = 210;
  yellowed.paper_right = 190;
  PixPtr grey = make_grey_page(mask.get(), yellowed);
  const PreparedPage out = prepare_page(page_of(share(grey.get())), binarise_only());
  l_int32 same = 0;
  pixEqual(out.grey.get(), grey.get(), &same);
  EXPECT_TRUE(same);
  EXPECT_EQ(pixGetDepth(out.binary.get()), 1);
  EXPECT_EQ(pixGetWidth(out.binary.get()), 900);
  EXPECT_EQ(pixGetHeight(out.binary.get()), 700);
}

// ---------------------------------------------------------------------------------------------

class Deskew : public ::testing::Test {
 protected:
  // Skew found on a page rotated counter-clockwise by `degrees`, and the skew Leptonica still
  // finds in the output binary.
  void check(double degrees) {
    PixPtr mask = render_text(1400, 1400);
    PixPtr grey = make_grey_page(mask.get(), Paper{});
    const PreparedPage out = prepare_page(page_of(rotate_ccw(grey.get(), degrees), 300));
    EXPECT_NEAR(out.skew_degrees, degrees, 0.2);
    EXPECT_EQ(out.orientation_degrees, 0);
    l_float32 residual = 0, conf = 0;
    ASSERT_EQ(pixFindSkew(out.binary.get(), &residual, &conf), 0);
    EXPECT_LT(std::abs(residual), 0.2);
    EXPECT_EQ(pixGetWidth(out.grey.get()), 1400);
    EXPECT_EQ(pixGetWidth(out.binary.get()), 1400);
  }
};

TEST_F(Deskew, RecoversThreePointSevenDegreesWithinTwoTenths) { check(3.7); }
TEST_F(Deskew, RecoversMinusFourPointTwoDegreesWithinTwoTenths) { check(-4.2); }
TEST_F(Deskew, RecoversSixPointFiveDegreesWithinTwoTenths) { check(6.5); }

TEST(DeskewOptions, DeskewOffLeavesTheAngleUnremoved) {
  PixPtr mask = render_text(1000, 1000);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  PrepareOptions options;
  options.deskew = false;
  const PreparedPage out = prepare_page(page_of(rotate_ccw(grey.get(), 2.0)), options);
  EXPECT_EQ(out.skew_degrees, 0.0);
}

// ---------------------------------------------------------------------------------------------

TEST(Orientation, TurnsPagesTurnedByQuarterTurnsUpright) {
  PixPtr mask = render_text(1200, 1500);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  const PreparedPage upright = prepare_page(page_of(share(grey.get()), 300));
  ASSERT_EQ(upright.orientation_degrees, 0);
  for (int quarter_turns = 1; quarter_turns < 4; ++quarter_turns) {
    SCOPED_TRACE(quarter_turns * 90);
    // Turned clockwise by quarter_turns × 90°: the fix is the rest of the full turn.
    PixPtr turned = adopt(pixRotateOrth(grey.get(), quarter_turns));
    const PreparedPage out = prepare_page(page_of(std::move(turned), 300));
    EXPECT_EQ(out.orientation_degrees, (360 - 90 * quarter_turns) % 360);
    EXPECT_EQ(pixGetWidth(out.grey.get()), 1200);
    EXPECT_EQ(pixGetHeight(out.grey.get()), 1500);
    // Turned back, it is the upright page again (binarisation tiles fall differently, so
    // allow a little).
    PixPtr differ = adopt(pixXor(nullptr, out.binary.get(), upright.binary.get()));
    EXPECT_LT(count_ink(differ.get()), 0.05 * count_ink(upright.binary.get()));
  }
}

TEST(Orientation, UpsideDownPageIsLeftAsFoundWhenTheCallerWillDecide) {
  PixPtr mask = render_text(1200, 1500);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  PixPtr upside_down = adopt(pixRotateOrth(grey.get(), 2));
  PrepareOptions options;
  options.turn_upside_down = false;
  const PreparedPage out = prepare_page(page_of(share(upside_down.get()), 300), options);
  EXPECT_EQ(out.orientation_degrees, 0);
  EXPECT_EQ(out.detected_orientation_degrees, 180);
  EXPECT_GT(out.orientation_confidence, 8.0);
  // By default the same page is turned.
  EXPECT_EQ(prepare_page(page_of(std::move(upside_down), 300)).orientation_degrees, 180);
}

TEST(Orientation, DoubtfulQuarterTurnIsLeftAsFoundWhenTheCallerWillDecide) {
  PixPtr mask = render_text(1200, 1500);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  PixPtr sideways = adopt(pixRotateOrth(grey.get(), 1));
  const PreparedPage turned = prepare_page(page_of(share(sideways.get()), 300));
  ASSERT_EQ(turned.orientation_degrees, 270);
  PrepareOptions options;
  options.min_quarter_turn_confidence = turned.orientation_confidence + 1.0;
  const PreparedPage out = prepare_page(page_of(std::move(sideways), 300), options);
  EXPECT_EQ(out.orientation_degrees, 0);
  EXPECT_EQ(out.detected_orientation_degrees, 270);
  EXPECT_EQ(pixGetWidth(out.grey.get()), 1500);
}

TEST(Orientation, PageWithoutTextIsNotTurned) {
  // Random blots: no ascenders, no lines.
  PixPtr blots = adopt(pixCreate(1000, 1200, 1));
  std::uint32_t seed = 7;
  for (int i = 0; i < 600; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const int x = (seed >> 8) % 960, y = (seed >> 4) % 1160, r = 3 + (seed % 25);
    pixRasterop(blots.get(), x, y, r, r, PIX_SET, nullptr, 0, 0);
  }
  PixPtr grey = make_grey_page(blots.get(), Paper{});
  const PreparedPage out = prepare_page(page_of(std::move(grey)));
  EXPECT_EQ(out.orientation_degrees, 0);
}

// ---------------------------------------------------------------------------------------------

TEST(Resolution, EstimatesFromTextSizeWhenTheFileClaims72) {
  PixPtr mask = render_text(1200, 1000);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  // The bitmap font's 10 pt is drawn for 300 ppi.
  const PreparedPage out = prepare_page(page_of(share(grey.get()), 72), binarise_only());
  EXPECT_GT(out.dpi, 240);
  EXPECT_LT(out.dpi, 360);
  EXPECT_EQ(estimate_dpi_from_text(out.binary.get()), out.dpi);
}

TEST(Resolution, KeepsAPlausibleFileResolutionAndRefusesAWrongOne) {
  PixPtr mask = render_text(1200, 1000);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  EXPECT_EQ(prepare_page(page_of(share(grey.get()), 300), binarise_only()).dpi, 300);
  // The same page scanned at half the resolution, but the file still says 300.
  PixPtr half = adopt(pixScaleAreaMap2(grey.get()));
  const int dpi = prepare_page(page_of(std::move(half), 300), binarise_only()).dpi;
  EXPECT_GT(dpi, 120);
  EXPECT_LT(dpi, 180);
}

TEST(Resolution, OverrideWins) {
  PixPtr mask = render_text(800, 600);
  PixPtr grey = make_grey_page(mask.get(), Paper{});
  PrepareOptions options = binarise_only();
  options.dpi_override = 400;
  EXPECT_EQ(prepare_page(page_of(std::move(grey), 300), options).dpi, 400);
}

// ---------------------------------------------------------------------------------------------

TEST(Blank, WhiteAndBlackPagesGiveNoTextAndNoError) {
  PixPtr white = adopt(pixCreate(800, 1000, 8));
  pixSetAll(white.get());
  const PreparedPage w = prepare_page(page_of(std::move(white), 200));
  EXPECT_EQ(count_ink(w.binary.get()), 0);
  EXPECT_EQ(w.dpi, 200);
  EXPECT_EQ(w.orientation_degrees, 0);
  EXPECT_EQ(w.skew_degrees, 0.0);

  PixPtr black = adopt(pixCreate(800, 1000, 8));  // all zero
  const PreparedPage b = prepare_page(page_of(std::move(black)));
  EXPECT_EQ(b.dpi, 300);
  EXPECT_EQ(b.orientation_degrees, 0);
  EXPECT_EQ(pixGetWidth(b.binary.get()), 800);

  PixPtr black1 = adopt(pixCreate(640, 480, 1));
  pixSetAll(black1.get());
  EXPECT_NO_THROW(prepare_page(page_of(std::move(black1))));
  PixPtr tiny = adopt(pixCreate(2, 2, 32));
  EXPECT_NO_THROW(prepare_page(page_of(std::move(tiny))));
}

TEST(Blank, MissingImageThrowsImageError) { EXPECT_THROW(prepare_page(DecodedPage{}), ImageError); }

// ---------------------------------------------------------------------------------------------

std::string dev_page(const std::string& name) {
  const std::string root = test::typewritten_dataset_dir();
  if (root.empty()) return "";
  const std::string path = root + "/dev/pages/" + name;
  return std::filesystem::exists(path) ? path : "";
}

TEST(RealPages, DevPageStaysUprightWithPlausibleResolutionAndSkew) {
  const std::string path = dev_page("ehri-EHRI-BF-19381105_DE_02-154b34.jpg");
  if (path.empty()) GTEST_SKIP() << "typewritten dataset not present";
  const DecodedPage page = read_image_page(path, 0);
  ASSERT_EQ(pixGetWidth(page.pix.get()), 2361);
  const PreparedPage out = prepare_page(page);
  EXPECT_EQ(out.orientation_degrees, 0);
  // The ALTO baselines of this page slope by +0.6° (median); its lines curve a little.
  EXPECT_GT(out.skew_degrees, 0.2);
  EXPECT_LT(out.skew_degrees, 1.4);
  // No resolution in the file: A4 paper 2361 px wide is ~285 ppi.
  EXPECT_GT(out.dpi, 250);
  EXPECT_LT(out.dpi, 350);
}

TEST(RealPages, TurnedDevPageIsTurnedBack) {
  const std::string path = dev_page("ehri-EHRI-NISKO-19391112_DE_01-7e44ec.jpg");
  if (path.empty()) GTEST_SKIP() << "typewritten dataset not present";
  DecodedPage page = read_image_page(path, 0);
  page.pix = adopt(pixRotateOrth(page.pix.get(), 1));
  const PreparedPage out = prepare_page(page);
  EXPECT_EQ(out.orientation_degrees, 270);
  EXPECT_EQ(pixGetWidth(out.grey.get()), 1200);
  // The file states no usable resolution; the page is A4 at ~145 ppi.
  EXPECT_GT(out.dpi, 130);
  EXPECT_LT(out.dpi, 200);
}

}  // namespace
}  // namespace platen
