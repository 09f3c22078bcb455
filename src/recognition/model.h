#pragma once
// A recognition model: alphabet, network layout and weights, and its file format.

#include <cstdint>
#include <string>
#include <vector>

#include "recognition/alphabet.h"

namespace platen {

/// One layer of the fully convolutional line network.
struct LayerSpec {
  enum class Kind { Convolution, MaxPool };
  Kind kind = Kind::Convolution;
  int kernel_h = 3;  ///< px; 0 = the whole height reaching the layer (collapses height to 1)
  int kernel_w = 3;  ///< px
  int channels = 0;  ///< output channels (convolution); 0 on the output layer = alphabet size
  bool relu = true;  ///< ReLU after the convolution (not on the output layer)
};

/// Layer layout of a network, written as a compact string, e.g.
/// "C3x3:16 M2x2 C3x3:32 M2x2 C3x3:64 M2x1 C3x3:128 CHx3:192 C1x3:192 O":
/// `CKHxKW:N` convolution + ReLU with N outputs ("H" as KH: the whole height),
/// `MKHxKW` max pooling with stride = kernel, `O` the 1×1 output convolution to the classes.
struct NetworkSpec {
  std::vector<LayerSpec> layers;

  /// Parses the layout string. Throws ModelError on a malformed string.
  static NetworkSpec parse(const std::string& text);
  std::string to_string() const;
  /// Product of the pooling widths: input px per output frame.
  int frame_stride() const;
  /// Input px beyond a frame's own stride, on either side, that can change its scores: the
  /// half-width of the receptive field (each convolution adds kernel_w / 2 and each pooling
  /// kernel_w − 1, in input px at its depth).
  int context_width() const;
};

/// Shape and parameters of one convolution, as laid out in a model (weights OIHW).
struct ConvolutionShape {
  int in_channels, out_channels, kernel_h, kernel_w, pad_h, pad_w;
  int in_height, out_height;
  bool relu;
};

/// A trained (or freshly initialised) model. Weights are float32, OIHW per convolution.
class Model {
 public:
  Alphabet alphabet;
  int input_height = 32;  ///< px of normalised lines
  NetworkSpec spec;
  std::vector<std::vector<float>> weights;  ///< one OIHW tensor per convolution
  std::vector<std::vector<float>> biases;   ///< one vector per convolution
  /// Per convolution, the largest value its input takes on calibration lines (the first's is
  /// 1: ink); what int8 inference maps to 255. Empty = not calibrated (no int8 inference).
  /// Set by calibrate_activation_ranges (recognition/quantisation.h).
  std::vector<float> activation_ranges;

  /// Shapes of the convolutions in order, with the height reaching each layer.
  /// Throws ModelError if the layout does not fit `input_height`.
  std::vector<ConvolutionShape> convolution_shapes() const;

  /// A model with He-initialised weights (He et al. 2015) for `alphabet` and `spec`.
  static Model initialise(const Alphabet& alphabet, const NetworkSpec& spec, int input_height,
                          std::uint32_t seed);

  /// Number of parameters.
  std::size_t parameter_count() const;

  /// Appends `symbols` to the alphabet (those it already has, and repeats, are ignored) and
  /// gives the output layer one class per added symbol, so fine-tuning can learn characters
  /// the model never saw. The new classes' weight rows are drawn from N(0, σ²), σ a tenth of
  /// the RMS of the existing output weights; their bias is the mean of the existing symbol
  /// classes' biases minus 4, so they start about e⁴ ≈ 55 times less likely than an average
  /// class. Old class indices, every other layer and the old classes' scores (logits) stay
  /// exactly as they were. Returns the symbols added, in order.
  /// Throws ModelError when the model's tensors do not match its layout.
  std::u32string extend_alphabet(const std::u32string& symbols, std::uint32_t seed);

  /// Writes the model atomically (temporary file, then rename). Throws Error on I/O failure.
  void save(const std::string& path) const;

  /// Serialised bytes of the model file (header, weights, CRC-32 trailer).
  std::vector<std::uint8_t> serialise() const;

  /// Reads a model file. Throws ModelError naming the file when it is missing, not a Platen
  /// model, of another format version, truncated or corrupt (checksum mismatch).
  static Model load(const std::string& path);
  /// Parses serialised bytes; `name` appears in errors.
  static Model deserialise(const std::vector<std::uint8_t>& bytes, const std::string& name);
};

/// Format version written by this build. Version 2 added the activation ranges after the
/// weights; version 1 files (without them) are still read. Newer files are refused.
constexpr std::uint32_t kModelFormatVersion = 2;
constexpr std::uint32_t kOldestModelFormatVersion = 1;

}  // namespace platen
