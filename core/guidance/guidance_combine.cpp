#include "core/guidance/guidance_combine.h"

#include <ATen/ATen.h>

namespace steer {

at::Tensor combine_guidance(const at::Tensor& strong, const at::Tensor& weak, double scale) {
  return weak + scale * (strong - weak);
}

at::Tensor apply_cfg_rescale(const at::Tensor& strong, const at::Tensor& guided, double rescale) {
  if (rescale <= 0.0) return guided;
  std::vector<int64_t> dims;
  for (int64_t d = 1; d < guided.dim(); ++d) dims.push_back(d);
  at::Tensor std_strong = strong.std(dims, /*unbiased=*/true, /*keepdim=*/true);
  at::Tensor std_guided = guided.std(dims, /*unbiased=*/true, /*keepdim=*/true);
  return rescale * (guided * (std_strong / std_guided)) + (1.0 - rescale) * guided;
}

}  // namespace steer
