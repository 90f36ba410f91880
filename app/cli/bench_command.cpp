// steer bench: times the pieces of a generation step, whole guided steps, a random-weight UNet
// or LoRA training steps on fixed, reproducible inputs, through the engine (Engine::benchmark;
// the measurements live in core/bench/). tests/bench/bench_vs_diffusers.py runs it next to
// diffusers on the same model, inputs and thread count, and prints the ratio.
#include <iostream>
#include <string>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/common/error.h"
#include "core/engine/engine.h"

namespace steer::cli {
namespace {

void usage(std::ostream& out) {
  out << "usage: steer bench --model <folder> [--latent N (16)] [--batch N (2)] [--threads N] [--repeats N (3)]\n"
         "                   [--device cpu|cuda] [--dtype fp32|fp16|bf16]\n"
         "       steer bench --unet-config <unet config.json> [same options]\n"
         "                   times only the UNet, built from the config with random weights\n"
         "                   (for machines that have no model weights, e.g. the GPU test machine)\n"
         "       steer bench --model <folder> --train-lora [--rank N (4)] [--gradient-checkpointing] [--batch N]\n"
         "                   [--steps N] [same options]: times LoRA training steps and reports peak memory\n"
         "       steer bench --model <folder> --guided [--lora FILE] [--finetuned DIR] [--steps N (6)] [same options]\n"
         "                   times whole guided steps as users run them: CFG with the LoRA merged (the baseline)\n"
         "                   and unmerged, PG (omega 0.5, and linear 0.2->0.8) with the LoRA, and CFG/PG with a\n"
         "                   fully fine-tuned subject; and the live preview's share of a step\n";
}

}  // namespace

int run_bench(int argc, char** argv) {
  // The same checked reader as the other verbs: a number that is not one, or out of range,
  // is refused naming the option (not an "internal error", not wrapped).
  Arguments args(
      argc, argv,
      {"model", "latent", "batch", "threads", "repeats", "device", "dtype", "unet-config", "rank", "lora", "finetuned", "steps"},
      {"help", "guided", "train-lora", "gradient-checkpointing"});
  const auto& positional = args.positional();
  if (args.has("help")) {
    usage(std::cout);
    return 0;
  }
  if (!positional.empty()) {
    usage(std::cerr);
    throw InputError("steer bench takes no positional arguments (got \"" + positional[0] + "\")");
  }
  BenchmarkOptions o;
  o.model = args.get("model");
  o.unet_config = args.get("unet-config");
  // Latents up to 512x512 (4096-pixel images); the options that size tensors are bounded so a
  // typo cannot ask for an absurd allocation.
  o.latent = args.integer("latent", o.latent, 8, 512, "a positive multiple of 8 up to 512");
  o.batch = args.integer("batch", o.batch, 1, 256);
  o.threads = args.int32("threads", o.threads, 0, 1024);
  o.repeats = args.int32("repeats", o.repeats, 1, 10000);
  o.device = args.get("device", o.device);
  o.dtype = args.get("dtype", o.dtype);
  o.guided = args.has("guided");
  o.train_lora = args.has("train-lora");
  o.rank = args.int32("rank", o.rank, 1, 1024);
  o.gradient_checkpointing = args.has("gradient-checkpointing");
  o.lora = args.get("lora");
  o.finetuned = args.get("finetuned");
  o.steps = args.int32("steps", o.steps, 3, 10000, "3 or more steps (up to 10000): fewer are too few to time");
  if (o.model.empty() == o.unet_config.empty()) {
    usage(std::cerr);
    throw InputError("steer bench needs either --model or --unet-config (one of them)");
  }
  if (o.latent % 8 != 0) throw InputError("--latent " + std::to_string(o.latent) + " must be a positive multiple of 8");
  if (o.train_lora && o.model.empty()) throw InputError("--train-lora needs --model");
  EngineOptions engine_options;
  engine_options.device = o.device;
  engine_options.dtype = o.dtype;
  engine_options.cpu_threads = o.threads;
  engine_options.validate();

  Engine engine;
  std::cout << expect_finished(engine.benchmark(o, engine_options)).text;
  return 0;
}

}  // namespace steer::cli
