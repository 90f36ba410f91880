#pragma once
// Training the demo model's VAE (issue 6): the AutoencoderKL of a diffusers folder, trained in
// place on toy-world scenes (never the demo subject) with small random dots sprinkled on some
// of them, so the codec keeps fine detail it will later be asked to carry:
//   loss = mean((decode(mean + std·ε) − x)²) + β · KL,   KL = ½·mean(μ² + σ² − 1 − log σ²)
// AdamW; then scaling_factor = 1 / std(latents) over a held-out batch (how SD's 0.18215 was
// found), written into vae/config.json with the weights.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace steer::demo {

struct VaeTrainingOptions {
  int steps = 1200;
  int batch = 32;
  double learning_rate = 1e-3;
  double kl_weight = 1e-5;
  uint64_t seed = 0;
  std::string device = "cpu";
};

struct VaeTrainingReport {
  double final_loss = 0;
  double reconstruction_mse = 0;  // on the held-out batch, in [-1, 1] units
  double scaling_factor = 1;
};

// progress(step, steps, loss) after each step.
VaeTrainingReport train_demo_vae(const std::filesystem::path& model_folder, const VaeTrainingOptions& options,
                                 const std::function<void(int, int, double)>& progress = {});

}  // namespace steer::demo
