#pragma once
// The line network on oneDNN: a fully convolutional stack whose output frames are the
// positions of a sliding character window, each with scores over the alphabet plus the CTC
// blank. Primitives are built once per (batch, width) and reused.

#include <memory>
#include <vector>

#include "recognition/model.h"

namespace platen {

/// Activation buffers shared by the inference runners of one thread. Runners of different
/// width classes hold batches of about the same number of columns, so one set of buffers
/// serves them all and memory stays flat however many width classes a page has. Not
/// thread-safe: one arena per thread.
class ActivationArena {
 public:
  /// Buffer `slot` with room for at least `floats` values, 64-byte aligned. Growing a slot
  /// invalidates its earlier pointer.
  float* buffer(std::size_t slot, std::size_t floats);

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::vector<std::unique_ptr<float[], Free>> slots_;
  std::vector<std::size_t> sizes_;
};

/// Runs one model's network on batches of N lines padded to one width W (a multiple of the
/// frame stride). Holds oneDNN primitives and activation buffers for that shape, so it is
/// cheap to call repeatedly and must not be shared between threads.
///
/// Layout: input N×1×H×W (row-major per line: H×W), logits N×T×C with T = W / frame_stride
/// and C = alphabet size (class 0 = CTC blank).
class NetworkRunner {
 public:
  /// Builds the primitives. `training` adds the backward primitives (oneDNN's backward data,
  /// backward weights, pooling and ReLU backward). Throws ModelError on a bad layout and
  /// dnnl::error if oneDNN cannot build a primitive.
  /// With an `arena` (inference only), activations live in the arena's buffers, bound anew
  /// by each input() call; the arena must outlive the runner.
  NetworkRunner(const Model& model, int batch, int width, bool training, ActivationArena* arena = nullptr);
  ~NetworkRunner();
  NetworkRunner(const NetworkRunner&) = delete;
  NetworkRunner& operator=(const NetworkRunner&) = delete;

  int batch() const;
  int width() const;
  int frames() const;   ///< T
  int classes() const;  ///< C

  /// Copies the model's weights into the primitives' layouts; call after each update.
  void set_weights(const Model& model);

  /// Input buffer, N×H×W floats (ink 1, paper 0); fill before forward(). With an arena this
  /// (re)binds the runner to the arena's buffers: call it before every forward().
  float* input();
  /// Runs the network. Logits become readable.
  void forward();
  /// Output, N×T×C pre-softmax scores.
  const float* logits() const;

  /// Gradient of the loss w.r.t. the logits, N×T×C; fill before backward(). Training only.
  float* logits_gradient();
  /// Back-propagates logits_gradient() through the network, writing weight and bias gradients
  /// (same layout as Model::weights / biases). Training only; call after forward().
  void backward();
  const std::vector<std::vector<float>>& weight_gradients() const;
  const std::vector<std::vector<float>>& bias_gradients() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Width to pad a line of `width` px to: the next multiple of `quantum` (itself a multiple of
/// the frame stride). Lines of one width class share primitives.
int padded_width(int width, int quantum);

}  // namespace platen
