#include "core/lora/lora_merge.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "core/models/layers.h"
#include "core/models/lora_branch.h"
#include "core/models/module.h"

namespace steer {

namespace {

// s·(α/r)·up·down in the weight's layout, computed in fp32 and cast once.
at::Tensor branch_delta(const LoraBranch& b, const at::Tensor& weight, double weight_scale) {
  const at::Tensor up = b.up.to(at::kFloat).flatten(1);
  const at::Tensor down = b.down.to(at::kFloat).flatten(1);
  return (at::matmul(up, down) * (b.scale * weight_scale)).view(weight.sizes());
}

}  // namespace

ScopedLoraMerge::ScopedLoraMerge(const Module& root, double weight) {
  at::NoGradGuard no_grad;  // the branches may be trainable (training samples): no graph for the merge
  try {
    for (const auto& [name, module] : root.named_modules()) {
      at::Tensor* w = nullptr;
      std::vector<std::shared_ptr<const LoraBranch>>* loras = nullptr;
      if (auto* linear = dynamic_cast<Linear*>(module)) {
        w = &linear->weight;
        loras = &linear->loras;
      } else if (auto* conv = dynamic_cast<Conv2d*>(module)) {
        w = &conv->weight;
        loras = &conv->loras;
      }
      if (!w || loras->empty()) continue;
      at::Tensor merged = w->to(at::kFloat);
      for (const auto& b : *loras) merged = merged + branch_delta(*b, *w, weight);
      Merged m{w, *w, loras, std::move(*loras)};
      loras->clear();
      *w = merged.to(m.original.scalar_type()).contiguous();
      merged_.push_back(std::move(m));
    }
  } catch (...) {
    restore();
    throw;
  }
}

ScopedLoraMerge::~ScopedLoraMerge() { restore(); }

void ScopedLoraMerge::restore() noexcept {
  for (auto it = merged_.rbegin(); it != merged_.rend(); ++it) {
    *it->weight = std::move(it->original);
    *it->branches = std::move(it->detached);
  }
  merged_.clear();
}

}  // namespace steer
