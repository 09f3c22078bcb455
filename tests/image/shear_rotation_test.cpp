// Tests for src/image/shear_rotation.cpp: the one-pass shear rotation must give exactly the
// pixels of Leptonica's pixRotate with L_ROTATE_SHEAR, for two and three shears, either sign,
// and sizes that do not fill whole 32-bit words.

#include "image/shear_rotation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "core/errors.h"

namespace platen {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Grey noise with dark blocks, so that any misplaced pixel shows.
PixPtr noisy_page(int w, int h) {
  PixPtr pix = adopt(pixCreate(w, h, 8));
  std::uint32_t seed = 99;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      seed = seed * 1664525u + 1013904223u;
      const int v = (x / 23 + y / 17) % 5 == 0 ? 20 + (seed >> 28) : 150 + (seed >> 26);
      pixSetPixel(pix.get(), x, y, static_cast<l_uint32>(v));
    }
  }
  return pix;
}

TEST(ShearRotation, GivesLeptonicasPixelsForSmallAndLargeSkews) {
  for (const auto& [w, h] : {std::pair{1237, 1603}, std::pair{401, 317}, std::pair{64, 900}}) {
    PixPtr page = noisy_page(w, h);
    for (double degrees : {0.07, -0.3, 0.61, -1.14, 3.4, -3.45, 4.2, -7.0, 7.0, 15.0}) {
      SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h) + " at " + std::to_string(degrees));
      const auto radians = static_cast<float>(degrees * kPi / 180.0);
      PixPtr expected = adopt(pixRotate(page.get(), radians, L_ROTATE_SHEAR, L_BRING_IN_WHITE, 0, 0));
      PixPtr mine = rotate_grey_by_shears(page.get(), radians);
      l_int32 same = 0;
      ASSERT_EQ(pixEqual(expected.get(), mine.get(), &same), 0);
      EXPECT_TRUE(same);
    }
  }
}

TEST(ShearRotation, TinyAngleSharesTheImage) {
  PixPtr page = noisy_page(50, 40);
  PixPtr same = rotate_grey_by_shears(page.get(), 0.0005f);
  EXPECT_EQ(pixGetData(same.get()), pixGetData(page.get()));
}

TEST(ShearRotation, RefusesABinaryImage) {
  PixPtr binary = adopt(pixCreate(50, 40, 1));
  EXPECT_THROW(rotate_grey_by_shears(binary.get(), 0.02f), ImageError);
  EXPECT_THROW(rotate_grey_by_shears(nullptr, 0.02f), ImageError);
}

}  // namespace
}  // namespace platen
