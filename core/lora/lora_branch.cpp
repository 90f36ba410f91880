// The per-sample LoRA scales declared in core/models/lora_branch.h. This file lives in
// core/lora/ (compiled by the folder glob of core/CMakeLists.txt) rather than next to its
// header, whose folder's sources are listed one by one.
#include "core/models/lora_branch.h"

#include <utility>

namespace steer {

namespace {
thread_local at::Tensor t_sample_scales;
}

const at::Tensor& current_lora_sample_scales() { return t_sample_scales; }

ScopedLoraSampleScales::ScopedLoraSampleScales(at::Tensor scales) : previous_(std::move(t_sample_scales)) {
  t_sample_scales = std::move(scales);
}

ScopedLoraSampleScales::~ScopedLoraSampleScales() { t_sample_scales = std::move(previous_); }

}  // namespace steer
