// The Train panel in the real main window, offscreen, training the tiny SD 1.x fixture
// (64x64 pixels) on four small photos:
// - photos dropped onto the grid are copied (never moved) into a dataset folder the
//   designer is asked for, and a caption edit is written as the photo's .txt sidecar;
// - a 6-step LoRA run entered through the form (checkpoint every 3, a sample every 3)
//   plots 6 losses, reaches 6/6, writes checkpoints, samples and the LoRA file; Compare
//   opens a CFG vs PG board with the LoRA attached;
// - Pause holds the run between steps and Resume continues it;
// - Cancel writes a checkpoint and Start continues from it to the end;
// - a 2-step DreamBooth run writes a model folder;
// - refused settings are named beside Start, and nothing is submitted;
// - the panel's settings are saved in the project and restored with it.
// The widgets' own logic (loss plot, 1-2-5 steps, copying and captions) is checked first,
// without training. Saves docs/screenshots/train_panel.png.
#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "core/training/training_run.h"
#include "core/training/training_settings.h"
#include "tests/support/test_harness.h"
#include "ui/board/compare_board.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/panels/train_panel.h"
#include "ui/panels/training_settings_form.h"
#include "ui/path_text.h"
#include "ui/widgets/dataset_files.h"
#include "ui/widgets/dataset_grid.h"
#include "ui/widgets/loss_plot.h"
#include "ui/widgets/scientific_spin_box.h"
#include "ui/widgets/subject_panel.h"
#include "ui/widgets/training_sample_strip.h"

namespace fs = std::filesystem;
using steer::ui::MainWindow;
using steer::ui::to_path;
using steer::ui::to_qstring;
using steer::ui::TrainPanel;

namespace {

constexpr int kTrainTimeoutMs = 300'000;
const char* const kInstancePrompt = "a photo of sks mug";

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}
fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
T* child(QWidget* root, const char* name) {
  T* widget = root->findChild<T*>(QString::fromLatin1(name));
  if (!widget) std::cerr << "no child " << name << "\n";
  REQUIRE(widget != nullptr);
  return widget;
}

void click(QWidget* root, const char* name) {
  auto* button = child<QPushButton>(root, name);
  REQUIRE(button->isEnabled());
  button->click();
}

// Four small photos that differ in colour and layout (so the loader sees no duplicates).
std::vector<fs::path> write_photos(const fs::path& folder) {
  fs::create_directories(folder);
  const QColor colours[] = {QColor(200, 40, 40), QColor(40, 170, 60), QColor(50, 80, 210), QColor(230, 200, 30)};
  std::vector<fs::path> files;
  for (int i = 0; i < 4; ++i) {
    QImage image(64, 64, QImage::Format_RGB32);
    image.fill(QColor(240 - 30 * i, 230, 220 + 8 * i));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(colours[i]);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(16 + 10 * i, 40 - 6 * i), 10 + 3 * i, 14 - 2 * i);
    p.fillRect(QRect(4 * i, 56 - 5 * i, 64 - 8 * i, 4 + i), colours[(i + 2) % 4]);
    p.end();
    const fs::path file = folder / ("photo-" + std::to_string(i + 1) + ".png");
    REQUIRE(image.save(to_qstring(file), "PNG"));
    files.push_back(file);
  }
  return files;
}

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

// One temporary folder per test: originals/ (the designer's photos elsewhere), runs.
struct Scratch {
  QTemporaryDir dir;
  fs::path root = to_path(dir.path());
  fs::path originals = root / "originals";
  fs::path dataset = root / "dataset";
};

bool drop_files(QWidget* target, const std::vector<fs::path>& files) {
  QMimeData mime;
  QList<QUrl> urls;
  for (const fs::path& file : files) urls << QUrl::fromLocalFile(to_qstring(file));
  mime.setUrls(urls);
  QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  enter.setAccepted(false);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

bool wait_for_scan(steer::ui::DatasetGrid* grid, int images) {
  return QTest::qWaitFor([&] { return !grid->isScanning() && grid->imageCount() == images; }, 30'000);
}

// The settings of the LoRA run, entered through the form's controls.
void enter_lora_settings(TrainPanel* panel, const fs::path& output) {
  QWidget* form = panel->form();
  auto* method = child<QComboBox>(form, "method");
  method->setCurrentIndex(method->findData(static_cast<int>(steer::TrainingMethod::Lora)));
  child<QLineEdit>(form, "instancePrompt")->setText(QString::fromLatin1(kInstancePrompt));
  child<QLineEdit>(form, "baseModel")->setText(to_qstring(tiny_model_folder()));
  child<QLineEdit>(form, "outputFolder")->setText(to_qstring(output));
  child<QSpinBox>(form, "resolution")->setValue(64);
  child<QSpinBox>(form, "rank")->setValue(4);
  child<QDoubleSpinBox>(form, "alpha")->setValue(4);
  child<QSpinBox>(form, "steps")->setValue(6);
  child<QSpinBox>(form, "checkpointEvery")->setValue(3);
  child<QSpinBox>(form, "keepCheckpoints")->setValue(3);
  child<QSpinBox>(form, "sampleEvery")->setValue(3);
  child<QPlainTextEdit>(form, "samplePrompts")->setPlainText(QStringLiteral("a photo of sks mug on a table"));
  child<QLineEdit>(form, "sampleSeeds")->setText(QStringLiteral("7"));
  child<QSpinBox>(form, "sampleSteps")->setValue(2);
}

// Every training event of the window's engine, in arrival order.
struct EventLog {
  std::vector<steer::TrainingEvent> events;
  QMetaObject::Connection connection;
  explicit EventLog(MainWindow& window) {
    connection = QObject::connect(&window.engine(), &steer::ui::EngineBridge::trainingEvent,
                                  [this](quint64, const steer::TrainingEvent& e) { events.push_back(e); });
  }
  ~EventLog() { QObject::disconnect(connection); }
  int count(steer::TrainingEvent::Kind kind) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }
  const steer::TrainingEvent* last(steer::TrainingEvent::Kind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->kind == kind) return &*it;
    return nullptr;
  }
};

bool wait_until_done(TrainPanel* panel) {
  return QTest::qWaitFor([&] { return !panel->isTraining(); }, kTrainTimeoutMs);
}

void print_failure(TrainPanel* panel) {
  if (!panel->validationText().isEmpty()) std::cerr << "  panel says: " << str(panel->validationText()) << "\n";
}

int directories_in(const fs::path& folder) {
  int n = 0;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return 0;
  for (const auto& entry : fs::directory_iterator(folder)) n += entry.is_directory() ? 1 : 0;
  return n;
}

int pngs_in(const fs::path& folder) {
  int n = 0;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return 0;
  for (const auto& entry : fs::directory_iterator(folder)) n += entry.path().extension() == ".png" ? 1 : 0;
  return n;
}

void save_screenshot(QWidget& widget, const char* name) {
  // docs/screenshots is written only by tools/make_screenshots.sh (STEER_SCREENSHOT_DIR); a test
  // run leaves the source tree as it found it.
  const char* screenshot_dir = std::getenv("STEER_SCREENSHOT_DIR");
  const fs::path shot_path =
      (screenshot_dir && *screenshot_dir ? fs::path(screenshot_dir) : fs::temp_directory_path() / "steer-screenshots") / name;
  fs::create_directories(shot_path.parent_path());
  QApplication::processEvents();
  const QPixmap shot = widget.grab();
  REQUIRE(!shot.isNull());
  REQUIRE(shot.save(to_qstring(shot_path), "PNG"));
  CHECK(!QImage(to_qstring(shot_path)).isNull());
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

// A window on the Train tab with the dataset in place (copied in by a drop).
struct TrainSetup {
  Scratch s;
  FileAnswers answers;
  MainWindow window;
  TrainPanel* panel = nullptr;

  TrainSetup() {
    window.setFileChooser(answers.chooser());
    window.resize(1400, 940);
    window.show();
    window.tabs()->setCurrentIndex(MainWindow::TrainTab);
    panel = window.trainPanel();
  }
  void prepareDataset() {
    QStringList files;
    for (const fs::path& photo : write_photos(s.originals)) files << to_qstring(photo);
    panel->datasetGrid()->setFolder(to_qstring(s.dataset));  // may not exist yet: created by the copy
    const QStringList copied = panel->datasetGrid()->addImages(files);
    REQUIRE(copied.size() == 4);
    REQUIRE(wait_for_scan(panel->datasetGrid(), 4));
  }
};

}  // namespace

TEST_CASE("Loss plot, 1-2-5 stepping, dataset copies and captions") {
  steer::ui::LossPlot plot;
  plot.resize(400, 200);
  for (int step = 1; step <= 5; ++step) plot.addPoint(step, 1.0 / step, 0.8 / step);
  CHECK_EQ(plot.pointCount(), 5);
  plot.truncateAfter(3);
  CHECK_EQ(plot.pointCount(), 3);
  plot.addPoint(2, 0.7, 0.6);  // a repeated step replaces the points from it on
  CHECK_EQ(plot.pointCount(), 2);
  CHECK_EQ(plot.points().back().step, 2);
  for (int step = 3; step <= 5000; ++step) plot.addPoint(step, 1.0 + (step % 7) * 0.01, 1.03);
  QElapsedTimer timer;
  timer.start();
  const QPixmap painted = plot.grab();
  CHECK(!painted.isNull());
  std::cout << "  5000-point loss plot painted in " << timer.elapsed() << " ms\n";
  CHECK(timer.elapsed() < 200);
  const std::vector<double> ticks = steer::ui::nice_ticks(0.013, 0.171, 4);
  REQUIRE(ticks.size() >= 3);
  CHECK(std::abs(ticks[1] - ticks[0] - 0.05) < 1e-12);

  CHECK(std::abs(steer::ui::step_one_two_five(1e-4, 1) - 2e-4) < 1e-15);
  CHECK(std::abs(steer::ui::step_one_two_five(2e-4, 1) - 5e-4) < 1e-15);
  CHECK(std::abs(steer::ui::step_one_two_five(5e-4, 1) - 1e-3) < 1e-15);
  CHECK(std::abs(steer::ui::step_one_two_five(1e-4, -1) - 5e-5) < 1e-15);
  CHECK(std::abs(steer::ui::step_one_two_five(3e-4, -1) - 2e-4) < 1e-15);
  steer::ui::ScientificSpinBox lr;
  lr.setValue(5e-6);
  CHECK_EQ(str(lr.text()), std::string("5e-06"));
  CHECK(lr.value() == 5e-6);

  Scratch s;
  const std::vector<fs::path> photos = write_photos(s.originals);
  {
    std::ofstream(s.originals / "photo-1.txt") << "a photo of sks mug, red\n";
    std::ofstream(s.originals / "notes.md") << "not a photo";
  }
  QStringList files;
  for (const auto& p : photos) files << to_qstring(p);
  files << to_qstring(s.originals / "notes.md");
  auto copy = steer::ui::copy_into_dataset(files, to_qstring(s.dataset));
  CHECK_EQ(copy.copied.size(), 4);
  CHECK_EQ(copy.skipped.size(), 1);
  for (const auto& p : photos) CHECK(fs::exists(p));  // copied, not moved
  CHECK_EQ(read_text(s.dataset / "photo-1.txt"), read_text(s.originals / "photo-1.txt"));
  // The same photo again: a new name, the first copy untouched.
  copy = steer::ui::copy_into_dataset({to_qstring(photos[0])}, to_qstring(s.dataset));
  REQUIRE(copy.copied.size() == 1);
  CHECK(copy.copied[0].endsWith(QLatin1String("photo-1-2.png")));
  CHECK_EQ(steer::ui::dataset_image_files(to_qstring(s.dataset)).size(), 5);

  const QString image = to_qstring(s.dataset / "photo-2.png");
  steer::ui::write_caption(image, QStringLiteral("  a photo of sks mug, green  "));
  CHECK_EQ(read_text(s.dataset / "photo-2.txt"), std::string("a photo of sks mug, green\n"));
  CHECK_EQ(str(steer::ui::read_caption(image)), std::string("a photo of sks mug, green"));
  steer::ui::write_caption(image, QString());
  CHECK(!fs::exists(s.dataset / "photo-2.txt"));
  for (const auto& entry : fs::directory_iterator(s.dataset))  // no temporary file left behind
    CHECK_MSG(entry.path().extension() == ".png" || entry.path().extension() == ".txt", entry.path().string());
}

TEST_CASE("A LoRA run: drop, caption, 6 steps with loss, checkpoints, samples; Compare opens CFG vs PG") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  TrainSetup t;
  TrainPanel* panel = t.panel;
  auto* grid = panel->datasetGrid();

  const fs::path output = t.s.root / "run-lora";
  enter_lora_settings(panel, output);

  // Photos dropped on a grid without a folder: the designer names one, they are copied.
  const std::vector<fs::path> originals = write_photos(t.s.originals);
  t.answers.by_purpose[QStringLiteral("dataset-folder")] = to_qstring(t.s.dataset);
  REQUIRE(drop_files(grid, originals));
  REQUIRE(wait_for_scan(grid, 4));
  CHECK(t.answers.asked.contains(QStringLiteral("dataset-folder")));
  CHECK_EQ(str(grid->folder()), t.s.dataset.string());
  for (const fs::path& original : originals) {
    CHECK(fs::exists(original));
    CHECK(fs::exists(t.s.dataset / original.filename()));
  }
  CHECK_MSG(grid->scan().refusal.isEmpty(), str(grid->scan().refusal));
  CHECK_EQ(grid->scan().examples, 4);

  // A caption edited on the first photo becomes its sidecar.
  grid->selectImage(0);
  auto* caption = child<QPlainTextEdit>(grid, "captionEdit");
  REQUIRE(caption->isEnabled());
  QTest::keyClicks(caption, QStringLiteral("a photo of sks mug on a wooden table"));
  click(grid, "saveCaptionButton");
  CHECK_EQ(read_text(t.s.dataset / "photo-1.txt"), std::string("a photo of sks mug on a wooden table\n"));
  REQUIRE(wait_for_scan(grid, 4));
  CHECK_EQ(str(grid->scan().images[0].caption), std::string("a photo of sks mug on a wooden table"));

  auto* start = child<QPushButton>(panel, "startButton");
  CHECK(start->isEnabled());
  CHECK(!child<QPushButton>(panel, "pauseButton")->isEnabled());
  CHECK(!child<QPushButton>(panel, "cancelTrainingButton")->isEnabled());
  CHECK(!child<QPushButton>(panel, "compareButton")->isEnabled());

  EventLog log(t.window);
  QElapsedTimer timer;
  timer.start();
  start->click();
  REQUIRE(panel->isTraining());
  CHECK(!start->isEnabled());
  CHECK(child<QPushButton>(panel, "cancelTrainingButton")->isEnabled());
  REQUIRE(wait_until_done(panel));
  std::cout << "  6-step LoRA run: " << timer.elapsed() << " ms\n";
  print_failure(panel);
  REQUIRE(panel->validationText().isEmpty());

  const steer::TrainingSettings run = panel->lastRunSettings();
  CHECK_EQ(run.max_steps, 6);
  CHECK_EQ(run.resolution, 64);
  CHECK_EQ(run.checkpoint_every, 3);
  CHECK_EQ(run.sample_steps, 2);
  CHECK_EQ(run.dataset.string(), t.s.dataset.string());
  CHECK_EQ(panel->lossPlot()->pointCount(), 6);
  CHECK_EQ(panel->progressBar()->value(), 6);
  CHECK_EQ(panel->progressBar()->maximum(), 6);
  CHECK_EQ(log.count(steer::TrainingEvent::Kind::Step), 6);
  CHECK(directories_in(output / "checkpoints") >= 1);
  CHECK(steer::latest_checkpoint(output).has_value());
  CHECK(fs::is_regular_file(run.result_path()));
  CHECK_EQ(str(panel->resultPath()), run.result_path().string());
  const int samples = panel->sampleStrip()->sampleCount();
  CHECK(samples >= 1);
  CHECK_EQ(samples, log.count(steer::TrainingEvent::Kind::Sample));
  CHECK_EQ(samples, pngs_in(output / "samples"));
  for (int i = 0; i < samples; ++i) {
    CHECK(panel->sampleStrip()->sample(i).step % 3 == 0);
    CHECK(!panel->sampleStrip()->sample(i).image.isNull());
  }
  CHECK(!child<QPushButton>(panel, "resumeButton")->isEnabled());  // finished: nothing to resume
  REQUIRE(child<QPushButton>(panel, "compareButton")->isEnabled());
  save_screenshot(t.window, "train_panel.png");

  // Compare: the LoRA becomes the subject (its base model loaded first) on a CFG vs PG board.
  click(panel, "compareButton");
  CHECK_EQ(t.window.tabs()->currentIndex(), static_cast<int>(MainWindow::CompareTab));
  REQUIRE(QTest::qWaitFor([&] { return t.window.subjectPanel()->hasSubject() && !t.window.engine().isBusy(); }, kTrainTimeoutMs));
  CHECK(t.window.subjectPanel()->attached().kind == steer::SubjectSpec::Kind::Lora);
  CHECK_EQ(t.window.subjectPanel()->attached().path.string(), run.result_path().string());
  CHECK_EQ(t.window.engine().modelFolder().toStdString(), tiny_model_folder().string());
  steer::ui::CompareBoard* board = t.window.currentBoard();
  REQUIRE(board != nullptr);
  CHECK_EQ(board->axisTexts().methods, std::string("cfg, pg"));
  REQUIRE(board->axisTexts().prompts.size() == 1);
  CHECK_EQ(board->axisTexts().prompts[0], std::string("a photo of sks mug on a table"));
}

TEST_CASE("Pause holds the run between steps; Resume continues it to the end") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  TrainSetup t;
  TrainPanel* panel = t.panel;
  t.prepareDataset();
  enter_lora_settings(panel, t.s.root / "run-pause");
  child<QSpinBox>(panel->form(), "sampleEvery")->setValue(0);
  // Slow steps (on the engine thread), so that Pause lands mid-run.
  t.window.engine().setTrainingHookForTesting([](quint64, const steer::TrainingEvent& e) {
    if (e.kind == steer::TrainingEvent::Kind::Step) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  });
  EventLog log(t.window);
  click(panel, "startButton");
  REQUIRE(QTest::qWaitFor([&] { return panel->lossPlot()->pointCount() >= 2 || !panel->isTraining(); }, kTrainTimeoutMs));
  REQUIRE(panel->isTraining());
  click(panel, "pauseButton");
  CHECK(panel->isPaused());
  CHECK(!child<QPushButton>(panel, "pauseButton")->isEnabled());
  CHECK(child<QPushButton>(panel, "resumeButton")->isEnabled());
  CHECK(child<QPushButton>(panel, "cancelTrainingButton")->isEnabled());
  CHECK(!child<QPushButton>(panel, "startButton")->isEnabled());
  REQUIRE(QTest::qWaitFor([&] { return log.count(steer::TrainingEvent::Kind::Paused) == 1; }, kTrainTimeoutMs));
  const int paused_at = panel->lossPlot()->pointCount();
  CHECK(paused_at < 6);
  QTest::qWait(1500);  // six slow steps' worth: none may happen
  CHECK_EQ(panel->lossPlot()->pointCount(), paused_at);
  CHECK_EQ(log.count(steer::TrainingEvent::Kind::Step), paused_at);
  CHECK(child<QLabel>(panel, "trainingStatus")->text().contains(QLatin1String("Paused")));

  click(panel, "resumeButton");
  CHECK(!panel->isPaused());
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
  CHECK(panel->validationText().isEmpty());
  CHECK_EQ(panel->lossPlot()->pointCount(), 6);
  CHECK_EQ(panel->progressBar()->value(), 6);
  CHECK(log.count(steer::TrainingEvent::Kind::Resumed) >= 1);
  CHECK(fs::is_regular_file(panel->lastRunSettings().result_path()));
  t.window.engine().setTrainingHookForTesting({});
}

TEST_CASE("Cancel writes a checkpoint; Start again continues from it and finishes") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  TrainSetup t;
  TrainPanel* panel = t.panel;
  t.prepareDataset();
  const fs::path output = t.s.root / "run-cancel";
  enter_lora_settings(panel, output);
  child<QSpinBox>(panel->form(), "sampleEvery")->setValue(0);
  t.window.engine().setTrainingHookForTesting([](quint64, const steer::TrainingEvent& e) {
    if (e.kind == steer::TrainingEvent::Kind::Step) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  });
  EventLog log(t.window);
  click(panel, "startButton");
  REQUIRE(QTest::qWaitFor([&] { return panel->lossPlot()->pointCount() >= 4 || !panel->isTraining(); }, kTrainTimeoutMs));
  REQUIRE(panel->isTraining());
  click(panel, "cancelTrainingButton");
  CHECK(!child<QPushButton>(panel, "cancelTrainingButton")->isEnabled());
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
  CHECK(panel->validationText().isEmpty());
  CHECK_EQ(log.count(steer::TrainingEvent::Kind::Cancelled), 1);
  CHECK_EQ(log.count(steer::TrainingEvent::Kind::Finished), 0);
  const int cancelled_at = panel->lossPlot()->pointCount();
  CHECK(cancelled_at >= 4 && cancelled_at < 6);
  CHECK(steer::latest_checkpoint(output).has_value());
  CHECK(!fs::exists(panel->lastRunSettings().result_path()));
  CHECK(panel->resultPath().isEmpty());
  CHECK(!child<QPushButton>(panel, "compareButton")->isEnabled());
  CHECK(child<QPushButton>(panel, "resumeButton")->isEnabled());  // an unfinished run to continue
  CHECK(child<QLabel>(panel, "resumeNote")->isVisibleTo(panel));

  t.window.engine().setTrainingHookForTesting({});
  log.events.clear();
  click(panel, "startButton");
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
  CHECK(panel->validationText().isEmpty());
  const steer::TrainingEvent* resumed = log.last(steer::TrainingEvent::Kind::Resumed);
  REQUIRE(resumed != nullptr);
  std::cout << "  " << resumed->text << "\n";
  CHECK(resumed->step >= 3 && resumed->step <= cancelled_at);
  const steer::TrainingEvent* first_step = nullptr;
  for (const auto& e : log.events)
    if (e.kind == steer::TrainingEvent::Kind::Step && !first_step) first_step = &e;
  REQUIRE(first_step != nullptr);
  CHECK_EQ(first_step->step, resumed->step + 1);
  CHECK_EQ(log.count(steer::TrainingEvent::Kind::Step), 6 - resumed->step);
  CHECK_EQ(panel->lossPlot()->pointCount(), 6);  // the points before the checkpoint stay
  CHECK_EQ(panel->progressBar()->value(), 6);
  CHECK(fs::is_regular_file(panel->lastRunSettings().result_path()));
  CHECK(child<QPushButton>(panel, "compareButton")->isEnabled());
}

TEST_CASE("A 2-step DreamBooth run writes a model folder") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  TrainSetup t;
  TrainPanel* panel = t.panel;
  t.prepareDataset();
  const fs::path output = t.s.root / "run-dreambooth";
  enter_lora_settings(panel, output);
  auto* method = child<QComboBox>(panel->form(), "method");
  method->setCurrentIndex(method->findData(static_cast<int>(steer::TrainingMethod::DreamBooth)));
  CHECK(!child<QSpinBox>(panel->form(), "rank")->isEnabled());
  child<QSpinBox>(panel->form(), "steps")->setValue(2);
  child<QSpinBox>(panel->form(), "checkpointEvery")->setValue(0);
  child<QSpinBox>(panel->form(), "sampleEvery")->setValue(0);
  child<QDoubleSpinBox>(panel->form(), "learningRate")->setValue(5e-6);
  click(panel, "startButton");
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
  REQUIRE(panel->validationText().isEmpty());
  const fs::path result = panel->lastRunSettings().result_path();
  CHECK(panel->lastRunSettings().method == steer::TrainingMethod::DreamBooth);
  CHECK(fs::is_directory(result));
  CHECK(fs::exists(result / "model_index.json"));
  CHECK_EQ(str(panel->resultPath()), result.string());
  CHECK_EQ(panel->lossPlot()->pointCount(), 2);
  CHECK(child<QPushButton>(panel, "compareButton")->isEnabled());
}

TEST_CASE("Out of memory mid-run: the error says what to lower, the app lives on, Start resumes") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  TrainSetup t;
  TrainPanel* panel = t.panel;
  t.prepareDataset();
  enter_lora_settings(panel, t.s.root / "run-oom");
  child<QSpinBox>(panel->form(), "steps")->setValue(4);
  child<QSpinBox>(panel->form(), "checkpointEvery")->setValue(1);
  child<QSpinBox>(panel->form(), "sampleEvery")->setValue(0);
  // The training run's fault-injection hook: step 3 fails as a device out-of-memory does.
  setenv("STEER_TRAINING_SIMULATE_OOM_AT_STEP", "3", 1);
  click(panel, "startButton");
  REQUIRE(wait_until_done(panel));
  unsetenv("STEER_TRAINING_SIMULATE_OOM_AT_STEP");
  auto* dialog = t.window.findChild<QMessageBox*>(QStringLiteral("trainingErrorDialog"));
  REQUIRE(dialog != nullptr);
  std::cout << "  " << str(dialog->informativeText()) << "\n";
  CHECK(dialog->informativeText().contains(QLatin1String("ran out of memory")));
  CHECK(dialog->informativeText().contains(QLatin1String("gradient checkpointing")));
  dialog->accept();
  CHECK_EQ(panel->lossPlot()->pointCount(), 2);
  CHECK(!panel->isTraining());
  // The window still works: the same Start continues from the step-2 checkpoint.
  click(panel, "startButton");
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
  CHECK(fs::is_regular_file(panel->lastRunSettings().result_path()));
}

TEST_CASE("Refused settings are named beside Start; nothing is submitted and the window lives on") {
  TrainSetup t;
  TrainPanel* panel = t.panel;
  auto* start = child<QPushButton>(panel, "startButton");

  // Nothing chosen yet.
  start->click();
  CHECK(!panel->isTraining());
  CHECK(panel->validationText().contains(QLatin1String("Not started")));
  CHECK(!child<QLabel>(panel, "trainValidationMessage")->isHidden());

  t.prepareDataset();
  enter_lora_settings(panel, t.s.root / "run-bad");
  const fs::path missing = t.s.root / "no-such-model";
  child<QLineEdit>(panel->form(), "baseModel")->setText(to_qstring(missing));
  start->click();
  CHECK(!panel->isTraining());
  CHECK(!t.window.engine().isBusy());
  std::cout << "  " << str(panel->validationText()) << "\n";
  CHECK(panel->validationText().contains(QLatin1String("no-such-model")));

  child<QLineEdit>(panel->form(), "baseModel")->setText(to_qstring(tiny_model_folder()));
  child<QLineEdit>(panel->form(), "sampleSeeds")->setText(QStringLiteral("7, seven"));
  start->click();
  CHECK(!panel->isTraining());
  CHECK(panel->validationText().contains(QLatin1String("sample seeds")));
  CHECK(panel->validationText().contains(QLatin1String("seven")));

  // Two photos are fewer than the loader accepts: the grid says so before any run.
  const fs::path small = t.s.root / "two-photos";
  fs::create_directories(small);
  fs::copy_file(t.s.dataset / "photo-1.png", small / "photo-1.png");
  fs::copy_file(t.s.dataset / "photo-2.png", small / "photo-2.png");
  panel->datasetGrid()->setFolder(to_qstring(small));
  REQUIRE(wait_for_scan(panel->datasetGrid(), 2));
  CHECK(!panel->datasetGrid()->scan().refusal.isEmpty());
  CHECK(!child<QLabel>(panel->datasetGrid(), "datasetMessages")->isHidden());
  std::cout << "  " << str(panel->datasetGrid()->scan().refusal) << "\n";

  // Fixed settings clear the message at the next Start.
  child<QLineEdit>(panel->form(), "sampleSeeds")->setText(QStringLiteral("7"));
  panel->datasetGrid()->setFolder(to_qstring(t.s.dataset));
  REQUIRE(wait_for_scan(panel->datasetGrid(), 4));
  child<QSpinBox>(panel->form(), "steps")->setValue(1);
  child<QSpinBox>(panel->form(), "sampleEvery")->setValue(0);
  start->click();
  CHECK(panel->isTraining());
  CHECK(panel->validationText().isEmpty());
  REQUIRE(wait_until_done(panel));
  print_failure(panel);
}

TEST_CASE("The Train panel's settings are saved in the project and come back with it") {
  Scratch s;
  const fs::path project = s.root / "project";
  std::string saved;
  {
    FileAnswers answers;
    MainWindow window;
    window.setFileChooser(answers.chooser());
    REQUIRE(window.newProject(to_qstring(project)));
    TrainPanel* panel = window.trainPanel();
    write_photos(s.dataset);
    panel->datasetGrid()->setFolder(to_qstring(s.dataset));
    enter_lora_settings(panel, s.root / "run-project");
    auto* method = child<QComboBox>(panel->form(), "method");
    method->setCurrentIndex(method->findData(static_cast<int>(steer::TrainingMethod::DreamBooth)));
    child<QCheckBox>(panel->form(), "useMinSnr")->setChecked(true);
    child<QDoubleSpinBox>(panel->form(), "snrGamma")->setValue(5);
    auto* prior = child<QComboBox>(panel->form(), "prior");
    prior->setCurrentIndex(prior->findData(static_cast<int>(steer::PriorPreservation::PriorPrediction)));
    child<QLineEdit>(panel->form(), "classPrompt")->setText(QStringLiteral("a photo of a mug"));
    CHECK(window.hasUnsavedChanges());
    REQUIRE(window.saveProject());
    saved = panel->settings().to_json().dump();
    CHECK(read_text(project / "project.json").find("a photo of a mug") != std::string::npos);
  }
  FileAnswers answers;
  MainWindow reopened;
  reopened.setFileChooser(answers.chooser());
  REQUIRE(reopened.openProject(to_qstring(project)));
  const steer::TrainingSettings restored = reopened.trainPanel()->settings();
  CHECK_EQ(restored.to_json().dump(), saved);
  CHECK(restored.method == steer::TrainingMethod::DreamBooth);
  CHECK(restored.snr_gamma.has_value());
  CHECK(restored.prior == steer::PriorPreservation::PriorPrediction);
  CHECK_EQ(restored.dataset.string(), s.dataset.string());
  CHECK_EQ(restored.sample_steps, 2);
  CHECK_EQ(str(reopened.trainPanel()->datasetGrid()->folder()), s.dataset.string());
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QTemporaryDir settings_dir;
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_train_panel"));
  return steer::testing::run_all(argc, argv);
}
