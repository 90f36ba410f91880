#pragma once
// A LoRA update attached to a Linear or Conv2d layer (docs/model-notes.md §8.1):
//   y = W·x + b + s_b · (alpha / rank) · up(down(x))
// where s_b is a per-sample multiplier for batch item b. Personalization guidance runs
// its two passes (prompt c at scale 1, ∅ at scale ω) as one batch-2 UNet call with
// s = [ω, 1] (the batch is [∅, c], the order diffusers uses), so it costs what batched CFG costs (docs/guidance.md, "How PG stays
// free").
#include <ATen/core/Tensor.h>

#include <memory>

namespace steer {

struct LoraBranch {
  at::Tensor down;     // Linear: [rank, in]; Conv2d: [rank, in, kh, kw] (same stride/padding as the host)
  at::Tensor up;       // Linear: [out, rank]; Conv2d: [out, rank, 1, 1]
  double scale = 1.0;  // alpha / rank
};

// The per-sample multipliers in force on this thread, shape (B,) on the compute device.
// Undefined means 1 for every sample. Set by the generation job around each UNet or
// text-encoder call; modules stay immutable and shareable.
const at::Tensor& current_lora_sample_scales();

class ScopedLoraSampleScales {
 public:
  explicit ScopedLoraSampleScales(at::Tensor scales);
  ~ScopedLoraSampleScales();
  ScopedLoraSampleScales(const ScopedLoraSampleScales&) = delete;
  ScopedLoraSampleScales& operator=(const ScopedLoraSampleScales&) = delete;

 private:
  at::Tensor previous_;
};

}  // namespace steer
