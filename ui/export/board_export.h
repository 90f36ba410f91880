#pragma once
// Exporting board cells as a sweep folder: the same SweepExporter and the same CellSettings
// fields as `steer sweep` (app/cli/sweep_command.cpp), so a folder exported from the board
// and one written by the CLI for the same cells hold the same files. Qt-free: the export
// dialog runs it on a worker thread.
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/export/sweep_record.h"
#include "core/generation/generation_request.h"

namespace steer::ui {

// Everything an export needs, copied off the board (the board may change meanwhile).
struct BoardExport {
  SweepExportOptions options;
  std::vector<SweepAxis> axes;  // the board's axes: a subset of cells keeps its grid places
  struct Cell {
    size_t index = 0;
    std::vector<size_t> position;
    GenerationRequest request;
    ImageRGBA8 image;
    double seconds = 0;
  };
  std::vector<Cell> cells;
  // What the cells were generated with (hashed for the sidecars, as the CLI does).
  std::filesystem::path model_folder;
  SubjectSpec subject;
  std::string device = "cpu";
};

struct BoardExportResult {
  std::filesystem::path folder;  // the finished set; empty unless it succeeded
  size_t images = 0;
  bool cancelled = false;
  std::string error;    // what went wrong, for the user; empty on success
  std::string warning;  // e.g. the model folder is gone, so the sidecars carry no hash
};

// Runs the export. `progress(done, total)` is called as work completes (total = cells + 2:
// hashing the model files, and writing index and grid); `cancelled()` is polled between
// files. A failed or cancelled export leaves nothing behind (SweepExporter's staging).
BoardExportResult export_board_cells(const BoardExport& job, const std::function<void(int done, int total)>& progress = {},
                                     const std::function<bool()>& cancelled = {});

}  // namespace steer::ui
