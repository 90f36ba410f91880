#pragma once
// The engine's one front door (docs/architecture.md, "The engine API"). The `steer` CLI,
// `steer-studio`, `steer demo`, the benchmarks and the end-to-end tests all reach the engine
// through this object and nothing else; no torch in this header.
//
// An Engine owns the loaded model and the attached subject and runs jobs on the calling
// thread (the app calls it from its one engine thread, the CLI from main). Every job has the
// same shape (core/engine/job.h): plain-value progress events through callbacks, a JobControl
// for cancel (and pause, for training), and a JobOutcome — finished, cancelled, or failed
// with a message for the user.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/bench/benchmarks.h"
#include "core/demo_model/base_model_training.h"
#include "core/demo_model/demo_job.h"
#include "core/engine/job.h"
#include "core/generation/cell_record.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"
#include "core/pipeline/model_inspection.h"
#include "core/training/training_run.h"

namespace steer {

// Where and in what precision the model runs: "cpu" or "cuda" (or "cuda:N"); "fp32", "fp16" or
// "bf16". The one place these words are parsed (CLI flags, the app's settings, benchmarks).
struct EngineOptions {
  std::string device = "cpu";
  std::string dtype = "fp32";
  // Torch's CPU threads for the engine's model, generation and training jobs, set on the
  // thread that calls them (torch's OpenMP thread count is per calling thread); 0:
  // automatic_cpu_threads().
  int cpu_threads = 0;
  // InputError naming the setting and the allowed values; called before anything is loaded.
  void validate() const;
};

// The CPU threads of EngineOptions::cpu_threads = 0, the same for every client (the CLI, the
// app's engine thread): OMP_NUM_THREADS (or MKL_NUM_THREADS) when the user set it, otherwise
// one less than the cores torch would use, and at least one. A job's OpenMP team must not
// fill every core: when anything else runs (the app's UI thread drawing each step's preview,
// another process) a team member waits at each of the thousands of barriers per image for a
// core, and a 0.5 s image took 2-10 s with 2 threads on a 2-core machine against 0.5-0.9 s
// with 1 (docs/benchmarks.md, "The app against the CLI").
int automatic_cpu_threads();

using SweepCellFinished = std::function<void(const SweepPlan::Cell& cell, const GenerationResult& result, bool reused)>;
using SweepCellStep = std::function<void(const SweepPlan::Cell& cell, const StepEvent& event)>;
// A sweep cell written to the export folder (file: the image's name inside the set folder).
using SweepCellExported =
    std::function<void(const SweepPlan::Cell& cell, const GenerationResult& result, bool reused, const std::string& file)>;

// Where a sweep is exported (core/export/sweep_exporter.h documents the folder layout).
struct SweepExportTarget {
  std::filesystem::path parent_folder = ".";
  std::string set_name = "sweep";
  std::string name_template;  // "" = the exporter's default
  std::string image_extension = ".png";
  bool write_grid = true;
  int grid_upscale = 0;  // SweepExportOptions::grid_upscale: 0 automatic, N times
};

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- jobs ------------------------------------------------------------------------------
  // Summarises a model folder without loading its weights (`steer info`).
  static JobResult<ModelSummary> inspect_model(const std::filesystem::path& folder);
  // Loads a diffusers folder (replacing the current model and dropping the subject).
  JobResult<ModelSummary> load_model(const std::filesystem::path& folder, const EngineOptions& options = {});
  // Attaches a subject (Kind::None detaches); the value is one line for the user: what is
  // attached and what it costs in memory. A failed attach keeps the subject that was attached.
  JobResult<std::string> set_subject(const SubjectSpec& subject);
  // One image; `on_step` after every step.
  JobResult<GenerationResult> generate(const GenerationRequest& request, const StepCallback& on_step = {},
                                       JobControl* control = nullptr);
  // A sweep, cell by cell, without writing files; identical cells are computed once.
  JobOutcome run_sweep(const SweepPlan& plan, const SweepCellFinished& on_cell, const SweepCellStep& on_step = {},
                       JobControl* control = nullptr);
  // A sweep exported as a folder (images with A1111 parameters, sidecars, index, grid); the
  // value is the set's folder. Nothing is left behind when it fails or is cancelled.
  JobResult<std::filesystem::path> export_sweep(const SweepPlan& plan, const SweepExportTarget& target,
                                                const SweepCellExported& on_cell = {}, const SweepCellStep& on_step = {},
                                                JobControl* control = nullptr);
  // A training run (LoRA or DreamBooth) with its own copy of the base model named in the
  // settings; resumes from the run folder's checkpoints. Cancelled runs leave a checkpoint.
  JobResult<TrainingOutcome> train(const TrainingSettings& settings, const TrainingEventCallback& on_event = {},
                                   JobControl* control = nullptr);

  // `steer demo`: the subject's photos, a LoRA, the CFG/AG/PG sweep with scores and the
  // trade-off report, on the demo model named in the options (its own model, not this
  // engine's loaded one). Cancelled between steps and cells.
  JobResult<demo::DemoResult> run_demo(const demo::DemoOptions& options, const demo::DemoProgress& progress = {},
                                       JobControl* control = nullptr);

  // `steer bench`: timings on fixed inputs with its own model (the options name it), on the
  // device, dtype and CPU threads of `options`.
  JobResult<BenchmarkReport> benchmark(const BenchmarkOptions& benchmark, const EngineOptions& options);

  // The record that reproduces `request` on this engine's model and subject (names and content
  // hashes of their files, the device): what sidecars, A1111 text and exports carry.
  CellSettings record_for(const GenerationRequest& request) const;

  // `steer train-base`: the demo world's base model trained from scratch by its recipe
  // (resumable stages); the value is the model folder.
  JobResult<std::filesystem::path> train_demo_base(const demo::BaseModelRecipe& recipe,
                                                   const demo::BaseModelProgress& progress = {}, JobControl* control = nullptr);

  // ---- state -----------------------------------------------------------------------------
  // The CPU threads torch runs jobs with on the calling thread: after load_model or a
  // generation or training job on this thread, the options' count (the app asks on its
  // engine thread).
  static int cpu_threads_of_this_thread();
  bool has_model() const;
  const std::filesystem::path& model_folder() const;
  const EngineOptions& options() const;
  const SubjectSpec& subject() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steer
