// Projects and the integrated main window, offscreen, on the tiny SD 1.x fixture with the
// kohya-named LoRA as the subject, through the real engine thread:
// - project.json keeps every GenerationRequest field (seed beyond 2^53, σ_high = ∞) and
//   names the member that is wrong in a bad file;
// - a project made in one window (model, LoRA, panel settings, a 2x2 board with a
//   favourite, one generated image) is autosaved 2 s after a change and reopened in a NEW
//   window: the model loads, the subject is attached, the panel shows the same settings,
//   the board the same cells, images and favourite;
// - a moved model folder and a moved LoRA file are reported on reopen; "Locate…" (answered
//   through the window's file-question hook) loads them and the project records the new
//   places; "Continue without model" keeps the window usable;
// - a broken model folder in a project shows an error dialog with details, and the same
//   window then loads a good model;
// - a dropped .safetensors attaches; a dropped model folder while a model is loaded asks
//   "open as base / attach as fine-tuned", and attaching shows the engine's memory note;
// - the window's shortcuts (QAction shortcuts, and real key presses reaching them);
// - geometry, the log dock and the tab are restored in a new window.
// Saves (under tools/make_screenshots.sh) docs/screenshots/main-window-subject.png, main-window-generate.png and
// main-window-compare.png.
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/export/a1111_parameters.h"
#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/formats/sha256.h"
#include "core/generation/generation_request.h"
#include "tests/support/test_harness.h"
#include "ui/board/compare_board.h"
#include "ui/engine/engine_thread.h"
#include "ui/export/export_dialog.h"
#include "ui/main_window.h"
#include "ui/panels/generate_panel.h"
#include "ui/path_text.h"
#include "ui/project/project.h"
#include "ui/project/project_store.h"
#include "ui/widgets/log_view.h"
#include "ui/widgets/model_summary_view.h"
#include "ui/widgets/subject_panel.h"

namespace fs = std::filesystem;
using steer::ui::MainWindow;
using steer::ui::to_path;
using steer::ui::to_qstring;

namespace {

constexpr int kEngineTimeoutMs = 120'000;

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}

fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }
fs::path lora_file() { return env_path("STEER_FIXTURES") / "lora" / "sd1_lora_kohya.safetensors"; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The window's file questions, answered by purpose ("model", "locate-model", ...); every
// question asked is recorded, so a test also sees which were asked.
struct FileAnswers {
  std::map<QString, QString> by_purpose;
  QStringList asked;
  steer::ui::FileChooser chooser() {
    return [this](QWidget*, const steer::ui::FileQuestion& q) {
      asked << q.purpose;
      const auto it = by_purpose.find(q.purpose);
      return it == by_purpose.end() ? QString() : it->second;
    };
  }
};

QMessageBox* visible_box(const char* object_name) {
  for (QWidget* widget : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(widget);
        box && box->isVisible() && box->objectName() == QLatin1String(object_name))
      return box;
  return nullptr;
}

QMessageBox* any_visible_box() {
  for (QWidget* widget : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) return box;
  return nullptr;
}

// The dialogs are window-modal and non-blocking; a QTimer polls for one from this event
// loop (the way a test finds a dialog that a native exec() would otherwise block on).
QMessageBox* wait_for_box(const char* object_name, int timeout_ms = kEngineTimeoutMs) {
  QPointer<QMessageBox> found;
  QTimer poll;
  poll.setInterval(20);
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (!found) found = visible_box(object_name);
  });
  poll.start();
  (void)QTest::qWaitFor([&] { return !found.isNull(); }, timeout_ms);
  return found.data();
}

void click(QMessageBox* box, const char* button_name) {
  auto* button = box->findChild<QPushButton*>(QString::fromLatin1(button_name));
  REQUIRE(button != nullptr);
  button->click();
}

bool wait_for_model(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.summaryView()->hasSummary() && !window.engine().isBusy(); }, kEngineTimeoutMs);
}

bool wait_for_subject(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.subjectPanel()->hasSubject() && !window.engine().isBusy(); }, kEngineTimeoutMs);
}

bool wait_idle(MainWindow& window) {
  return QTest::qWaitFor([&] { return !window.engine().isBusy(); }, kEngineTimeoutMs);
}

void save_screenshot(QWidget& window, const char* name) {
  // docs/screenshots is written only by tools/make_screenshots.sh (STEER_SCREENSHOT_DIR); a test
  // run leaves the source tree as it found it.
  const char* screenshot_dir = std::getenv("STEER_SCREENSHOT_DIR");
  const fs::path shot_path =
      (screenshot_dir && *screenshot_dir ? fs::path(screenshot_dir) : fs::temp_directory_path() / "steer-screenshots") / name;
  fs::create_directories(shot_path.parent_path());
  QApplication::processEvents();
  const QPixmap shot = window.grab();
  REQUIRE(!shot.isNull());
  REQUIRE(shot.save(to_qstring(shot_path), "PNG"));
  CHECK(!QImage(to_qstring(shot_path)).isNull());
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

std::string request_text(const steer::GenerationRequest& request) { return steer::request_to_json(request).dump(); }

// The settings a designer sets in the panel for the project tests.
steer::GenerationRequest designer_request() {
  steer::GenerationRequest r;
  r.prompt = "a photo of sks mug on a beach";
  r.negative_prompt = "blurry";
  r.seed = 4242;
  r.width = r.height = 64;
  r.steps = 4;
  r.sampler = "dpmpp_2m";
  r.karras_sigmas = true;
  r.guidance.method = steer::GuidanceMethod::Personalization;
  r.guidance.scale = 5.5;
  r.guidance.omega = steer::OmegaSchedule::parse("linear:0.2->0.8");
  r.guidance.rescale = 0.25;
  return r;
}

steer::SubjectSpec lora_subject(const fs::path& file) {
  steer::SubjectSpec subject;
  subject.kind = steer::SubjectSpec::Kind::Lora;
  subject.path = file;
  return subject;
}

// Flips the lowest mantissa bit of the first stored value of a safetensors file: a
// different weight, the same valid file (8-byte little-endian header length, JSON header,
// then the data).
void nudge_first_weight(const fs::path& file) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(io.good());
  unsigned char length_bytes[8] = {};
  io.read(reinterpret_cast<char*>(length_bytes), 8);
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | length_bytes[i];
  const auto data_start = static_cast<std::streamoff>(8 + length);
  io.seekg(data_start);
  char byte = 0;
  io.read(&byte, 1);
  byte = static_cast<char>(byte ^ 1);
  io.seekp(data_start);
  io.write(&byte, 1);
  REQUIRE(io.good());
}

// A scratch folder with its own copies of the model and the LoRA (tests move them).
struct Scratch {
  QTemporaryDir dir;
  fs::path root, model, lora, project;
  Scratch() {
    REQUIRE(dir.isValid());
    root = to_path(dir.path());
    model = root / "models" / "sd1-tiny";
    lora = root / "subjects" / "mug.safetensors";
    project = root / "mug-project";
    fs::create_directories(model.parent_path());
    fs::create_directories(lora.parent_path());
    fs::copy(tiny_model_folder(), model, fs::copy_options::recursive);
    fs::copy_file(lora_file(), lora);
  }
};

// A window the way a test uses it: shown, with its file questions answered by `answers`.
void prepare(MainWindow& window, FileAnswers& answers) {
  window.setFileChooser(answers.chooser());
  window.resize(1280, 820);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
}

// Makes a project in `s.project` with the model and the LoRA, the designer's settings.
void make_project(MainWindow& window, const Scratch& s) {
  REQUIRE(window.newProject(to_qstring(s.project)));
  window.openModelFolder(to_qstring(s.model));
  REQUIRE(wait_for_model(window));
  window.attachSubject(lora_subject(s.lora));
  REQUIRE(wait_for_subject(window));
  window.generatePanel()->setRequest(designer_request());
  REQUIRE(window.saveProject());
}

}  // namespace

TEST_CASE("project.json keeps every GenerationRequest field and names a wrong member") {
  steer::GenerationRequest r;
  r.prompt = "a photo of sks mug, \"quoted\" \u00e9\u4e2d";
  r.negative_prompt = "blurry\nlow quality";
  r.seed = (int64_t{1} << 53) + 3;  // not exact in a double: written as text
  r.width = 768;
  r.height = 512;
  r.steps = 37;
  r.sampler = "ddim";
  r.karras_sigmas = true;
  r.eta = 0.3;
  r.clip_skip = 2;
  r.guidance.method = steer::GuidanceMethod::Autoguidance;
  r.guidance.scale = 0.1 + 0.2;  // not a short decimal: every digit must survive
  r.guidance.omega = steer::OmegaSchedule::parse("interval:0.5@0.2-0.8");
  r.guidance.weak = steer::WeakModel::parse("omega:0.25");
  r.guidance.rescale = 0.7;
  r.guidance.sigma_low = 0.28;
  r.guidance.sigma_high = 5.42;
  r.noise_on_device = true;
  r.batch_branches = false;
  r.want_branch_previews = true;
  r.want_latents = true;

  const std::string text = steer::request_to_json(r).dump(2);
  const steer::GenerationRequest back = steer::request_from_json(steer::json::parse(text));
  CHECK_EQ(back.prompt, r.prompt);
  CHECK_EQ(back.negative_prompt, r.negative_prompt);
  CHECK_EQ(back.seed, r.seed);
  CHECK_EQ(back.width, r.width);
  CHECK_EQ(back.height, r.height);
  CHECK_EQ(back.steps, r.steps);
  CHECK_EQ(back.sampler, r.sampler);
  CHECK(back.karras_sigmas);
  CHECK_EQ(back.eta, r.eta);
  CHECK_EQ(back.clip_skip, r.clip_skip);
  CHECK(back.guidance.method == r.guidance.method);
  CHECK_EQ(back.guidance.scale, r.guidance.scale);
  CHECK_EQ(back.guidance.omega.to_string(), r.guidance.omega.to_string());
  CHECK(back.guidance.omega.kind == steer::OmegaSchedule::Kind::Interval);
  CHECK_EQ(back.guidance.omega.interval_begin, 0.2);
  CHECK_EQ(back.guidance.weak.to_string(), r.guidance.weak.to_string());
  CHECK_EQ(back.guidance.rescale, r.guidance.rescale);
  CHECK_EQ(back.guidance.sigma_low, r.guidance.sigma_low);
  CHECK_EQ(back.guidance.sigma_high, r.guidance.sigma_high);
  CHECK(back.noise_on_device);
  CHECK(!back.batch_branches);
  CHECK(back.want_branch_previews);
  CHECK(back.want_latents);
  CHECK_EQ(request_text(back), request_text(r));

  // No interval: σ_high = ∞ is stored as null and read back as ∞.
  steer::GenerationRequest plain;
  const steer::json::Value plain_json = steer::request_to_json(plain);
  CHECK(plain_json.at("guidance").at("sigma_high").is_null());
  CHECK(std::isinf(steer::request_from_json(steer::json::parse(plain_json.dump())).guidance.sigma_high));
  // Negative seeds and the weak model as a checkpoint file.
  plain.seed = -7;
  plain.guidance.weak = steer::WeakModel::parse("/tmp/early-checkpoint.safetensors");
  CHECK_EQ(request_text(steer::request_from_json(steer::json::parse(request_text(plain)))), request_text(plain));

  // A project with every part, through the store (atomic write) and back.
  QTemporaryDir dir;
  REQUIRE(dir.isValid());
  steer::ui::Project project;
  project.model = steer::ui::ProjectModel{to_path(dir.path()) / "models" / "sd15", {"sd15", 612, 1700000000123}};
  project.subject = lora_subject(to_path(dir.path()) / "mug.safetensors");
  project.subject.multiplier = 0.8;
  project.request = r;
  project.boards.push_back(steer::json::Object{{"format", "steer-compare-board"}, {"version", 1}});
  project.current_board = 0;
  const QString folder = dir.filePath(QStringLiteral("p"));
  steer::ui::write_project(folder, project);
  CHECK(QFileInfo(folder + QStringLiteral("/outputs")).isDir());
  const steer::ui::Project read = steer::ui::read_project(folder);
  REQUIRE(read.model.has_value());
  CHECK(read.model->folder == project.model->folder);
  CHECK(read.model->identity == project.model->identity);
  CHECK(read.subject.kind == steer::SubjectSpec::Kind::Lora);
  CHECK(read.subject.path == project.subject.path);
  CHECK_EQ(read.subject.multiplier, 0.8);
  CHECK_EQ(request_text(read.request), request_text(r));
  CHECK_EQ(read.boards.size(), size_t{1});
  const std::string saved = read_text(to_path(folder) / "project.json");
  CHECK(saved.find("\"relative_path\": \"../models/sd15\"") != std::string::npos);

  // What a bad file says.
  auto error_of = [&](const std::string& json_text) -> std::string {
    QFile file(folder + QStringLiteral("/project.json"));
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::fromStdString(json_text));
    file.close();
    try {
      steer::ui::read_project(folder);
    } catch (const steer::ui::ProjectError& e) {
      return e.what();
    }
    return "no error";
  };
  std::string e = error_of(R"({"format": "steer-studio-project", "version": 1, "request": {"steps": "many"}})");
  CHECK_MSG(e.find("request.steps") != std::string::npos, e);
  e = error_of(R"({"format": "steer-studio-project", "version": 1, "request": {"guidance": {"method": "xyz"}}})");
  CHECK_MSG(e.find("request.guidance.method") != std::string::npos && e.find("cfg, ag or pg") != std::string::npos, e);
  e = error_of(R"({"format": "steer-studio-project", "version": 9})");
  CHECK_MSG(e.find("newer Steer Studio") != std::string::npos, e);
  e = error_of(R"({"format": "something-else"})");
  CHECK_MSG(e.find("not a Steer Studio project") != std::string::npos, e);
  e = error_of(R"({"format": "steer-studio-project", "version": 1, )");
  CHECK_MSG(e.find("not valid JSON") != std::string::npos, e);
  e = error_of(R"({"format": "steer-studio-project", "version": 1, "subject": {"kind": "lora"}})");
  CHECK_MSG(e.find("subject.path") != std::string::npos, e);
}

TEST_CASE("A project reopens in a new window with its model, subject, settings and board") {
  Scratch s;
  FileAnswers answers;
  steer::GenerationRequest shown;  // the panel's settings as the first window had them
  std::vector<bool> had_image;
  {
    MainWindow window;
    prepare(window, answers);
    REQUIRE(window.newProject(to_qstring(s.project)));
    CHECK(fs::exists(s.project / "project.json"));
    CHECK(fs::is_directory(s.project / "outputs"));
    CHECK(window.windowTitle().contains(QLatin1String("mug-project")));

    window.openModelFolder(to_qstring(s.model));
    REQUIRE(wait_for_model(window));
    window.attachSubject(lora_subject(s.lora));
    REQUIRE(wait_for_subject(window));
    auto* subject_path = window.subjectPanel()->findChild<QLabel*>(QStringLiteral("subjectPathValue"));
    REQUIRE(subject_path != nullptr);
    CHECK_EQ(str(subject_path->text()), s.lora.string());
    CHECK(
        window.subjectPanel()->findChild<QLabel*>(QStringLiteral("subjectKindValue"))->text().startsWith(QLatin1String("LoRA")));
    CHECK(!window.subjectPanel()->findChild<QLabel*>(QStringLiteral("subjectNoteValue"))->text().isEmpty());
    CHECK(window.logView()->toPlainText().contains(QLatin1String("Attached LoRA")));
    window.tabs()->setCurrentIndex(MainWindow::ModelTab);
    save_screenshot(window, "main-window-subject.png");

    // The panel's settings: autosaved two seconds after the change, not at once.
    window.generatePanel()->setRequest(designer_request());
    auto* prompt = window.generatePanel()->findChild<QPlainTextEdit*>(QStringLiteral("prompt"));
    REQUIRE(prompt != nullptr);
    prompt->setPlainText(prompt->toPlainText());  // a user edit, after the programmatic one
    shown = window.generatePanel()->request();
    CHECK_EQ(shown.prompt, designer_request().prompt);
    CHECK_EQ(shown.seed, int64_t{4242});
    CHECK(window.hasUnsavedChanges());
    CHECK(read_text(s.project / "project.json").find("sks mug") == std::string::npos);
    CHECK(QTest::qWaitFor(
        [&] { return read_text(s.project / "project.json").find("a photo of sks mug on a beach") != std::string::npos; },
        MainWindow::kAutosaveDelayMs + 5000));

    // One image with PG and the LoRA.
    window.tabs()->setCurrentIndex(MainWindow::GenerateTab);
    REQUIRE(window.generatePanel()->generate());
    REQUIRE(QTest::qWaitFor([&] { return !window.generatePanel()->isGenerating(); }, kEngineTimeoutMs));
    CHECK(!window.generatePanel()->currentImage().isNull());
    save_screenshot(window, "main-window-generate.png");
    // Kept in the project with its settings.
    std::vector<fs::path> generated;
    for (const auto& entry : fs::directory_iterator(s.project / "outputs" / "generated")) generated.push_back(entry.path());
    std::sort(generated.begin(), generated.end());
    REQUIRE(generated.size() == 2);  // <name>.json, <name>.png
    CHECK_EQ(generated[1].extension().string(), std::string(".png"));
    CHECK(QImage(to_qstring(generated[1])).size() == QSize(64, 64));
    // Written by the exporter `steer generate` uses: the steer-image sidecar with the record
    // (model and subject names and hashes) and the request, and A1111's text in the PNG.
    const steer::json::Value sidecar = steer::json::parse(read_text(generated[0]));
    CHECK_EQ(sidecar.at("format").as_string(), std::string("steer-image"));
    CHECK_EQ(sidecar.at("file").as_string(), generated[1].filename().string());
    CHECK_EQ(request_text(steer::request_from_json(sidecar.at("request"))), request_text(shown));
    const steer::CellSettings record = steer::settings_from_json(sidecar.at("settings"));
    CHECK_EQ(record.subject_name, s.lora.filename().string());
    CHECK_EQ(record.seed, shown.seed);
    CHECK_EQ(record.model_hash.size(), size_t{64});  // sha256 of the UNet weights, from the engine thread
    CHECK_EQ(record.subject_hash, steer::sha256_file(s.lora));
    const QString parameters = QImage(to_qstring(generated[1])).text(QStringLiteral("parameters"));
    CHECK_EQ(parameters.toStdString(), steer::a1111_parameters(record));

    // A 2x2 board: CFG vs PG over two seeds, with a favourite.
    window.tabs()->setCurrentIndex(MainWindow::CompareTab);
    steer::ui::CompareBoard* board = window.currentBoard();
    REQUIRE(board != nullptr);
    CHECK_EQ(request_text(board->baseRequest()), request_text(shown));
    steer::ui::BoardAxisTexts axes;
    axes.methods = "cfg, pg";
    axes.seeds = "1, 2";
    board->setAxisTexts(axes);
    REQUIRE(board->run());
    REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, kEngineTimeoutMs));
    REQUIRE(board->cellCount() == 4);
    for (int i = 0; i < board->cellCount(); ++i) {
      had_image.push_back(board->cell(i).hasImage());
      CHECK_MSG(board->cell(i).hasImage(), "cell " << i << " has no image");
    }
    board->setFavourite(3, true);
    board->setComparisonA(2);
    board->setComparisonB(3);
    board->selectCell(3);
    window.resize(1280, 980);  // the whole 2x2 grid
    save_screenshot(window, "main-window-compare.png");
    CHECK(wait_idle(window));
    window.close();  // writes the project at once
  }
  const std::string saved = read_text(s.project / "project.json");
  CHECK(saved.find("\"steer-compare-board\"") != std::string::npos);
  CHECK(saved.find("mug.safetensors") != std::string::npos);
  int pngs = 0;
  for (const auto& entry : fs::directory_iterator(s.project / "outputs" / "board-1")) pngs += entry.path().extension() == ".png";
  CHECK_EQ(pngs, 4);

  MainWindow reopened;
  FileAnswers none;
  prepare(reopened, none);
  REQUIRE(reopened.openProject(to_qstring(s.project)));
  REQUIRE(wait_for_model(reopened));
  REQUIRE(wait_for_subject(reopened));
  CHECK(none.asked.isEmpty());
  CHECK(any_visible_box() == nullptr);
  CHECK_EQ(str(reopened.engine().modelFolder()), s.model.string());
  CHECK(reopened.subjectPanel()->attached().kind == steer::SubjectSpec::Kind::Lora);
  CHECK(reopened.subjectPanel()->attached().path == s.lora);
  CHECK_EQ(request_text(reopened.generatePanel()->request()), request_text(shown));
  CHECK(reopened.windowTitle().contains(QLatin1String("mug-project")));
  CHECK(reopened.windowTitle().contains(QLatin1String("sd1-tiny")));
  REQUIRE(reopened.boardCount() == 1);
  steer::ui::CompareBoard* board = reopened.board(0);
  REQUIRE(board->cellCount() == 4);
  for (int i = 0; i < board->cellCount(); ++i)
    CHECK_MSG(board->cell(i).hasImage() == had_image[static_cast<size_t>(i)], "cell " << i);
  CHECK(board->cell(3).favourite);
  CHECK(!board->cell(0).favourite);
  CHECK_EQ(board->axisTexts().methods, std::string("cfg, pg"));
  // Reopening changed nothing, so the autosave writes nothing new.
  QTest::qWait(MainWindow::kAutosaveDelayMs + 500);
  CHECK(!reopened.hasUnsavedChanges());
  CHECK(read_text(s.project / "project.json") == saved);

  // Opening it again in the same window keeps the loaded model and re-attaches the subject.
  REQUIRE(reopened.openProject(to_qstring(s.project)));
  REQUIRE(wait_for_subject(reopened));
  CHECK(reopened.logView()->toPlainText().contains(QLatin1String("is loaded already")));
  CHECK(reopened.subjectPanel()->attached().path == s.lora);
  CHECK_EQ(reopened.board(0)->cellCount(), 4);
}

TEST_CASE("A moved model folder and subject are located, and the project records the new places") {
  Scratch s;
  FileAnswers answers;
  {
    MainWindow window;
    prepare(window, answers);
    make_project(window, s);
    CHECK(wait_idle(window));
  }
  const fs::path moved_model = s.root / "elsewhere" / "sd1-tiny-moved";
  const fs::path moved_lora = s.root / "elsewhere" / "mug-v2.safetensors";
  fs::create_directories(moved_model.parent_path());
  fs::rename(s.model, moved_model);
  fs::rename(s.lora, moved_lora);

  {
    MainWindow window;
    answers.by_purpose[QStringLiteral("locate-model")] = to_qstring(moved_model);
    answers.by_purpose[QStringLiteral("locate-subject")] = to_qstring(moved_lora);
    prepare(window, answers);
    REQUIRE(window.openProject(to_qstring(s.project)));
    // The settings are back at once, before any model.
    CHECK_EQ(window.generatePanel()->request().prompt, designer_request().prompt);

    QMessageBox* missing = wait_for_box("missingModelDialog");
    REQUIRE(missing != nullptr);
    CHECK_MSG(missing->text().contains(to_qstring(s.model)), "dialog: " << str(missing->text()));
    CHECK(!missing->detailedText().isEmpty());
    click(missing, "locateButton");
    REQUIRE(wait_for_model(window));
    CHECK_EQ(str(window.engine().modelFolder()), moved_model.string());
    CHECK(answers.asked.contains(QStringLiteral("locate-model")));

    QMessageBox* missing_subject = wait_for_box("missingSubjectDialog");
    REQUIRE(missing_subject != nullptr);
    CHECK(missing_subject->text().contains(to_qstring(s.lora)));
    click(missing_subject, "locateButton");
    REQUIRE(wait_for_subject(window));
    CHECK(window.subjectPanel()->attached().path == moved_lora);
    CHECK(window.logView()->toPlainText().contains(QLatin1String("is missing")));
    // Autosaved: the project now points at the new places.
    CHECK(QTest::qWaitFor(
        [&] {
          const steer::ui::Project p = steer::ui::read_project(to_qstring(s.project));
          return p.model && p.model->folder == moved_model && p.subject.path == moved_lora;
        },
        MainWindow::kAutosaveDelayMs + 5000));
  }
  const steer::ui::Project updated = steer::ui::read_project(to_qstring(s.project));
  REQUIRE(updated.model.has_value());
  CHECK(updated.model->folder == moved_model);
  CHECK_EQ(updated.model->identity.folder_name, std::string("sd1-tiny-moved"));
  CHECK(updated.subject.path == moved_lora);

  // Gone again, and this time the designer continues without it: the window stays usable
  // and the project keeps pointing at the model.
  fs::rename(moved_model, s.root / "gone");
  {
    MainWindow window;
    FileAnswers unused;
    prepare(window, unused);
    REQUIRE(window.openProject(to_qstring(s.project)));
    QMessageBox* missing = wait_for_box("missingModelDialog");
    REQUIRE(missing != nullptr);
    click(missing, "continueWithoutButton");
    CHECK(QTest::qWaitFor([&] { return any_visible_box() == nullptr; }, 5000));
    CHECK(unused.asked.isEmpty());
    CHECK(!window.summaryView()->hasSummary());
    CHECK_EQ(window.generatePanel()->request().prompt, designer_request().prompt);
    CHECK(!window.generatePanel()->generate());  // refused in the panel: no model
    // Opening the model by hand instead also brings the project's subject back.
    window.openModelFolder(to_qstring(s.root / "gone"));
    REQUIRE(wait_for_model(window));
    REQUIRE(wait_for_subject(window));
    CHECK(window.subjectPanel()->attached().path == moved_lora);
  }
  const steer::ui::Project last = steer::ui::read_project(to_qstring(s.project));
  CHECK(last.model->folder == s.root / "gone");
  CHECK(last.subject.path == moved_lora);
}

TEST_CASE("A broken model folder in a project shows an error dialog with details, and the window stays usable") {
  Scratch s;
  const fs::path broken = s.root / "models" / "broken-model";
  fs::copy(s.model, broken, fs::copy_options::recursive);
  fs::remove_all(broken / "unet");
  steer::ui::Project project;
  project.model = steer::ui::ProjectModel{broken, steer::ui::identify_model_folder(to_qstring(broken))};
  project.request = designer_request();
  steer::ui::write_project(to_qstring(s.project), project);

  MainWindow window;
  FileAnswers answers;
  prepare(window, answers);
  REQUIRE(window.openProject(to_qstring(s.project)));
  QPointer<QMessageBox> box = wait_for_box("modelLoadErrorDialog");
  REQUIRE(!box.isNull());
  CHECK(box->icon() == QMessageBox::Critical);
  CHECK(box->text().contains(to_qstring(broken)));
  CHECK_MSG(box->informativeText().contains(QLatin1String("unet")), "reason: " << str(box->informativeText()));
  CHECK_MSG(box->detailedText().contains(QLatin1String("unet")) && box->detailedText().contains(to_qstring(broken)),
            "details: " << str(box->detailedText()));
  CHECK(window.logView()->errorCount() >= 1);
  CHECK(window.logView()->toPlainText().contains(QLatin1String("error")));
  box->button(QMessageBox::Ok)->click();
  CHECK(QTest::qWaitFor([&] { return box.isNull(); }, 5000));

  // Usable: settings restored, another model loads, the project then records it.
  CHECK_EQ(window.generatePanel()->request().prompt, designer_request().prompt);
  window.openModelFolder(to_qstring(s.model));
  REQUIRE(wait_for_model(window));
  REQUIRE(window.saveProject());
  CHECK(steer::ui::read_project(to_qstring(s.project)).model->folder == s.model);

  // A project file that is not one: an error dialog, and the open project stays open.
  const fs::path bad = s.root / "bad-project";
  fs::create_directories(bad);
  std::ofstream(bad / "project.json") << "{\"format\": \"steer-studio-project\", \"version\": 1, \"boards\": 3}";
  CHECK(!window.openProject(to_qstring(bad)));
  QPointer<QMessageBox> project_box = wait_for_box("projectErrorDialog", 5000);
  REQUIRE(!project_box.isNull());
  CHECK(project_box->informativeText().contains(QLatin1String("boards")));
  CHECK(!project_box->detailedText().isEmpty());
  project_box->button(QMessageBox::Ok)->click();
  CHECK_EQ(str(window.projectFolder()), s.project.string());
}

TEST_CASE("Dropping a LoRA attaches it; dropping a model folder asks base or fine-tuned subject") {
  Scratch s;
  MainWindow window;
  FileAnswers answers;
  prepare(window, answers);

  auto drop = [&](const fs::path& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(to_qstring(path))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QApplication::sendEvent(&window, &enter);
    if (!enter.isAccepted()) return false;
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &event);
    return true;
  };

  // No model yet: a model folder just opens.
  REQUIRE(drop(s.model));
  REQUIRE(wait_for_model(window));
  CHECK(visible_box("dropFolderChoiceDialog") == nullptr);

  REQUIRE(drop(s.lora));
  REQUIRE(wait_for_subject(window));
  CHECK(window.subjectPanel()->attached().kind == steer::SubjectSpec::Kind::Lora);

  // A model folder while one is loaded: attach it as the fine-tuned subject. A copy of the
  // base with one UNet weight nudged (the engine refuses a "subject" equal to the base).
  const fs::path fine_tuned = s.root / "models" / "sd1-tiny-finetuned";
  fs::copy(s.model, fine_tuned, fs::copy_options::recursive);
  nudge_first_weight(fine_tuned / "unet" / "diffusion_pytorch_model.safetensors");
  REQUIRE(drop(fine_tuned));
  QMessageBox* choice = wait_for_box("dropFolderChoiceDialog", 5000);
  REQUIRE(choice != nullptr);
  click(choice, "attachAsSubjectButton");
  REQUIRE(QTest::qWaitFor(
      [&] { return window.subjectPanel()->attached().kind == steer::SubjectSpec::Kind::FineTuned && !window.engine().isBusy(); },
      kEngineTimeoutMs));
  CHECK(window.subjectPanel()->attached().path == fine_tuned);
  const QString note = window.subjectPanel()->findChild<QLabel*>(QStringLiteral("subjectNoteValue"))->text();
  std::cout << "fine-tuned subject note: " << str(note) << "\n";
  CHECK(!note.isEmpty());

  // Detach.
  window.detachSubject();
  REQUIRE(QTest::qWaitFor([&] { return !window.subjectPanel()->hasSubject() && !window.engine().isBusy(); }, kEngineTimeoutMs));

  // Or open it as the new base model.
  REQUIRE(drop(fine_tuned));
  choice = wait_for_box("dropFolderChoiceDialog", 5000);
  REQUIRE(choice != nullptr);
  click(choice, "openAsBaseButton");
  REQUIRE(QTest::qWaitFor([&] { return window.engine().modelFolder() == to_qstring(fine_tuned) && !window.engine().isBusy(); },
                          kEngineTimeoutMs));

  // A text file is refused.
  std::ofstream(s.root / "notes.txt") << "hello";
  CHECK(!drop(s.root / "notes.txt"));
}

TEST_CASE("The window's shortcuts exist and reach the panel and the board") {
  auto shortcuts_of = [](MainWindow& window, const char* name) {
    auto* action = window.findChild<QAction*>(QString::fromLatin1(name));
    REQUIRE(action != nullptr);
    return action->shortcuts();
  };
  Scratch s;
  MainWindow window;
  FileAnswers answers;
  prepare(window, answers);
  CHECK(shortcuts_of(window, "generateAction").contains(QKeySequence(Qt::CTRL | Qt::Key_Return)));
  CHECK(shortcuts_of(window, "cancelAction").contains(QKeySequence(Qt::Key_Escape)));
  CHECK(shortcuts_of(window, "nextCellAction").contains(QKeySequence(Qt::CTRL | Qt::Key_Right)));
  CHECK(shortcuts_of(window, "nextCellAction").contains(QKeySequence(Qt::Key_BracketRight)));
  CHECK(shortcuts_of(window, "previousCellAction").contains(QKeySequence(Qt::CTRL | Qt::Key_Left)));
  CHECK(shortcuts_of(window, "previousCellAction").contains(QKeySequence(Qt::Key_BracketLeft)));
  CHECK(shortcuts_of(window, "exportAction").contains(QKeySequence(Qt::CTRL | Qt::Key_E)));
  CHECK(shortcuts_of(window, "openModelFolderAction").contains(QKeySequence(QKeySequence::Open)));
  CHECK(shortcuts_of(window, "saveProjectAction").contains(QKeySequence(QKeySequence::Save)));
  CHECK(shortcuts_of(window, "newProjectAction").contains(QKeySequence(QKeySequence::New)));

  // Real key presses, while typing in the prompt: Ctrl+Return generates, Esc cancels.
  REQUIRE(window.newProject(to_qstring(s.project)));
  window.openModelFolder(to_qstring(s.model));
  REQUIRE(wait_for_model(window));
  steer::GenerationRequest slow = designer_request();
  slow.guidance.method = steer::GuidanceMethod::Cfg;
  slow.steps = 50;
  window.generatePanel()->setRequest(slow);
  // Slow steps, so that Esc surely arrives while the job runs.
  window.engine().setStepHookForTesting([](quint64, int, const steer::StepEvent&) { QThread::msleep(20); });
  window.tabs()->setCurrentIndex(MainWindow::GenerateTab);
  window.activateWindow();
  REQUIRE(QTest::qWaitForWindowActive(&window));
  auto* prompt = window.generatePanel()->findChild<QPlainTextEdit*>(QStringLiteral("prompt"));
  REQUIRE(prompt != nullptr);
  prompt->setFocus();
  QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
  CHECK(window.generatePanel()->isGenerating());
  QTest::keyClick(prompt, Qt::Key_Escape);
  REQUIRE(QTest::qWaitFor([&] { return !window.generatePanel()->isGenerating(); }, kEngineTimeoutMs));
  CHECK(window.generatePanel()->currentImage().isNull());  // cancelled before the end
  CHECK(window.logView()->toPlainText().contains(QLatin1String("cancelled")));
  CHECK(wait_idle(window));
  window.engine().setStepHookForTesting({});

  // Ctrl+Return on the Compare tab runs the board; ] and [ step through its cells.
  window.generatePanel()->setRequest(designer_request());
  window.tabs()->setCurrentIndex(MainWindow::CompareTab);
  steer::ui::CompareBoard* board = window.currentBoard();
  steer::ui::BoardAxisTexts axes;
  axes.methods = "cfg";
  axes.seeds = "1, 2, 3";
  board->setAxisTexts(axes);
  board->gridView()->setFocus();
  QTest::keyClick(&window, Qt::Key_Return, Qt::ControlModifier);
  CHECK(board->isRunning() || board->cellCount() == 3);
  REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, kEngineTimeoutMs));
  REQUIRE(board->cellCount() == 3);
  board->selectCell(0);
  board->gridView()->setFocus();
  QTest::keyClick(board->gridView(), Qt::Key_BracketRight);
  CHECK_EQ(board->currentCell(), 1);
  QTest::keyClick(board->gridView(), Qt::Key_Right, Qt::ControlModifier);
  CHECK_EQ(board->currentCell(), 2);
  QTest::keyClick(board->gridView(), Qt::Key_BracketLeft);
  CHECK_EQ(board->currentCell(), 1);

  // Ctrl+E opens the board's export dialog.
  QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
  QPointer<steer::ui::ExportDialog> dialog;
  CHECK(QTest::qWaitFor(
      [&] {
        for (QWidget* w : QApplication::topLevelWidgets())
          if (auto* d = qobject_cast<steer::ui::ExportDialog*>(w); d && d->isVisible()) dialog = d;
        return !dialog.isNull();
      },
      5000));
  if (dialog) dialog->close();
  CHECK(wait_idle(window));
}

TEST_CASE("Closing a session with images but no project offers to save it as one") {
  Scratch s;
  FileAnswers answers;
  answers.by_purpose[QStringLiteral("save-project")] = to_qstring(s.project);
  MainWindow window;
  prepare(window, answers);
  window.openModelFolder(to_qstring(s.model));
  REQUIRE(wait_for_model(window));
  steer::GenerationRequest r = designer_request();
  r.guidance.method = steer::GuidanceMethod::Cfg;
  window.generatePanel()->setRequest(r);
  REQUIRE(window.generatePanel()->generate());
  REQUIRE(QTest::qWaitFor([&] { return !window.generatePanel()->isGenerating(); }, kEngineTimeoutMs));
  REQUIRE(!window.generatePanel()->currentImage().isNull());

  // The question is a blocking exec() inside closeEvent: a timer answers it.
  auto answer_with = [](const char* button_text) {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, button_text] {
      if (QMessageBox* box = visible_box("saveSessionDialog")) {
        for (QAbstractButton* b : box->buttons())
          if (b->text().remove(QLatin1Char('&')).startsWith(QLatin1String(button_text))) b->click();
        timer->deleteLater();
      }
    });
    timer->start();
  };
  answer_with("Cancel");
  CHECK(!window.close());  // cancelled: the window stays
  CHECK(window.isVisible());
  answer_with("Save");
  CHECK(window.close());
  CHECK(answers.asked.contains(QStringLiteral("save-project")));
  REQUIRE(steer::ui::is_project_folder(to_qstring(s.project)));
  CHECK(steer::ui::read_project(to_qstring(s.project)).model->folder == s.model);
  int pngs = 0;
  for (const auto& entry : fs::directory_iterator(s.project / "outputs" / "generated"))
    pngs += entry.path().extension() == ".png";
  CHECK_EQ(pngs, 1);
}

TEST_CASE("Geometry, the log dock and the tab are restored in a new window") {
  QSize saved_size;
  {
    MainWindow window;
    FileAnswers answers;
    prepare(window, answers);
    window.resize(1000, 700);
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("logDock"));
    REQUIRE(dock != nullptr);
    CHECK(dock->isVisible());
    dock->hide();
    window.tabs()->setCurrentIndex(MainWindow::CompareTab);
    QApplication::processEvents();
    saved_size = window.size();
    CHECK(saved_size.width() == 1000);  // not the default 1180
    window.close();
  }
  // A new window: its constructor restores what the last one saved on close.
  MainWindow restored;
  restored.show();
  REQUIRE(QTest::qWaitForWindowExposed(&restored));
  CHECK_MSG(restored.size() == saved_size, "restored size " << restored.size().width() << "x" << restored.size().height());
  CHECK(!restored.findChild<QDockWidget*>(QStringLiteral("logDock"))->isVisible());
  CHECK_EQ(restored.tabs()->currentIndex(), static_cast<int>(MainWindow::CompareTab));
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Recent lists and window geometry go to a scratch folder, never the user's settings.
  QTemporaryDir settings_dir;
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_project"));
  QApplication::setApplicationDisplayName(QStringLiteral("Steer Studio"));
  QApplication::setApplicationVersion(QStringLiteral("test"));
  return steer::testing::run_all(argc, argv);
}
