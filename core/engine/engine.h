#pragma once
// The engine as the UI sees it: one object that owns the loaded model and subject and
// runs jobs, behind plain C++ types (no torch in this header). The Qt side calls it from
// its one engine thread; the CLI could too.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/pipeline/model_inspection.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"

namespace steer {

struct EngineOptions {
  std::string device = "cpu";  // "cpu" or "cuda"
  std::string dtype = "fp32";  // "fp32", "fp16", "bf16"
};

using SweepCellFinished = std::function<void(const SweepPlan::Cell& cell, const GenerationResult& result, bool reused)>;
using SweepCellStep = std::function<void(const SweepPlan::Cell& cell, const StepEvent& event)>;

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads a diffusers folder (replacing the current model and dropping the subject) and
  // returns its summary. InputError for anything wrong with the folder.
  ModelSummary load_model(const std::filesystem::path& folder, const EngineOptions& options = {});
  bool has_model() const;
  const std::filesystem::path& model_folder() const;

  // Attaches a subject (Kind::None detaches). Returns one line for the UI: what is
  // attached and what it costs in memory. InputError when it does not fit the model.
  std::string set_subject(const SubjectSpec& subject);

  // One image. `cancel` is polled between steps: JobCancelled (generation_job.h,
  // a std::runtime_error whose what() is "generation cancelled").
  GenerationResult generate(const GenerationRequest& request, const StepCallback& on_step = {},
                            const std::atomic<bool>* cancel = nullptr);

  // A sweep, cell by cell; identical cells are computed once.
  void run_sweep(const SweepPlan& plan, const SweepCellFinished& on_cell, const SweepCellStep& on_step = {},
                 const std::atomic<bool>* cancel = nullptr);

  // True when `e` is the cancellation exception thrown by generate / run_sweep.
  static bool is_cancellation(const std::exception& e);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steer
