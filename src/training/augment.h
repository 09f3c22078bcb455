#pragma once
// Random distortions of normalised lines during training, so the network does not learn
// the exact scale, position, stroke weight and contrast of its training crops.

#include <random>

#include "recognition/line_normaliser.h"

namespace platen {

/// Distorts a normalised line in place: horizontal stretch (±12 %), vertical scale (±8 %) and
/// shift (±1.5 px), slight shear, thinner or bolder strokes, blur, lower contrast and noise.
/// Each distortion is applied with some probability; `rng` makes it reproducible.
void augment_line(NormalisedLine& line, std::mt19937& rng);

}  // namespace platen
