#include "ui/export/board_export.h"

#include "core/export/sweep_exporter.h"
#include "core/generation/cell_record.h"
#include "core/generation/request_json.h"

namespace steer::ui {

BoardExportResult export_board_cells(const BoardExport& job, const std::function<void(int, int)>& progress,
                                     const std::function<bool()>& cancelled) {
  BoardExportResult result;
  const int total = static_cast<int>(job.cells.size()) + 2;
  auto report = [&](int done) {
    if (progress) progress(done, total);
  };
  auto stop = [&] { return cancelled && cancelled(); };
  if (job.cells.empty()) {
    result.error = "There are no finished cells to export.";
    return result;
  }
  SweepExporter exporter;
  try {
    report(0);
    ModelIdentity identity;
    try {
      identity = identify_model(job.model_folder, job.subject);
    } catch (const std::exception& e) {
      // The sidecars still record every setting; only the hashes are missing.
      identity = {};
      identity.model_name = job.model_folder.filename().string();
      if (job.subject.kind != SubjectSpec::Kind::None) identity.subject_name = job.subject.path.filename().string();
      result.warning = std::string("The sidecars carry no model hash: ") + e.what();
    }
    report(1);
    exporter.begin(job.options, job.axes);
    int done = 1;
    for (const auto& cell : job.cells) {
      if (stop()) {
        exporter.abort();
        result.cancelled = true;
        return result;
      }
      SweepCell out;
      out.index = cell.index;
      out.axis_position = cell.position;
      out.settings = cell_settings_for(cell.request, identity, job.subject, job.device);
      // The sidecar's "request", as `steer sweep` writes it (core/jobs/sweep_export_job.cpp).
      out.request = request_to_json(cell.request);
      out.image = cell.image;
      out.seconds = cell.seconds;
      exporter.add(out);
      ++result.images;
      report(++done);
    }
    if (stop()) {
      exporter.abort();
      result.cancelled = true;
      return result;
    }
    result.folder = exporter.finish();
    report(total);
  } catch (const std::exception& e) {
    exporter.abort();
    result.folder.clear();
    result.error = e.what();
  }
  return result;
}

}  // namespace steer::ui
