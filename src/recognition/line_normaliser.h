#pragma once
// The one function that prepares every text-line image for the network, in training,
// evaluation and the page pipeline alike, so that what the recognizer sees at run time is
// what it learnt from.

#include <vector>

#include "core/grey_image.h"

namespace platen {

/// Height of normalised lines, px.
constexpr int kLineHeight = 32;
/// x-height of normalised lines as a share of their height.
constexpr float kXHeightShare = 0.34f;
/// Paper added left and right of a normalised line, px.
constexpr int kLinePadding = 4;

/// A line ready for the network: H×W floats, row-major, ink ≈ 1, paper ≈ 0.
struct NormalisedLine {
  int width = 0;   ///< px, ≥ 1
  int height = 0;  ///< px, = kLineHeight
  std::vector<float> pixels;
  /// Output px per crop px of the horizontal (and vertical) scaling: crop column c maps to
  /// output columns kLinePadding + [c·scale, (c+1)·scale). 0 for a blank line.
  double scale = 0;
};

/// Where the text line lies in a crop, in the crop's px.
struct LineGeometry {
  bool has_text = false;
  double x_height = 0;  ///< height of the x-height band, px (after straightening)
  double centre = 0;    ///< row of the band's centre after straightening, px
  double slope = 0;     ///< baseline slope removed by straightening, rows per column
};

/// Measures the line that `normalise_line` would normalise: the x-height band found on the
/// row profile of ink after straightening. A blank or empty crop gives has_text = false.
/// Never throws.
LineGeometry measure_line(const GreyImage& line);

/// Normalises a grey line crop (any height; grey or bilevel source; ink dark on light paper):
/// contrast stretched between paper and ink tones, scaled (aspect kept) so the x-height band
/// spans a fixed share of the height, and centred vertically on that band.
/// The result has `kLinePadding` px of paper on both sides; width ≥ 8. An empty or blank image
/// gives a blank (all-paper) line. Never throws.
NormalisedLine normalise_line(const GreyImage& line, int height = kLineHeight);

}  // namespace platen
