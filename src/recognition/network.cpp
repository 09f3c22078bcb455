#include "recognition/network.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <cstring>
#include <new>

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
  memory weights_user, weights, bias;  // user = OIHW canonical copy
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

}  // namespace

float* ActivationArena::buffer(std::size_t slot, std::size_t floats) {
  if (slot >= slots_.size()) {
    slots_.resize(slot + 1);
    sizes_.resize(slot + 1, 0);
  }
  if (sizes_[slot] < floats) {
    std::size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    slots_[slot].reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!slots_[slot]) throw std::bad_alloc();
    sizes_[slot] = floats;
  }
  return slots_[slot].get();
}

void ActivationArena::Free::operator()(float* p) const { std::free(p); }

struct NetworkRunner::Impl {
  int batch, width, frames, classes;
  bool training;
  ActivationArena* arena = nullptr;
  dnnl::stream stream{cpu_engine()};
  std::vector<Layer> layers;
  std::vector<memory> acts;   // acts[i] feeds layer i; acts.back() = logits
  std::vector<memory> diffs;  // gradients w.r.t. acts (diffs[0] unused)
  std::vector<std::vector<float>> weight_grads, bias_grads;
};

int padded_width(int width, int quantum) { return (width + quantum - 1) / quantum * quantum; }

NetworkRunner::NetworkRunner(const Model& model, int batch, int width, bool training, ActivationArena* arena)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  if (arena && training) throw Error("an activation arena is for inference runners only");
  m.arena = arena;
  const int stride = model.spec.frame_stride();
  if (width <= 0 || width % stride != 0)
    throw ModelError("network width " + std::to_string(width) + " is not a multiple of " +
                     std::to_string(stride));
  m.batch = batch;
  m.width = width;
  m.training = training;
  auto& eng = cpu_engine();
  const auto prop = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  std::vector<ConvolutionShape> shapes = model.convolution_shapes();

  int h = model.input_height, w = width, c = 1, conv_i = 0;
  auto act_md = [&](int ch, int hh, int ww) { return memory::desc({batch, ch, hh, ww}, dt::f32, tag::nhwc); };
  auto new_act = [&](const memory::desc& md) {
    if (arena) m.acts.push_back(memory(md, eng, static_cast<void*>(nullptr)));
    else m.acts.emplace_back(md, eng);
  };
  new_act(act_md(c, h, w));
  for (const LayerSpec& spec : model.spec.layers) {
    Layer L;
    memory::desc src_md = act_md(c, h, w);
    if (spec.kind == LayerSpec::Kind::Convolution) {
      const ConvolutionShape& s = shapes[conv_i];
      L.is_conv = true;
      L.relu = s.relu;
      L.conv_index = conv_i++;
      L.strides = {1, 1};
      L.pad_l = {s.pad_h, s.pad_w};
      L.pad_r = {s.pad_h, s.pad_w};
      int oh = s.out_height, oc = s.out_channels;
      memory::desc dst_md = act_md(oc, oh, w);
      memory::desc w_any({oc, c, s.kernel_h, s.kernel_w}, dt::f32, tag::any);
      memory::desc b_md({oc}, dt::f32, tag::x);
      dnnl::convolution_forward::desc d(prop, dnnl::algorithm::convolution_direct, src_md, w_any,
                                        b_md, dst_md, L.strides, L.pad_l, L.pad_r);
      dnnl::primitive_attr attr;
      if (L.relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
      }
      L.conv_pd = dnnl::convolution_forward::primitive_desc(d, attr, eng);
      L.fwd = dnnl::convolution_forward(L.conv_pd);
      L.weights_user = memory({{oc, c, s.kernel_h, s.kernel_w}, dt::f32, tag::oihw}, eng);
      L.weights = memory(L.conv_pd.weights_desc(), eng);
      L.weights_reorder = dnnl::reorder(L.weights_user, L.weights);
      L.bias = memory(b_md, eng);
      new_act(dst_md);
      c = oc;
      h = oh;
    } else {
      L.strides = {spec.kernel_h, spec.kernel_w};
      L.kernel = {spec.kernel_h, spec.kernel_w};
      L.pad_l = {0, 0};
      L.pad_r = {0, 0};
      int oh = h / spec.kernel_h, ow = w / spec.kernel_w;
      memory::desc dst_md = act_md(c, oh, ow);
      dnnl::pooling_forward::desc d(prop, dnnl::algorithm::pooling_max, src_md, dst_md, L.strides,
                                    L.kernel, L.pad_l, L.pad_r);
      L.pool_pd = dnnl::pooling_forward::primitive_desc(d, eng);
      L.fwd = dnnl::pooling_forward(L.pool_pd);
      if (training) L.workspace = memory(L.pool_pd.workspace_desc(), eng);
      new_act(dst_md);
      h = oh;
      w = ow;
    }
    m.layers.push_back(std::move(L));
  }
  m.frames = w;
  m.classes = c;

  if (training) {
    m.diffs.resize(m.acts.size());
    for (std::size_t i = 1; i < m.acts.size(); ++i) m.diffs[i] = memory(m.acts[i].get_desc(), eng);
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
          L.diff_pre = memory(dst_md, eng);
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
    if (!m.layers.empty() && !m.layers[0].is_conv) m.diffs[0] = memory(m.acts[0].get_desc(), eng);
  }
  set_weights(model);
}

NetworkRunner::~NetworkRunner() = default;

int NetworkRunner::batch() const { return impl_->batch; }
int NetworkRunner::width() const { return impl_->width; }
int NetworkRunner::frames() const { return impl_->frames; }
int NetworkRunner::classes() const { return impl_->classes; }

void NetworkRunner::set_weights(const Model& model) {
  Impl& m = *impl_;
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
    // Grow every slot first, then bind: growing may move a slot's buffer.
    std::vector<float*> buffers;
    for (std::size_t i = 0; i < m.acts.size(); ++i)
      buffers.push_back(m.arena->buffer(i, m.acts[i].get_desc().get_size() / sizeof(float)));
    for (std::size_t i = 0; i < m.acts.size(); ++i) m.acts[i].set_data_handle(buffers[i]);
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
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    Layer& L = m.layers[i];
    if (L.is_conv) {
      L.fwd.execute(m.stream, {{DNNL_ARG_SRC, m.acts[i]},
                               {DNNL_ARG_WEIGHTS, L.weights},
                               {DNNL_ARG_BIAS, L.bias},
                               {DNNL_ARG_DST, m.acts[i + 1]}});
    } else {
      std::unordered_map<int, memory> args{{DNNL_ARG_SRC, m.acts[i]}, {DNNL_ARG_DST, m.acts[i + 1]}};
      if (m.training) args[DNNL_ARG_WORKSPACE] = L.workspace;
      L.fwd.execute(m.stream, args);
    }
  }
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
