#pragma once
// Calibration for int8 inference: the range of every convolution's input, measured by running
// the f32 network on sample lines (post-training static quantisation; Jacob et al. 2018,
// "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
// Inference", with ranges taken as observed maxima).

#include <vector>

#include "recognition/line_normaliser.h"

namespace platen {

class Model;

/// Sets `model.activation_ranges`: per convolution, the largest value its input takes when the
/// f32 network reads `lines` (normalise_line's output, `model.input_height` px high), each
/// alone; the first convolution's is 1 (ink). Lines from the data the model will read
/// (training lines, not evaluation lines) give ranges that fit. Throws Error when `lines` is
/// empty or no line has any ink, and ModelError when the model's layout is bad.
void calibrate_activation_ranges(Model& model, const std::vector<NormalisedLine>& lines);

}  // namespace platen
