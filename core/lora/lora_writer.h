#pragma once
// Writing LoRA files (issue 5 item 7): a LoraFile (e.g. one we trained) as a .safetensors that
// read_lora_file (core/lora/lora_file.h) reads back to the same layers, down/up bit for bit and
// the same scales, in either of the namings the wider ecosystem uses:
//
//   Kohya (kohya-ss sd-scripts / A1111 / ComfyUI):
//     lora_unet_<module path, "." -> "_">.lora_down.weight / .lora_up.weight / .alpha
//     lora_te_<text-encoder module path, "." -> "_">...          (e.g. lora_te_text_model_encoder_...)
//     .alpha is a 0-d float32 tensor (float64 where float32 would not hold scale * rank exactly);
//     __metadata__: ss_network_module "networks.lora", ss_network_dim (largest rank),
//     ss_network_alpha (the most common alpha), ss_network_args (conv_dim / conv_alpha when conv
//     layers have their own), ss_lora_naming, format "pt", steer.lora_layers.
//   Diffusers (diffusers' save_lora_weights / PEFT):
//     unet.<module path>.lora_A.weight / .lora_B.weight, text_encoder.<module path>...
//     alpha in __metadata__["lora_adapter_metadata"] as JSON with keys "<component>.<field>":
//     r and lora_alpha (the most common rank / alpha), rank_pattern / alpha_pattern (the
//     layers that differ, by their full module names, dots escaped), use_rslora false,
//     use_dora false, lora_bias false, target_modules; plus format "pt".
//
// alpha = scale * rank for every layer. `metadata` (e.g. ss_base_model_version "sd_v1" /
// "sd_v2", ss_training_* , steer.* keys) is added to __metadata__ after the writer's own keys;
// a caller key with the same name replaces the writer's (except lora_adapter_metadata, which
// the diffusers naming needs to carry the alphas: passing it throws).
// The file is written atomically; a missing folder, a LoRA without layers, or a layer whose
// down/up are not 2-D/4-D with matching rank throws steer::Error naming the path.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/lora/lora_file.h"

namespace steer {

enum class LoraNaming { Kohya, Diffusers };

void write_lora_file(const std::filesystem::path& path, const LoraFile& lora, LoraNaming naming,
                     const std::vector<std::pair<std::string, std::string>>& metadata = {});

}  // namespace steer
