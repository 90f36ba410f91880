#pragma once
// The compare board without a widget: what the next run starts from (base request, axis
// texts, subject, device), the grid a plan makes, what each cell holds (status, image, the
// request that reproduces it, favourite, the PNG it is saved in), the current cell, the
// selection, the A/B pair, and the board's JSON form in a project. Neither Qt nor torch:
// the CompareBoard widget draws a BoardModel and feeds it the engine's answers, and tests
// drive one without a display.
//
// The grid: columns are the first axis of SweepPlan::axes(), rows every combination of the
// others (the layout of the exported grid.png, sweep_grid_row). A cell the first axis does
// not apply to (CFG along ω, SweepPlan::cells) is one cell across its row's columns.
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"
#include "ui/board/board_plan.h"

namespace steer::ui {

// Which finished cells an export takes.
enum class CellChoice { All, Favourites, Selection };

// One cell of the board as plain values.
struct BoardCell {
  enum class Status { Empty, Queued, Running, Done, Cancelled, Failed };
  size_t index = 0;              // SweepPlan::Cell::index
  std::vector<size_t> position;  // one label index per axis of the plan (kAxisNotApplicable
                                 // on the first when the cell spans the columns)
  GenerationRequest request;     // what reproduces the image
  Status status = Status::Empty;
  ImageRGBA8 image;    // empty until finished (or loaded from `file`)
  double seconds = 0;  // generation time
  bool favourite = false;
  std::filesystem::path file;  // the saved PNG in the output folder; "" when not saved
  // The run in progress (reset when the cell is queued again).
  int step = 0, steps = 0;
  int step_events = 0;  // step events received
  int previews = 0;     // of them, those that carried a preview image
  bool hasImage() const { return !image.empty(); }
};

// Where a cell sits in the grid; -1, -1 for no cell. `columns`: how many columns it covers
// from `column` on (all of them for a cell the column axis does not apply to).
struct GridPlace {
  int column = -1, row = -1;
  int columns = 1;
  bool operator==(const GridPlace&) const = default;
};

class BoardModel {
 public:
  // At most this many cells on one board (a 20 × 20 grid).
  static constexpr int kMaxCells = 400;

  // ---- What the next run starts from ----------------------------------------------------
  void setBaseRequest(const GenerationRequest& request) { base_ = request; }
  const GenerationRequest& baseRequest() const { return base_; }
  void setAxisTexts(const BoardAxisTexts& texts) { axis_texts_ = texts; }
  const BoardAxisTexts& axisTexts() const { return axis_texts_; }
  // The subject the engine has attached, and the device noise is drawn on for requests that
  // ask for device noise: recorded with each run (the export's sidecars name them).
  void setSubject(const SubjectSpec& subject) { subject_ = subject; }
  const SubjectSpec& subject() const { return subject_; }
  void setDevice(const std::string& device) { device_ = device.empty() ? "cpu" : device; }
  // The plan the axis texts describe around the base request, validated. InputError names
  // the field, the cell's setting, or the cell count beyond kMaxCells.
  SweepPlan planToRun() const;

  // ---- The grid ---------------------------------------------------------------------------
  // Replaces the grid with `plan`'s cells, all Empty: the first cell current and selected,
  // no A/B pair.
  void setPlan(const SweepPlan& plan);
  // No grid at all (a board that has never run).
  void clearPlan();
  // A run of `plan` starts: its cells replace the grid, all Queued, and the board records
  // what they are generated with (the engine's model folder, the subject and device set
  // now) and the tag its saved images are named with.
  void startRun(const SweepPlan& plan, const std::filesystem::path& model_folder, const std::string& run_tag);

  bool hasPlan() const { return has_plan_; }
  const SweepPlan& plan() const { return plan_; }
  const std::vector<SweepAxis>& axes() const { return axes_; }
  int cellCount() const { return static_cast<int>(cells_.size()); }
  bool isCell(int cell) const { return cell >= 0 && cell < cellCount(); }
  const BoardCell& cell(int index) const { return cells_.at(static_cast<size_t>(index)); }
  int columnCount() const { return columns_; }
  int rowCount() const { return rows_; }
  int cellAt(int column, int row) const;  // -1 outside the grid
  GridPlace place(int cell) const;

  // ---- What the engine reports about a cell -------------------------------------------------
  // Queued again to be re-run: its progress starts over; its image stays until the new one
  // arrives.
  void queueCell(int cell);
  // A sampling step of the cell's job: Running, at `step` of `steps`.
  void recordStep(int cell, int step, int steps, bool with_preview);
  // The cell's finished image: Done.
  void recordImage(int cell, const ImageRGBA8& image, double seconds);
  // The job that was to fill a queued or running cell ended without its image (cancelled,
  // failed, or finished early): the cell is Done again when it holds an earlier image, else
  // `unfinished` (Cancelled or Failed). False when the cell was not waiting for a job.
  bool settleCell(int cell, BoardCell::Status unfinished);
  // Cells with an image that are not waiting for a new one.
  int finishedCount() const;

  // ---- Selection, favourites, A/B -----------------------------------------------------------
  int currentCell() const { return current_; }
  const std::vector<int>& selectedCells() const { return selection_; }  // in the order selected
  // Makes `cell` the current one. `extend` adds it to the selection, or removes it unless it
  // is the only one, instead of replacing the selection; two selected cells become A and B
  // (A shown). False, changing nothing, for a cell outside the grid.
  bool selectCell(int cell, bool extend = false);
  // The cell `dx` steps on from the current one in reading order (past a row's end: the
  // next row) and `dy` rows down, kept inside the grid; the first cell when none is current;
  // -1 for an empty grid.
  int cellMovedBy(int dx, int dy) const;
  // False when the cell is outside the grid or already so.
  bool setFavourite(int cell, bool favourite);
  std::vector<int> favouriteCells() const;
  // Finished cells (with an image) that the choice takes, in cell order.
  std::vector<int> cellsFor(CellChoice choice) const;
  // A or B: the cell takes the place (trading places when it was the other one), and the
  // A/B view shows it. False for a cell outside the grid.
  bool setComparisonA(int cell);
  bool setComparisonB(int cell);
  // Shows B instead of A or back; false without both.
  bool flipComparison();
  int comparisonA() const { return a_; }
  int comparisonB() const { return b_; }
  bool showingB() const { return showing_b_; }
  int shownComparisonCell() const { return showing_b_ ? b_ : a_; }

  // ---- Images on disk -------------------------------------------------------------------------
  // Where finished images are saved as PNGs (empty: they stay in memory). The folder is
  // created; steer::Error with the system's reason when it cannot be (the folder is set
  // all the same, as the next save will say again).
  void setOutputFolder(const std::filesystem::path& folder);
  const std::filesystem::path& outputFolder() const { return output_folder_; }
  // Whether the cell holds an image that is in no file yet, or whose file is gone.
  bool needsSaving(int cell) const;
  // Writes the cell's image into the output folder: a re-run replaces its own file; any
  // other image gets the run's name ("<run tag>-cell-007.png"), so an older project that
  // points at earlier images never sees them change. Throws naming the file on failure;
  // nothing happens without an output folder or an image.
  void saveCellImage(int cell);
  // A cell without its image whose file is gone: looks for the file by name in the output
  // folder (a project folder that moved). True when found and read.
  bool findMovedImage(int cell);
  // The tag this board's saved images are named with ("run-20250101-120000-000").
  const std::string& runTag() const { return run_tag_; }
  void setRunTag(const std::string& tag) { run_tag_ = tag; }

  // What the cells were generated with (recorded by startRun; restored by fromJson).
  const std::filesystem::path& sourceModelFolder() const { return source_model_folder_; }
  const SubjectSpec& sourceSubject() const { return source_subject_; }
  const std::string& sourceDevice() const { return source_device_; }

  // ---- The board in a project -----------------------------------------------------------------
  // {"format": "steer-compare-board", "version": 1, "base": request, "axes": fields,
  //  "plan": null | plan, "model_folder", "subject", "device", "output_folder", "run_tag",
  //  "cells": [{"index", "image", "image_name", "favourite", "seconds"}],
  //  "current", "selection", "a", "b", "showing_b"}
  // The request and the subject in their core JSON form (core/generation/request_json.h).
  json::Value toJson() const;
  // Restores a board saved by toJson: the grid of its plan, each cell's image read back
  // from its PNG (a cell whose file is missing stays empty), favourites, selection and A/B.
  // An output folder already set wins over the saved one. Everything is read before
  // anything changes: on steer::InputError (naming the member) the model is as it was.
  void fromJson(const json::Value& state);

 private:
  // Reads the cell's image from the output folder by `file_name`, else from `file`
  // (relative to the output folder unless absolute): Done when one is read; else the cell
  // keeps `file` (to be found later) and its status.
  bool loadCellImage(int cell, const std::filesystem::path& file, const std::string& file_name);

  GenerationRequest base_;
  BoardAxisTexts axis_texts_;
  SubjectSpec subject_;
  std::string device_ = "cpu";
  std::filesystem::path output_folder_;

  bool has_plan_ = false;
  SweepPlan plan_;
  std::vector<SweepAxis> axes_;
  std::vector<BoardCell> cells_;
  int columns_ = 0, rows_ = 0;
  std::vector<int> grid_;  // row * columns_ + column -> cell
  std::filesystem::path source_model_folder_;
  SubjectSpec source_subject_;
  std::string source_device_ = "cpu";
  std::string run_tag_;

  int current_ = -1;
  std::vector<int> selection_;
  int a_ = -1, b_ = -1;
  bool showing_b_ = false;
};

}  // namespace steer::ui
