// The engine's jobs that need the file layers (OpenImageIO): sweep export and training.
// STEER_ENGINE_ONLY builds (the GPU machine: no OpenImageIO) compile studio_jobs_unavailable.cpp instead.
#include "core/demo_model/base_model_training.h"
#include "core/demo_model/demo_job.h"
#include "core/engine/engine_impl.h"
#include "core/jobs/sweep_export_job.h"

namespace steer {

JobResult<std::filesystem::path> Engine::export_sweep(const SweepPlan& plan, const SweepExportTarget& target,
                                                      const SweepCellExported& on_cell, const SweepCellStep& on_step,
                                                      JobControl* control) {
  return run_job_for<std::filesystem::path>([&] {
    use_cpu_threads(impl_->options);
    GenerationSession& session = impl_->session_or_throw();
    SweepExportJob job{plan, {}, {}, session.subject(), impl_->options.device};
    job.options.parent_folder = target.parent_folder;
    job.options.set_name = target.set_name;
    if (!target.name_template.empty()) job.options.name_template = target.name_template;
    job.options.image_extension = target.image_extension;
    job.options.write_grid = target.write_grid;
    job.options.grid_upscale = target.grid_upscale;
    validate_name_template(job.options.name_template);
    plan.validate();
    job.identity = identify_model(impl_->folder, session.subject());
    return run_sweep_export(
        session, job,
        [&](const ExportedCell& c) {
          if (on_cell) on_cell(c.cell, c.result, c.reused, c.file);
        },
        on_step, control ? &control->cancel : nullptr);
  });
}

JobResult<TrainingOutcome> Engine::train(const TrainingSettings& settings, const TrainingEventCallback& on_event,
                                         JobControl* control) {
  return run_job_for<TrainingOutcome>([&] {
    use_cpu_threads(impl_->options);  // the same count in the CLI and on the app's engine thread
    const TrainingControl training_control{control ? &control->cancel : nullptr, control ? &control->pause : nullptr};
    TrainingOutcome outcome = run_training(settings, on_event, training_control);
    if (!outcome.finished) throw JobCancelled();
    return outcome;
  });
}

JobResult<demo::DemoResult> Engine::run_demo(const demo::DemoOptions& options, const demo::DemoProgress& progress,
                                             JobControl* control) {
  return run_job_for<demo::DemoResult>([&] {
    demo::DemoResult result = demo::run_demo(options, progress, control ? &control->cancel : nullptr);
    if (!result.finished) throw JobCancelled();
    return result;
  });
}

JobResult<std::filesystem::path> Engine::train_demo_base(const demo::BaseModelRecipe& recipe,
                                                         const demo::BaseModelProgress& progress, JobControl* control) {
  return run_job_for<std::filesystem::path>([&] {
    const TrainingControl training_control{control ? &control->cancel : nullptr, control ? &control->pause : nullptr};
    std::filesystem::path folder = demo::train_demo_base_model(recipe, progress, training_control);
    if (folder.empty()) throw JobCancelled();
    return folder;
  });
}

}  // namespace steer
