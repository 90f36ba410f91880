#pragma once
// The benchmarks' implementation (the engine's side of Engine::benchmark).
#include <ostream>

#include "core/bench/benchmarks.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {

BenchmarkReport run_benchmark(const BenchmarkOptions& options, const LoadOptions& load);
// steer bench --train-lora: LoRA training steps (forward, backward, clipping, AdamW) on fixed
// inputs, the step of diffusers' DreamBooth-LoRA recipe; the median step time and peak memory.
void bench_lora_training(const BenchmarkOptions& options, const LoadOptions& load, std::ostream& out);

}  // namespace steer
