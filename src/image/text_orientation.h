#pragma once
// Which way up a page's text stands, from the ascenders and descenders of Latin letters.

#include "image/pix.h"

namespace platen {

/// Bloomberg's up/down confidence of the text in a 1 bpp image (1 = ink): the normalised
/// difference 2 (up − down) / √(up + down) between the counts of upward and downward
/// ascender-like corners; positive when the text stands upright, negative when upside down,
/// about 0 for text turned by 90° or without ascenders and descenders; 0 when neither count
/// exceeds 70 (too little text to tell). Same value as Leptonica's pixUpDownDetect(binary,
/// &conf, 0, 0, 0) (tests/image/text_orientation_test.cpp checks it), at about a tenth of its
/// time (both directions of an A4 page at 300 ppi: 7 ms instead of 86, mean of the 100
/// benchmark pages): passes of 64-bit word operations over rows in cache instead of some
/// hundred whole-image rasterops.
/// Method: Bloomberg, Kopec & Dasari 1995, "Measuring document image skew and orientation"
/// (SPIE 2422): close the text vertically by 8 px and horizontally by 30 px so that letters
/// become solid words at the x-height, find the corners with four hit-miss patterns, and count
/// the 4×4 cells holding at least one. Meant for deskewed text at 150–300 ppi.
/// Throws ImageError when `binary` is null or not 1 bpp.
double up_down_confidence(Pix* binary);

/// The confidences of Leptonica's pixOrientDetect: `up` = up_down_confidence(binary), `left`
/// = that of the image turned 90° clockwise (positive when the text's tops point left).
struct OrientationConfidence {
  double up = 0;
  double left = 0;
};

/// Both confidences of `binary` (1 bpp, 1 = ink, deskewed). Throws ImageError as above.
OrientationConfidence orientation_confidence(Pix* binary);

}  // namespace platen
