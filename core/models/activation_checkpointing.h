#pragma once
// Gradient (activation) checkpointing: a block's activations are not kept for backward;
// backward runs the block's forward again from its saved inputs and back-propagates through
// that (the "reentrant" scheme of torch.utils.checkpoint, which diffusers' training scripts
// switch on per ResNet and transformer block with --gradient_checkpointing). Memory for
// activations drops to the block inputs; compute grows by about one forward pass.
//
// Switched on per thread while a ScopedActivationCheckpointing is alive, and only has an effect
// when autograd records (GradMode on, not InferenceMode): generation never pays for it.
// A block body must be deterministic (no dropout; the LoRA sample scales in force at backward
// time must be the forward's — training sets none).
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace steer {

class ScopedActivationCheckpointing {
 public:
  explicit ScopedActivationCheckpointing(bool enabled = true);
  ~ScopedActivationCheckpointing();
  ScopedActivationCheckpointing(const ScopedActivationCheckpointing&) = delete;
  ScopedActivationCheckpointing& operator=(const ScopedActivationCheckpointing&) = delete;

 private:
  bool previous_;
};

bool activation_checkpointing_active();

using CheckpointedBody = std::function<at::Tensor(const std::vector<at::Tensor>& inputs)>;

// body(inputs), checkpointed when activation_checkpointing_active() and autograd records;
// a plain call otherwise. Undefined inputs are allowed (passed through as undefined).
at::Tensor checkpointed(const CheckpointedBody& body, const std::vector<at::Tensor>& inputs);

}  // namespace steer
