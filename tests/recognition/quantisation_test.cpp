#include "recognition/quantisation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"
#include "image/page_reader.h"
#include "recognition/line_normaliser.h"
#include "recognition/model.h"
#include "recognition/network.h"
#include "recognition/recognizer.h"
#include "training/line_dataset.h"
#include "test_paths.h"

namespace platen {
namespace {

std::vector<NormalisedLine> sample_lines() {
  std::vector<NormalisedLine> lines;
  for (const std::string& p : list_line_images(test::source_dir() + "/datasets/samples/lines"))
    lines.push_back(normalise_line(read_grey_image(p)));
  return lines;
}

/// Per convolution, the largest input value when the f32 network reads `line` alone.
std::vector<float> maxima_on(const Model& model, const NormalisedLine& line) {
  NetworkRunner net(model, 1, padded_width(line.width, model.spec.frame_stride()), false);
  float* in = net.input();
  std::fill(in, in + static_cast<std::size_t>(model.input_height) * net.width(), 0.0f);
  for (int y = 0; y < line.height; ++y)
    std::copy(line.pixels.begin() + static_cast<std::size_t>(y) * line.width,
              line.pixels.begin() + static_cast<std::size_t>(y + 1) * line.width,
              in + static_cast<std::size_t>(y) * net.width());
  net.forward();
  return net.convolution_input_maxima();
}

TEST(Calibration, RangesAreTheLargestInputsOverTheLines) {
  const std::vector<NormalisedLine> images = sample_lines();
  ASSERT_GE(images.size(), 3u);
  Model model = Model::load(default_model_path());
  model.activation_ranges.clear();
  calibrate_activation_ranges(model, images);
  ASSERT_EQ(model.activation_ranges.size(), model.weights.size());
  EXPECT_FLOAT_EQ(model.activation_ranges[0], 1.0f);
  std::vector<float> largest(model.weights.size(), 0.0f);
  for (const NormalisedLine& image : images) {
    const std::vector<float> m = maxima_on(model, image);
    for (std::size_t i = 0; i < m.size(); ++i) largest[i] = std::max(largest[i], m[i]);
  }
  // Every deeper layer's range is what some line reached, to float rounding.
  for (std::size_t i = 1; i < largest.size(); ++i) {
    EXPECT_GT(largest[i], 0.0f) << "convolution " << i;
    EXPECT_NEAR(model.activation_ranges[i], largest[i], 1e-4f * largest[i]) << "convolution " << i;
  }
}

TEST(Calibration, NeedsLinesWithInk) {
  Model model = Model::load(default_model_path());
  EXPECT_THROW(calibrate_activation_ranges(model, {}), Error);
  EXPECT_THROW(calibrate_activation_ranges(model, {normalise_line(GreyImage(200, 40))}), Error);  // blank paper
}

}  // namespace
}  // namespace platen
