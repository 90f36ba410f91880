#include "core/models/unet2d_condition.h"

#include <ATen/ATen.h>

#include "core/common/error.h"

namespace steer {

UNetDownBlock::UNetDownBlock(const UNetConfig& c, size_t i, int64_t in_channels) {
  const int64_t out = c.block_out_channels[i];
  const bool final_block = i + 1 == c.block_out_channels.size();
  const bool cross_attention = c.down_block_types[i] == "CrossAttnDownBlock2D";
  resnets_ = &register_module<ModuleList<ResnetBlock2D>>("resnets");
  if (cross_attention) attentions_ = &register_module<ModuleList<Transformer2DModel>>("attentions");
  for (int64_t j = 0; j < c.layers_per_block[i]; ++j) {
    resnets_->append(j == 0 ? in_channels : out, out, c.time_embed_dim(), c.norm_num_groups, c.norm_eps);
    if (cross_attention)
      attentions_->append(out, c.num_attention_heads[i], c.transformer_layers_per_block[i], c.cross_attention_dim[i],
                          c.norm_num_groups, c.use_linear_projection, c.upcast_attention);
  }
  if (!final_block) {
    auto& list = register_module<ModuleList<Downsample2D>>("downsamplers");
    downsampler_ = &list.append(out, c.downsample_padding);
  }
}

at::Tensor UNetDownBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                                  std::vector<at::Tensor>& skips) const {
  for (size_t j = 0; j < resnets_->size(); ++j) {
    x = (*resnets_)[j].forward(x, temb);
    if (attentions_) x = (*attentions_)[j].forward(x, context);
    skips.push_back(x);
  }
  if (downsampler_) {
    x = downsampler_->forward(x);
    skips.push_back(x);
  }
  return x;
}

UNetMidBlock::UNetMidBlock(const UNetConfig& c) {
  const int64_t ch = c.block_out_channels.back();
  resnets_ = &register_module<ModuleList<ResnetBlock2D>>("resnets");
  attentions_ = &register_module<ModuleList<Transformer2DModel>>("attentions");
  resnets_->append(ch, ch, c.time_embed_dim(), c.norm_num_groups, c.norm_eps);
  attentions_->append(ch, c.num_attention_heads.back(), c.transformer_layers_per_block.back(), c.cross_attention_dim.back(),
                      c.norm_num_groups, c.use_linear_projection, c.upcast_attention);
  resnets_->append(ch, ch, c.time_embed_dim(), c.norm_num_groups, c.norm_eps);
}

at::Tensor UNetMidBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context) const {
  x = (*resnets_)[0].forward(x, temb);
  for (size_t j = 0; j < attentions_->size(); ++j) {
    x = (*attentions_)[j].forward(x, context);
    x = (*resnets_)[j + 1].forward(x, temb);
  }
  return x;
}

UNetUpBlock::UNetUpBlock(const UNetConfig& c, size_t i) {
  // diffusers builds up blocks from the reversed per-block lists (docs/model-notes.md §4.7).
  const size_t n = c.block_out_channels.size();
  const size_t level = n - 1 - i;  // the down level this up block mirrors
  const int64_t out = c.block_out_channels[level];
  const int64_t prev_out = i == 0 ? c.block_out_channels[n - 1] : c.block_out_channels[level + 1];
  const int64_t skip_in = c.block_out_channels[level == 0 ? 0 : level - 1];
  const bool final_block = i + 1 == n;
  const bool cross_attention = c.up_block_types[i] == "CrossAttnUpBlock2D";
  const int64_t layers = c.layers_per_block[level] + 1;
  resnets_ = &register_module<ModuleList<ResnetBlock2D>>("resnets");
  if (cross_attention) attentions_ = &register_module<ModuleList<Transformer2DModel>>("attentions");
  for (int64_t j = 0; j < layers; ++j) {
    const int64_t res_skip = j == layers - 1 ? skip_in : out;
    const int64_t res_in = j == 0 ? prev_out : out;
    resnets_->append(res_in + res_skip, out, c.time_embed_dim(), c.norm_num_groups, c.norm_eps);
    if (cross_attention)
      attentions_->append(out, c.num_attention_heads[level], c.transformer_layers_per_block[level], c.cross_attention_dim[level],
                          c.norm_num_groups, c.use_linear_projection, c.upcast_attention);
  }
  if (!final_block) {
    auto& list = register_module<ModuleList<Upsample2D>>("upsamplers");
    upsampler_ = &list.append(out);
  }
}

at::Tensor UNetUpBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                                std::vector<at::Tensor>& skips) const {
  for (size_t j = 0; j < resnets_->size(); ++j) {
    // Hidden state first, then the skip (docs/model-notes.md §4.7).
    x = at::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = (*resnets_)[j].forward(x, temb);
    if (attentions_) x = (*attentions_)[j].forward(x, context);
  }
  if (upsampler_) {
    // Upsample to the exact size of the next skip, so latents whose sides are multiples of
    // 8 but not of 2^levels still line up (diffusers' forward_upsample_size).
    x = upsampler_->forward(x, std::make_pair(skips.back().size(2), skips.back().size(3)));
  }
  return x;
}

UNet2DConditionModel::UNet2DConditionModel(UNetConfig config) : config_(std::move(config)) {
  const auto& c = config_;
  const int64_t ch0 = c.block_out_channels[0];
  conv_in_ = &register_module<Conv2d>("conv_in", c.in_channels, ch0, c.conv_in_kernel, 1, (c.conv_in_kernel - 1) / 2);
  time_linear_1_ = &register_module<Linear>("time_embedding.linear_1", ch0, c.time_embed_dim());
  time_linear_2_ = &register_module<Linear>("time_embedding.linear_2", c.time_embed_dim(), c.time_embed_dim());
  if (c.addition_embed_type == "text_time") {
    add_linear_1_ =
        &register_module<Linear>("add_embedding.linear_1", c.projection_class_embeddings_input_dim, c.time_embed_dim());
    add_linear_2_ = &register_module<Linear>("add_embedding.linear_2", c.time_embed_dim(), c.time_embed_dim());
  }
  down_blocks_ = &register_module<ModuleList<UNetDownBlock>>("down_blocks");
  int64_t channels = ch0;
  for (size_t i = 0; i < c.block_out_channels.size(); ++i) {
    down_blocks_->append(c, i, channels);
    channels = c.block_out_channels[i];
  }
  mid_block_ = &register_module<UNetMidBlock>("mid_block", c);
  up_blocks_ = &register_module<ModuleList<UNetUpBlock>>("up_blocks");
  for (size_t i = 0; i < c.block_out_channels.size(); ++i) up_blocks_->append(c, i);
  conv_norm_out_ = &register_module<GroupNorm>("conv_norm_out", c.norm_num_groups, ch0, c.norm_eps);
  conv_out_ = &register_module<Conv2d>("conv_out", ch0, c.out_channels, c.conv_out_kernel, 1, (c.conv_out_kernel - 1) / 2);
}

at::Tensor UNet2DConditionModel::forward(const at::Tensor& sample, const at::Tensor& timesteps,
                                         const UNetConditioning& cond) const {
  const auto& c = config_;
  if (sample.dim() != 4 || sample.size(1) != c.in_channels)
    throw Error("UNet input must be (batch, " + std::to_string(c.in_channels) + ", height, width)");
  const int64_t batch = sample.size(0);
  const at::Tensor& context = cond.encoder_hidden_states;
  if (!context.defined() || context.dim() != 3 || context.size(0) != batch || context.size(2) != c.cross_attention_dim[0])
    throw Error("UNet conditioning must be (batch " + std::to_string(batch) + ", tokens, " +
                std::to_string(c.cross_attention_dim[0]) + ")");

  at::Tensor t = timesteps.dim() == 0 ? timesteps.reshape({1}).expand({batch}) : timesteps;
  // The sinusoidal embedding is always computed in fp32, then cast (docs/model-notes.md §4.1).
  at::Tensor t_emb = timestep_embedding(t.to(sample.device()), c.block_out_channels[0], c.flip_sin_to_cos, c.freq_shift)
                         .to(sample.scalar_type());
  at::Tensor emb = time_linear_2_->forward(at::silu(time_linear_1_->forward(t_emb)));
  if (add_linear_1_) {
    if (!cond.text_embeds.defined() || !cond.time_ids.defined())
      throw Error("this UNet (SDXL \"text_time\") needs the pooled text embedding and the time ids");
    at::Tensor time_ids = cond.time_ids.reshape({-1});
    at::Tensor te = timestep_embedding(time_ids, c.addition_time_embed_dim, true, 0).reshape({batch, -1});
    at::Tensor add = at::cat({cond.text_embeds, te.to(cond.text_embeds.scalar_type())}, -1).to(emb.scalar_type());
    emb = emb + add_linear_2_->forward(at::silu(add_linear_1_->forward(add)));
  }

  at::Tensor x = conv_in_->forward(sample);
  std::vector<at::Tensor> skips{x};
  for (size_t i = 0; i < down_blocks_->size(); ++i) {
    x = (*down_blocks_)[i].forward(x, emb, context, skips);
    if (probe_) probe_(probe_user_, ("down." + std::to_string(i)).c_str(), x);
  }
  x = mid_block_->forward(x, emb, context);
  if (probe_) probe_(probe_user_, "mid", x);
  for (size_t i = 0; i < up_blocks_->size(); ++i) {
    x = (*up_blocks_)[i].forward(x, emb, context, skips);
    if (probe_) probe_(probe_user_, ("up." + std::to_string(i)).c_str(), x);
  }
  return conv_out_->forward(at::silu(conv_norm_out_->forward(x)));
}

}  // namespace steer
