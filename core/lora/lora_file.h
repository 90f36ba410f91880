#pragma once
// LoRA files (docs/model-notes.md §8): reading kohya/A1111- and diffusers/PEFT-named .safetensors LoRAs,
// resolving every layer they name against a loaded model, and attaching them to it.
//
// Names read:
//   kohya / A1111:  lora_unet_<path with _>.{lora_down.weight, lora_up.weight, alpha}
//                   lora_te_<path with _>... (lora_te1_ too: diffusers' kohya export writes it)
//   diffusers/PEFT: unet.<path>.lora_A.weight / .lora_B.weight (also .lora_A.default.weight),
//                   unet.<path>.lora.down.weight / .lora.up.weight (convert_state_dict_to_diffusers),
//                   unet.<path>.processor.to_q_lora.down.weight (old attention processors;
//                   to_out_lora is to_out.0), text_encoder.<path>.lora_linear_layer.down.weight,
//                   text_encoder.<path> with or without "text_model." (transformers 5 drops it);
//                   keys without a component prefix are the UNet's (old attn_procs files).
// kohya paths are resolved against the model's own Linear/Conv2d module paths (with "." read
// as "_"), never by string rules, so "to_out_0" and "ff_net_0_proj" need no special cases.
//
// Scale (alpha / rank) of each layer:
//   kohya: its ".alpha" scalar; absent or 0 means alpha = rank (kohya's rule).
//   diffusers: the PEFT config diffusers' save_lora_weights stores as JSON in
//     __metadata__["lora_adapter_metadata"], keys "<component>.<field>": lora_alpha (8 when
//     absent, LoraConfig's default), r, alpha_pattern / rank_pattern (PEFT matches each key as
//     the regex (.*\.)?(key)$ against the layer's name; first match wins), use_rslora
//     (alpha / sqrt(rank)). Without metadata for the component, alpha = rank (scale 1), as
//     diffusers does. A ".alpha" tensor next to diffusers-named weights is honoured as in kohya.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/models/lora_branch.h"

namespace steer {

class Module;
class StableDiffusionModel;

struct LoraTarget {
  // The layer's path in our module tree, e.g. "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q"
  // (UNet) or "text_model.encoder.layers.0.self_attn.q_proj" (text encoder).
  std::string module_path;
  // down/up as stored (the file's dtype, on the CPU; Conv2d hosts get 4-D weights, Linear
  // hosts 2-D, whatever the file used for 1x1 layers); scale = alpha / rank.
  LoraBranch branch;
};

struct LoraFile {
  std::filesystem::path path;
  std::string naming;                                         // "kohya" | "diffusers"
  std::vector<LoraTarget> unet, text_encoder;                 // in file order
  std::vector<std::pair<std::string, std::string>> metadata;  // the file's __metadata__
  // The largest rank of any layer (LoRAs usually have one rank; LoCon files may use another
  // for convolutions). 0 for none.
  int rank() const;
};

// Reads a LoRA .safetensors and resolves every layer it names against `model`. Throws
// steer::InputError naming the file and the keys at fault: a file that cannot be read, holds
// no tensors, or holds keys that are not LoRA weights; LoRA kinds we do not run (LoHa, LoKr,
// DoRA, Tucker lora_mid, LoRA biases, full weight diffs); layers this model does not have (a
// LoRA for another model family); down/up shapes that do not fit the layer (expected vs found);
// a down without its up or an up without its down.
LoraFile read_lora_file(const std::filesystem::path& path, const StableDiffusionModel& model);

// Attaches a LoRA's branches to the model's layers for its lifetime (RAII) and detaches exactly
// those on destruction, so LoRAs stack and come off in any order. The branches get the
// layers' device and dtype, and scale = (alpha / rank) * multiplier. Attaching changes model
// state that every job on the model sees: attach and detach only while no job runs on it.
class LoraAttachment {
 public:
  LoraAttachment(StableDiffusionModel& model, const LoraFile& lora, double multiplier = 1.0);
  ~LoraAttachment();
  LoraAttachment(const LoraAttachment&) = delete;
  LoraAttachment& operator=(const LoraAttachment&) = delete;

  size_t layer_count() const { return attached_.size(); }

 private:
  void detach_all() noexcept;
  struct Attached {
    Module* layer;
    std::shared_ptr<const LoraBranch> branch;
  };
  std::vector<Attached> attached_;
};

}  // namespace steer
