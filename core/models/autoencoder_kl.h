#pragma once
// diffusers' AutoencoderKL (docs/model-notes.md §4.9): encoder to a diagonal Gaussian over latents,
// decoder back to pixels. Latents here are unscaled; the pipeline multiplies by
// scaling_factor after encode and divides before decode (docs/model-notes.md §4.9).
#include <ATen/core/Tensor.h>

#include "core/models/model_configs.h"
#include "core/models/unet_blocks.h"

namespace steer {

// The VAE mid-block attention: one head over all channels, GroupNorm first, residual
// connection, softmax upcast (Attention(..., residual_connection=True, upcast_softmax=True)).
class VaeAttention : public Module {
 public:
  VaeAttention(int64_t channels, int64_t groups);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  GroupNorm* group_norm_;
  Linear *to_q_, *to_k_, *to_v_, *to_out_;
};

// UNetMidBlock2D without time embedding: resnet, attention, resnet.
class VaeMidBlock : public Module {
 public:
  VaeMidBlock(int64_t channels, int64_t groups, bool with_attention);
  at::Tensor forward(at::Tensor x) const;

 private:
  ModuleList<ResnetBlock2D>* resnets_;
  ModuleList<VaeAttention>* attentions_ = nullptr;
};

class VaeEncoder : public Module {
 public:
  explicit VaeEncoder(const VaeConfig& c);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  struct Level {
    ModuleList<ResnetBlock2D>* resnets;
    Downsample2D* downsampler;
  };
  Conv2d* conv_in_;
  std::vector<Level> levels_;
  VaeMidBlock* mid_;
  GroupNorm* norm_out_;
  Conv2d* conv_out_;
};

class VaeDecoder : public Module {
 public:
  explicit VaeDecoder(const VaeConfig& c);
  at::Tensor forward(const at::Tensor& z) const;

 private:
  struct Level {
    ModuleList<ResnetBlock2D>* resnets;
    Upsample2D* upsampler;
  };
  Conv2d* conv_in_;
  VaeMidBlock* mid_;
  std::vector<Level> levels_;
  GroupNorm* norm_out_;
  Conv2d* conv_out_;
};

struct LatentDistribution {
  at::Tensor mean;
  at::Tensor logvar;  // clamped to [-30, 20]
  at::Tensor std() const;
  // mean + std * noise, with noise drawn by the caller (so seeds stay under its control).
  at::Tensor sample(const at::Tensor& noise) const;
};

class AutoencoderKL : public Module {
 public:
  explicit AutoencoderKL(VaeConfig config);
  const VaeConfig& config() const { return config_; }

  // images in [-1, 1], (B, 3, H, W) -> distribution over unscaled latents (B, 4, H/8, W/8).
  LatentDistribution encode(const at::Tensor& images) const;
  // unscaled latents -> images in about [-1, 1].
  at::Tensor decode(const at::Tensor& latents) const;

 private:
  VaeConfig config_;
  VaeEncoder* encoder_;
  VaeDecoder* decoder_;
  Conv2d* quant_conv_ = nullptr;
  Conv2d* post_quant_conv_ = nullptr;
};

}  // namespace steer
