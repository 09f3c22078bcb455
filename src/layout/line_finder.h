#pragma once
// Text-line segmentation of a prepared page.

#include <vector>

#include "core/grey_image.h"
#include "image/page_preparer.h"

namespace platen {

/// One text line found on a page.
struct TextLine {
  Box box;           ///< extent on the prepared page, px
  int baseline = 0;  ///< y of the baseline within `image`, px
  int x_height = 0;  ///< estimated x-height, px
  /// Grey crop of the line along its own extent: neighbours' strokes and everything outside
  /// the line are paper tone, like the dataset's polygon crops. Ink dark, paper light.
  GreyImage image;
};

/// Settings for line finding.
struct LayoutOptions {
  int min_line_height = 6;  ///< px; smaller blobs are specks
};

/// Finds the text lines of a page in reading order (top to bottom; columns left to right).
/// An empty or blank page gives no lines. Never throws for an empty page.
std::vector<TextLine> find_text_lines(const PreparedPage& page, const LayoutOptions& options = {});

}  // namespace platen
