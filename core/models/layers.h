#pragma once
// The parameterised layers the SD models are built from, each with the parameter names
// and shapes of its torch.nn counterpart.
#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "core/models/module.h"

namespace steer {

struct LoraBranch;

// Linear and Conv2d carry the LoRA branches attached to them (core/lora: LoraAttachment):
// forward adds (branch.scale * s_b) * up(down(x)) for each, s_b being the per-sample scale
// of current_lora_sample_scales() (docs/model-notes.md §8.1). Without branches forward is the plain layer.
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor weight, bias;
  int64_t in_features, out_features;
  std::vector<std::shared_ptr<const LoraBranch>> loras;  // down [r, in], up [out, r]
};

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1, int64_t padding = 0, bool bias = true);
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor weight, bias;
  int64_t stride, padding;
  // down [r, in, kh, kw] run with this layer's stride and padding, up [out, r, 1, 1]
  std::vector<std::shared_ptr<const LoraBranch>> loras;
};

class GroupNorm : public Module {
 public:
  GroupNorm(int64_t groups, int64_t channels, double eps);
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor weight, bias;
  int64_t groups;
  double eps;
};

class LayerNorm : public Module {
 public:
  LayerNorm(int64_t dim, double eps);
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor weight, bias;
  int64_t dim;
  double eps;
};

class Embedding : public Module {
 public:
  Embedding(int64_t count, int64_t dim);
  at::Tensor forward(const at::Tensor& ids) const;
  at::Tensor weight;
};

// Multi-head scaled dot-product attention on (B, L, heads*head_dim) tensors.
// `causal` adds the upper-triangular mask (CLIP). `upcast` computes scores and softmax in
// fp32 and casts back (the legacy diffusers processor's upcast_attention/upcast_softmax;
// see docs/model-notes.md §4.4). Without it the fused SDPA kernel is used, as diffusers' AttnProcessor2_0 does.
at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads, bool causal = false,
                                bool upcast = false);

// Sinusoidal timestep embedding (diffusers get_timestep_embedding, docs/model-notes.md §4.1), computed
// in fp32: t is (B,), result (B, dim).
at::Tensor timestep_embedding(const at::Tensor& t, int64_t dim, bool flip_sin_to_cos, double freq_shift,
                              double max_period = 10000.0);

}  // namespace steer
