#pragma once
// Rotating a grey page by a small angle with shears, in one pass.

#include "image/pix.h"

namespace platen {

/// Rotates an 8 bpp image (no colour map) clockwise by `radians` about its centre, keeping its
/// size and bringing in white (255) — the same pixels as Leptonica's pixRotate(grey, radians,
/// L_ROTATE_SHEAR, L_BRING_IN_WHITE, 0, 0) for |radians| ≤ 0.35 (tests/image/
/// shear_rotation_test.cpp compares them), at a third to two thirds of its cost (A4 page at
/// 300 ppi: 4–6 ms instead of 10–16 under 1°, 24 instead of 34 at 7°). Method: Leptonica's
/// two shears (horizontal, then vertical) up to 0.06 rad, Paeth's three (vertical, horizontal,
/// vertical; Paeth 1986, "A fast algorithm for general raster rotation") beyond; shears move
/// whole pixels, so no stroke is thickened or blurred. Instead of one pass per shear, each
/// output row is gathered from the source in runs that every shear moves alike.
/// Returns a clone of `grey` for |radians| < 0.001. Throws ImageError when `grey` is not 8 bpp
/// or is colour-mapped, or memory runs out.
PixPtr rotate_grey_by_shears(Pix* grey, float radians);

}  // namespace platen
