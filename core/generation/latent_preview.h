#pragma once
// The per-step live preview: a linear latent→RGB projection of the x0 estimate (docs/model-notes.md §9;
// ComfyUI's SD1.5 coefficients, also used for SD2.x). H/8 x W/8 pixels, batch item 0.
// Costs a 4x3 matrix per latent pixel, next to nothing beside a UNet step.
#include <ATen/core/Tensor.h>

#include "core/common/image_buffer.h"

namespace steer {

// latent: (B, 4, h, w) in the sampler's (scaled) latent space.
ImageRGBA8 project_latent_to_rgb(const at::Tensor& latent);

// Decoded VAE output (B, 3, H, W) in about [-1, 1] -> 8-bit RGBA of batch item `index`, as
// diffusers post-processes it: (x / 2 + 0.5).clamp(0, 1), then round(x·255).
ImageRGBA8 decoded_to_image(const at::Tensor& decoded, int64_t index = 0);

}  // namespace steer
