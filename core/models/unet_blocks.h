#pragma once
// diffusers' UNet building blocks (models/resnet.py, attention_processor.py,
// attention.py, transformers/transformer_2d.py, unets/unet_2d_blocks.py; docs/model-notes.md §4),
// shared by the UNet and the VAE.
#include <ATen/core/Tensor.h>

#include <optional>
#include <vector>

#include "core/models/layers.h"

namespace steer {

// ResnetBlock2D, time_embedding_norm "default", output_scale_factor 1 (docs/model-notes.md §4.2).
// temb_channels <= 0: no time embedding projection (VAE).
class ResnetBlock2D : public Module {
 public:
  ResnetBlock2D(int64_t in_channels, int64_t out_channels, int64_t temb_channels, int64_t groups, double eps);
  // Checkpointed (core/models/activation_checkpointing.h) when training asks for it.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb) const;

 private:
  at::Tensor run(const at::Tensor& x, const at::Tensor& temb) const;
  GroupNorm *norm1_, *norm2_;
  Conv2d *conv1_, *conv2_;
  Linear* time_emb_proj_ = nullptr;
  Conv2d* conv_shortcut_ = nullptr;
};

// Downsample2D with a conv: padding 1 in the UNet; padding 0 after an asymmetric
// (0,1,0,1) zero pad in the VAE encoder (docs/model-notes.md §4.3).
class Downsample2D : public Module {
 public:
  Downsample2D(int64_t channels, int64_t padding);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  Conv2d* conv_;
  int64_t padding_;
};

// Nearest x2 (or to an explicit size, for latents not divisible by 8), then a 3x3 conv.
class Upsample2D : public Module {
 public:
  explicit Upsample2D(int64_t channels);
  at::Tensor forward(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> size = std::nullopt) const;

 private:
  Conv2d* conv_;
};

// diffusers Attention on (B, L, C) sequences: to_q, to_k, to_v, to_out.0.
class Attention : public Module {
 public:
  Attention(int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim, bool qkv_bias, bool upcast);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;  // context undefined: self-attention

 private:
  Linear *to_q_, *to_k_, *to_v_, *to_out_;
  int64_t heads_;
  bool upcast_;
};

// BasicTransformerBlock, norm_type "layer_norm" (docs/model-notes.md §4.5), with a GEGLU feed-forward.
class BasicTransformerBlock : public Module {
 public:
  BasicTransformerBlock(int64_t dim, int64_t heads, int64_t head_dim, int64_t context_dim, bool upcast);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;

 private:
  LayerNorm *norm1_, *norm2_, *norm3_;
  Attention *attn1_, *attn2_;
  Linear *ff_proj_, *ff_out_;
};

// Transformer2DModel, continuous input (docs/model-notes.md §4.6).
class Transformer2DModel : public Module {
 public:
  Transformer2DModel(int64_t channels, int64_t heads, int64_t layers, int64_t context_dim, int64_t groups, bool linear_projection,
                     bool upcast);
  // Checkpointed (core/models/activation_checkpointing.h) when training asks for it.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;

 private:
  at::Tensor run(const at::Tensor& x, const at::Tensor& context) const;
  GroupNorm* norm_;
  Module* proj_in_;
  Module* proj_out_;
  ModuleList<BasicTransformerBlock>* blocks_;
  bool linear_projection_;
};

}  // namespace steer
