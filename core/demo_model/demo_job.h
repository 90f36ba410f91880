#pragma once
// `steer demo` (issue 6): Steer Studio's main job on the embedded demo model, end to end —
//   1. subject-photos/   the demo subject's 5 photos with caption sidecars
//   2. lora/             a LoRA fine-tuned on them (the ordinary training run), with its
//                        checkpoints; an earlier one is autoguidance's weak model
//   3. sweep/            one sweep, CFG / AG / PG × λ × ω (PG) × seeds × prompts that put the
//                        subject in new toy scenes, exported with sidecars, index and grid
//      base-model/       the same prompts and seeds with CFG on the base model, no LoRA:
//                        the "no personalization" reference
//   4. scores.csv/.json  text and subject fidelity of every image (toy_scorers.h)
//      tradeoff.md       per setting the mean scores, the Pareto-optimal settings, and whether
//                        PG reaches points that neither CFG nor AG reaches
//      tradeoff.png      text fidelity against subject fidelity, one point per setting
//      demo.json         what was run (marks the folder as a demo folder)
// Running it again on the same output folder replaces its results; the LoRA run is reused when
// its settings are unchanged.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/demo_model/tradeoff_table.h"

namespace steer::demo {

struct DemoOptions {
  std::filesystem::path model = "resources/demo-model";
  std::filesystem::path output = "demo-output";
  std::string device = "cpu";
  // Torch's CPU threads; 0 keeps torch's default. The demo model's tensors are so small that
  // one thread is fastest on a CPU (measured: 20 sampler steps in 0.15 s with 1 thread,
  // 5.6 s with 2 on a 2-core machine with another job running).
  int threads = 1;

  // ---- the LoRA --------------------------------------------------------------------------
  // Measured on the demo model (resources/demo-model, 2500 UNet steps), 4 prompts x 2 seeds:
  // learning rates of 1e-3 and 2e-3 lower text fidelity without raising subject fidelity, 800
  // steps gain nothing over 400, rank 8 or 16 nothing over 4.
  int lora_steps = 400;
  int rank = 4;
  double learning_rate = 5e-4;
  int batch = 4;
  // The checkpoint AG uses as its weak model: the LoRA after this many steps (< lora_steps).
  int weak_step = 100;
  uint64_t training_seed = 0;

  // ---- the sweep -------------------------------------------------------------------------
  int prompts = 6;
  uint64_t prompt_seed = 7;
  std::vector<int64_t> seeds = {1, 2, 3};
  int sampler_steps = 20;
  std::string sampler = "euler";
  std::vector<double> lambdas = {2, 3.5, 5, 7.5};
  std::vector<double> omegas = {0, 0.25, 0.5, 0.75};

  // The reduced size of --quick and the end-to-end test: fewer steps, prompts, seeds and
  // settings; the same pipeline.
  void make_quick();
  // InputError naming the option and the allowed values; checks the model folder exists.
  void validate() const;
};

struct DemoEvent {
  std::string stage;  // "photos" | "lora" | "sweep" | "base-model" | "scores" | "report"
  std::string text;   // what happened, for a progress line
  int done = 0, total = 0;
  double loss = 0;         // lora: smoothed loss
  double eta_seconds = 0;  // lora
};
using DemoProgress = std::function<void(const DemoEvent&)>;

struct DemoResult {
  bool finished = false;  // false: cancelled
  std::filesystem::path output, sweep, base_model_images, scores_csv, scores_json, tradeoff_md, tradeoff_png, lora;
  size_t images = 0;  // scored images (both sets)
  TradeoffAnalysis analysis;
  std::string table;  // the trade-off table as Markdown
  double seconds = 0;
};

// Runs the demo. `cancel` is polled between training steps and sampler steps; a cancelled
// demo returns finished = false: the LoRA run keeps a checkpoint (the next run on the same
// folder continues it), a partly exported set is removed. Throws InputError for
// bad options or an output folder that holds something other than a demo, Error naming the
// file or setting for everything else.
DemoResult run_demo(const DemoOptions& options, const DemoProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace steer::demo
