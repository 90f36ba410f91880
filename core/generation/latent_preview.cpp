#include "core/generation/latent_preview.h"

#include <ATen/ATen.h>

#include <cstring>

namespace steer {
namespace {

ImageRGBA8 hwc_uint8_to_image(const at::Tensor& hwc) {
  at::Tensor rgb = hwc.contiguous();
  ImageRGBA8 image(static_cast<int>(rgb.size(1)), static_cast<int>(rgb.size(0)));
  const uint8_t* src = rgb.data_ptr<uint8_t>();
  for (size_t i = 0, n = static_cast<size_t>(image.width) * image.height; i < n; ++i) {
    image.pixels[i * 4 + 0] = src[i * 3 + 0];
    image.pixels[i * 4 + 1] = src[i * 3 + 1];
    image.pixels[i * 4 + 2] = src[i * 3 + 2];
    image.pixels[i * 4 + 3] = 255;
  }
  return image;
}

}  // namespace

ImageRGBA8 project_latent_to_rgb(const at::Tensor& latent) {
  // Rows: latent channel; columns: R, G, B (ComfyUI latent_formats.SD15, no bias).
  static const float kFactors[4][3] = {
      {0.3512f, 0.2297f, 0.3227f}, {0.3250f, 0.4974f, 0.2350f}, {-0.2829f, 0.1762f, 0.2721f}, {-0.2120f, -0.2616f, -0.7177f}};
  at::Tensor factors = at::from_blob(const_cast<float*>(&kFactors[0][0]), {4, 3}, at::kFloat).to(latent.device());
  at::Tensor x = latent[0].to(at::kFloat);                   // (4, h, w)
  at::Tensor rgb = at::einsum("chw,ck->hwk", {x, factors});  // (h, w, 3)
  at::Tensor pixels = ((rgb.clamp(-1, 1) + 1) * 127.5).round().to(at::kByte).cpu();
  return hwc_uint8_to_image(pixels);
}

ImageRGBA8 decoded_to_image(const at::Tensor& decoded, int64_t index) {
  at::Tensor x = (decoded[index].to(at::kFloat) / 2 + 0.5).clamp(0, 1);
  at::Tensor pixels = (x * 255).round().to(at::kByte).permute({1, 2, 0}).cpu();
  return hwc_uint8_to_image(pixels);
}

}  // namespace steer
