#pragma once
// The demo world's base model (issue 6): the architecture classes of Stable Diffusion 1.x at
// toy size, as diffusers/transformers configs —
//   VAE   AutoencoderKL, blocks [32, 64, 64] (downsampling ×4: 64×64 pixels -> 16×16×4 latents,
//         so the toy world's 2-4 px dots survive), one ResNet per block, 16 groups
//   text  CLIPTextModel, width 64, 2 layers, 2 heads, 32 positions, the toy vocabulary
//         (core/demo/toy_vocabulary.h)
//   UNet  UNet2DConditionModel on 16×16×4 latents, blocks [32, 64, 128] (cross-attention in the
//         first two), one ResNet per block, cross-attention width 64
//   schedule  SD's scaled-linear β (0.00085..0.012, 1000 steps), ε-prediction
// and a writer for a freshly initialised folder of it (core/models/weight_initialization.h).
#include <cstdint>
#include <filesystem>

#include "core/formats/json.h"

namespace steer::demo {

inline constexpr int kDemoImageSize = 64;
inline constexpr int kDemoTextPositions = 32;

json::Value demo_vae_config();
json::Value demo_unet_config();
json::Value demo_text_encoder_config(int64_t vocab_size, int64_t bos_token_id, int64_t eos_token_id);
json::Value demo_scheduler_config();
json::Value demo_model_index();

// A complete diffusers folder (model_index.json, configs, tokenizer, fp32 weights drawn from
// `seed`), built in a staging folder and renamed to `folder`. Existing folders are replaced.
void write_untrained_demo_model(const std::filesystem::path& folder, uint64_t seed);

}  // namespace steer::demo
