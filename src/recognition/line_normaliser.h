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
};

/// Normalises a grey line crop (any height; grey or bilevel source; ink dark on light paper):
/// contrast stretched between paper and ink tones, scaled (aspect kept) so the x-height band
/// spans a fixed share of the height, and centred vertically on that band.
/// The result has `kLinePadding` px of paper on both sides; width ≥ 8. An empty or blank image
/// gives a blank (all-paper) line. Never throws.
NormalisedLine normalise_line(const GreyImage& line, int height = kLineHeight);

}  // namespace platen
