#pragma once
// Exports a sweep as a folder a designer can hand on:
//
//   <parent>/<set_name>/             (or <set_name>-2, -3, ... : an existing folder is never touched)
//     0_cfg_l7.5_wnone_s42.png       each image; a PNG carries A1111's "parameters" text
//     0_cfg_l7.5_wnone_s42.json      its sidecar: every setting, the file, axis position, seconds
//     ...
//     index.json, index.csv          every cell: index, file, axis values, settings
//     grid.png                       the labelled contact sheet
//     grid-prompt-1.png, ...         with several prompts, one contact sheet per prompt
//
// Everything is written into a hidden staging folder `.<set_name>.partial-<random>` inside
// the parent, each file atomically; finish() renames the staging folder to the final name
// in one step. So the final folder either holds the complete set or does not exist.
//
// Any exception from add() or finish() aborts the export first: the staging folder is
// removed and the exporter is idle again (a new begin() may follow). Errors name the file
// or folder and the reason ("No space left on device", "Permission denied").
//
// Not thread-safe: one exporter is driven from one thread.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/export/file_naming.h"
#include "core/export/grid_image.h"
#include "core/export/sweep_record.h"

namespace steer {

// The grid finish() draws for a set: a header band (set name; model and subject; the prompt
// unless it is an axis; which axis runs along columns and rows; the settings that are not
// axes, from `shared`), columns = the first axis's labels, rows = every combination of the
// other axes (the last changing fastest), each row labelled "name: label" per axis (λ and ω
// by their symbols). Without axes the cells (cell_count of them) form one row.
GridSpec sweep_grid_spec(const std::string& set_name, const std::vector<SweepAxis>& axes, const CellSettings& shared,
                         size_t cell_count);
// The grid row of a cell at this axis position (its column is axis_position[0]).
size_t sweep_grid_row(const std::vector<SweepAxis>& axes, const std::vector<size_t>& axis_position);

class SweepExporter {
 public:
  SweepExporter() = default;
  ~SweepExporter();  // aborts an unfinished export
  SweepExporter(const SweepExporter&) = delete;
  SweepExporter& operator=(const SweepExporter&) = delete;

  // Validates the options (name template, axes) and creates the staging folder (the parent
  // folder too, if missing). Throws steer::InputError for bad options, steer::Error naming
  // the folder when it cannot be created (not writable, read-only, not a folder). Throws
  // steer::Error if an export is already in progress.
  void begin(const SweepExportOptions& options, const std::vector<SweepAxis>& axes);

  // Writes the cell's image and (if enabled) its sidecar. Returns the image's file name.
  // The cell's axis_position must have one valid label index per axis (or
  // kAxisNotApplicable on the first), and its index and grid place must not repeat an
  // earlier cell's (steer::InputError otherwise). A cell the first axis does not apply to
  // is exported once: null for that axis in the index and sidecar, one tile across the
  // columns in the grid.
  std::string add(const SweepCell& cell);

  // Writes index.json, index.csv and (if enabled) grid.png, then moves the set to its final
  // folder and returns that folder's path. At least one cell must have been added.
  std::filesystem::path finish();

  // Removes the staging folder and everything in it. Safe to call at any time.
  void abort() noexcept;

  bool in_progress() const { return !staging_.empty(); }
  // The hidden folder being filled; empty when no export is in progress.
  const std::filesystem::path& staging_folder() const { return staging_; }
  size_t cell_count() const { return records_.size(); }

 private:
  struct Record {
    size_t index = 0;
    std::vector<size_t> axis_position;
    CellSettings settings;
    std::string file, sidecar;
    int width = 0, height = 0;
    double seconds = 0;
  };

  std::string add_cell(const SweepCell& cell);
  std::filesystem::path finish_set();
  void write_checked(const std::filesystem::path& file, const std::function<void()>& write);
  void write_text(const std::filesystem::path& file, const std::string& content);
  std::string index_json() const;
  std::string index_csv() const;
  struct GridCell {
    const Record* record;
    std::vector<size_t> position;  // along the axes of the grid it is drawn in
  };
  void write_grid();
  void write_grid_image(const std::string& file, const std::string& title, const std::vector<SweepAxis>& axes,
                        const std::vector<GridCell>& cells);
  std::vector<std::string> prompt_grid_files() const;  // with several prompts, one grid each
  json::Value axis_values(const std::vector<size_t>& position) const;

  SweepExportOptions options_;
  std::vector<SweepAxis> axes_;
  std::string folder_name_;  // options_.set_name made safe for file systems
  std::filesystem::path staging_;
  std::vector<Record> records_;
  UniqueNamer namer_;
  size_t index_width_ = 1;
};

}  // namespace steer
