#include "core/models/layers.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/models/lora_branch.h"

namespace steer {

namespace {

// y + sum_i (scale_i * s_b) * delta_i(x), with s_b the per-sample scales in force (docs/model-notes.md §8.1).
template <class Delta>
at::Tensor add_lora_terms(at::Tensor y, const std::vector<std::shared_ptr<const LoraBranch>>& loras, Delta delta) {
  const at::Tensor& s = current_lora_sample_scales();
  at::Tensor per_sample;  // (B, 1, ..., 1) in y's dtype, or undefined: 1 for every sample
  if (s.defined()) {
    if (s.dim() > 1 || (s.numel() != 1 && s.numel() != y.size(0)))
      throw Error("LoRA sample scales have shape " + c10::str(s.sizes()) + " but the layer's batch is " +
                  std::to_string(y.size(0)) + ": set one scale per sample");
    std::vector<int64_t> shape(static_cast<size_t>(y.dim()), 1);
    shape[0] = s.numel();
    per_sample = s.to(y.device(), y.scalar_type()).reshape(shape);
  }
  for (const auto& lora : loras) {
    at::Tensor d = delta(*lora);
    y = per_sample.defined() ? y + d * (per_sample * lora->scale) : at::add(y, d, lora->scale);
  }
  return y;
}

}  // namespace

Linear::Linear(int64_t in, int64_t out, bool has_bias) : in_features(in), out_features(out) {
  register_parameter("weight", weight, {out, in});
  if (has_bias) register_parameter("bias", bias, {out});
}

at::Tensor Linear::forward(const at::Tensor& x) const {
  at::Tensor y = at::linear(x, weight, bias);
  if (loras.empty()) return y;
  return add_lora_terms(std::move(y), loras, [&](const LoraBranch& b) { return at::linear(at::linear(x, b.down), b.up); });
}

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_, bool has_bias)
    : stride(stride_), padding(padding_) {
  register_parameter("weight", weight, {out, in, kernel, kernel});
  if (has_bias) register_parameter("bias", bias, {out});
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
  at::Tensor y = at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
  if (loras.empty()) return y;
  return add_lora_terms(std::move(y), loras, [&](const LoraBranch& b) {
    return at::conv2d(at::conv2d(x, b.down, {}, {stride, stride}, {padding, padding}), b.up);
  });
}

GroupNorm::GroupNorm(int64_t groups_, int64_t channels, double eps_) : groups(groups_), eps(eps_) {
  register_parameter("weight", weight, {channels});
  register_parameter("bias", bias, {channels});
}

at::Tensor GroupNorm::forward(const at::Tensor& x) const { return at::group_norm(x, groups, weight, bias, eps); }

LayerNorm::LayerNorm(int64_t dim_, double eps_) : dim(dim_), eps(eps_) {
  register_parameter("weight", weight, {dim_});
  register_parameter("bias", bias, {dim_});
}

at::Tensor LayerNorm::forward(const at::Tensor& x) const { return at::layer_norm(x, {dim}, weight, bias, eps); }

Embedding::Embedding(int64_t count, int64_t dim) { register_parameter("weight", weight, {count, dim}); }

at::Tensor Embedding::forward(const at::Tensor& ids) const { return at::embedding(weight, ids); }

at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads, bool causal,
                                bool upcast) {
  const int64_t batch = q.size(0), lq = q.size(1), lk = k.size(1), inner = q.size(2);
  const int64_t head_dim = inner / heads;
  auto split = [&](const at::Tensor& t, int64_t len) { return t.view({batch, len, heads, head_dim}).transpose(1, 2); };
  at::Tensor qh = split(q, lq), kh = split(k, lk), vh = split(v, lk);
  at::Tensor out;
  if (upcast && q.scalar_type() != at::kFloat) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
    at::Tensor scores = at::matmul(qh.to(at::kFloat), kh.to(at::kFloat).transpose(-1, -2)) * scale;
    if (causal) scores = scores.masked_fill(at::ones({lq, lk}, scores.options().dtype(at::kBool)).triu(1), -INFINITY);
    out = at::matmul(at::softmax(scores, -1).to(v.scalar_type()), vh);
  } else {
    out = at::scaled_dot_product_attention(qh, kh, vh, /*attn_mask=*/{}, /*dropout_p=*/0.0, /*is_causal=*/causal);
  }
  return out.transpose(1, 2).reshape({batch, lq, inner});
}

at::Tensor timestep_embedding(const at::Tensor& t, int64_t dim, bool flip_sin_to_cos, double freq_shift, double max_period) {
  const int64_t half = dim / 2;
  auto opts = at::TensorOptions().dtype(at::kFloat).device(t.device());
  at::Tensor exponent = at::arange(0, half, opts) * (-std::log(max_period)) / (static_cast<double>(half) - freq_shift);
  at::Tensor freqs = at::exp(exponent);
  at::Tensor arg = t.to(at::kFloat).unsqueeze(1) * freqs.unsqueeze(0);
  at::Tensor emb = at::cat({at::sin(arg), at::cos(arg)}, -1);
  if (flip_sin_to_cos) emb = at::cat({emb.slice(1, half), emb.slice(1, 0, half)}, -1);
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1});
  return emb;
}

}  // namespace steer
