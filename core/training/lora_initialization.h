#pragma once
// The LoRA a run starts from: which layers get a branch, and their initial weights.
//
// Targets (diffusers' train_dreambooth_lora.py defaults): every UNet attention projection
// (attn1/attn2 to_q, to_k, to_v, to_out.0); with feed_forward also ff.net.0.proj and ff.net.2.
// Text encoder (when trained): self_attn q_proj, k_proj, v_proj, out_proj; with feed_forward
// also mlp.fc1 and mlp.fc2.
// Initial weights as PEFT's LoraLayer.reset_lora_parameters ("init_lora_weights=True"):
// down ~ kaiming_uniform(a = √5), i.e. U(−1/√fan_in, 1/√fan_in), up = 0, so the untrained LoRA
// leaves the model unchanged; scale = alpha / rank.
#include <cstdint>
#include <string>
#include <vector>

#include "core/lora/lora_file.h"

namespace steer {

class StableDiffusionModel;

namespace training {

struct LoraTargetChoice {
  bool feed_forward = false;
  bool text_encoder = false;
};

// The module paths of the targets, in the model's module order (UNet, then text encoder).
std::vector<std::string> lora_target_paths(const StableDiffusionModel& model, const std::string& component,
                                           const LoraTargetChoice& choice);

// A fresh LoRA over those targets, drawn on a CPU generator seeded with `seed` (the same seed
// gives the same weights on every device).
LoraFile initial_lora(const StableDiffusionModel& model, const LoraTargetChoice& choice, int rank, double alpha, uint64_t seed);

}  // namespace training
}  // namespace steer
