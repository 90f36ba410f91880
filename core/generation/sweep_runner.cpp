#include "core/generation/sweep_runner.h"

#include <map>
#include <sstream>

#include "core/guidance/guidance_method.h"

namespace steer {

std::string reproducibility_key(const GenerationRequest& r) {
  std::ostringstream k;
  const auto& g = r.guidance;
  k << r.prompt << '\x1f' << r.negative_prompt << '\x1f' << r.seed << '\x1f' << r.width << 'x' << r.height << '\x1f' << r.steps
    << '\x1f' << r.sampler << '\x1f' << r.karras_sigmas << '\x1f' << r.eta << '\x1f' << r.clip_skip << '\x1f' << r.noise_on_device
    << '\x1f' << guidance_method_name(g.method) << '\x1f' << g.scale << '\x1f' << g.rescale << '\x1f' << g.interval_text();
  // Only the method's own parameters count (ω for pg, the weak model for ag): a cfg cell
  // repeated along the ω axis is one image.
  for (const auto& [name, value] : guidance_method_rule(g.method).parameters(g)) k << '\x1f' << name << '=' << value;
  for (const auto& m : g.modifiers) k << '\x1f' << m.to_string();
  return k.str();
}

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
