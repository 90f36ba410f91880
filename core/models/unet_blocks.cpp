#include "core/models/unet_blocks.h"

#include <ATen/ATen.h>

#include "core/models/activation_checkpointing.h"

namespace steer {

ResnetBlock2D::ResnetBlock2D(int64_t in, int64_t out, int64_t temb_channels, int64_t groups, double eps) {
  norm1_ = &register_module<GroupNorm>("norm1", groups, in, eps);
  conv1_ = &register_module<Conv2d>("conv1", in, out, 3, 1, 1);
  if (temb_channels > 0) time_emb_proj_ = &register_module<Linear>("time_emb_proj", temb_channels, out);
  norm2_ = &register_module<GroupNorm>("norm2", groups, out, eps);
  conv2_ = &register_module<Conv2d>("conv2", out, out, 3, 1, 1);
  if (in != out) conv_shortcut_ = &register_module<Conv2d>("conv_shortcut", in, out, 1, 1, 0);
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
  if (activation_checkpointing_active())
    return checkpointed([this](const std::vector<at::Tensor>& in) { return run(in[0], in[1]); }, {x, temb});
  return run(x, temb);
}

at::Tensor ResnetBlock2D::run(const at::Tensor& x, const at::Tensor& temb) const {
  at::Tensor h = conv1_->forward(at::silu(norm1_->forward(x)));
  if (time_emb_proj_ && temb.defined()) h = h + time_emb_proj_->forward(at::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  h = conv2_->forward(at::silu(norm2_->forward(h)));
  return (conv_shortcut_ ? conv_shortcut_->forward(x) : x) + h;
}

Downsample2D::Downsample2D(int64_t channels, int64_t padding) : padding_(padding) {
  conv_ = &register_module<Conv2d>("conv", channels, channels, 3, 2, padding);
}

at::Tensor Downsample2D::forward(const at::Tensor& x) const {
  if (padding_ == 0) return conv_->forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv_->forward(x);
}

Upsample2D::Upsample2D(int64_t channels) { conv_ = &register_module<Conv2d>("conv", channels, channels, 3, 1, 1); }

at::Tensor Upsample2D::forward(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> size) const {
  const int64_t h = size ? size->first : x.size(2) * 2;
  const int64_t w = size ? size->second : x.size(3) * 2;
  return conv_->forward(at::upsample_nearest2d(x, {h, w}));
}

Attention::Attention(int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim, bool qkv_bias, bool upcast)
    : heads_(heads), upcast_(upcast) {
  const int64_t inner = heads * head_dim;
  const int64_t kv_dim = context_dim > 0 ? context_dim : query_dim;
  to_q_ = &register_module<Linear>("to_q", query_dim, inner, qkv_bias);
  to_k_ = &register_module<Linear>("to_k", kv_dim, inner, qkv_bias);
  to_v_ = &register_module<Linear>("to_v", kv_dim, inner, qkv_bias);
  // to_out.1 is a parameterless Dropout.
  to_out_ = &register_module<Linear>("to_out.0", inner, query_dim, true);
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& context) const {
  const at::Tensor& kv = context.defined() ? context : x;
  at::Tensor o = multi_head_attention(to_q_->forward(x), to_k_->forward(kv), to_v_->forward(kv), heads_, false, upcast_);
  return to_out_->forward(o);
}

BasicTransformerBlock::BasicTransformerBlock(int64_t dim, int64_t heads, int64_t head_dim, int64_t context_dim, bool upcast) {
  norm1_ = &register_module<LayerNorm>("norm1", dim, 1e-5);
  attn1_ = &register_module<Attention>("attn1", dim, 0, heads, head_dim, false, upcast);
  norm2_ = &register_module<LayerNorm>("norm2", dim, 1e-5);
  attn2_ = &register_module<Attention>("attn2", dim, context_dim, heads, head_dim, false, upcast);
  norm3_ = &register_module<LayerNorm>("norm3", dim, 1e-5);
  // FeedForward keys: ff.net.0.proj (GEGLU projection to 2 x 4 dim), ff.net.2 (back to dim).
  ff_proj_ = &register_module<Linear>("ff.net.0.proj", dim, dim * 8);
  ff_out_ = &register_module<Linear>("ff.net.2", dim * 4, dim);
}

at::Tensor BasicTransformerBlock::forward(const at::Tensor& x, const at::Tensor& context) const {
  at::Tensor h = attn1_->forward(norm1_->forward(x), at::Tensor()) + x;
  h = attn2_->forward(norm2_->forward(h), context) + h;
  // GEGLU: the first half is the value, the second the gate; exact (erf) GELU (docs/model-notes.md §4.5).
  auto parts = ff_proj_->forward(norm3_->forward(h)).chunk(2, -1);
  return ff_out_->forward(parts[0] * at::gelu(parts[1])) + h;
}

Transformer2DModel::Transformer2DModel(int64_t channels, int64_t heads, int64_t layers, int64_t context_dim, int64_t groups,
                                       bool linear_projection, bool upcast)
    : linear_projection_(linear_projection) {
  const int64_t head_dim = channels / heads;
  norm_ = &register_module<GroupNorm>("norm", groups, channels, 1e-6);
  if (linear_projection)
    proj_in_ = &register_module<Linear>("proj_in", channels, channels);
  else
    proj_in_ = &register_module<Conv2d>("proj_in", channels, channels, 1, 1, 0);
  blocks_ = &register_module<ModuleList<BasicTransformerBlock>>("transformer_blocks");
  for (int64_t i = 0; i < layers; ++i) blocks_->append(channels, heads, head_dim, context_dim, upcast);
  if (linear_projection)
    proj_out_ = &register_module<Linear>("proj_out", channels, channels);
  else
    proj_out_ = &register_module<Conv2d>("proj_out", channels, channels, 1, 1, 0);
}

at::Tensor Transformer2DModel::forward(const at::Tensor& x, const at::Tensor& context) const {
  if (activation_checkpointing_active())
    return checkpointed([this](const std::vector<at::Tensor>& in) { return run(in[0], in[1]); }, {x, context});
  return run(x, context);
}

at::Tensor Transformer2DModel::run(const at::Tensor& x, const at::Tensor& context) const {
  const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  at::Tensor t = norm_->forward(x);
  auto to_tokens = [&](const at::Tensor& img) { return img.permute({0, 2, 3, 1}).reshape({b, h * w, c}); };
  auto to_image = [&](const at::Tensor& seq) { return seq.reshape({b, h, w, c}).permute({0, 3, 1, 2}).contiguous(); };
  if (linear_projection_) {
    t = static_cast<Linear*>(proj_in_)->forward(to_tokens(t));
  } else {
    t = to_tokens(static_cast<Conv2d*>(proj_in_)->forward(t));
  }
  for (const auto* block : *blocks_) t = block->forward(t, context);
  if (linear_projection_) {
    t = to_image(static_cast<Linear*>(proj_out_)->forward(t));
  } else {
    t = static_cast<Conv2d*>(proj_out_)->forward(to_image(t));
  }
  return t + x;
}

}  // namespace steer
