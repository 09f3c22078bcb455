#include "recognition/network.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>

#include "core/errors.h"

namespace platen {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// One layer's primitives and buffers. act_in/act_out are the activations around it.
struct Layer {
  bool is_conv = false;
  bool relu = false;
  int conv_index = -1;
  memory::dims strides, kernel, pad_l, pad_r;

  // Forward.
  dnnl::primitive fwd;
  std::unordered_map<int, memory> fwd_args;  // handles: rebinding acts' buffers needs no update
  memory weights_user, weights, bias;  // user = OIHW canonical copy (absent with PackedWeights)
  dnnl::reorder weights_reorder;
  memory workspace;  // max pooling, training only
  dnnl::convolution_forward::primitive_desc conv_pd;
  dnnl::pooling_forward::primitive_desc pool_pd;

  // Backward.
  dnnl::primitive bwd_data, bwd_weights, relu_bwd;
  memory weights_bwd;  // weights in the backward-data layout
  dnnl::reorder weights_bwd_reorder;
  memory diff_pre;     // gradient w.r.t. the convolution output before ReLU
  memory diff_weights, diff_weights_user, diff_bias;
  dnnl::reorder diff_weights_reorder;
  bool has_bwd_data = false;
};

/// Fills `m` (in its own layout and data type) with a copy of `values`, reordered from `from`;
/// with `scales`, each output channel (dimension 0) is multiplied by its scale on the way
/// (quantisation to s8, rounded and saturated by the reorder).
void reorder_into(memory m, const memory::desc& from, const std::vector<float>& values,
                  const std::vector<float>& scales = {}) {
  memory user(from, cpu_engine());
  std::memcpy(user.get_data_handle(), values.data(), values.size() * sizeof(float));
  dnnl::stream stream(cpu_engine());
  dnnl::primitive_attr attr;
  if (!scales.empty()) attr.set_output_scales(1, scales);
  dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), from, cpu_engine(), m.get_desc(), attr))
      .execute(stream, user, m);
  stream.wait();
}

/// True when oneDNN picked a reference (unoptimised C++) kernel for `pd`.
bool is_reference(const dnnl::primitive_desc_base& pd) { return std::strncmp(pd.impl_info_str(), "ref", 3) == 0; }

/// Whether oneDNN's effective ISA includes all of `isa`. cpu_isa values are bit sets:
/// avx512_core_amx includes avx512_core_bf16, while avx2_vnni, numerically larger, does not,
/// so a plain >= would be wrong.
bool effective_isa_includes(dnnl::cpu_isa isa) {
  const auto need = static_cast<unsigned>(isa);
  return (static_cast<unsigned>(dnnl::get_effective_cpu_isa()) & need) == need;
}

}  // namespace

bool cpu_has_native_bf16() { return effective_isa_includes(dnnl::cpu_isa::avx512_core_bf16); }

bool cpu_has_amx_bf16() { return effective_isa_includes(dnnl::cpu_isa::avx512_core_amx); }

bool cpu_has_vnni() {
  return effective_isa_includes(dnnl::cpu_isa::avx512_core_vnni) || effective_isa_includes(dnnl::cpu_isa::avx2_vnni);
}

Precision resolve_precision(Precision requested, const Model& model) {
  if (requested != Precision::automatic) return requested;
  if (!model.activation_ranges.empty() && cpu_has_vnni()) return Precision::int8;
  return cpu_has_amx_bf16() ? Precision::bf16 : Precision::f32;
}

Precision parse_precision(const std::string& text) {
  if (text == "f32") return Precision::f32;
  if (text == "bf16") return Precision::bf16;
  if (text == "int8") return Precision::int8;
  if (text == "auto") return Precision::automatic;
  throw UsageError("unknown precision '" + text + "' (use f32, bf16, int8 or auto)");
}

const char* precision_name(Precision precision) {
  switch (precision) {
    case Precision::f32: return "f32";
    case Precision::bf16: return "bf16";
    case Precision::int8: return "int8";
    case Precision::automatic: break;
  }
  return "auto";
}

namespace {

/// int8 quantisation of one convolution (the usual symmetric scheme with a fixed zero, as
/// oneDNN's int8 convolutions take it): input u8 = round(x · in_scale), weights s8 =
/// round(w · weight_scales[o]) with one scale per output channel mapping its largest |w| to
/// int8_weight_limit(); the s32 accumulator plus the bias (given in accumulator units) is multiplied by
/// output_scales[o] to give the next layer's u8 (or, on the output layer, f32 logits).
/// Largest |s8 weight|: 127 on CPUs with VNNI. Without VNNI, oneDNN's AVX2/AVX-512 int8
/// kernels add pairs of u8 × s8 products in saturating 16-bit (vpmaddubsw): 2 · 255 · 127
/// overflows, so weights are kept to 7 bits there (2 · 255 · 63 < 32767), as oneDNN's int8
/// documentation advises for such CPUs. Measured on an AVX2-only AMD EPYC: with 127 the
/// int8 scores of the network test differed from f32 by 30 % of their range.
float int8_weight_limit() { return cpu_has_vnni() ? 127.0f : 63.0f; }

struct Int8Scales {
  float in_scale = 1;
  std::vector<float> weight_scales, output_scales, bias;  // by output channel
};

/// Scales of convolution `index` of `model`, whose input range is activation_ranges[index]
/// and whose output feeds convolution index + 1 (or is the logits, unscaled). Throws
/// ModelError when the model has no activation ranges.
Int8Scales int8_scales(const Model& model, int index, const ConvolutionShape& s) {
  const std::vector<float>& ranges = model.activation_ranges;
  if (ranges.size() != model.weights.size())
    throw ModelError("int8 inference needs a calibrated model (ocr calibrate); this one has no activation ranges");
  auto scale_for = [](float range) { return range > 0 ? 255.0f / range : 1.0f; };
  Int8Scales q;
  q.in_scale = scale_for(ranges[index]);
  const bool last = index + 1 == static_cast<int>(ranges.size());
  const float out_scale = last ? 1.0f : scale_for(ranges[index + 1]);
  const std::vector<float>& w = model.weights[index];
  const std::size_t per_out = static_cast<std::size_t>(s.in_channels) * s.kernel_h * s.kernel_w;
  const float limit = int8_weight_limit();
  for (int o = 0; o < s.out_channels; ++o) {
    float largest = 0;
    for (std::size_t k = 0; k < per_out; ++k) largest = std::max(largest, std::abs(w[o * per_out + k]));
    const float ws = largest > 0 ? limit / largest : 1.0f;
    q.weight_scales.push_back(ws);
    q.output_scales.push_back(out_scale / (q.in_scale * ws));
    q.bias.push_back(model.biases[index][o] * q.in_scale * ws);
  }
  return q;
}

}  // namespace

void* ActivationArena::buffer(std::size_t slot, std::size_t bytes) {
  if (slot >= slots_.size()) {
    slots_.resize(slot + 1);
    sizes_.resize(slot + 1, 0);
  }
  if (sizes_[slot] < bytes) {
    std::size_t rounded = (bytes + 63) / 64 * 64;
    slots_[slot].reset(std::aligned_alloc(64, rounded));
    if (!slots_[slot]) throw std::bad_alloc();
    sizes_[slot] = bytes;
  }
  return slots_[slot].get();
}

void ActivationArena::Free::operator()(void* p) const { std::free(p); }

struct PackedWeights::Impl {
  struct Entry {
    int conv_index;
    memory::desc desc;  // layout and data type chosen by the primitive
    memory data;
  };
  std::mutex mutex;
  std::vector<Entry> weights;  // a few per convolution at most
  std::vector<memory> biases, int8_biases;  // by convolution, f32 (int8: in accumulator units)

  /// Weights of convolution `index` of `model` in layout `want`, reordered on first use; s8
  /// layouts are quantised with `scales` (one per output channel).
  memory weights_for(const Model& model, int index, const ConvolutionShape& s, const memory::desc& want,
                     const std::vector<float>& scales = {}) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const Entry& e : weights)
      if (e.conv_index == index && e.desc == want) return e.data;
    memory data(want, cpu_engine());
    reorder_into(data, {{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}, dt::f32, tag::oihw},
                 model.weights[index], scales);
    weights.push_back({index, want, data});
    return data;
  }

  /// Bias of convolution `index`, f32: the model's, or with `int8`, `values` (the bias in
  /// accumulator units).
  memory bias_for(int index, const std::vector<float>& values, bool int8) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<memory>& cache = int8 ? int8_biases : biases;
    if (cache.size() <= static_cast<std::size_t>(index)) cache.resize(index + 1);
    if (!cache[index]) {
      memory data({{static_cast<memory::dim>(values.size())}, dt::f32, tag::x}, cpu_engine());
      std::memcpy(data.get_data_handle(), values.data(), values.size() * sizeof(float));
      cache[index] = data;
    }
    return cache[index];
  }
};

PackedWeights::PackedWeights() : impl_(std::make_unique<Impl>()) {}
PackedWeights::~PackedWeights() = default;

struct NetworkRunner::Impl {
  int batch, width, frames, classes;
  bool training;
  Precision arith = Precision::f32;  // f32, bf16 or int8
  bool packed = false;  // weights from PackedWeights: set_weights() refused
  ActivationArena* arena = nullptr;
  dnnl::stream stream{cpu_engine()};
  std::vector<Layer> layers;
  std::vector<memory> acts;   // acts[i] feeds layer i; acts.back() = logits (f32)
  memory input_low;           // bf16/int8: acts[0] converted, what layer 0 reads
  dnnl::reorder input_reorder;
  std::vector<memory> diffs;  // gradients w.r.t. acts (diffs[0] unused)
  std::vector<std::vector<float>> weight_grads, bias_grads;

  /// Builds the primitives (see the NetworkRunner constructor), without filling in weights
  /// unless they come from `packed`. `arithmetic` other than f32 for inference only.
  void build(const Model& model, int batch_size, int net_width, bool train, Precision arithmetic,
             PackedWeights* packed);
  /// True when any forward primitive runs on a reference kernel.
  bool uses_reference_kernels() const;
};

int padded_width(int width, int quantum) { return (width + quantum - 1) / quantum * quantum; }

NetworkRunner::NetworkRunner(const Model& model, int batch, int width, bool training, ActivationArena* arena,
                             Precision precision, PackedWeights* packed)
    : impl_(std::make_unique<Impl>()) {
  if (packed && training) throw Error("packed weights are for inference runners only");
  const Precision resolved =
      training && precision == Precision::automatic ? Precision::f32 : resolve_precision(precision, model);
  if (training && resolved != Precision::f32) throw Error("training runs in f32 only");
  if (resolved == Precision::int8 && !packed)
    throw Error("int8 inference takes its weights from PackedWeights");
  impl_->arena = arena;
  if (precision == Precision::automatic && resolved != Precision::f32) {
    // The reduced precision unless oneDNN cannot build it or would build it from reference
    // kernels.
    bool fallback = false;
    try {
      impl_->build(model, batch, width, training, resolved, packed);
      fallback = impl_->uses_reference_kernels();
    } catch (const dnnl::error&) {
      fallback = true;
    }
    if (fallback) {
      impl_ = std::make_unique<Impl>();
      impl_->arena = arena;
      impl_->build(model, batch, width, training, Precision::f32, packed);
    }
  } else {
    impl_->build(model, batch, width, training, resolved, packed);
  }
  if (!packed) set_weights(model);
}

bool NetworkRunner::Impl::uses_reference_kernels() const {
  for (const Layer& L : layers)
    if (L.is_conv ? is_reference(L.conv_pd) : is_reference(L.pool_pd)) return true;
  return false;
}

void NetworkRunner::Impl::build(const Model& model, int batch_size, int net_width, bool train, Precision arithmetic,
                                PackedWeights* packed_weights) {
  Impl& m = *this;
  const int stride = model.spec.frame_stride();
  if (net_width <= 0 || net_width % stride != 0)
    throw ModelError("network width " + std::to_string(net_width) + " is not a multiple of " +
                     std::to_string(stride));
  batch = batch_size;
  width = net_width;
  training = train;
  arith = arithmetic;
  const bool use_int8 = arith == Precision::int8;
  packed = packed_weights != nullptr;
  auto& eng = cpu_engine();
  const auto prop = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  std::vector<ConvolutionShape> shapes = model.convolution_shapes();
  // bf16 and int8: activations between layers in bf16 or u8; the input (filled by the
  // caller) and the logits (read by the decoder) stay f32.
  const dt inner = arith == Precision::bf16 ? dt::bf16 : use_int8 ? dt::u8 : dt::f32;
  const dt weight_type = arith == Precision::bf16 ? dt::bf16 : use_int8 ? dt::s8 : dt::f32;

  int h = model.input_height, w = width, c = 1, conv_i = 0;
  auto act_md = [&](int ch, int hh, int ww, dt type) {
    return memory::desc({batch, ch, hh, ww}, type, tag::nhwc);
  };
  auto new_memory = [&](const memory::desc& md) {
    return arena ? memory(md, eng, static_cast<void*>(nullptr)) : memory(md, eng);
  };
  m.acts.push_back(new_memory(act_md(c, h, w, dt::f32)));
  memory::desc src_md = m.acts[0].get_desc();
  if (inner != dt::f32) {
    m.input_low = new_memory(act_md(c, h, w, inner));
    dnnl::primitive_attr attr;
    // int8: the input's range is activation_ranges[0] (1: ink).
    if (use_int8) attr.set_output_scales(0, {int8_scales(model, 0, shapes[0]).in_scale});
    m.input_reorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src_md, eng, m.input_low.get_desc(), attr));
    src_md = m.input_low.get_desc();
  }
  for (std::size_t li = 0; li < model.spec.layers.size(); ++li) {
    const LayerSpec& spec = model.spec.layers[li];
    const dt out_type = li + 1 == model.spec.layers.size() ? dt::f32 : inner;
    Layer L;
    if (spec.kind == LayerSpec::Kind::Convolution) {
      const ConvolutionShape& s = shapes[conv_i];
      L.is_conv = true;
      L.relu = s.relu;
      L.conv_index = conv_i++;
      L.strides = {1, 1};
      L.pad_l = {s.pad_h, s.pad_w};
      L.pad_r = {s.pad_h, s.pad_w};
      int oh = s.out_height, oc = s.out_channels;
      memory::desc dst_md = act_md(oc, oh, w, out_type);
      memory::desc w_any({oc, c, s.kernel_h, s.kernel_w}, weight_type, tag::any);
      memory::desc b_md({oc}, dt::f32, tag::x);
      dnnl::convolution_forward::desc d(prop, dnnl::algorithm::convolution_direct, src_md, w_any,
                                        b_md, dst_md, L.strides, L.pad_l, L.pad_r);
      dnnl::primitive_attr attr;
      Int8Scales q;
      if (use_int8) {
        q = int8_scales(model, L.conv_index, s);
        attr.set_output_scales(1 << 1, q.output_scales);  // by output channel (dimension 1)
      }
      if (L.relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
      }
      L.conv_pd = dnnl::convolution_forward::primitive_desc(d, attr, eng);
      L.fwd = dnnl::convolution_forward(L.conv_pd);
      if (packed_weights) {
        // A handle of this runner's own onto the shared buffer.
        memory shared =
            packed_weights->impl_->weights_for(model, L.conv_index, s, L.conv_pd.weights_desc(), q.weight_scales);
        L.weights = memory(L.conv_pd.weights_desc(), eng, shared.get_data_handle());
        const std::vector<float>& bias = use_int8 ? q.bias : model.biases[L.conv_index];
        L.bias = memory(b_md, eng, packed_weights->impl_->bias_for(L.conv_index, bias, use_int8).get_data_handle());
      } else {
        L.weights_user = memory({{oc, c, s.kernel_h, s.kernel_w}, dt::f32, tag::oihw}, eng);
        L.weights = memory(L.conv_pd.weights_desc(), eng);
        L.weights_reorder = dnnl::reorder(L.weights_user, L.weights);
        L.bias = memory(b_md, eng);
      }
      m.acts.push_back(new_memory(dst_md));
      L.fwd_args = {{DNNL_ARG_SRC, li == 0 && m.input_low ? m.input_low : m.acts[li]},
                    {DNNL_ARG_WEIGHTS, L.weights},
                    {DNNL_ARG_BIAS, L.bias},
                    {DNNL_ARG_DST, m.acts[li + 1]}};
      c = oc;
      h = oh;
      src_md = dst_md;
    } else {
      L.strides = {spec.kernel_h, spec.kernel_w};
      L.kernel = {spec.kernel_h, spec.kernel_w};
      L.pad_l = {0, 0};
      L.pad_r = {0, 0};
      int oh = h / spec.kernel_h, ow = w / spec.kernel_w;
      memory::desc dst_md = act_md(c, oh, ow, out_type);
      dnnl::pooling_forward::desc d(prop, dnnl::algorithm::pooling_max, src_md, dst_md, L.strides,
                                    L.kernel, L.pad_l, L.pad_r);
      L.pool_pd = dnnl::pooling_forward::primitive_desc(d, eng);
      L.fwd = dnnl::pooling_forward(L.pool_pd);
      m.acts.push_back(new_memory(dst_md));
      L.fwd_args = {{DNNL_ARG_SRC, li == 0 && m.input_low ? m.input_low : m.acts[li]}, {DNNL_ARG_DST, m.acts[li + 1]}};
      if (training) {
        L.workspace = new_memory(L.pool_pd.workspace_desc());
        L.fwd_args[DNNL_ARG_WORKSPACE] = L.workspace;
      }
      h = oh;
      w = ow;
      src_md = dst_md;
    }
    m.layers.push_back(std::move(L));
  }
  m.frames = w;
  m.classes = c;

  if (training) {
    m.diffs.resize(m.acts.size());
    for (std::size_t i = 1; i < m.acts.size(); ++i) m.diffs[i] = new_memory(m.acts[i].get_desc());
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
      Layer& L = m.layers[i];
      memory::desc src_md = m.acts[i].get_desc(), dst_md = m.acts[i + 1].get_desc();
      if (L.is_conv) {
        const ConvolutionShape& s = shapes[L.conv_index];
        memory::desc w_any({s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}, dt::f32, tag::any);
        memory::desc b_md({s.out_channels}, dt::f32, tag::x);
        if (L.relu) {
          // The ReLU is fused into the forward convolution, so its backward reads the
          // convolution's (post-ReLU) output: relu_use_dst_for_bwd.
          dnnl::eltwise_forward::primitive_desc hint(
              dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training,
                                          dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_md, 0.0f),
              eng);
          dnnl::eltwise_backward::primitive_desc pd(
              dnnl::eltwise_backward::desc(dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_md, dst_md, 0.0f),
              eng, hint);
          L.relu_bwd = dnnl::eltwise_backward(pd);
          L.diff_pre = new_memory(dst_md);
        }
        dnnl::convolution_backward_weights::primitive_desc bw_pd(
            dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, src_md, w_any, b_md,
                                                     dst_md, L.strides, L.pad_l, L.pad_r),
            eng, L.conv_pd);
        L.bwd_weights = dnnl::convolution_backward_weights(bw_pd);
        L.diff_weights = memory(bw_pd.diff_weights_desc(), eng);
        L.diff_weights_user = memory({{s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}, dt::f32, tag::oihw}, eng);
        L.diff_weights_reorder = dnnl::reorder(L.diff_weights, L.diff_weights_user);
        L.diff_bias = memory(b_md, eng);
        if (i > 0) {
          dnnl::convolution_backward_data::primitive_desc bd_pd(
              dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, src_md, w_any, dst_md,
                                                    L.strides, L.pad_l, L.pad_r),
              eng, L.conv_pd);
          L.bwd_data = dnnl::convolution_backward_data(bd_pd);
          L.weights_bwd = memory(bd_pd.weights_desc(), eng);
          L.weights_bwd_reorder = dnnl::reorder(L.weights_user, L.weights_bwd);
          L.has_bwd_data = true;
        }
        m.weight_grads.emplace_back(static_cast<std::size_t>(s.out_channels) * s.in_channels * s.kernel_h * s.kernel_w);
        m.bias_grads.emplace_back(s.out_channels);
      } else {
        dnnl::pooling_backward::primitive_desc pd(
            dnnl::pooling_backward::desc(dnnl::algorithm::pooling_max, src_md, dst_md, L.strides, L.kernel,
                                         L.pad_l, L.pad_r),
            eng, L.pool_pd);
        L.bwd_data = dnnl::pooling_backward(pd);
        L.has_bwd_data = i > 0;
      }
    }
    // Layer 0's input gradient is never needed, but pooling at layer 0 would still want one.
    if (!m.layers.empty() && !m.layers[0].is_conv) m.diffs[0] = new_memory(m.acts[0].get_desc());
  }
}

NetworkRunner::~NetworkRunner() = default;

int NetworkRunner::batch() const { return impl_->batch; }
int NetworkRunner::width() const { return impl_->width; }
int NetworkRunner::frames() const { return impl_->frames; }
int NetworkRunner::classes() const { return impl_->classes; }
Precision NetworkRunner::precision() const { return impl_->arith; }

std::vector<float> NetworkRunner::convolution_input_maxima() const {
  const Impl& m = *impl_;
  if (m.arith != Precision::f32) throw Error("convolution_input_maxima() on a runner not in f32");
  std::vector<float> maxima;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    if (!m.layers[i].is_conv) continue;
    const memory& act = m.acts[i];
    const auto* v = static_cast<const float*>(act.get_data_handle());
    const std::size_t n = act.get_desc().get_size() / sizeof(float);
    float largest = 0;
    for (std::size_t k = 0; k < n; ++k) largest = std::max(largest, v[k]);
    maxima.push_back(largest);
  }
  return maxima;
}

void NetworkRunner::set_weights(const Model& model) {
  Impl& m = *impl_;
  if (m.packed) throw Error("set_weights() on a runner whose weights are shared (PackedWeights)");
  for (Layer& L : m.layers) {
    if (!L.is_conv) continue;
    const std::vector<float>& w = model.weights[L.conv_index];
    const std::vector<float>& b = model.biases[L.conv_index];
    std::memcpy(L.weights_user.get_data_handle(), w.data(), w.size() * sizeof(float));
    std::memcpy(L.bias.get_data_handle(), b.data(), b.size() * sizeof(float));
    L.weights_reorder.execute(m.stream, L.weights_user, L.weights);
    if (L.has_bwd_data) L.weights_bwd_reorder.execute(m.stream, L.weights_user, L.weights_bwd);
  }
  m.stream.wait();
}

float* NetworkRunner::input() {
  Impl& m = *impl_;
  if (m.arena) {
    // Slot i holds acts[i]; the bf16 copy of the input takes the slot after the logits; a
    // training runner's gradients, ReLU gradients and pooling workspaces follow. Grow every
    // slot first, then bind: growing may move a slot's buffer.
    const std::size_t n = m.acts.size(), layers = m.layers.size();
    std::vector<std::pair<memory*, std::size_t>> bound;  // memory, slot
    for (std::size_t i = 0; i < n; ++i) bound.emplace_back(&m.acts[i], i);
    if (m.input_low) bound.emplace_back(&m.input_low, n);
    if (m.training) {
      for (std::size_t i = 0; i < n; ++i)
        if (m.diffs[i]) bound.emplace_back(&m.diffs[i], n + 1 + i);
      for (std::size_t l = 0; l < layers; ++l) {
        if (m.layers[l].diff_pre) bound.emplace_back(&m.layers[l].diff_pre, 2 * n + 1 + l);
        if (m.layers[l].workspace) bound.emplace_back(&m.layers[l].workspace, 2 * n + 1 + layers + l);
      }
    }
    for (auto& [mem, slot] : bound) m.arena->buffer(slot, mem->get_desc().get_size());
    for (auto& [mem, slot] : bound) mem->set_data_handle(m.arena->buffer(slot, 0));
  }
  return static_cast<float*>(m.acts[0].get_data_handle());
}

const float* NetworkRunner::logits() const {
  return static_cast<const float*>(impl_->acts.back().get_data_handle());
}

float* NetworkRunner::logits_gradient() {
  if (!impl_->training) throw Error("logits_gradient() on an inference network");
  return static_cast<float*>(impl_->diffs.back().get_data_handle());
}

void NetworkRunner::forward() {
  Impl& m = *impl_;
  if (m.input_low) m.input_reorder.execute(m.stream, m.acts[0], m.input_low);
  for (Layer& L : m.layers) L.fwd.execute(m.stream, L.fwd_args);
  m.stream.wait();
}

void NetworkRunner::backward() {
  Impl& m = *impl_;
  if (!m.training) throw Error("backward() on an inference network");
  for (std::size_t k = m.layers.size(); k-- > 0;) {
    Layer& L = m.layers[k];
    if (L.is_conv) {
      memory diff_out = m.diffs[k + 1];
      if (L.relu) {
        L.relu_bwd.execute(m.stream, {{DNNL_ARG_DST, m.acts[k + 1]},
                                      {DNNL_ARG_DIFF_DST, m.diffs[k + 1]},
                                      {DNNL_ARG_DIFF_SRC, L.diff_pre}});
        diff_out = L.diff_pre;
      }
      L.bwd_weights.execute(m.stream, {{DNNL_ARG_SRC, m.acts[k]},
                                       {DNNL_ARG_DIFF_DST, diff_out},
                                       {DNNL_ARG_DIFF_WEIGHTS, L.diff_weights},
                                       {DNNL_ARG_DIFF_BIAS, L.diff_bias}});
      L.diff_weights_reorder.execute(m.stream, L.diff_weights, L.diff_weights_user);
      if (L.has_bwd_data)
        L.bwd_data.execute(m.stream, {{DNNL_ARG_DIFF_DST, diff_out},
                                      {DNNL_ARG_WEIGHTS, L.weights_bwd},
                                      {DNNL_ARG_DIFF_SRC, m.diffs[k]}});
    } else if (L.has_bwd_data) {
      L.bwd_data.execute(m.stream, {{DNNL_ARG_DIFF_DST, m.diffs[k + 1]},
                                    {DNNL_ARG_WORKSPACE, L.workspace},
                                    {DNNL_ARG_DIFF_SRC, m.diffs[k]}});
    }
  }
  m.stream.wait();
  for (Layer& L : m.layers) {
    if (!L.is_conv) continue;
    auto& wg = m.weight_grads[L.conv_index];
    auto& bg = m.bias_grads[L.conv_index];
    std::memcpy(wg.data(), L.diff_weights_user.get_data_handle(), wg.size() * sizeof(float));
    std::memcpy(bg.data(), L.diff_bias.get_data_handle(), bg.size() * sizeof(float));
  }
}

const std::vector<std::vector<float>>& NetworkRunner::weight_gradients() const { return impl_->weight_grads; }
const std::vector<std::vector<float>>& NetworkRunner::bias_gradients() const { return impl_->bias_grads; }

}  // namespace platen
