// The compare board and the export dialog, offscreen, on the tiny SD 1.x fixture with the
// diffusers-named LoRA as the subject, through the real engine bridge:
// - a 2x2 board (methods cfg, pg x seeds 1, 2; 64x64, 4 steps) fills cell by cell: every
//   cell gets its step previews, then its final image; axis labels on rows and columns;
// - favourites (star click, F), A/B flip (A, B, Space; Ctrl+click), arrows, enlarge;
// - toJson -> file -> a new board's fromJson: the same cells with the same pixels, read
//   back from the saved PNGs, and the favourite;
// - re-running one cell from its context menu gives the same pixels;
// - invalid axis values are refused before anything runs, naming the field;
// - cancelling mid-run leaves the remaining cells empty, and the board runs again;
// - the export dialog, driven through its widgets: a bad template token is named, and
//   favourites / all export folders hold decodable images, parsable sidecars, index.json,
//   index.csv and grid.png; the "all" export equals what `steer sweep` writes for the
//   same grid (same names, pixels, sidecar settings, index and grid).
// Saves (under tools/make_screenshots.sh) docs/screenshots/compare-board.png and docs/screenshots/export-dialog.png.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/formats/sha256.h"
#include "core/generation/generation_request.h"
#include "core/imageio/image_file.h"
#include "tests/support/test_harness.h"
#include "ui/board/board_cell_view.h"
#include "ui/board/board_images.h"
#include "ui/board/cell_detail_dialog.h"
#include "ui/board/compare_board.h"
#include "ui/engine/engine_thread.h"
#include "ui/export/export_dialog.h"
#include "ui/path_text.h"

#ifndef STEER_CLI_PATH
#error "STEER_CLI_PATH must name the built steer program"
#endif

namespace fs = std::filesystem;
using steer::ui::BoardCell;
using steer::ui::BoardCellView;
using steer::ui::CompareBoard;
using steer::ui::EngineBridge;
using steer::ui::ExportDialog;
using steer::ui::to_qstring;

namespace {

constexpr int kTimeoutMs = 180'000;
const char* const kPrompt = "a photo of sks mug";
EngineBridge* g_bridge = nullptr;  // one engine for every test, as in the app
QTemporaryDir* g_scratch = nullptr;

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}
fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }
fs::path lora_file() { return env_path("STEER_FIXTURES") / "lora" / "sd1_lora_diffusers.safetensors"; }
fs::path scratch() { return steer::ui::to_path(g_scratch->path()); }

steer::SubjectSpec lora_subject() {
  steer::SubjectSpec s;
  s.kind = steer::SubjectSpec::Kind::Lora;
  s.path = lora_file();
  return s;
}

template <class T>
T* child(QObject* root, const char* name) {
  T* widget = root->findChild<T*>(QString::fromLatin1(name));
  if (!widget) std::cerr << "no child " << name << "\n";
  REQUIRE(widget != nullptr);
  return widget;
}

// Loads the tiny model and attaches the LoRA through the bridge, as the app does (once).
EngineBridge& engine() {
  static bool ready = false;
  if (ready) return *g_bridge;
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  REQUIRE(fs::exists(lora_file()));
  EngineBridge& bridge = *g_bridge;
  QObject scope;
  bool loaded = false;
  QString error, note;
  QObject::connect(&bridge, &EngineBridge::modelLoaded, &scope, [&] { loaded = true; });
  QObject::connect(&bridge, &EngineBridge::modelLoadFailed, &scope, [&](const QString&, const QString& m) { error = m; });
  QObject::connect(&bridge, &EngineBridge::subjectChanged, &scope, [&](const QString& n) { note = n; });
  QObject::connect(&bridge, &EngineBridge::subjectFailed, &scope, [&](const QString& m) { error = m; });
  bridge.loadModel(to_qstring(tiny_model_folder()));
  REQUIRE(QTest::qWaitFor([&] { return loaded || !error.isEmpty(); }, kTimeoutMs));
  if (!error.isEmpty()) std::cerr << "load failed: " << str(error) << "\n";
  REQUIRE(loaded);
  bridge.setSubject(lora_subject());
  REQUIRE(QTest::qWaitFor([&] { return !note.isEmpty() || !error.isEmpty(); }, kTimeoutMs));
  if (!error.isEmpty()) std::cerr << "subject failed: " << str(error) << "\n";
  REQUIRE(!note.isEmpty());
  ready = true;
  return bridge;
}

steer::GenerationRequest base_request() {
  steer::GenerationRequest r;
  r.prompt = kPrompt;
  r.width = r.height = 64;
  r.steps = 4;
  r.seed = 7;
  r.guidance.method = steer::GuidanceMethod::Personalization;
  r.guidance.scale = 7.5;
  r.guidance.omega = steer::OmegaSchedule::constant(0.5);
  return r;
}

// A board set up as the main window sets one up: base request, subject, axes.
void prepare(CompareBoard& board, const std::string& seeds) {
  board.setBaseRequest(base_request());
  board.setSubject(lora_subject());
  steer::ui::BoardAxisTexts axes;
  axes.methods = "cfg, pg";
  axes.seeds = seeds;
  board.setAxisTexts(axes);
}

bool wait_idle(CompareBoard& board) {
  return QTest::qWaitFor([&] { return !board.isRunning(); }, kTimeoutMs);
}

bool same_pixels(const steer::ImageRGBA8& a, const steer::ImageRGBA8& b) {
  return a.width == b.width && a.height == b.height && a.pixels == b.pixels;
}

int max_difference(const steer::ImageRGBA8& a, const steer::ImageRGBA8& b) {
  if (a.width != b.width || a.height != b.height) return 256;
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void save_screenshot(QWidget& widget, const char* name) {
  // docs/screenshots is written only by tools/make_screenshots.sh (STEER_SCREENSHOT_DIR); a test
  // run leaves the source tree as it found it.
  const char* screenshot_dir = std::getenv("STEER_SCREENSHOT_DIR");
  const fs::path shot_path =
      (screenshot_dir && *screenshot_dir ? fs::path(screenshot_dir) : fs::temp_directory_path() / "steer-screenshots") / name;
  fs::create_directories(shot_path.parent_path());
  const QPixmap shot = widget.grab();
  REQUIRE(!shot.isNull());
  REQUIRE(shot.save(to_qstring(shot_path), "PNG"));
  CHECK(!QImage(to_qstring(shot_path)).isNull());
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

std::vector<QString> label_texts(QWidget* root, const char* name) {
  std::vector<QString> out;
  for (QLabel* l : root->findChildren<QLabel*>(QString::fromLatin1(name))) out.push_back(l->text());
  std::sort(out.begin(), out.end());
  return out;
}

// Drives the export dialog's widgets and waits for the export; returns the set's folder.
fs::path export_through_dialog(ExportDialog& dialog, const fs::path& parent, const QString& set_name, int cells_choice) {
  child<QLineEdit>(&dialog, "folderEdit")->setText(to_qstring(parent));
  child<QLineEdit>(&dialog, "setNameEdit")->setText(set_name);
  auto* cells = child<QComboBox>(&dialog, "cellsCombo");
  cells->setCurrentIndex(cells_choice);
  auto* format = child<QComboBox>(&dialog, "formatCombo");
  format->setCurrentIndex(format->findData(QStringLiteral(".png")));
  child<QCheckBox>(&dialog, "gridCheck")->setChecked(true);
  child<QCheckBox>(&dialog, "sidecarCheck")->setChecked(true);
  auto* export_button = child<QPushButton>(&dialog, "exportButton");
  REQUIRE(export_button->isEnabled());
  QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
  QSignalSpy failed(&dialog, &ExportDialog::exportFailed);
  QTest::mouseClick(export_button, Qt::LeftButton);
  CHECK(dialog.isExporting() || finished.count() == 1);
  REQUIRE(QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, kTimeoutMs));
  if (failed.count() > 0) std::cerr << "export failed: " << str(failed.at(0).at(0).toString()) << "\n";
  REQUIRE(finished.count() == 1);
  CHECK(child<QPushButton>(&dialog, "openFolderButton")->isVisible());
  CHECK(child<QLabel>(&dialog, "exportStatus")->text().contains(QLatin1String("Exported")));
  return steer::ui::to_path(finished.at(0).at(0).toString());
}

struct SetFiles {
  std::vector<std::string> images, sidecars;
  bool index_json = false, index_csv = false, grid = false;
};

SetFiles list_set(const fs::path& folder) {
  SetFiles f;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (name == "index.json")
      f.index_json = true;
    else if (name == "index.csv")
      f.index_csv = true;
    else if (name == "grid.png")
      f.grid = true;
    else if (e.path().extension() == ".png")
      f.images.push_back(name);
    else if (e.path().extension() == ".json")
      f.sidecars.push_back(name);
  }
  std::sort(f.images.begin(), f.images.end());
  std::sort(f.sidecars.begin(), f.sidecars.end());
  return f;
}

// Checks one exported set against the board: every image decodes to its cell's pixels,
// every sidecar parses to the cell's settings (with the model's and LoRA's sha256).
void check_set(const fs::path& folder, const CompareBoard& board, const std::vector<int>& cells) {
  const SetFiles files = list_set(folder);
  CHECK_EQ(files.images.size(), cells.size());
  CHECK_EQ(files.sidecars.size(), cells.size());
  CHECK(files.index_json);
  CHECK(files.index_csv);
  CHECK(files.grid);
  const std::string unet_hash = steer::sha256_file(tiny_model_folder() / "unet" / "diffusion_pytorch_model.safetensors");
  const std::string lora_hash = steer::sha256_file(lora_file());
  const steer::json::Value index = steer::json::parse(read_text(folder / "index.json"));
  CHECK_EQ(index.at("cell_count").as_int(), static_cast<int64_t>(cells.size()));
  const auto& entries = index.at("cells").as_array();
  REQUIRE(entries.size() == cells.size());
  for (size_t k = 0; k < cells.size(); ++k) {
    const BoardCell& cell = board.cell(cells[k]);
    const auto& entry = entries[k];
    CHECK_EQ(entry.at("index").as_uint(), cell.index);
    const fs::path image_file = folder / entry.at("file").as_string();
    const steer::ImageRGBA8 decoded = steer::read_image(image_file);
    CHECK_MSG(same_pixels(decoded, cell.image), image_file << " differs from cell " << cells[k]);
    const steer::json::Value sidecar = steer::json::parse(read_text(folder / entry.at("sidecar").as_string()));
    const steer::CellSettings s = steer::settings_from_json(sidecar.at("settings"));
    CHECK_EQ(s.method, std::string(steer::guidance_method_name(cell.request.guidance.method)));
    CHECK_EQ(s.seed, cell.request.seed);
    CHECK_EQ(s.lambda, 7.5);
    CHECK_EQ(s.omega,
             cell.request.guidance.method == steer::GuidanceMethod::Personalization ? std::string("0.5") : std::string());
    CHECK_EQ(s.prompt, std::string(kPrompt));
    CHECK_EQ(s.width, 64);
    CHECK_EQ(s.steps, 4);
    CHECK_EQ(s.model_name, std::string("sd1-tiny"));
    CHECK_EQ(s.model_hash, unet_hash);
    CHECK_EQ(s.subject_name, std::string("sd1_lora_diffusers.safetensors"));
    CHECK_EQ(s.subject_hash, lora_hash);
    CHECK(s.software_version.rfind("Steer Studio ", 0) == 0);
  }
  const std::string csv = read_text(folder / "index.csv");
  CHECK_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')), cells.size() + 1);
  const steer::ImageRGBA8 grid = steer::read_image(folder / "grid.png");
  CHECK(grid.width > 2 * 64 && grid.height > 2 * 64);
}

// Runs `steer sweep` for the board's grid.
fs::path run_cli_sweep(const fs::path& out_dir, const std::string& name) {
  const QStringList args = {QStringLiteral("sweep"),    QStringLiteral("--model"),   to_qstring(tiny_model_folder()),
                            QStringLiteral("--lora"),   to_qstring(lora_file()),     QStringLiteral("--prompt"),
                            QString::fromUtf8(kPrompt), QStringLiteral("--methods"), QStringLiteral("cfg,pg"),
                            QStringLiteral("--seeds"),  QStringLiteral("1,2"),       QStringLiteral("--method"),
                            QStringLiteral("pg"),       QStringLiteral("--omega"),   QStringLiteral("0.5"),
                            QStringLiteral("--lambda"), QStringLiteral("7.5"),       QStringLiteral("--seed"),
                            QStringLiteral("7"),        QStringLiteral("--steps"),   QStringLiteral("4"),
                            QStringLiteral("--width"),  QStringLiteral("64"),        QStringLiteral("--height"),
                            QStringLiteral("64"),       QStringLiteral("--out-dir"), to_qstring(out_dir),
                            QStringLiteral("--name"),   QString::fromStdString(name)};
  QProcess cli;
  cli.setProgram(QStringLiteral(STEER_CLI_PATH));
  cli.setArguments(args);
  cli.start();
  REQUIRE(cli.waitForFinished(kTimeoutMs));
  if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0)
    std::cerr << "steer sweep failed:\n" << cli.readAllStandardError().toStdString() << "\n";
  REQUIRE(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0);
  return steer::ui::to_path(QString::fromUtf8(cli.readAllStandardOutput()).trimmed());
}

// index.json / a sidecar without the generation times, which differ from run to run.
steer::json::Value without_seconds(steer::json::Value v) {
  if (v.is_object()) {
    steer::json::Object out;
    for (auto& [key, value] : v.as_object())
      if (key != "seconds") out.emplace_back(key, without_seconds(value));
    return out;
  }
  if (v.is_array()) {
    steer::json::Array out;
    for (auto& e : v.as_array()) out.push_back(without_seconds(e));
    return out;
  }
  return v;
}

}  // namespace

TEST_CASE("Invalid axis values are refused before anything runs, naming the field") {
  EngineBridge& bridge = engine();
  CompareBoard board(bridge);
  prepare(board, "1, 2");
  const steer::ui::BoardAxisTexts valid = board.axisTexts();
  auto try_axes = [&](auto edit) {
    steer::ui::BoardAxisTexts axes = valid;
    edit(axes);
    board.setAxisTexts(axes);
    const bool ran = board.run();
    CHECK(!ran);
    CHECK(!board.isRunning());
    CHECK(child<QLabel>(&board, "errorLabel")->isVisibleTo(&board));
    return str(board.errorText());
  };
  std::string e = try_axes([](auto& a) { a.lambdas = "3, abc"; });
  CHECK_MSG(e.find("λ values") != std::string::npos && e.find("abc") != std::string::npos, e);
  e = try_axes([](auto& a) { a.lambdas = "3,,5"; });
  CHECK_MSG(e.find("λ values") != std::string::npos && e.find("empty entry") != std::string::npos, e);
  e = try_axes([](auto& a) { a.methods = "cfg, xyz"; });
  CHECK_MSG(e.find("Methods") != std::string::npos && e.find("xyz") != std::string::npos, e);
  e = try_axes([](auto& a) { a.omegas = "0, linear:0.2->"; });
  CHECK_MSG(e.find("ω values") != std::string::npos, e);
  e = try_axes([](auto& a) { a.seeds = "1, two"; });
  CHECK_MSG(e.find("Seeds") != std::string::npos && e.find("two") != std::string::npos, e);
  // Values that parse but are out of range: the plan's validation names the cell's setting.
  e = try_axes([](auto& a) { a.omegas = "0, 1.5"; });
  CHECK_MSG(e.find("omega") != std::string::npos && e.find("1.5") != std::string::npos, e);
  e = try_axes([](auto& a) { a.lambdas = "5, 500"; });
  CHECK_MSG(e.find("lambda") != std::string::npos && e.find("500") != std::string::npos, e);
  CHECK(!board.hasPlan());
  std::cout << "  last refusal: " << e << "\n";
}

TEST_CASE("A 2x2 board fills cell by cell; favourites, A/B, saving, reopening, re-running, exporting") {
  EngineBridge& bridge = engine();
  const fs::path outputs = scratch() / "board-1";
  CompareBoard board(bridge);
  board.resize(1280, 860);
  board.show();
  board.activateWindow();
  REQUIRE(QTest::qWaitForWindowExposed(&board));
  (void)QTest::qWaitForWindowActive(&board);
  prepare(board, "1, 2");
  board.setOutputFolder(outputs);

  // What arrives for each cell, in order, as the board sees it.
  std::map<int, std::vector<std::string>> events;
  std::map<int, int> steps_with_preview;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int cell, const steer::StepEvent& e) {
    events[cell].push_back("step " + std::to_string(e.step));
    if (!e.preview.empty()) ++steps_with_preview[cell];
  });
  QObject::connect(&bridge, &EngineBridge::jobImage, &scope,
                   [&](quint64, int cell, const steer::GenerationResult&) { events[cell].push_back("image"); });
  std::vector<int> finished_order;
  QObject::connect(&board, &CompareBoard::cellFinished, &scope, [&](int cell) {
    finished_order.push_back(cell);
    // While this cell has its image, no later cell has one yet: the grid fills cell by cell.
    for (int i = 0; i < board.cellCount(); ++i)
      if (i != cell && std::find(finished_order.begin(), finished_order.end(), i) == finished_order.end())
        CHECK_MSG(!board.cell(i).hasImage(), "cell " << i << " had an image before its cellFinished");
  });
  bool saw_live_preview = false;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int cell, const steer::StepEvent&) {
    // Delivered to the board first (it connected first): its cell view is showing it now.
    if (auto* view = board.cellView(cell); view && view->hasPreview()) saw_live_preview = true;
  });

  REQUIRE(board.run());
  CHECK(board.isRunning());
  CHECK(child<QPushButton>(&board, "cancelButton")->isEnabled());
  REQUIRE(wait_idle(board));
  CHECK_MSG(board.errorText().isEmpty(), str(board.errorText()));

  REQUIRE(board.cellCount() == 4);
  CHECK_EQ(board.columnCount(), 2);
  CHECK_EQ(board.rowCount(), 2);
  CHECK_EQ(finished_order.size(), size_t(4));
  CHECK(saw_live_preview);
  for (int i = 0; i < 4; ++i) {
    const BoardCell& cell = board.cell(i);
    CHECK_EQ(events[i].size(), size_t(5));
    CHECK_MSG(!events[i].empty() && events[i].back() == "image", "cell " << i << " did not end on its image");
    CHECK_EQ(cell.step_events, 4);
    CHECK_MSG(cell.previews >= 1 && cell.previews == steps_with_preview[i], "cell " << i << " previews " << cell.previews);
    CHECK(cell.status == BoardCell::Status::Done);
    CHECK(cell.hasImage() && cell.image.width == 64 && cell.image.height == 64);
    CHECK(board.cellView(i)->hasImage() && !board.cellView(i)->hasPreview());
    // Saved into the output folder, decoding to the same pixels.
    CHECK_MSG(cell.file.parent_path() == outputs, cell.file);
    CHECK(same_pixels(steer::read_image(cell.file), cell.image));
  }
  // Columns: the first axis (method); rows: the seed.
  CHECK(board.columnLabels() == QStringList({QStringLiteral("method: cfg"), QStringLiteral("method: pg")}));
  CHECK(board.rowLabels() == QStringList({QStringLiteral("seed: 1"), QStringLiteral("seed: 2")}));
  CHECK(
      (label_texts(&board, "columnLabel") == std::vector<QString>{QStringLiteral("method: cfg"), QStringLiteral("method: pg")}));
  CHECK((label_texts(&board, "rowLabel") == std::vector<QString>{QStringLiteral("seed: 1"), QStringLiteral("seed: 2")}));
  for (QLabel* l : board.findChildren<QLabel*>(QStringLiteral("columnLabel"))) CHECK(l->isVisible());
  const int cfg1 = board.cellAt(0, 0), pg1 = board.cellAt(1, 0), cfg2 = board.cellAt(0, 1), pg2 = board.cellAt(1, 1);
  CHECK(board.cell(pg2).request.guidance.method == steer::GuidanceMethod::Personalization);
  CHECK_EQ(board.cell(pg2).request.seed, int64_t(2));
  CHECK(board.cell(cfg1).request.guidance.method == steer::GuidanceMethod::Cfg);
  CHECK_EQ(board.cell(cfg1).request.seed, int64_t(1));
  CHECK(!same_pixels(board.cell(cfg1).image, board.cell(pg1).image));
  CHECK(!same_pixels(board.cell(cfg1).image, board.cell(cfg2).image));
  CHECK(board.statusText().contains(QLatin1String("4 of 4")));

  // Favourite: a click on the star.
  BoardCellView* pg1_view = board.cellView(pg1);
  QTest::mouseClick(pg1_view, Qt::LeftButton, Qt::NoModifier, pg1_view->starRect().center());
  CHECK(board.cell(pg1).favourite);
  CHECK(pg1_view->isFavourite());

  // Keys on the grid: click cfg1, Right -> pg1 (next cell), Down -> pg2, Left -> cfg2,
  // F toggles a favourite on and off.
  QTest::mouseClick(board.cellView(cfg1), Qt::LeftButton);
  CHECK_EQ(board.currentCell(), cfg1);
  QWidget* grid = board.gridView();
  CHECK(grid->hasFocus());
  QTest::keyClick(grid, Qt::Key_Right);
  CHECK_EQ(board.currentCell(), pg1);
  QTest::keyClick(grid, Qt::Key_Right);  // past the row's end: the next row's first cell
  CHECK_EQ(board.currentCell(), cfg2);
  QTest::keyClick(grid, Qt::Key_Left);
  CHECK_EQ(board.currentCell(), pg1);
  QTest::keyClick(grid, Qt::Key_Down);
  CHECK_EQ(board.currentCell(), pg2);
  QTest::keyClick(grid, Qt::Key_F);
  CHECK(board.cell(pg2).favourite);
  QTest::keyClick(grid, Qt::Key_F);
  CHECK(!board.cell(pg2).favourite);

  // A/B: A on cfg1, B on pg1 with the keys; Space flips what the A/B view shows.
  QTest::mouseClick(board.cellView(cfg1), Qt::LeftButton);
  QTest::keyClick(grid, Qt::Key_A);
  QTest::keyClick(grid, Qt::Key_Right);
  QTest::keyClick(grid, Qt::Key_B);
  CHECK_EQ(board.comparisonA(), cfg1);
  CHECK_EQ(board.comparisonB(), pg1);
  auto* ab_image = child<QLabel>(&board, "abImage");
  const QImage showing_b = ab_image->pixmap().toImage();
  CHECK(board.showingB());
  QTest::keyClick(grid, Qt::Key_Space);
  CHECK(!board.showingB());
  CHECK_EQ(board.shownComparisonCell(), cfg1);
  const QImage showing_a = ab_image->pixmap().toImage();
  CHECK(!showing_a.isNull() && showing_a != showing_b);
  QTest::keyClick(grid, Qt::Key_Space);
  CHECK_EQ(board.shownComparisonCell(), pg1);
  CHECK(ab_image->pixmap().toImage() == showing_b);
  // Ctrl+click a second cell: the two selected cells become A and B.
  QTest::mouseClick(board.cellView(cfg2), Qt::LeftButton);
  QTest::mouseClick(board.cellView(pg2), Qt::LeftButton, Qt::ControlModifier);
  CHECK((board.selectedCells() == std::vector<int>{cfg2, pg2}));
  CHECK_EQ(board.comparisonA(), cfg2);
  CHECK_EQ(board.comparisonB(), pg2);
  QTest::keyClick(grid, Qt::Key_Space);
  CHECK_EQ(board.shownComparisonCell(), pg2);

  // Enlarge: a double click opens the cell's full image with its settings.
  QTest::mouseDClick(board.cellView(pg1), Qt::LeftButton);
  QPointer<steer::ui::CellDetailDialog> detail = board.findChild<steer::ui::CellDetailDialog*>();
  REQUIRE(detail);
  CHECK(detail->isVisible());
  CHECK(detail->image() == steer::ui::qimage_from_rgba8(board.cell(pg1).image));
  CHECK_MSG(
      detail->settingsText().contains(QLatin1String("Seed: 1")) && detail->settingsText().contains(QStringLiteral(u"ω: 0.5")),
      str(detail->settingsText()));
  detail->close();
  CHECK(QTest::qWaitFor([&] { return detail.isNull(); }, 5000));

  // Back to the A/B pair cfg1 / pg1 for the screenshot, A shown.
  board.selectCell(pg1);
  board.setComparisonA(cfg1);
  board.setComparisonB(pg1);
  board.flipComparison();
  save_screenshot(board, "compare-board.png");

  // ---- Save and reopen: the same cells with the same pixels, from the PNGs. ----
  const fs::path project_file = scratch() / "board.json";
  {
    std::ofstream out(project_file);
    out << board.toJson().dump(2);
  }
  std::vector<steer::ImageRGBA8> images;
  for (int i = 0; i < 4; ++i) images.push_back(board.cell(i).image);
  {
    CompareBoard reopened(bridge);
    reopened.fromJson(steer::json::parse(read_text(project_file)));
    REQUIRE(reopened.cellCount() == 4);
    CHECK_EQ(reopened.columnCount(), 2);
    CHECK(reopened.rowLabels() == board.rowLabels());
    CHECK(reopened.columnLabels() == board.columnLabels());
    CHECK(reopened.outputFolder() == outputs);
    CHECK(reopened.axisTexts() == board.axisTexts());
    CHECK_EQ(reopened.baseRequest().seed, board.baseRequest().seed);
    CHECK_EQ(reopened.baseRequest().steps, 4);
    for (int i = 0; i < 4; ++i) {
      CHECK(reopened.cell(i).status == BoardCell::Status::Done);
      CHECK_MSG(same_pixels(reopened.cell(i).image, images[static_cast<size_t>(i)]), "cell " << i);
      CHECK_EQ(reopened.cell(i).favourite, i == pg1);
      CHECK_EQ(reopened.cell(i).request.seed, board.cell(i).request.seed);
      CHECK(reopened.cellView(i)->hasImage());
    }
    CHECK((reopened.favouriteCells() == std::vector<int>{pg1}));
    CHECK_EQ(reopened.comparisonA(), cfg1);
    CHECK_EQ(reopened.comparisonB(), pg1);
    CHECK(!reopened.isRunning());
    CHECK(reopened.sourceModelFolder().filename() == "sd1-tiny");
  }
  // A project folder that moved: the images are found by name in the new output folder.
  {
    const fs::path moved = scratch() / "moved-board";
    fs::create_directories(moved);
    for (int i = 0; i < 4; ++i) fs::copy_file(board.cell(i).file, moved / board.cell(i).file.filename());
    steer::json::Value state = board.toJson();
    for (auto& c : state.as_object())
      if (c.first == "cells")
        for (auto& cell : c.second.as_array()) cell.set("image", "/nonexistent/old/place/" + cell.at("image_name").as_string());
    CompareBoard reopened(bridge);
    reopened.setOutputFolder(moved);
    reopened.fromJson(state);
    for (int i = 0; i < 4; ++i)
      CHECK_MSG(same_pixels(reopened.cell(i).image, images[static_cast<size_t>(i)]), "moved cell " << i);
  }
  // Not a board: refused, naming the member; the board is unchanged.
  {
    CHECK_THROWS_WITH(board.fromJson(steer::json::parse(R"({"format": "steer-compare-board", "cells": 3})")), "cells");
    CHECK_EQ(board.cellCount(), 4);
    CHECK(same_pixels(board.cell(0).image, images[0]));
  }

  // ---- Re-run one cell from its context menu: the same pixels (deterministic). ----
  {
    std::unique_ptr<QMenu> menu(board.createCellMenu(pg2, nullptr));
    QAction* rerun = menu->findChild<QAction*>(QStringLiteral("rerunAction"));
    REQUIRE(rerun);
    const fs::path file_before = board.cell(pg2).file;
    events.clear();
    rerun->trigger();
    CHECK(board.isRunning());
    CHECK(board.cell(pg2).status == BoardCell::Status::Queued);
    REQUIRE(wait_idle(board));
    CHECK_EQ(board.cell(pg2).step_events, 4);
    CHECK_EQ(events[0].size(), size_t(5));  // a one-cell plan: its cell index is 0
    CHECK(board.cell(pg2).status == BoardCell::Status::Done);
    CHECK_MSG(same_pixels(board.cell(pg2).image, images[static_cast<size_t>(pg2)]),
              "re-run differs by " << max_difference(board.cell(pg2).image, images[static_cast<size_t>(pg2)]));
    CHECK(board.cell(pg2).file == file_before);  // replaced in place
    CHECK(same_pixels(steer::read_image(file_before), images[static_cast<size_t>(pg2)]));
    for (int i = 0; i < 4; ++i) CHECK(same_pixels(board.cell(i).image, images[static_cast<size_t>(i)]));
  }

  // ---- Export through the dialog's widgets. ----
  QPointer<ExportDialog> dialog = board.openExportDialog();
  REQUIRE(dialog);
  REQUIRE(QTest::qWaitForWindowExposed(dialog));
  auto* template_edit = child<QLineEdit>(dialog, "templateEdit");
  auto* template_error = child<QLabel>(dialog, "templateError");
  auto* example = child<QLabel>(dialog, "templateExample");
  auto* export_button = child<QPushButton>(dialog, "exportButton");
  CHECK(!template_error->isVisible());
  CHECK_MSG(example->text().contains(QLatin1String("0_cfg_l7.5_wnone_s1.png")), str(example->text()));
  template_edit->setText(QStringLiteral("{index}_{bogus}_{seed}"));
  CHECK(template_error->isVisible());
  CHECK_MSG(template_error->text().contains(QLatin1String("bogus")), str(template_error->text()));
  CHECK(!export_button->isEnabled());
  CHECK(!dialog->startExport());
  CHECK(dialog->errorText().contains(QLatin1String("bogus")));
  template_edit->setText(QStringLiteral("{index}_{method}_s{seed}"));
  CHECK(!template_error->isVisible());
  CHECK_MSG(example->text().contains(QLatin1String("0_cfg_s1.png")), str(example->text()));
  // Favourites: exactly the starred cell, named with its own index in the grid.
  child<QComboBox>(dialog, "cellsCombo")->setCurrentIndex(1);
  CHECK((dialog->exampleNames() == QStringList{QStringLiteral("%1_pg_s1.png").arg(pg1)}));
  const fs::path exports = scratch() / "exports";
  const fs::path favourites = export_through_dialog(*dialog, exports, QStringLiteral("favourites"), 1);
  CHECK(favourites.filename() == "favourites");
  check_set(favourites, board, {pg1});
  CHECK((list_set(favourites).images == std::vector<std::string>{std::to_string(pg1) + "_pg_s1.png"}));

  // All cells with the default template, named like the CLI's set, and then the CLI's own.
  template_edit->setText(QString::fromStdString(steer::SweepExportOptions{}.name_template));
  const fs::path all = export_through_dialog(*dialog, exports, QStringLiteral("board"), 0);
  check_set(all, board, {0, 1, 2, 3});
  save_screenshot(*dialog, "export-dialog.png");
  // Exporting again never overwrites: a -2 folder.
  const fs::path again = export_through_dialog(*dialog, exports, QStringLiteral("board"), 0);
  CHECK(again.filename() == "board-2");

  const fs::path cli = run_cli_sweep(scratch() / "cli", "board");
  const SetFiles ours = list_set(all), theirs = list_set(cli);
  CHECK(ours.images == theirs.images);
  CHECK(ours.sidecars == theirs.sidecars);
  for (const auto& name : theirs.images) {
    if (!fs::exists(all / name)) continue;
    const auto a = steer::read_image(all / name), b = steer::read_image(cli / name);
    CHECK_MSG(same_pixels(a, b), name << " differs from steer sweep's by " << max_difference(a, b));
  }
  for (const auto& name : theirs.sidecars) {
    if (!fs::exists(all / name)) continue;
    const auto a = without_seconds(steer::json::parse(read_text(all / name)));
    const auto b = without_seconds(steer::json::parse(read_text(cli / name)));
    CHECK_MSG(a.dump() == b.dump(), name << ":\n" << a.dump() << "\nvs steer sweep's\n" << b.dump());
  }
  CHECK(without_seconds(steer::json::parse(read_text(all / "index.json"))).dump() ==
        without_seconds(steer::json::parse(read_text(cli / "index.json"))).dump());
  const auto grid_a = steer::read_image(all / "grid.png"), grid_b = steer::read_image(cli / "grid.png");
  CHECK_MSG(same_pixels(grid_a, grid_b), "grid.png differs from steer sweep's by " << max_difference(grid_a, grid_b));
  dialog->close();
}

TEST_CASE("Axes that do not apply are not repeated: one CFG cell across the ω columns, computed and exported once") {
  EngineBridge& bridge = engine();
  CompareBoard board(bridge);
  board.resize(1280, 860);
  board.show();
  REQUIRE(QTest::qWaitForWindowExposed(&board));
  board.setBaseRequest(base_request());
  board.setSubject(lora_subject());
  steer::ui::BoardAxisTexts axes;
  axes.methods = "cfg, pg";
  axes.omegas = "0, 0.5, 0.75";
  board.setAxisTexts(axes);
  board.setOutputFolder(scratch() / "board-omega");
  int generated = 0;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobImage, &scope, [&](quint64, int, const steer::GenerationResult&) { ++generated; });
  REQUIRE(board.run());
  REQUIRE(wait_idle(board));
  CHECK_MSG(board.errorText().isEmpty(), str(board.errorText()));
  // 1 CFG cell + 3 PG cells (not 3 + 3), each generated once.
  REQUIRE(board.cellCount() == 4);
  CHECK_EQ(generated, 4);
  CHECK_EQ(board.columnCount(), 3);
  CHECK_EQ(board.rowCount(), 2);
  std::vector<int> cfg, pg;
  for (int i = 0; i < board.cellCount(); ++i) {
    CHECK(board.cell(i).hasImage());
    (board.cell(i).request.guidance.method == steer::GuidanceMethod::Cfg ? cfg : pg).push_back(i);
  }
  REQUIRE(cfg.size() == 1u);
  CHECK_EQ(pg.size(), 3u);
  for (int column = 0; column < 3; ++column) CHECK_EQ(board.cellAt(column, 0), cfg[0]);
  // Shown once, centred across the ω columns: above the middle PG cell, as wide as one cell.
  BoardCellView* cfg_view = board.cellView(cfg[0]);
  BoardCellView* middle = board.cellView(board.cellAt(1, 1));
  REQUIRE(cfg_view != nullptr);
  REQUIRE(middle != nullptr);
  const QPoint cfg_centre = cfg_view->mapTo(&board, cfg_view->rect().center());
  const QPoint middle_centre = middle->mapTo(&board, middle->rect().center());
  CHECK_MSG(std::abs(cfg_centre.x() - middle_centre.x()) <= 2, cfg_centre.x() << " vs " << middle_centre.x());
  CHECK(cfg_centre.y() < middle_centre.y());
  CHECK_EQ(cfg_view->width(), middle->width());
  CHECK_MSG(board.cellSettingsText(cfg[0]).contains(QStringLiteral("ω: – (does not apply to CFG)")),
            str(board.cellSettingsText(cfg[0])));
  // The control: a PG cell names its ω.
  CHECK(board.cellSettingsText(board.cellAt(2, 1)).contains(QStringLiteral("ω: 0.75")));

  // Exported once: 4 images, the CFG entry's ω null.
  QPointer<ExportDialog> dialog = board.openExportDialog();
  REQUIRE(dialog);
  const fs::path set = export_through_dialog(*dialog, scratch() / "exports-omega", QStringLiteral("omega"), 0);
  const SetFiles files = list_set(set);
  CHECK_EQ(files.images.size(), 4u);
  CHECK(files.grid);
  const steer::json::Value index = steer::json::parse(read_text(set / "index.json"));
  int cfg_entries = 0;
  for (const auto& entry : index.at("cells").as_array()) {
    if (entry.at("settings").at("method").as_string() != "cfg") continue;
    ++cfg_entries;
    CHECK(entry.at("axis_values").at("omega").is_null());
  }
  CHECK_EQ(cfg_entries, 1);

  // The dialog's grid enlargement: automatic by default; 1 keeps the 64 px images, 3 makes
  // 192 px cells (three columns: at least 3 × 128 px wider).
  auto* upscale = child<QSpinBox>(dialog, "gridUpscaleSpin");
  CHECK_EQ(upscale->value(), 0);
  upscale->setValue(1);
  const fs::path plain = export_through_dialog(*dialog, scratch() / "exports-omega", QStringLiteral("plain"), 0);
  upscale->setValue(3);
  const fs::path enlarged = export_through_dialog(*dialog, scratch() / "exports-omega", QStringLiteral("enlarged"), 0);
  const steer::ImageRGBA8 plain_grid = steer::read_image(plain / "grid.png");
  const steer::ImageRGBA8 enlarged_grid = steer::read_image(enlarged / "grid.png");
  CHECK_MSG(enlarged_grid.width >= plain_grid.width + 3 * 128, plain_grid.width << " -> " << enlarged_grid.width);
  dialog->close();
}

TEST_CASE("Cancelling mid-run keeps finished cells, leaves the rest empty, and the board runs again") {
  EngineBridge& bridge = engine();
  CompareBoard board(bridge);
  board.show();
  prepare(board, "3, 4");
  board.setOutputFolder(scratch() / "board-cancel");
  // Slow steps after the first cell, so Cancel lands while cell 1 is running.
  bridge.setStepHookForTesting([](quint64, int cell, const steer::StepEvent&) {
    if (cell >= 1) std::this_thread::sleep_for(std::chrono::milliseconds(150));
  });
  QObject scope;
  quint64 cancelled_job = 0;
  QObject::connect(&bridge, &EngineBridge::jobCancelled, &scope, [&](quint64 job) { cancelled_job = job; });
  bool cancelled_after_first = false;
  QObject::connect(&board, &CompareBoard::cellFinished, &scope, [&](int cell) {
    if (cell == 0 && !cancelled_after_first) {
      cancelled_after_first = true;
      QTimer::singleShot(0, &board, [&] { QTest::mouseClick(child<QPushButton>(&board, "cancelButton"), Qt::LeftButton); });
    }
  });
  REQUIRE(board.run());
  REQUIRE(QTest::qWaitFor([&] { return cancelled_after_first && !board.isRunning(); }, kTimeoutMs));
  // Settled at once; then the engine confirms, and nothing arrives late.
  REQUIRE(QTest::qWaitFor([&] { return cancelled_job != 0; }, kTimeoutMs));
  QTest::qWait(300);
  bridge.setStepHookForTesting({});
  CHECK(board.cell(0).hasImage());
  CHECK(board.cell(0).status == BoardCell::Status::Done);
  int empty = 0;
  for (int i = 1; i < 4; ++i) {
    CHECK_MSG(!board.cell(i).hasImage(), "cell " << i << " has an image after Cancel");
    CHECK(board.cell(i).status == BoardCell::Status::Cancelled);
    CHECK(!board.cellView(i)->hasImage() && !board.cellView(i)->hasPreview());
    CHECK(board.cellView(i)->statusText() == QLatin1String("cancelled"));
    empty += !board.cell(i).hasImage();
  }
  CHECK_EQ(empty, 3);
  CHECK_MSG(board.statusText().startsWith(QLatin1String("Cancelled: 1 of 4")), str(board.statusText()));
  CHECK(!child<QPushButton>(&board, "cancelButton")->isEnabled());
  CHECK(child<QPushButton>(&board, "exportButton")->isEnabled());
  std::cout << "  " << str(board.statusText()) << "\n";

  // Usable: the next Run fills every cell.
  REQUIRE(board.run());
  REQUIRE(wait_idle(board));
  for (int i = 0; i < 4; ++i) CHECK_MSG(board.cell(i).hasImage(), "cell " << i << " after the second run");
  CHECK(board.statusText().contains(QLatin1String("4 of 4")));
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QTemporaryDir scratch_dir;
  g_scratch = &scratch_dir;
  // Settings, and the file-hash cache the export and `steer sweep` share, go to scratch.
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch_dir.filePath(QStringLiteral("settings")));
  qputenv("XDG_CACHE_HOME", scratch_dir.filePath(QStringLiteral("cache")).toLocal8Bit());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_compare_board"));
  int result = 0;
  {
    EngineBridge bridge;
    g_bridge = &bridge;
    result = steer::testing::run_all(argc, argv);
    g_bridge = nullptr;
  }
  return result;
}
