#pragma once
// Where the prepared page (upright and deskewed: what lines are found on) lies on the page as
// stored in the file, and that on the page as displayed: the one mapping of points and boxes
// back through preparation's quarter turn and deskew.

#include "platen/geometry.h"

namespace platen {

/// A point in continuous page coordinates (px; pixel (i, j) covers [i, i+1) × [j, j+1)).
struct PagePoint {
  double x = 0, y = 0;
};

/// How the prepared page lies on the stored page, and that on the displayed page. A plain
/// value: cheap to copy, thread-safe to read.
struct PageFrame {
  int stored_width = 0;   ///< the page as decoded, px
  int stored_height = 0;
  int orientation_degrees = 0;  ///< clockwise quarter turn applied first (PreparedPage)
  double skew_degrees = 0;      ///< then the clockwise rotation about the turned page's centre

  /// Where a point of the prepared page lies on the stored page: the inverse of the deskew
  /// (Leptonica's pixRotate about the turned page's centre, clockwise for a positive angle),
  /// then of pixRotateOrth's clockwise quarter turns. Both prepared images keep the turned
  /// page's size. Never throws.
  PagePoint stored_point(PagePoint prepared) const;
  /// The bounding box of a prepared-page box's four corners mapped to the stored page
  /// (stored_point), clipped to the stored page (px; empty when the box maps wholly outside
  /// it). Never throws.
  Box stored_box(const Box& prepared) const;
  /// Where a point of the stored page lies on the displayed page: the one place where an
  /// EXIF/TIFF orientation tag would be applied (today the identity: the stored page is shown).
  PagePoint displayed_point(PagePoint stored) const { return stored; }
  /// Size of the displayed page, px (the stored page's while no orientation tag is applied).
  int displayed_width() const { return stored_width; }
  int displayed_height() const { return stored_height; }
  /// prepared → stored → displayed.
  PagePoint displayed(PagePoint prepared) const { return displayed_point(stored_point(prepared)); }
};

}  // namespace platen
