#pragma once
// A sweep generated and exported in one pass: the one implementation behind `steer sweep`,
// the engine's export_sweep job (the app's board export) and `steer demo`. Each finished
// cell is written by the SweepExporter as it arrives (image + sidecar), then handed to the
// caller with its file name; cells whose settings repeat are generated once (run_sweep_on).
// A cancelled or failed sweep leaves nothing behind (the exporter's staging folder is
// removed) and rethrows.
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include "core/export/sweep_exporter.h"
#include "core/generation/cell_record.h"
#include "core/generation/sweep_runner.h"

namespace steer {

struct ExportedCell {
  const SweepPlan::Cell& cell;
  const GenerationResult& result;
  bool reused;              // same settings as an earlier cell: its image, not generated again
  const std::string& file;  // the image's file name inside the set folder
};
using CellExported = std::function<void(const ExportedCell&)>;

struct SweepExportJob {
  const SweepPlan& plan;
  SweepExportOptions options;
  ModelIdentity identity;  // recorded in every sidecar
  SubjectSpec subject;
  std::string device = "cpu";
};

// Returns the set's final folder. JobCancelled when `cancel` is set between steps.
std::filesystem::path run_sweep_export(GenerationSession& session, const SweepExportJob& job, const CellExported& on_cell = {},
                                       const CellStep& on_step = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace steer
