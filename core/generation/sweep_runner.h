#pragma once
// Runs a sweep's cells one after another on one session, handing each finished image to
// the caller (the exporter, the compare board). Cells whose settings are the same
// (reproducibility_key, core/generation/sweep_plan.h) are generated once.
#include <atomic>
#include <functional>

#include "core/generation/generation_job.h"
#include "core/generation/sweep_plan.h"

namespace steer {

using CellFinished = std::function<void(const SweepPlan::Cell& cell, const GenerationResult& result, bool reused)>;
using CellStep = std::function<void(const SweepPlan::Cell& cell, const StepEvent& event)>;

// Validates the whole plan first, so a bad cell stops the sweep before any work.
void run_sweep_on(GenerationSession& session, const SweepPlan& plan, const CellFinished& on_cell, const CellStep& on_step = {},
                  const std::atomic<bool>* cancel = nullptr);

}  // namespace steer
