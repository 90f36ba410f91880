#include "ui/board/board_model.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <system_error>

#include "core/common/error.h"
#include "core/export/sweep_exporter.h"
#include "core/generation/request_json.h"
#include "core/imageio/image_file.h"

namespace steer::ui {
namespace fs = std::filesystem;

namespace {

constexpr const char* kBoardFormat = "steer-compare-board";
// Version 2: a cell the first axis does not apply to is one cell (SweepPlan::cells); a
// version 1 board numbered every place of the full grid, CFG once per ω.
constexpr int kBoardVersion = 2;

std::vector<SweepAxis> sweep_axes(const SweepPlan& plan) {
  std::vector<SweepAxis> out;
  for (const auto& a : plan.axes()) out.push_back(SweepAxis{a.name, a.labels});
  return out;
}

int json_int(const json::Value& v, const char* key, int fallback) {
  const json::Value* x = v.find(key);
  if (!x || x->is_null()) return fallback;
  return static_cast<int>(x->as_int());
}

bool is_waiting(const BoardCell& c) { return c.status == BoardCell::Status::Queued || c.status == BoardCell::Status::Running; }

}  // namespace

SweepPlan BoardModel::planToRun() const {
  SweepPlan plan = plan_from_axis_texts(base_, axis_texts_);
  plan.validate();
  const size_t n = plan.cells().size();
  if (n > static_cast<size_t>(kMaxCells))
    throw InputError("the grid would have " + std::to_string(n) + " cells; a board holds at most " + std::to_string(kMaxCells) +
                     ". Remove some values.");
  return plan;
}

// ---- The grid -------------------------------------------------------------------------------

void BoardModel::setPlan(const SweepPlan& plan) {
  plan_ = plan;
  has_plan_ = true;
  axes_ = sweep_axes(plan_);
  cells_.clear();
  for (const auto& cell : plan_.cells()) {
    BoardCell c;
    c.index = cell.index;
    c.position = cell.position;
    c.request = cell.request;
    cells_.push_back(std::move(c));
  }
  columns_ = axes_.empty() ? 0 : static_cast<int>(axes_[0].labels.size());
  rows_ = columns_ == 0 ? 0 : 1;
  for (size_t a = 1; a < axes_.size(); ++a) rows_ *= static_cast<int>(axes_[a].labels.size());
  grid_.assign(static_cast<size_t>(columns_ * rows_), -1);
  for (int i = 0; i < cellCount(); ++i) {
    const GridPlace p = place(i);
    for (int c = p.column; c < p.column + p.columns; ++c) grid_[static_cast<size_t>(p.row * columns_ + c)] = i;
  }
  current_ = cellCount() > 0 ? 0 : -1;
  selection_.clear();
  if (current_ >= 0) selection_.push_back(current_);
  a_ = b_ = -1;
  showing_b_ = false;
}

void BoardModel::clearPlan() {
  has_plan_ = false;
  plan_ = SweepPlan{};
  axes_.clear();
  cells_.clear();
  columns_ = rows_ = 0;
  grid_.clear();
  current_ = -1;
  selection_.clear();
  a_ = b_ = -1;
  showing_b_ = false;
}

void BoardModel::startRun(const SweepPlan& plan, const fs::path& model_folder, const std::string& run_tag) {
  source_model_folder_ = model_folder;
  source_subject_ = subject_;
  source_device_ = device_;
  run_tag_ = run_tag;
  setPlan(plan);
  for (BoardCell& c : cells_) c.status = BoardCell::Status::Queued;
}

GridPlace BoardModel::place(int i) const {
  if (!isCell(i) || axes_.empty()) return {};
  const auto& position = cells_[static_cast<size_t>(i)].position;
  const int row = static_cast<int>(sweep_grid_row(axes_, position));
  if (position[0] == kAxisNotApplicable) return {0, row, columns_};
  return {static_cast<int>(position[0]), row, 1};
}

int BoardModel::cellAt(int column, int row) const {
  if (column < 0 || row < 0 || column >= columns_ || row >= rows_) return -1;
  return grid_[static_cast<size_t>(row * columns_ + column)];
}

// ---- Status ---------------------------------------------------------------------------------

void BoardModel::queueCell(int i) {
  if (!isCell(i)) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  c.status = BoardCell::Status::Queued;
  c.step = c.steps = c.step_events = c.previews = 0;
}

void BoardModel::recordStep(int i, int step, int steps, bool with_preview) {
  if (!isCell(i)) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  c.status = BoardCell::Status::Running;
  c.step = step;
  c.steps = steps;
  ++c.step_events;
  if (with_preview) ++c.previews;
}

void BoardModel::recordImage(int i, const ImageRGBA8& image, double seconds) {
  if (!isCell(i)) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  c.image = image;
  c.seconds = seconds;
  c.status = BoardCell::Status::Done;
}

bool BoardModel::settleCell(int i, BoardCell::Status unfinished) {
  if (!isCell(i)) return false;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  if (!is_waiting(c)) return false;
  c.status = c.hasImage() ? BoardCell::Status::Done : unfinished;
  return true;
}

int BoardModel::finishedCount() const {
  return static_cast<int>(
      std::count_if(cells_.begin(), cells_.end(), [](const BoardCell& c) { return c.hasImage() && !is_waiting(c); }));
}

// ---- Selection, favourites, A/B -------------------------------------------------------------

bool BoardModel::selectCell(int index, bool extend) {
  if (!isCell(index)) return false;
  if (!extend) {
    selection_ = {index};
  } else {
    const auto it = std::find(selection_.begin(), selection_.end(), index);
    if (it != selection_.end() && selection_.size() > 1)
      selection_.erase(it);
    else if (it == selection_.end())
      selection_.push_back(index);
    if (selection_.size() == 2) {
      a_ = selection_[0];
      b_ = selection_[1];
      showing_b_ = false;
    }
  }
  current_ = index;
  return true;
}

int BoardModel::cellMovedBy(int dx, int dy) const {
  if (cellCount() == 0) return -1;
  if (current_ < 0) return cellAt(0, 0);
  const GridPlace p = place(current_);
  int column = p.column, row = p.row;
  if (dx != 0) {
    // Reading order: past the end of a row continues on the next one. A cell spanning
    // columns counts once: each step moves on to the next different cell.
    int flat = row * columns_ + column;
    const int last = columns_ * rows_ - 1;
    const int step = dx > 0 ? 1 : -1;
    for (int moved = 0; moved != dx;) {
      int next = flat;
      while (next + step >= 0 && next + step <= last &&
             grid_[static_cast<size_t>(next + step)] == grid_[static_cast<size_t>(flat)])
        next += step;
      if (next + step < 0 || next + step > last) break;
      flat = next + step;
      moved += step;
    }
    column = flat % columns_;
    row = flat / columns_;
  }
  row = std::clamp(row + dy, 0, rows_ - 1);
  return cellAt(column, row);
}

bool BoardModel::setFavourite(int index, bool favourite) {
  if (!isCell(index)) return false;
  BoardCell& c = cells_[static_cast<size_t>(index)];
  if (c.favourite == favourite) return false;
  c.favourite = favourite;
  return true;
}

std::vector<int> BoardModel::favouriteCells() const {
  std::vector<int> out;
  for (int i = 0; i < cellCount(); ++i)
    if (cells_[static_cast<size_t>(i)].favourite) out.push_back(i);
  return out;
}

std::vector<int> BoardModel::cellsFor(CellChoice choice) const {
  std::vector<int> out;
  for (int i = 0; i < cellCount(); ++i) {
    const BoardCell& c = cells_[static_cast<size_t>(i)];
    if (!c.hasImage()) continue;
    if (choice == CellChoice::Favourites && !c.favourite) continue;
    if (choice == CellChoice::Selection && std::find(selection_.begin(), selection_.end(), i) == selection_.end()) continue;
    out.push_back(i);
  }
  return out;
}

bool BoardModel::setComparisonA(int index) {
  if (!isCell(index)) return false;
  if (b_ == index) b_ = a_;
  a_ = index;
  showing_b_ = false;
  return true;
}

bool BoardModel::setComparisonB(int index) {
  if (!isCell(index)) return false;
  if (a_ == index) a_ = b_;
  b_ = index;
  showing_b_ = true;
  return true;
}

bool BoardModel::flipComparison() {
  if (a_ < 0 || b_ < 0) return false;
  showing_b_ = !showing_b_;
  return true;
}

// ---- Images on disk -------------------------------------------------------------------------

void BoardModel::setOutputFolder(const fs::path& folder) {
  output_folder_ = folder;
  if (folder.empty()) return;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(ec.message());
}

bool BoardModel::needsSaving(int i) const {
  if (!isCell(i)) return false;
  const BoardCell& c = cells_[static_cast<size_t>(i)];
  std::error_code ec;
  return c.hasImage() && (c.file.empty() || !fs::exists(c.file, ec));
}

void BoardModel::saveCellImage(int i) {
  if (!isCell(i)) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  if (output_folder_.empty() || !c.hasImage()) return;
  fs::path file = c.file;
  if (file.empty() || file.parent_path() != output_folder_) {
    char name[48];
    std::snprintf(name, sizeof name, "-cell-%03zu.png", c.index);
    file = output_folder_ / (run_tag_.empty() ? std::string("board") + name : run_tag_ + name);
  }
  std::error_code ec;
  fs::create_directories(output_folder_, ec);
  write_image(file, c.image);
  c.file = file;
}

bool BoardModel::findMovedImage(int i) {
  if (!isCell(i)) return false;
  const BoardCell& c = cells_[static_cast<size_t>(i)];
  return !c.hasImage() && !c.file.empty() && loadCellImage(i, {}, c.file.filename().string());
}

bool BoardModel::loadCellImage(int i, const fs::path& file, const std::string& file_name) {
  BoardCell& c = cells_[static_cast<size_t>(i)];
  std::vector<fs::path> candidates;
  if (!output_folder_.empty() && !file_name.empty()) candidates.push_back(output_folder_ / file_name);
  if (!file.empty()) candidates.push_back(file.is_absolute() || output_folder_.empty() ? file : output_folder_ / file);
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    try {
      c.image = read_image(candidate);
      c.file = candidate;
      c.status = BoardCell::Status::Done;
      return true;
    } catch (const std::exception&) {
      // A damaged file: try the next place, else the cell stays empty.
    }
  }
  if (!file.empty()) c.file = file;
  return false;
}

// ---- JSON -----------------------------------------------------------------------------------

json::Value BoardModel::toJson() const {
  json::Value v = json::Object{};
  v.set("format", kBoardFormat);
  v.set("version", kBoardVersion);
  v.set("base", request_to_json(base_));
  v.set("axes", axis_texts_to_json(axis_texts_));
  v.set("plan", has_plan_ ? plan_to_json(plan_) : json::Value());
  v.set("model_folder", source_model_folder_.string());
  v.set("subject", subject_to_json(source_subject_));
  v.set("device", source_device_);
  v.set("output_folder", output_folder_.string());
  v.set("run_tag", run_tag_);
  json::Array cells;
  for (const BoardCell& c : cells_) {
    json::Value cell = json::Object{};
    cell.set("index", static_cast<int64_t>(c.index));
    cell.set("image", c.file.empty() ? json::Value() : json::Value(c.file.string()));
    cell.set("image_name", c.file.empty() ? json::Value() : json::Value(c.file.filename().string()));
    cell.set("favourite", c.favourite);
    cell.set("seconds", c.seconds);
    cells.push_back(std::move(cell));
  }
  v.set("cells", std::move(cells));
  v.set("current", current_);
  v.set("selection", json::Array(selection_.begin(), selection_.end()));
  v.set("a", a_);
  v.set("b", b_);
  v.set("showing_b", showing_b_);
  return v;
}

void BoardModel::fromJson(const json::Value& state) {
  // Everything is read before anything changes, so a bad file leaves the board as it was.
  if (!state.is_object()) throw InputError("a compare board must be a JSON object, found " + state.dump());
  if (json::string_or(state, "format", kBoardFormat) != kBoardFormat)
    throw InputError("\"format\" is \"" + json::string_or(state, "format", "") + "\", not a compare board");
  if (json::int_or(state, "version", kBoardVersion) > kBoardVersion)
    throw InputError("the board was saved by a newer Steer Studio (version " + std::to_string(json::int_or(state, "version", 0)) +
                     "); this one reads version " + std::to_string(kBoardVersion));
  GenerationRequest base;
  BoardAxisTexts texts;
  std::optional<SweepPlan> plan;
  SubjectSpec subject;
  struct SavedCell {
    std::string image, image_name;
    bool favourite = false;
    double seconds = 0;
  };
  std::map<size_t, SavedCell> saved;
  std::vector<int> selection;
  int current = -1, a = -1, b = -1;
  bool showing_b = false;
  std::string model_folder, device, run_tag, output_folder;
  std::string key;
  try {
    key = "base";
    if (const json::Value* x = state.find("base")) base = request_from_json(*x);
    key = "axes";
    if (const json::Value* x = state.find("axes")) texts = axis_texts_from_json(*x);
    key = "plan";
    if (const json::Value* x = state.find("plan"); x && !x->is_null()) {
      plan = plan_from_json(*x);
      plan->validate();
    }
    key = "subject";
    if (const json::Value* x = state.find("subject"); x && !x->is_null()) subject = subject_from_json(*x);
    key = "cells";
    if (const json::Value* x = state.find("cells"); x && !x->is_null()) {
      for (const json::Value& c : x->as_array()) {
        SavedCell cell;
        const size_t index = static_cast<size_t>(c.at("index").as_uint());
        if (const json::Value* f = c.find("image"); f && !f->is_null()) cell.image = f->as_string();
        if (const json::Value* f = c.find("image_name"); f && !f->is_null()) cell.image_name = f->as_string();
        if (const json::Value* f = c.find("favourite")) cell.favourite = f->as_bool();
        if (const json::Value* f = c.find("seconds")) cell.seconds = f->as_number();
        saved[index] = cell;
      }
    }
    key = "selection";
    if (const json::Value* x = state.find("selection"))
      for (const json::Value& s : x->as_array()) selection.push_back(static_cast<int>(s.as_int()));
    key = "current";
    current = json_int(state, "current", -1);
    key = "a";
    a = json_int(state, "a", -1);
    key = "b";
    b = json_int(state, "b", -1);
    key = "showing_b";
    if (const json::Value* x = state.find("showing_b")) showing_b = x->as_bool();
    key = "model_folder";
    model_folder = json::string_or(state, "model_folder", "");
    key = "device";
    device = json::string_or(state, "device", "cpu");
    key = "run_tag";
    run_tag = json::string_or(state, "run_tag", "");
    key = "output_folder";
    output_folder = json::string_or(state, "output_folder", "");
  } catch (const json::TypeError& e) {
    throw InputError("compare board \"" + key + "\": " + e.what());
  } catch (const InputError& e) {
    throw InputError("compare board \"" + key + "\": " + e.what());
  }

  base_ = base;
  axis_texts_ = texts;
  source_model_folder_ = model_folder;
  source_subject_ = subject;
  source_device_ = device;
  run_tag_ = run_tag;
  if (output_folder_.empty()) output_folder_ = output_folder;
  if (plan)
    setPlan(*plan);
  else
    clearPlan();
  // A version 1 board's cell numbers count the full grid in row-major order: each is turned
  // into its grid place, and so into the cell there now.
  const bool full_grid_numbers = json::int_or(state, "version", kBoardVersion) < 2;
  auto cell_numbered = [&](int64_t number) -> int {
    if (!full_grid_numbers || number < 0 || axes_.empty())
      return isCell(static_cast<int>(number)) ? static_cast<int>(number) : -1;
    std::vector<size_t> position(axes_.size());
    size_t rest = static_cast<size_t>(number);
    for (size_t a = axes_.size(); a-- > 0;) {
      position[a] = rest % axes_[a].labels.size();
      rest /= axes_[a].labels.size();
    }
    if (rest != 0) return -1;
    return cellAt(static_cast<int>(position[0]), static_cast<int>(sweep_grid_row(axes_, position)));
  };
  for (const auto& [number, saved_cell] : saved) {
    const int i = cell_numbered(static_cast<int64_t>(number));
    if (i < 0) continue;
    BoardCell& c = cells_[static_cast<size_t>(i)];
    if (c.hasImage() || !c.file.empty()) continue;  // a version 1 CFG cell repeated along ω: the first
    c.favourite = saved_cell.favourite;
    c.seconds = saved_cell.seconds;
    if (!saved_cell.image.empty() || !saved_cell.image_name.empty()) loadCellImage(i, saved_cell.image, saved_cell.image_name);
  }
  selection_.clear();
  for (int number : selection) {
    const int s = cell_numbered(number);
    if (s >= 0 && std::find(selection_.begin(), selection_.end(), s) == selection_.end()) selection_.push_back(s);
  }
  current_ = cell_numbered(current);
  if (current_ < 0) current_ = cellCount() > 0 ? 0 : -1;
  a_ = cell_numbered(a);
  b_ = cell_numbered(b);
  if (b_ == a_) b_ = -1;  // two version 1 CFG cells that are one cell now
  showing_b_ = showing_b && b_ >= 0;
}

}  // namespace steer::ui
