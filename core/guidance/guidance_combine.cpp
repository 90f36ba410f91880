#include "core/guidance/guidance_combine.h"

#include <ATen/ATen.h>

namespace steer {

at::Tensor combine_guidance(const at::Tensor& strong, const at::Tensor& weak, double scale, double rescale) {
  at::Tensor guided = weak + scale * (strong - weak);
  if (rescale > 0.0) {
    std::vector<int64_t> dims;
    for (int64_t d = 1; d < guided.dim(); ++d) dims.push_back(d);
    at::Tensor std_strong = strong.std(dims, /*unbiased=*/true, /*keepdim=*/true);
    at::Tensor std_guided = guided.std(dims, /*unbiased=*/true, /*keepdim=*/true);
    guided = rescale * (guided * (std_strong / std_guided)) + (1.0 - rescale) * guided;
  }
  return guided;
}

}  // namespace steer
