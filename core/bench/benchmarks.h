#pragma once
// What `steer bench` measures, as plain values (torch-free): the CLI fills the options and
// prints the report; the engine (Engine::benchmark) runs it. docs/benchmarks.md holds the
// measured numbers and the commands that produce them.
#include <cstdint>
#include <string>

namespace steer {

struct BenchmarkOptions {
  std::string model;        // a diffusers folder (components, guided steps, training)
  std::string unet_config;  // or: time a UNet built from this config.json with random weights
  int64_t latent = 16;      // latent side (image side / 8)
  int64_t batch = 2;
  int threads = 0;  // torch CPU threads; 0 keeps torch's default
  int repeats = 3;
  std::string device = "cpu";
  std::string dtype = "fp32";
  bool guided = false;      // whole guided steps: CFG, and PG with the LoRA
  bool train_lora = false;  // LoRA training steps with peak memory
  int rank = 4;
  bool gradient_checkpointing = false;
  std::string lora;
  std::string finetuned;  // --guided: a fully fine-tuned diffusers folder of the model's architecture
  int steps = 6;
};

struct BenchmarkReport {
  // Human-readable lines, ending with one "BENCH_JSON {...}" line for scripts
  // (tests/bench/*.py read it).
  std::string text;
};

}  // namespace steer
