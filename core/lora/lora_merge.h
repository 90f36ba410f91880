#pragma once
// The fast path for passes that all use the same LoRA weight (CFG on a LoRA subject, PG at
// ω = 1): the attached branches are folded into the layers' weights for the duration of a
// job, W' = W + s·(α/r)·up·down, so each forward is a plain Linear/Conv2d — what every other
// tool does for a LoRA at a fixed strength. The original weight tensors are kept aside and put
// back untouched when the scope ends (no subtraction, so no drift), and the branches come
// back with them. Memory: one extra copy of each targeted weight while merged.
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

namespace steer {

class Module;
struct LoraBranch;

class ScopedLoraMerge {
 public:
  // Merges every branch attached to the Linear/Conv2d layers under `root` at per-sample
  // weight `weight` (the multiplier is already in each branch's scale).
  ScopedLoraMerge(const Module& root, double weight);
  ~ScopedLoraMerge();
  ScopedLoraMerge(const ScopedLoraMerge&) = delete;
  ScopedLoraMerge& operator=(const ScopedLoraMerge&) = delete;
  size_t merged_layers() const { return merged_.size(); }

 private:
  struct Merged {
    at::Tensor* weight;  // the layer's weight member
    at::Tensor original;
    std::vector<std::shared_ptr<const LoraBranch>>* branches;
    std::vector<std::shared_ptr<const LoraBranch>> detached;
  };
  void restore() noexcept;
  std::vector<Merged> merged_;
};

}  // namespace steer
