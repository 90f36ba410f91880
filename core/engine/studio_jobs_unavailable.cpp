// STEER_ENGINE_ONLY builds (the GPU machine's image has no OpenImageIO): the jobs that write
// images or read photo datasets are not compiled in, and say so.
#include "core/engine/engine_impl.h"

namespace steer {
namespace {
const char* kWhy =
    "this build of Steer Studio has no image export or training (it was built with STEER_ENGINE_ONLY, "
    "without OpenImageIO); use a full build";
}

JobResult<std::filesystem::path> Engine::export_sweep(const SweepPlan&, const SweepExportTarget&, const SweepCellExported&,
                                                      const SweepCellStep&, JobControl*) {
  return {JobOutcome::failure(kWhy), std::nullopt};
}

JobResult<TrainingOutcome> Engine::train(const TrainingSettings&, const TrainingEventCallback&, JobControl*) {
  return {JobOutcome::failure(kWhy), std::nullopt};
}

JobResult<demo::DemoResult> Engine::run_demo(const demo::DemoOptions&, const demo::DemoProgress&, JobControl*) {
  return {JobOutcome::failure(kWhy), std::nullopt};
}

JobResult<std::filesystem::path> Engine::train_demo_base(const demo::BaseModelRecipe&, const demo::BaseModelProgress&,
                                                         JobControl*) {
  return {JobOutcome::failure(kWhy), std::nullopt};
}

}  // namespace steer
