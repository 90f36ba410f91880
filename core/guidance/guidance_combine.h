#pragma once
// The arithmetic every method shares once its two branches are evaluated (docs/guidance.md):
//   guided = weak + λ·(strong − weak)
// (CFG: weak = ε_ft(∅); AG: weak = ε_weak(c); PG: weak = ε_ω(∅); strong = ε_ft(c) always;
// a modifier such as APG replaces this line), then optional CFG rescale (φ) as diffusers'
// rescale_noise_cfg does it:
//   guided ← φ·guided·(std(strong)/std(guided)) + (1−φ)·guided, std over all but the batch dim.
// Applied to the raw model outputs (ε or v), as diffusers applies CFG.
#include <ATen/core/Tensor.h>

namespace steer {

at::Tensor combine_guidance(const at::Tensor& strong, const at::Tensor& weak, double scale);
// Returns `guided` itself when rescale is 0.
at::Tensor apply_cfg_rescale(const at::Tensor& strong, const at::Tensor& guided, double rescale);

}  // namespace steer
