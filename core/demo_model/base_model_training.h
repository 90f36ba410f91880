#pragma once
// `steer train-base` (issue 6): the demo base model trained from scratch by our own code, in
// resumable stages under a work folder:
//   1. untrained/   a freshly initialised demo model (demo_architecture.h), from the seed
//   2. vae/         the same with its VAE trained on toy scenes (vae_training.h)
//   3. dataset/     toy scenes as PNG + caption sidecars (never the demo subject)
//   4. run/         the UNet and text encoder trained jointly on the dataset by the ordinary
//                   training run (full fine-tuning, caption dropout for classifier-free
//                   guidance), checkpointed and resumable across sessions
//   5. <output>     the result as a diffusers folder in fp16, with recipe.json (command, seed)
// Each stage is skipped when its result is already there, so running the same command again
// continues where the last one stopped.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/training/training_run.h"

namespace steer::demo {

struct BaseModelRecipe {
  std::filesystem::path work;    // stages 1-4
  std::filesystem::path output;  // the final fp16 folder (e.g. resources/demo-model)
  uint64_t seed = 2026;
  int images = 4096;  // toy scenes in the dataset
  int vae_steps = 800;
  int vae_batch = 16;
  int unet_steps = 2500;
  int batch = 64;
  double learning_rate = 5e-4;
  int warmup_steps = 100;
  double caption_dropout = 0.1;
  std::string device = "cpu";
  std::string command_line;  // recorded in recipe.json
};

using BaseModelProgress = std::function<void(const std::string& stage, const TrainingEvent& event)>;

// Returns the output folder. `control` stops stage 4 between steps (a checkpoint is written).
std::filesystem::path train_demo_base_model(const BaseModelRecipe& recipe, const BaseModelProgress& progress = {},
                                            const TrainingControl& control = {});

// Writes `source` (a diffusers folder) to `destination` with every safetensors tensor of a
// floating type converted to fp16 (the demo model is stored small).
void export_fp16_model(const std::filesystem::path& source, const std::filesystem::path& destination);

}  // namespace steer::demo
