#include "core/models/autoencoder_kl.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/error.h"

namespace steer {

// VAE norms all use eps 1e-6 (docs/model-notes.md §4.9).
constexpr double kVaeEps = 1e-6;

VaeAttention::VaeAttention(int64_t channels, int64_t groups) {
  group_norm_ = &register_module<GroupNorm>("group_norm", groups, channels, kVaeEps);
  to_q_ = &register_module<Linear>("to_q", channels, channels);
  to_k_ = &register_module<Linear>("to_k", channels, channels);
  to_v_ = &register_module<Linear>("to_v", channels, channels);
  to_out_ = &register_module<Linear>("to_out.0", channels, channels);
}

at::Tensor VaeAttention::forward(const at::Tensor& x) const {
  const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  at::Tensor t = group_norm_->forward(x).view({b, c, h * w}).transpose(1, 2);
  at::Tensor o = multi_head_attention(to_q_->forward(t), to_k_->forward(t), to_v_->forward(t), 1, false, /*upcast=*/true);
  o = to_out_->forward(o).transpose(1, 2).reshape({b, c, h, w});
  return o + x;
}

VaeMidBlock::VaeMidBlock(int64_t ch, int64_t groups, bool with_attention) {
  resnets_ = &register_module<ModuleList<ResnetBlock2D>>("resnets");
  resnets_->append(ch, ch, 0, groups, kVaeEps);
  if (with_attention) {
    attentions_ = &register_module<ModuleList<VaeAttention>>("attentions");
    attentions_->append(ch, groups);
  }
  resnets_->append(ch, ch, 0, groups, kVaeEps);
}

at::Tensor VaeMidBlock::forward(at::Tensor x) const {
  x = (*resnets_)[0].forward(x, at::Tensor());
  if (attentions_) x = (*attentions_)[0].forward(x);
  return (*resnets_)[1].forward(x, at::Tensor());
}

VaeEncoder::VaeEncoder(const VaeConfig& c) {
  const auto& ch = c.block_out_channels;
  conv_in_ = &register_module<Conv2d>("conv_in", c.in_channels, ch[0], 3, 1, 1);
  auto& blocks = register_module<ModuleList<Module>>("down_blocks");
  int64_t in = ch[0];
  for (size_t i = 0; i < ch.size(); ++i) {
    Module& block = blocks.append();
    Level level{};
    level.resnets = &block.register_module<ModuleList<ResnetBlock2D>>("resnets");
    for (int64_t j = 0; j < c.layers_per_block; ++j)
      level.resnets->append(j == 0 ? in : ch[i], ch[i], 0, c.norm_num_groups, kVaeEps);
    level.downsampler = nullptr;
    if (i + 1 < ch.size()) level.downsampler = &block.register_module<ModuleList<Downsample2D>>("downsamplers").append(ch[i], 0);
    levels_.push_back(level);
    in = ch[i];
  }
  mid_ = &register_module<VaeMidBlock>("mid_block", ch.back(), c.norm_num_groups, c.mid_block_add_attention);
  norm_out_ = &register_module<GroupNorm>("conv_norm_out", c.norm_num_groups, ch.back(), kVaeEps);
  conv_out_ = &register_module<Conv2d>("conv_out", ch.back(), 2 * c.latent_channels, 3, 1, 1);
}

at::Tensor VaeEncoder::forward(const at::Tensor& x) const {
  at::Tensor h = conv_in_->forward(x);
  for (const auto& level : levels_) {
    for (const auto* r : *level.resnets) h = r->forward(h, at::Tensor());
    if (level.downsampler) h = level.downsampler->forward(h);
  }
  h = mid_->forward(h);
  return conv_out_->forward(at::silu(norm_out_->forward(h)));
}

VaeDecoder::VaeDecoder(const VaeConfig& c) {
  const auto& ch = c.block_out_channels;
  const size_t n = ch.size();
  conv_in_ = &register_module<Conv2d>("conv_in", c.latent_channels, ch.back(), 3, 1, 1);
  mid_ = &register_module<VaeMidBlock>("mid_block", ch.back(), c.norm_num_groups, c.mid_block_add_attention);
  auto& blocks = register_module<ModuleList<Module>>("up_blocks");
  int64_t in = ch.back();
  for (size_t i = 0; i < n; ++i) {
    const int64_t out = ch[n - 1 - i];
    Module& block = blocks.append();
    Level level{};
    level.resnets = &block.register_module<ModuleList<ResnetBlock2D>>("resnets");
    for (int64_t j = 0; j < c.layers_per_block + 1; ++j)
      level.resnets->append(j == 0 ? in : out, out, 0, c.norm_num_groups, kVaeEps);
    level.upsampler = nullptr;
    if (i + 1 < n) level.upsampler = &block.register_module<ModuleList<Upsample2D>>("upsamplers").append(out);
    levels_.push_back(level);
    in = out;
  }
  norm_out_ = &register_module<GroupNorm>("conv_norm_out", c.norm_num_groups, ch[0], kVaeEps);
  conv_out_ = &register_module<Conv2d>("conv_out", ch[0], c.out_channels, 3, 1, 1);
}

at::Tensor VaeDecoder::forward(const at::Tensor& z) const {
  at::Tensor h = mid_->forward(conv_in_->forward(z));
  for (const auto& level : levels_) {
    for (const auto* r : *level.resnets) h = r->forward(h, at::Tensor());
    if (level.upsampler) h = level.upsampler->forward(h);
  }
  return conv_out_->forward(at::silu(norm_out_->forward(h)));
}

at::Tensor LatentDistribution::std() const { return at::exp(0.5 * logvar); }

at::Tensor LatentDistribution::sample(const at::Tensor& noise) const { return mean + std() * noise.to(mean.options()); }

AutoencoderKL::AutoencoderKL(VaeConfig config) : config_(std::move(config)) {
  encoder_ = &register_module<VaeEncoder>("encoder", config_);
  decoder_ = &register_module<VaeDecoder>("decoder", config_);
  const int64_t lc = config_.latent_channels;
  if (config_.use_quant_conv) quant_conv_ = &register_module<Conv2d>("quant_conv", 2 * lc, 2 * lc, 1, 1, 0);
  if (config_.use_post_quant_conv) post_quant_conv_ = &register_module<Conv2d>("post_quant_conv", lc, lc, 1, 1, 0);
}

LatentDistribution AutoencoderKL::encode(const at::Tensor& images) const {
  if (images.dim() != 4 || images.size(1) != config_.in_channels)
    throw Error("VAE input must be (batch, " + std::to_string(config_.in_channels) + ", height, width)");
  at::Tensor moments = encoder_->forward(images);
  if (quant_conv_) moments = quant_conv_->forward(moments);
  auto parts = moments.chunk(2, 1);
  return {parts[0], at::clamp(parts[1], -30.0, 20.0)};
}

at::Tensor AutoencoderKL::decode(const at::Tensor& latents) const {
  at::Tensor z = post_quant_conv_ ? post_quant_conv_->forward(latents) : latents;
  return decoder_->forward(z);
}

}  // namespace steer
