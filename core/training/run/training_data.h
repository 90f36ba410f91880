#pragma once
// The encoded training set: per example the VAE's latent distribution (mean and std, fp32, on
// the compute device) for the image and, with flips, for its mirror image; and the caption as
// encoder hidden states (cached when the text encoder is frozen) or as token ids (encoded at
// every step when it is trained). Sampling z0 = mean + std·ε at each step from the cached
// distribution is the same draw diffusers' scripts make from vae.encode(x).latent_dist, so
// caching changes nothing but speed.
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"

namespace steer {

class StableDiffusionModel;

namespace training {

struct EncodedExample {
  std::string caption;
  at::Tensor mean, std;                  // [4, h, w], unscaled latents' distribution
  at::Tensor mean_flipped, std_flipped;  // with flips only
  at::Tensor text;                       // [77, D] hidden states (frozen text encoder)
  at::Tensor token_ids;                  // [77] int64 (always kept; used when the text encoder trains)
};

struct ImageWithCaption {
  const ImageRGBA8* image;
  std::string caption;
};

// ImageRGBA8 (RGB used) -> [3, H, W] float in [-1, 1]: (x/255 − 0.5)/0.5, as diffusers'
// ToTensor + Normalize([0.5], [0.5]).
at::Tensor image_to_tensor(const ImageRGBA8& image);

// Encodes every example (no autograd). `progress(done, total)` after each one.
std::vector<EncodedExample> encode_examples(const StableDiffusionModel& model, const std::vector<ImageWithCaption>& examples,
                                            bool with_flips, bool cache_text, const std::function<void(int, int)>& progress = {});

}  // namespace training
}  // namespace steer
