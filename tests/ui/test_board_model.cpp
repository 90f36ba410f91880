// The compare board's model (ui/board/board_model.h) on its own: no widget, no display, no
// engine, no Qt application object. The engine's answers are played in by hand.
// - a plan fills the grid: cells in plan order, columns = the first axis, rows = the rest;
//   refused axis texts name the field; more than kMaxCells is refused;
// - status transitions: queued, running (steps, previews), done, settled on cancel / failure,
//   queued again for a re-run;
// - selection (Ctrl+click semantics: two selected cells become A and B), moving the current
//   cell in reading order, favourites, the A/B pair;
// - the JSON form round-trips (a PG request with an APG modifier and a linear ω schedule, a
//   seed beyond 2^53, a LoRA subject), images come back from their PNGs, also from a moved
//   folder; malformed JSON is refused naming the member, leaving the model as it was;
// - the board's words (ui/board/board_text.h): column and row labels, a cell's settings.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/common/image_buffer.h"
#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/guidance/guidance_modifier.h"
#include "core/guidance/omega_schedule.h"
#include "tests/support/test_harness.h"
#include "ui/board/board_model.h"
#include "ui/board/board_text.h"

namespace fs = std::filesystem;
using steer::ui::BoardAxisTexts;
using steer::ui::BoardCell;
using steer::ui::BoardModel;
using steer::ui::CellChoice;
using steer::ui::GridPlace;
using Status = steer::ui::BoardCell::Status;

namespace {

steer::GenerationRequest base_request() {
  steer::GenerationRequest r;
  r.prompt = "a photo of sks mug";
  r.width = r.height = 64;
  r.steps = 4;
  r.seed = 7;
  r.guidance.method = steer::GuidanceMethod::Personalization;
  r.guidance.scale = 7.5;
  r.guidance.omega = steer::OmegaSchedule::constant(0.5);
  return r;
}

steer::SubjectSpec lora_subject() {
  steer::SubjectSpec s;
  s.kind = steer::SubjectSpec::Kind::Lora;
  s.path = "/subjects/mug.safetensors";
  s.multiplier = 0.8;
  return s;
}

// methods cfg, pg × seeds 1, 2, 3: two columns (the method), three rows (the seed).
BoardModel planned_board() {
  BoardModel model;
  model.setBaseRequest(base_request());
  model.setSubject(lora_subject());
  model.setDevice("cuda");
  BoardAxisTexts axes;
  axes.methods = "cfg, pg";
  axes.seeds = "1, 2, 3";
  model.setAxisTexts(axes);
  model.startRun(model.planToRun(), "/models/sd1-tiny", "run-test");
  return model;
}

// A small opaque image told apart by `value` (opaque: PNG readers may premultiply alpha).
steer::ImageRGBA8 image_of(uint8_t value) {
  steer::ImageRGBA8 image(4, 4);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = i % 4 == 3 ? uint8_t{255} : static_cast<uint8_t>(value + i / 4);
  return image;
}

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("steer_test_board_model_" + name);
  fs::remove_all(folder);
  return folder;
}

}  // namespace

TEST_CASE("A plan fills the grid: cells in plan order, methods as columns, seeds as rows") {
  BoardModel model = planned_board();
  REQUIRE(model.hasPlan());
  REQUIRE(model.cellCount() == 6);
  CHECK_EQ(model.columnCount(), 2);
  CHECK_EQ(model.rowCount(), 3);
  REQUIRE(model.axes().size() == 2);
  CHECK_EQ(model.axes()[0].name, std::string("method"));
  CHECK_EQ(model.axes()[1].name, std::string("seed"));
  std::vector<int> seen(6, 0);
  for (int i = 0; i < model.cellCount(); ++i) {
    const BoardCell& c = model.cell(i);
    CHECK_EQ(c.index, static_cast<size_t>(i));
    CHECK(c.status == Status::Queued);
    CHECK(!c.hasImage());
    const GridPlace p = model.place(i);
    CHECK_EQ(model.cellAt(p.column, p.row), i);
    const auto method = p.column == 0 ? steer::GuidanceMethod::Cfg : steer::GuidanceMethod::Personalization;
    CHECK(c.request.guidance.method == method);
    CHECK_EQ(c.request.seed, int64_t(p.row + 1));
    CHECK_EQ(c.request.prompt, base_request().prompt);
    ++seen[static_cast<size_t>(i)];
  }
  for (int n : seen) CHECK_EQ(n, 1);
  CHECK_EQ(model.cellAt(2, 0), -1);
  CHECK_EQ(model.cellAt(0, 3), -1);
  CHECK(model.place(6) == GridPlace{});
  // What the cells are generated with, recorded at the run.
  CHECK(model.sourceModelFolder() == fs::path("/models/sd1-tiny"));
  CHECK(model.sourceSubject().path == lora_subject().path);
  CHECK_EQ(model.sourceDevice(), std::string("cuda"));
  CHECK_EQ(model.runTag(), std::string("run-test"));
  // The first cell is current and selected; no A/B yet.
  CHECK_EQ(model.currentCell(), 0);
  CHECK((model.selectedCells() == std::vector<int>{0}));
  CHECK_EQ(model.comparisonA(), -1);
  CHECK_EQ(model.comparisonB(), -1);

  // setPlan alone: the same grid, nothing queued.
  BoardModel idle;
  idle.setPlan(model.plan());
  CHECK_EQ(idle.cellCount(), 6);
  for (int i = 0; i < idle.cellCount(); ++i) CHECK(idle.cell(i).status == Status::Empty);
  idle.clearPlan();
  CHECK(!idle.hasPlan());
  CHECK_EQ(idle.cellCount(), 0);
  CHECK_EQ(idle.currentCell(), -1);
  CHECK_EQ(idle.cellMovedBy(1, 0), -1);
}

TEST_CASE("Axis texts that do not make a plan are refused, naming the field") {
  BoardModel model;
  model.setBaseRequest(base_request());
  BoardAxisTexts axes;
  axes.lambdas = "3, abc";
  model.setAxisTexts(axes);
  CHECK_THROWS_WITH(model.planToRun(), "λ values", "abc");
  axes.lambdas = "5, 500";  // parses, out of range: the cell's setting is named
  model.setAxisTexts(axes);
  CHECK_THROWS_WITH(model.planToRun(), "lambda", "500");
  // 21 × 20 = 420 cells: more than a board holds.
  std::string seeds, lambdas;
  for (int i = 1; i <= 21; ++i) seeds += (i > 1 ? ", " : "") + std::to_string(i);
  for (int i = 1; i <= 20; ++i) lambdas += (i > 1 ? ", " : "") + std::to_string(i);
  axes.lambdas = lambdas;
  axes.seeds = seeds;
  model.setAxisTexts(axes);
  CHECK_THROWS_WITH(model.planToRun(), "420 cells", "at most 400");
  CHECK(!model.hasPlan());
}

TEST_CASE("Cell status: queued, running, done; settled on cancel and failure; queued again") {
  BoardModel model = planned_board();
  CHECK_EQ(model.finishedCount(), 0);
  model.recordStep(0, 1, 4, true);
  model.recordStep(0, 2, 4, false);
  CHECK(model.cell(0).status == Status::Running);
  CHECK_EQ(model.cell(0).step, 2);
  CHECK_EQ(model.cell(0).steps, 4);
  CHECK_EQ(model.cell(0).step_events, 2);
  CHECK_EQ(model.cell(0).previews, 1);
  model.recordImage(0, image_of(10), 1.5);
  CHECK(model.cell(0).status == Status::Done);
  CHECK(model.cell(0).hasImage());
  CHECK_EQ(model.cell(0).seconds, 1.5);
  CHECK_EQ(model.finishedCount(), 1);
  CHECK(!model.settleCell(0, Status::Cancelled));  // not waiting: nothing changes
  CHECK(model.cell(0).status == Status::Done);

  // Cancel: the waiting cells without an image become Cancelled.
  model.recordStep(1, 1, 4, true);
  for (int i = 1; i < model.cellCount(); ++i) CHECK(model.settleCell(i, Status::Cancelled));
  for (int i = 1; i < model.cellCount(); ++i) CHECK(model.cell(i).status == Status::Cancelled);
  CHECK_EQ(model.finishedCount(), 1);

  // A re-run of a finished cell: queued with its progress reset, its image kept until the
  // new one; a failed re-run leaves it Done with the old image.
  model.queueCell(0);
  CHECK(model.cell(0).status == Status::Queued);
  CHECK_EQ(model.cell(0).step_events, 0);
  CHECK_EQ(model.cell(0).previews, 0);
  CHECK(model.cell(0).hasImage());
  CHECK_EQ(model.finishedCount(), 0);  // waiting for its new image
  CHECK(model.settleCell(0, Status::Failed));
  CHECK(model.cell(0).status == Status::Done);
  // A failed cell that never had an image.
  model.queueCell(2);
  CHECK(model.settleCell(2, Status::Failed));
  CHECK(model.cell(2).status == Status::Failed);
  // Outside the grid: ignored.
  model.recordImage(99, image_of(1), 1);
  CHECK(!model.settleCell(-1, Status::Failed));
}

TEST_CASE("Selection, moving the current cell, favourites and the A/B pair") {
  BoardModel model = planned_board();
  const int c00 = model.cellAt(0, 0), c10 = model.cellAt(1, 0), c01 = model.cellAt(0, 1), c11 = model.cellAt(1, 1);
  const int c12 = model.cellAt(1, 2);
  CHECK(model.selectCell(c01));
  CHECK_EQ(model.currentCell(), c01);
  CHECK((model.selectedCells() == std::vector<int>{c01}));
  CHECK(!model.selectCell(6));
  CHECK(!model.selectCell(-1));
  CHECK_EQ(model.currentCell(), c01);
  // Ctrl+click: two selected cells become A and B, A shown.
  CHECK(model.selectCell(c11, true));
  CHECK((model.selectedCells() == std::vector<int>{c01, c11}));
  CHECK_EQ(model.comparisonA(), c01);
  CHECK_EQ(model.comparisonB(), c11);
  CHECK(!model.showingB());
  CHECK_EQ(model.shownComparisonCell(), c01);
  // Ctrl+click a selected cell removes it, but never the last one.
  CHECK(model.selectCell(c11, true));
  CHECK((model.selectedCells() == std::vector<int>{c01}));
  CHECK(model.selectCell(c01, true));
  CHECK((model.selectedCells() == std::vector<int>{c01}));

  // Moving: reading order across rows, rows clamped.
  model.selectCell(c00);
  CHECK_EQ(model.cellMovedBy(1, 0), c10);
  model.selectCell(c10);
  CHECK_EQ(model.cellMovedBy(1, 0), c01);  // past the row's end: the next row's first cell
  CHECK_EQ(model.cellMovedBy(0, 1), c11);
  CHECK_EQ(model.cellMovedBy(0, -1), c10);  // clamped at the top
  model.selectCell(c12);
  CHECK_EQ(model.cellMovedBy(1, 0), c12);  // clamped at the end
  CHECK_EQ(model.cellMovedBy(0, 5), c12);

  // Favourites: a toggle changes once; export choices take finished cells only.
  CHECK(model.setFavourite(c10, true));
  CHECK(!model.setFavourite(c10, true));
  CHECK(model.setFavourite(c11, true));
  CHECK(!model.setFavourite(42, true));
  CHECK((model.favouriteCells() == std::vector<int>{c10, c11}));
  CHECK(model.cellsFor(CellChoice::Favourites).empty());  // no images yet
  model.recordImage(c10, image_of(20), 1);
  model.recordImage(c00, image_of(30), 1);
  CHECK((model.cellsFor(CellChoice::Favourites) == std::vector<int>{c10}));
  CHECK((model.cellsFor(CellChoice::All) == std::vector<int>{c00, c10}));
  model.selectCell(c00);
  CHECK((model.cellsFor(CellChoice::Selection) == std::vector<int>{c00}));
  CHECK(model.setFavourite(c11, false));
  CHECK((model.favouriteCells() == std::vector<int>{c10}));

  // A/B: setting B shows B; Space flips; a cell set as the other side trades places.
  BoardModel ab = planned_board();
  CHECK(!ab.flipComparison());  // no pair yet
  CHECK(ab.setComparisonA(c00));
  CHECK(ab.setComparisonB(c11));
  CHECK(ab.showingB());
  CHECK_EQ(ab.shownComparisonCell(), c11);
  CHECK(ab.flipComparison());
  CHECK_EQ(ab.shownComparisonCell(), c00);
  CHECK(ab.setComparisonA(c11));
  CHECK_EQ(ab.comparisonA(), c11);
  CHECK_EQ(ab.comparisonB(), c00);
  CHECK(!ab.setComparisonB(99));
  CHECK_EQ(ab.comparisonB(), c00);
}

TEST_CASE("The JSON form round-trips, with a guidance modifier, an ω schedule and a LoRA subject") {
  BoardModel model;
  steer::GenerationRequest base = base_request();
  base.guidance.omega = steer::OmegaSchedule::parse("linear:0.2->0.8");
  base.guidance.modifiers = {steer::ModifierSettings::parse("apg:eta=0")};
  base.seed = (int64_t{1} << 53) + 3;  // beyond a double's exact integers: kept as text
  base.negative_prompt = "blurry";
  model.setBaseRequest(base);
  model.setSubject(lora_subject());
  BoardAxisTexts axes;
  axes.methods = "pg";
  axes.omegas = "0.5, cosine:0.2->1";
  axes.seeds = "1, 2";
  axes.prompts = {"a mug, on a table", "a mug"};
  model.setAxisTexts(axes);
  model.startRun(model.planToRun(), "/models/sd1-tiny", "run-json");
  REQUIRE(model.cellCount() == 8);
  for (int i = 0; i < model.cellCount(); ++i) {
    CHECK_EQ(model.cell(i).request.guidance.modifiers.size(), size_t(1));
    model.recordImage(i, image_of(static_cast<uint8_t>(i)), 0.25 * i);
  }
  model.setFavourite(3, true);
  model.selectCell(1);
  model.selectCell(5, true);
  model.flipComparison();

  const steer::json::Value saved = model.toJson();
  const std::string text = saved.dump(2);
  BoardModel restored;
  restored.fromJson(steer::json::parse(text));
  CHECK_MSG(restored.toJson().dump(2) == text, "restored:\n" << restored.toJson().dump(2) << "\nsaved:\n" << text);

  const steer::GenerationRequest& r = restored.baseRequest();
  CHECK_EQ(r.seed, base.seed);
  CHECK_EQ(r.negative_prompt, std::string("blurry"));
  CHECK(r.guidance.method == steer::GuidanceMethod::Personalization);
  CHECK(r.guidance.omega.kind == steer::OmegaSchedule::Kind::Linear);
  CHECK_EQ(r.guidance.omega.start, 0.2);
  CHECK_EQ(r.guidance.omega.end, 0.8);
  REQUIRE(r.guidance.modifiers.size() == 1);
  CHECK(r.guidance.modifiers[0] == base.guidance.modifiers[0]);
  CHECK(restored.axisTexts() == axes);
  REQUIRE(restored.cellCount() == 8);
  CHECK_EQ(restored.columnCount(), model.columnCount());
  for (int i = 0; i < restored.cellCount(); ++i) {
    const steer::GenerationRequest& a = restored.cell(i).request;
    const steer::GenerationRequest& b = model.cell(i).request;
    CHECK_EQ(a.prompt, b.prompt);
    CHECK_EQ(a.seed, b.seed);
    CHECK_EQ(a.guidance.omega.to_string(), b.guidance.omega.to_string());
    CHECK(a.guidance.modifiers == b.guidance.modifiers);
    CHECK_EQ(restored.cell(i).seconds, 0.25 * i);
    // No output folder: the images were never saved, so none come back.
    CHECK(!restored.cell(i).hasImage());
    CHECK(restored.cell(i).status == Status::Empty);
  }
  CHECK((restored.favouriteCells() == std::vector<int>{3}));
  CHECK((restored.selectedCells() == std::vector<int>{1, 5}));
  CHECK_EQ(restored.currentCell(), 5);
  CHECK_EQ(restored.comparisonA(), 1);
  CHECK_EQ(restored.comparisonB(), 5);
  CHECK(restored.showingB());
  CHECK(restored.sourceModelFolder() == fs::path("/models/sd1-tiny"));
  CHECK(restored.sourceSubject().kind == steer::SubjectSpec::Kind::Lora);
  CHECK(restored.sourceSubject().path == lora_subject().path);
  CHECK_EQ(restored.sourceSubject().multiplier, 0.8);
  CHECK_EQ(restored.runTag(), std::string("run-json"));

  // A board that never ran: no plan, no cells, and still its texts and base.
  BoardModel empty;
  empty.setBaseRequest(base);
  empty.setAxisTexts(axes);
  BoardModel empty_restored;
  empty_restored.fromJson(steer::json::parse(empty.toJson().dump()));
  CHECK(!empty_restored.hasPlan());
  CHECK(empty_restored.axisTexts() == axes);
  CHECK(empty_restored.baseRequest().guidance.modifiers == base.guidance.modifiers);
  CHECK(empty_restored.sourceSubject().kind == steer::SubjectSpec::Kind::None);
}

TEST_CASE("Cell images are saved as PNGs and read back, also from a project folder that moved") {
  const fs::path outputs = fresh_folder("outputs");
  BoardModel model = planned_board();
  model.setOutputFolder(outputs);
  CHECK(fs::is_directory(outputs));
  model.recordImage(0, image_of(40), 1);
  model.recordImage(3, image_of(80), 1);
  CHECK(model.needsSaving(0));
  CHECK(!model.needsSaving(1));  // no image
  model.saveCellImage(0);
  model.saveCellImage(3);
  CHECK(!model.needsSaving(0));
  CHECK(model.cell(0).file == outputs / "run-test-cell-000.png");
  CHECK(fs::is_regular_file(model.cell(3).file));

  const steer::json::Value saved = model.toJson();
  BoardModel reopened;
  reopened.fromJson(saved);
  CHECK(reopened.outputFolder() == outputs);
  CHECK(reopened.cell(0).status == Status::Done);
  CHECK(reopened.cell(0).image.pixels == model.cell(0).image.pixels);
  CHECK(reopened.cell(3).image.pixels == model.cell(3).image.pixels);
  CHECK(!reopened.cell(1).hasImage());
  CHECK(reopened.cellsFor(CellChoice::All) == (std::vector<int>{0, 3}));

  // The folder moved: an output folder set first wins, and the images are found by name.
  const fs::path moved = fresh_folder("moved");
  fs::create_directories(moved);
  fs::copy_file(model.cell(0).file, moved / model.cell(0).file.filename());
  fs::copy_file(model.cell(3).file, moved / model.cell(3).file.filename());
  fs::remove_all(outputs);
  BoardModel elsewhere;
  elsewhere.setOutputFolder(moved);
  elsewhere.fromJson(saved);
  CHECK(elsewhere.outputFolder() == moved);
  CHECK(elsewhere.cell(0).image.pixels == model.cell(0).image.pixels);
  CHECK(elsewhere.cell(3).file == moved / "run-test-cell-003.png");

  // Opened before the folder is known: the cells keep their files, and are found once it is.
  BoardModel late;
  late.fromJson(saved);
  CHECK(!late.cell(0).hasImage());
  CHECK(late.cell(0).status == Status::Empty);
  late.setOutputFolder(moved);
  CHECK(late.findMovedImage(0));
  CHECK(late.cell(0).status == Status::Done);
  CHECK(!late.findMovedImage(1));  // never had a file
  fs::remove_all(moved);
}

TEST_CASE("Malformed board JSON is refused naming the member; the model is unchanged") {
  BoardModel model = planned_board();
  model.recordImage(0, image_of(5), 1);
  const std::string before = model.toJson().dump();
  auto refused = [&](const char* json) {
    bool threw = false;
    std::string message;
    try {
      model.fromJson(steer::json::parse(json));
    } catch (const steer::InputError& e) {
      threw = true;
      message = e.what();
    }
    CHECK_MSG(threw, json << " was accepted");
    CHECK_EQ(model.toJson().dump(), before);
    CHECK(model.cell(0).hasImage());
    return message;
  };
  std::string m = refused(R"({"format": "steer-compare-board", "cells": 3})");
  CHECK_MSG(m.find("\"cells\"") != std::string::npos, m);
  m = refused(R"({"base": {"steps": "four"}})");
  CHECK_MSG(m.find("\"base\"") != std::string::npos && m.find("steps") != std::string::npos, m);
  m = refused(R"({"base": {"guidance": {"modifiers": ["nonsense:eta=1"]}}})");
  CHECK_MSG(m.find("\"base\"") != std::string::npos && m.find("modifiers") != std::string::npos, m);
  m = refused(R"({"selection": "all"})");
  CHECK_MSG(m.find("\"selection\"") != std::string::npos, m);
  m = refused(R"({"subject": {"kind": "hypernetwork", "path": "/x"}})");
  CHECK_MSG(m.find("\"subject\"") != std::string::npos && m.find("hypernetwork") != std::string::npos, m);
  m = refused(R"({"plan": {"omegas": ["1.5"]}})");
  CHECK_MSG(m.find("\"plan\"") != std::string::npos && m.find("1.5") != std::string::npos, m);
  m = refused(R"({"format": "something-else"})");
  CHECK_MSG(m.find("not a compare board") != std::string::npos, m);
  m = refused(R"({"version": 99})");
  CHECK_MSG(m.find("newer") != std::string::npos, m);
  m = refused("[1, 2]");
  CHECK_MSG(m.find("JSON object") != std::string::npos, m);
}

TEST_CASE("The board's words: labels as grid.png has them, and every setting of a cell") {
  BoardModel model;
  model.setBaseRequest(base_request());
  model.setSubject(lora_subject());
  BoardAxisTexts axes;
  axes.lambdas = "3, 5";
  axes.omegas = "0.5, linear:0.2->0.8";
  axes.seeds = "1, 2";
  model.setAxisTexts(axes);
  model.startRun(model.planToRun(), "/models/sd1-tiny", "run-words");
  // Columns: ω (the first axis); rows: λ × seed, with the Greek titles.
  const QStringList columns = steer::ui::column_labels(model);
  REQUIRE(columns.size() == 2);
  CHECK(columns[0] == QStringLiteral("ω: 0.5"));
  CHECK(columns[1] == QStringLiteral("ω: linear:0.2->0.8"));
  const QStringList rows = steer::ui::row_labels(model);
  CHECK_EQ(rows.size(), 4);
  CHECK_MSG(rows[0].contains(QStringLiteral("λ: 3")) && rows[0].contains(QStringLiteral("seed: 1")), rows[0].toStdString());
  const int cell = model.cellAt(1, 3);  // linear ω, λ 5, seed 2
  const QString text = steer::ui::cell_settings_text(model, cell);
  for (const char* line : {"Method: pg", "ω: linear:0.2->0.8", "λ (guidance scale): 5", "Seed: 2", "Model: /models/sd1-tiny",
                           "Subject: /subjects/mug.safetensors (strength 0.8)"})
    CHECK_MSG(text.contains(QString::fromUtf8(line)), line << " not in:\n" << text.toStdString());
  CHECK(steer::ui::cell_settings_text(model, 99).isEmpty());
  CHECK(steer::ui::describe_request(model.cell(cell).request).contains(QStringLiteral("seed 2")));
  CHECK(steer::ui::column_labels(BoardModel{}).isEmpty());
}

TEST_CASE("Axes that do not apply are not repeated: one CFG cell spans the ω columns") {
  BoardModel model;
  model.setBaseRequest(base_request());
  model.setSubject(lora_subject());
  BoardAxisTexts axes;
  axes.methods = "cfg, pg";
  axes.omegas = "0, 0.5, 0.75";
  axes.seeds = "1, 2";
  model.setAxisTexts(axes);
  model.startRun(model.planToRun(), "/models/sd1-tiny", "run-span");
  // ω (3 columns) × method × seed (4 rows): 2 CFG cells (one per seed) + 6 PG cells.
  REQUIRE(model.cellCount() == 8);
  CHECK_EQ(model.columnCount(), 3);
  CHECK_EQ(model.rowCount(), 4);
  const int cfg_seed_2 = model.cellAt(0, 1);
  REQUIRE(cfg_seed_2 >= 0);
  CHECK(model.cell(cfg_seed_2).request.guidance.method == steer::GuidanceMethod::Cfg);
  CHECK_EQ(model.cell(cfg_seed_2).request.seed, int64_t(2));
  CHECK((model.place(cfg_seed_2) == GridPlace{0, 1, 3}));
  for (int column = 0; column < 3; ++column) CHECK_EQ(model.cellAt(column, 1), cfg_seed_2);
  const int pg = model.cellAt(2, 3);  // the control: PG ω 0.75, seed 2, one column
  CHECK((model.place(pg) == GridPlace{2, 3, 1}));
  CHECK_EQ(model.cell(pg).request.guidance.omega.to_string(), std::string("0.75"));
  // Moving right from the spanning cell goes to the next cell, not to itself.
  model.selectCell(model.cellAt(0, 0));
  CHECK_EQ(model.cellMovedBy(1, 0), cfg_seed_2);
  model.selectCell(cfg_seed_2);
  CHECK_EQ(model.cellMovedBy(1, 0), model.cellAt(0, 2));
  CHECK_EQ(model.cellMovedBy(-1, 0), model.cellAt(0, 0));
  const QString text = steer::ui::cell_settings_text(model, cfg_seed_2);
  CHECK_MSG(text.contains(QStringLiteral("ω: – (does not apply to CFG)")), text.toStdString());

  // A board saved before this rule (version 1) numbered the full grid, CFG once per ω: its
  // cells, selection and A/B land on the cells at the same grid places.
  steer::json::Value old = model.toJson();
  old.set("version", 1);
  steer::json::Array cells;
  for (int number = 0; number < 12; ++number)
    cells.push_back(steer::json::Object{{"index", number}, {"favourite", number == 11}, {"seconds", 1.0 + number}});
  old.set("cells", std::move(cells));
  old.set("current", 11);  // ω 0.75, pg, seed 2
  old.set("selection", steer::json::Array{5, 11});
  old.set("a", 4);  // ω 0.5, cfg, seed 1: the CFG cell of seed 1
  old.set("b", 0);  // ω 0, cfg, seed 1: the same cell
  BoardModel reopened;
  reopened.fromJson(old);
  REQUIRE(reopened.cellCount() == 8);
  CHECK_EQ(reopened.currentCell(), pg);
  CHECK(reopened.cell(pg).favourite);
  CHECK_EQ(reopened.cell(pg).seconds, 12.0);
  CHECK((reopened.selectedCells() == std::vector<int>{cfg_seed_2, pg}));  // 5: ω 0.5, cfg, seed 2
  CHECK_EQ(reopened.comparisonA(), reopened.cellAt(0, 0));
  CHECK_EQ(reopened.comparisonB(), -1);
  // Today's form keeps its own numbers.
  BoardModel again;
  again.fromJson(reopened.toJson());
  CHECK_EQ(again.currentCell(), pg);
  CHECK(again.cell(pg).favourite);
}

STEER_TEST_MAIN()
