#pragma once
// The line network on oneDNN: a fully convolutional stack whose output frames are the
// positions of a sliding character window, each with scores over the alphabet plus the CTC
// blank. Primitives are built once per (batch, width) and reused.
//
// Inference can run in bfloat16 (weights and activations bf16, accumulation and the output
// scores f32) or in int8 (u8 activations, s8 weights, s32 accumulation; the model must carry
// activation ranges from calibration); training is always f32. Each is the default only where
// it pays. On AVX-512 BF16 alone (vdpbf16ps), without AMX, oneDNN 2.6's bf16 convolutions of
// this network measured 1.8× slower than its f32 ones; its int8 ones with VNNI (brgconv
// avx512_core_vnni) 2–3× faster, CER unchanged (2-core Xeon with avx512_bf16 and VNNI).

#include <memory>
#include <string>
#include <vector>

#include "platen/engine.h"
#include "recognition/model.h"

namespace platen {

// Precision (automatic, f32, bf16, int8): the arithmetic of the forward pass, in the public
// <platen/engine.h> since a library caller chooses it.

/// Whether oneDNN has int8 dot-product instructions (VNNI) on this CPU, where its int8
/// convolutions are faster than f32. Honours ONEDNN_MAX_CPU_ISA.
bool cpu_has_vnni();

/// Whether oneDNN has bf16 instructions on this CPU: its effective ISA includes AVX-512 BF16
/// (avx512_core_bf16, or AMX which implies it). Honours ONEDNN_MAX_CPU_ISA.
bool cpu_has_native_bf16();

/// Whether oneDNN can use AMX bf16 tiles on this CPU (effective ISA avx512_core_amx: the CPU
/// has them and the kernel grants them). Honours ONEDNN_MAX_CPU_ISA, so
/// ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 makes Precision::automatic pick f32.
bool cpu_has_amx_bf16();

/// `requested` with Precision::automatic resolved for `model`: int8 when the model has
/// activation ranges and cpu_has_vnni(), else bf16 when cpu_has_amx_bf16(), else f32. Other
/// precisions are returned as given (bf16 without AVX-512 BF16 runs on oneDNN's emulation, on
/// AVX-512 only, or fails to build).
Precision resolve_precision(Precision requested, const Model& model);

// parse_precision and precision_name are public (platen/engine.h); defined in network.cpp.

/// Activation buffers shared by the runners of one thread (inference, or training). Runners of different
/// width classes hold batches of about the same number of columns, so one set of buffers
/// serves them all and memory stays flat however many width classes a page has. Not
/// thread-safe: one arena per thread.
class ActivationArena {
 public:
  /// Buffer `slot` with room for at least `bytes` bytes, 64-byte aligned. Growing a slot
  /// invalidates its earlier pointer.
  void* buffer(std::size_t slot, std::size_t bytes);

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::vector<std::unique_ptr<void, Free>> slots_;
  std::vector<std::size_t> sizes_;
};

/// One model's convolution weights and biases reordered into the layouts (and data type) the
/// inference primitives chose, shared by every inference runner of that model: all width
/// classes and all threads. Each (layer, layout) is reordered once, on first use; the layout
/// seldom depends on the width, so a model is usually held once per precision instead of once
/// per runner. Thread-safe. Each (layer, layout) is copied from the model the runner that
/// first needs it is built with: build every runner of one cache from the same, unchanged
/// model (make a new cache after a weight update).
class PackedWeights {
 public:
  PackedWeights();
  ~PackedWeights();
  PackedWeights(const PackedWeights&) = delete;
  PackedWeights& operator=(const PackedWeights&) = delete;

 private:
  friend class NetworkRunner;
  struct Impl;
  std::unique_ptr<Impl> impl_;
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
  /// backward weights, pooling and ReLU backward). Throws ModelError on a bad layout, Error
  /// for bf16 with `training` (automatic means f32 there), and dnnl::error if oneDNN cannot
  /// build a primitive (e.g. bf16 on a CPU without AVX-512).
  /// With an `arena`, activations (and for `training` their gradients and the pooling
  /// workspaces) live in the arena's buffers, bound anew by each input() call; the arena must
  /// outlive the runner. Runners sharing an arena must run one at a time, each from its
  /// input() through its backward(): the trainer's width classes then cost one set of buffers.
  /// With `packed` (inference only), weights come from that cache instead of a copy of the
  /// runner's own; the cache must outlive the runner, and set_weights() is refused.
  /// `precision`: Precision::automatic is resolved by resolve_precision(), and falls back to
  /// f32 where oneDNN cannot build bf16 primitives or has only reference kernels for them.
  /// In bf16 the input and logits stay f32: the input is converted once per forward().
  NetworkRunner(const Model& model, int batch, int width, bool training, ActivationArena* arena = nullptr,
                Precision precision = Precision::f32, PackedWeights* packed = nullptr);
  ~NetworkRunner();
  NetworkRunner(const NetworkRunner&) = delete;
  NetworkRunner& operator=(const NetworkRunner&) = delete;

  int batch() const;
  int width() const;
  int frames() const;   ///< T
  int classes() const;  ///< C
  /// Arithmetic of forward(): f32, bf16 or int8 (never automatic).
  Precision precision() const;

  /// Per convolution, the largest value of its input in the last forward() (f32 runners
  /// only; padding columns included, which hold zeros). Throws Error on other runners.
  std::vector<float> convolution_input_maxima() const;

  /// Copies the model's weights into the primitives' layouts; call after each update. Throws
  /// Error on a runner built with PackedWeights (their weights are shared and fixed).
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
