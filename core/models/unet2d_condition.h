#pragma once
// diffusers' UNet2DConditionModel for SD 1.x / 2.x configs (docs/model-notes.md §4.7, §4.8),
// with SDXL's "text_time" added conditioning built in so the conditioning interface does
// not change when SDXL arrives.
#include <ATen/core/Tensor.h>

#include "core/models/model_configs.h"
#include "core/models/unet_blocks.h"

namespace steer {

// Everything the UNet is conditioned on besides the noisy latent and the timestep.
struct UNetConditioning {
  at::Tensor encoder_hidden_states;  // (B, L, cross_attention_dim): the text encoder's output
  // SDXL only ("text_time"): pooled text embedding (B, P) and size/crop ids (B, 6).
  at::Tensor text_embeds;
  at::Tensor time_ids;
};

// CrossAttnDownBlock2D (with attentions) or DownBlock2D (without).
class UNetDownBlock : public Module {
 public:
  UNetDownBlock(const UNetConfig& c, size_t index, int64_t in_channels);
  // Appends every skip tensor it produces to `skips`.
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, std::vector<at::Tensor>& skips) const;

 private:
  ModuleList<ResnetBlock2D>* resnets_;
  ModuleList<Transformer2DModel>* attentions_ = nullptr;
  Downsample2D* downsampler_ = nullptr;
};

class UNetMidBlock : public Module {
 public:
  explicit UNetMidBlock(const UNetConfig& c);
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context) const;

 private:
  ModuleList<ResnetBlock2D>* resnets_;
  ModuleList<Transformer2DModel>* attentions_;
};

// CrossAttnUpBlock2D or UpBlock2D: consumes its skips last-in first-out.
class UNetUpBlock : public Module {
 public:
  UNetUpBlock(const UNetConfig& c, size_t index);
  size_t skip_count() const { return resnets_->size(); }
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, std::vector<at::Tensor>& skips) const;

 private:
  ModuleList<ResnetBlock2D>* resnets_;
  ModuleList<Transformer2DModel>* attentions_ = nullptr;
  Upsample2D* upsampler_ = nullptr;
};

class UNet2DConditionModel : public Module {
 public:
  explicit UNet2DConditionModel(UNetConfig config);
  const UNetConfig& config() const { return config_; }

  // sample: (B, C, H, W), any H and W (upsampling follows the skips' sizes); timesteps: (B,) or a scalar tensor,
  // integer or fractional. Returns the model output (ε or v, per the scheduler config).
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps, const UNetConditioning& cond) const;

  // When set, called with a block label and its output ("down.0", "mid", "up.3") for
  // layer-wise parity debugging.
  using Probe = void (*)(void* user, const char* label, const at::Tensor& value);
  void set_probe(Probe probe, void* user) {
    probe_ = probe;
    probe_user_ = user;
  }

 private:
  UNetConfig config_;
  Conv2d* conv_in_;
  Linear *time_linear_1_, *time_linear_2_;
  Linear *add_linear_1_ = nullptr, *add_linear_2_ = nullptr;
  ModuleList<UNetDownBlock>* down_blocks_;
  UNetMidBlock* mid_block_;
  ModuleList<UNetUpBlock>* up_blocks_;
  GroupNorm* conv_norm_out_;
  Conv2d* conv_out_;
  Probe probe_ = nullptr;
  void* probe_user_ = nullptr;
};

}  // namespace steer
