#pragma once
// Text-line segmentation of a prepared page.

#include <vector>

#include "core/grey_image.h"
#include "image/page_preparer.h"

namespace platen {

/// One text line found on a page.
struct TextLine {
  /// Extent on the prepared page, px: the page area `image` was cut from. Column c of the
  /// image is page column box.x + c; rows follow the line (see `image`), so on a skewed or
  /// curved line box.height exceeds image.height by the line's rise across the page.
  Box box;
  int baseline = 0;  ///< y of the baseline within `image`, px (one row: the image is straightened)
  /// Page row of image row 0 in each image column (size image.width): image pixel (c, r) was
  /// page pixel (box.x + c, top_rows[c] + r). Maps what is read in the image to the page.
  std::vector<int> top_rows;
  int x_height = 0;  ///< estimated x-height, px (the page's typical one when the line has no
                     ///< clear x-height band: all capitals, digits)
  /// Grey crop of the line along its own extent, straightened (each column shifted so the
  /// line's centre path is level) with about 0.3 of the ink height as margin above and below:
  /// neighbours' strokes, underlines, specks and everything outside the line's region are
  /// paper tone (the median of the line's own background), like the dataset's polygon crops.
  /// Ink dark, paper light.
  GreyImage image;
};

/// Settings for line finding.
struct LayoutOptions {
  int min_line_height = 6;  ///< px; smaller blobs are specks
};

/// Finds the text lines of a page in reading order (top to bottom; columns left to right;
/// cells of a table row left to right).
///
/// Works on `page.binary` (1 bpp, 1 = ink) and cuts the line images from `page.grey` (8 bpp);
/// a missing binary is made from the grey page (Otsu) and a missing grey page from the binary.
/// Sizes adapt to the text's x-height, so 150–600 dpi pages need no settings. Copes with
/// residual skew of a few degrees, curved lines, touching ascenders and descenders (cut apart
/// between the lines), underlines (kept out of the lines), specks, punch holes and dark scan
/// borders (dropped as noise). Method: smeared letter density on a coarse grid gives each
/// line's x-height band; components are handed to the bands; bands are joined along rows
/// unless the gap is a column gutter (see line_finder.cpp).
///
/// An empty or blank page gives no lines. Never throws for an empty page; throws ImageError
/// when the grey and binary pages differ in size or cannot be converted.
std::vector<TextLine> find_text_lines(const PreparedPage& page, const LayoutOptions& options = {});

}  // namespace platen
