#pragma once
// steer bench --train-lora: times LoRA training steps (forward, backward, gradient clipping,
// AdamW) on fixed inputs, the step of diffusers' DreamBooth-LoRA recipe; reports the median
// step time and the peak memory (process RSS; device peak on CUDA).
#include <string>

namespace steer::cli {

struct TrainingBenchOptions {
  std::string model;
  int64_t latent = 16;
  int64_t batch = 1;
  int rank = 4;
  int steps = 5;
  std::string device = "cpu";
  std::string dtype = "fp32";
  bool gradient_checkpointing = false;
};

int bench_lora_training(const TrainingBenchOptions& options);

}  // namespace steer::cli
