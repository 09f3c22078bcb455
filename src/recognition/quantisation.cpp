#include "recognition/quantisation.h"

#include <algorithm>
#include <string>

#include "core/errors.h"
#include "recognition/model.h"
#include "recognition/network.h"

namespace platen {

void calibrate_activation_ranges(Model& model, const std::vector<NormalisedLine>& lines) {
  if (lines.empty()) throw Error("calibration needs at least one line image");
  const int stride = model.spec.frame_stride();
  const int h = model.input_height;
  std::vector<float> ranges;
  for (const NormalisedLine& line : lines) {
    if (line.height != h) throw Error("calibration lines must be " + std::to_string(h) + " px high");
    // One line per forward pass: the maxima are per pass, and a lone line needs no padding
    // beyond the frame stride.
    NetworkRunner net(model, 1, padded_width(line.width, stride), false);
    float* in = net.input();
    std::fill(in, in + static_cast<std::size_t>(h) * net.width(), 0.0f);
    for (int y = 0; y < h; ++y)
      std::copy(line.pixels.begin() + static_cast<std::size_t>(y) * line.width,
                line.pixels.begin() + static_cast<std::size_t>(y + 1) * line.width,
                in + static_cast<std::size_t>(y) * net.width());
    net.forward();
    const std::vector<float> maxima = net.convolution_input_maxima();
    if (ranges.empty()) ranges.assign(maxima.size(), 0.0f);
    for (std::size_t i = 0; i < maxima.size(); ++i) ranges[i] = std::max(ranges[i], maxima[i]);
  }
  if (ranges.empty() || ranges[0] <= 0) throw Error("calibration lines hold no ink");
  // The input is normalised to [0, 1] whatever the sample: keep its full range.
  ranges[0] = 1.0f;
  model.activation_ranges = ranges;
}

}  // namespace platen
