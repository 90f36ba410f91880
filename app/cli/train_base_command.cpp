// steer train-base: the demo world's base model from scratch (core/demo_model/base_model_training.h).
// Running the same command again resumes it.
#include <cstdio>
#include <iostream>
#include <limits>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/engine/engine.h"

namespace steer::cli {

int run_train_base(int argc, char** argv) {
  Arguments args(argc, argv,
                 {"work", "out", "seed", "images", "vae-steps", "vae-batch", "unet-steps", "batch", "learning-rate",
                  "warmup-steps", "caption-dropout", "device"},
                 {"help"});
  demo::BaseModelRecipe r;
  if (args.has("help")) {
    std::cout << "usage: steer train-base [--out DIR (resources/demo-model)] [--work DIR (build/demo-base)] [--seed N (" << r.seed
              << ")]\n"
              << "                        [--images N (" << r.images << ")] [--vae-steps N (" << r.vae_steps
              << ")] [--unet-steps N (" << r.unet_steps << ")]\n"
              << "                        [--batch N (" << r.batch << ")] [--learning-rate X (" << number_text(r.learning_rate)
              << ")] [--warmup-steps N] [--caption-dropout P (" << number_text(r.caption_dropout) << ")] [--device cpu|cuda]\n\n"
              << "Trains the demo world's base model from scratch: VAE, then UNet and text encoder on toy scenes.\n"
              << "Resumable: run the same command again after an interruption.\n";
    return 0;
  }
  args.refuse_positional("train-base");
  r.work = args.get("work", "build/demo-base");
  r.output = args.get("out", "resources/demo-model");
  constexpr int kMaxInt = std::numeric_limits<int>::max();
  r.seed = static_cast<uint64_t>(args.seed("seed", static_cast<int64_t>(r.seed)));  // 0 to 2^63-1, as every seed
  r.images = args.int32("images", r.images, 1, kMaxInt);
  r.vae_steps = args.int32("vae-steps", r.vae_steps, 1, kMaxInt);
  r.unet_steps = args.int32("unet-steps", r.unet_steps, 1, kMaxInt);
  r.vae_batch = args.int32("vae-batch", r.vae_batch, 1, kMaxInt);
  r.batch = args.int32("batch", r.batch, 1, kMaxInt);
  r.learning_rate = args.number("learning-rate", r.learning_rate);
  r.warmup_steps = args.int32("warmup-steps", r.warmup_steps, 0, kMaxInt);
  r.caption_dropout = args.number("caption-dropout", r.caption_dropout);
  r.device = args.get("device", "cpu");
  if (r.images < 1 || r.vae_steps < 1 || r.unet_steps < 1)
    throw InputError("--images, --vae-steps and --unet-steps must be at least 1");
  r.command_line = "steer train-base";
  for (int i = 0; i < argc; ++i) r.command_line += std::string(" ") + argv[i];

  Engine engine;
  JobControl control;
  const CancelOnInterrupt interrupt(control);
  int warnings = 0;
  auto trained = engine.train_demo_base(
      r,
      [&](const std::string& stage, const TrainingEvent& e) {
        switch (e.kind) {
          case TrainingEvent::Kind::Step:
            if (stage != "unet" || e.step % 25 == 0 || e.step == e.total_steps)
              std::fprintf(
                  stderr, "%s step %d/%d  loss %.4f%s\n", stage.c_str(), e.step, e.total_steps,
                  stage == "unet" ? e.smoothed_loss : e.loss,
                  stage == "unet" ? (" (smoothed)  ETA " + std::to_string(static_cast<int>(e.eta_seconds)) + " s").c_str() : "");
            break;
          case TrainingEvent::Kind::Warning:
            if (++warnings <= 3) std::fprintf(stderr, "warning: %s\n", e.text.c_str());
            break;
          case TrainingEvent::Kind::Preparing:
            if (e.total == 0 || e.done == e.total || e.done % 512 == 0)
              std::fprintf(stderr, "%s: %s%s\n", stage.c_str(), e.text.c_str(),
                           e.total ? (" " + std::to_string(e.done) + "/" + std::to_string(e.total)).c_str() : "");
            break;
          case TrainingEvent::Kind::CheckpointWritten:
          case TrainingEvent::Kind::Resumed:
          case TrainingEvent::Kind::Cancelled:
          case TrainingEvent::Kind::Finished:
            std::fprintf(stderr, "%s: %s\n", stage.c_str(), e.text.c_str());
            break;
          default:
            break;
        }
      },
      &control);
  if (trained.outcome.cancelled()) return 130;
  const auto out = expect_finished(std::move(trained));
  std::cout << out.string() << "\n";
  return 0;
}

}  // namespace steer::cli
