// Tests for src/image/text_orientation.cpp: the word-parallel version of Bloomberg's
// ascender/descender signal must give Leptonica's confidences exactly, at every page size
// (words of 64 px, cells of 4 px, odd sizes) and with ink up to the image's edges.

#include "image/text_orientation.h"

#include <gtest/gtest.h>

#include <string>

#include "core/errors.h"

namespace platen {
namespace {

const char* const kProse =
    "Das Generalkonsulat der Republik in Wien beehrt sich, die Aufmerksamkeit des Amtes darauf "
    "zu lenken, dass die von der Polizeidirektion geuebte Ausweisungspraxis nicht nur alle "
    "Merkmale der Verletzungen der Grundsaetze des Voelkerrechtes traegt. The quick brown fox "
    "jumps over the lazy dog; pack my box with five dozen liquor jugs. ";

// Ragged-right prose in Leptonica's bitmap font (size 10 is drawn for 300 ppi), 1 bpp, 1 = ink,
// starting `margin` px from the left and top edges.
PixPtr render_text(int width, int height, int margin) {
  PixPtr page = adopt(pixCreate(width, height, 1));
  L_BMF* bmf = bmfCreate(nullptr, 10);
  std::string text;
  for (int i = 0; i < 12; ++i) text += kProse;
  l_int32 overflow = 0;
  pixSetTextblock(page.get(), bmf, text.c_str(), 1, margin, margin + bmf->lineheight,
                  width - 2 * margin, 0, &overflow);
  bmfDestroy(&bmf);
  return page;
}

void expect_same_as_leptonica(Pix* binary) {
  l_float32 up = 0, left = 0;
  ASSERT_EQ(pixOrientDetect(binary, &up, &left, 0, 0), 0);
  const OrientationConfidence mine = orientation_confidence(binary);
  EXPECT_EQ(static_cast<l_float32>(mine.up), up);
  EXPECT_EQ(static_cast<l_float32>(mine.left), left);
  EXPECT_EQ(static_cast<l_float32>(up_down_confidence(binary)), up);
}

TEST(TextOrientation, GivesLeptonicasConfidencesEveryWayUp) {
  PixPtr page = render_text(1300, 1700, 100);
  for (int quarter_turns = 0; quarter_turns < 4; ++quarter_turns) {
    SCOPED_TRACE(quarter_turns);
    PixPtr turned = adopt(pixRotateOrth(page.get(), quarter_turns));
    expect_same_as_leptonica(turned.get());
  }
}

TEST(TextOrientation, GivesLeptonicasConfidencesAtOddSizesWithInkAtTheEdges) {
  // Text running off every edge, a black scanner border on the left, and sizes that are not
  // multiples of 4 (cells), 32 (Leptonica's words) or 64 (ours).
  for (const auto& [w, h] : {std::pair{1001, 1203}, std::pair{963, 1399}, std::pair{1090, 1087}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    PixPtr page = render_text(w + 60, h + 60, 0);
    PixPtr clipped = adopt(pixCreate(w, h, 1));
    pixRasterop(clipped.get(), 0, 0, w, h, PIX_SRC, page.get(), 30, 30);
    pixRasterop(clipped.get(), 0, 0, 12, h, PIX_SET, nullptr, 0, 0);
    expect_same_as_leptonica(clipped.get());
    PixPtr turned = adopt(pixRotateOrth(clipped.get(), 1));
    expect_same_as_leptonica(turned.get());
  }
}

TEST(TextOrientation, UprightLatinTextIsSureAndUpsideDownIsItsOpposite) {
  PixPtr page = render_text(1300, 1700, 100);
  const OrientationConfidence upright = orientation_confidence(page.get());
  EXPECT_GT(upright.up, 8.0);
  EXPECT_LT(std::abs(upright.left), upright.up / 2.5);
  PixPtr upside_down = adopt(pixRotateOrth(page.get(), 2));
  EXPECT_LT(up_down_confidence(upside_down.get()), -8.0);
}

TEST(TextOrientation, TooLittleTextGivesZero) {
  PixPtr blank = adopt(pixCreate(800, 600, 1));
  EXPECT_EQ(up_down_confidence(blank.get()), 0.0);
  PixPtr tiny = adopt(pixCreate(3, 2, 1));
  pixSetAll(tiny.get());
  const OrientationConfidence c = orientation_confidence(tiny.get());
  EXPECT_EQ(c.up, 0.0);
  EXPECT_EQ(c.left, 0.0);
}

TEST(TextOrientation, RefusesAGreyImage) {
  PixPtr grey = adopt(pixCreate(100, 100, 8));
  EXPECT_THROW(up_down_confidence(grey.get()), ImageError);
  EXPECT_THROW(orientation_confidence(nullptr), ImageError);
}

}  // namespace
}  // namespace platen
