#include "core/training/run/training_data.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "core/pipeline/stable_diffusion_model.h"

namespace steer::training {

at::Tensor image_to_tensor(const ImageRGBA8& image) {
  at::Tensor rgba = at::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, 4}, at::kByte);
  at::Tensor rgb = rgba.slice(2, 0, 3).permute({2, 0, 1}).to(at::kFloat);
  return (rgb / 255.0 - 0.5) / 0.5;
}

std::vector<EncodedExample> encode_examples(const StableDiffusionModel& model, const std::vector<ImageWithCaption>& examples,
                                            bool with_flips, bool cache_text, const std::function<void(int, int)>& progress) {
  at::NoGradGuard no_grad;
  const auto& opt = model.options();
  std::vector<EncodedExample> out;
  const int total = static_cast<int>(examples.size());
  for (const auto& ex : examples) {
    EncodedExample e;
    e.caption = ex.caption;
    at::Tensor pixels = image_to_tensor(*ex.image).unsqueeze(0);
    if (with_flips) pixels = at::cat({pixels, pixels.flip({3})});
    LatentDistribution dist = model.vae().encode(pixels.to(opt.device, opt.dtype));
    at::Tensor mean = dist.mean.to(at::kFloat), std = dist.std().to(at::kFloat);
    e.mean = mean[0];
    e.std = std[0];
    if (with_flips) {
      e.mean_flipped = mean[1];
      e.std_flipped = std[1];
    }
    std::vector<int32_t> ids32 = model.tokenizer().encode_padded(ex.caption);
    e.token_ids = at::tensor(std::vector<int64_t>(ids32.begin(), ids32.end()), at::kLong).to(opt.device);
    if (cache_text) e.text = model.encode_prompt(ex.caption)[0];
    out.push_back(std::move(e));
    if (progress) progress(static_cast<int>(out.size()), total);
  }
  return out;
}

}  // namespace steer::training
