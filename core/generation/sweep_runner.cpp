#include "core/generation/sweep_runner.h"

#include <map>

namespace steer {

void run_sweep_on(GenerationSession& session, const SweepPlan& plan, const CellFinished& on_cell, const CellStep& on_step,
                  const std::atomic<bool>* cancel) {
  plan.validate();
  std::map<std::string, GenerationResult> done;
  for (const auto& cell : plan.cells()) {
    const std::string key = reproducibility_key(cell.request);
    auto it = done.find(key);
    if (it != done.end()) {
      on_cell(cell, it->second, true);
      continue;
    }
    StepCallback step;
    if (on_step) step = [&](const StepEvent& e) { on_step(cell, e); };
    GenerationResult result = session.generate(cell.request, step, cancel);
    on_cell(cell, result, false);
    done.emplace(key, std::move(result));
  }
}

}  // namespace steer
