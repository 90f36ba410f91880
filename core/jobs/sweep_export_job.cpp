#include "core/jobs/sweep_export_job.h"

#include "core/generation/request_json.h"

namespace steer {

std::filesystem::path run_sweep_export(GenerationSession& session, const SweepExportJob& job, const CellExported& on_cell,
                                       const CellStep& on_step, const std::atomic<bool>* cancel) {
  job.plan.validate();
  std::vector<SweepAxis> axes;
  for (const auto& a : job.plan.axes()) axes.push_back(SweepAxis{a.name, a.labels});
  SweepExporter exporter;
  exporter.begin(job.options, axes);  // fails here, before any generation, if the folder is not writable
  run_sweep_on(
      session, job.plan,
      [&](const SweepPlan::Cell& cell, const GenerationResult& result, bool reused) {
        SweepCell out;
        out.index = cell.index;
        out.axis_position = cell.position;
        out.settings = cell_settings_for(cell.request, job.identity, job.subject, job.device);
        out.request = request_to_json(cell.request);
        out.image = result.image;
        out.seconds = reused ? 0.0 : result.seconds;
        const std::string file = exporter.add(out);
        if (on_cell) on_cell(ExportedCell{cell, result, reused, file});
      },
      on_step, cancel);
  return exporter.finish();
}

}  // namespace steer
