// A designer's first hour (issue 11, item 5): the app, offscreen, does nothing surprising.
//   - actions that need a model are disabled until one is loaded;
//   - a failed attach (a broken .safetensors) keeps the subject that was attached, in the
//     panel, on the boards and in the engine's images;
//   - the Log dock follows new lines unless the user scrolled up, and errors give what
//     failed and why on separate lines;
//   - a fixed setting clears its stale refusal; the board's Run is not "Run again" mid-run;
//   - enlarged images keep sharp pixels;
//   - the layout holds at 1024x640 (and, run again with QT_SCALE_FACTOR=2, at 2x): no
//     clipped or overlapping buttons, and the window does not grow when warnings appear.
//     Screenshots of both go to $STEER_SCREENSHOT_DIR, else the test's own folder.
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/formats/json.h"
#include "core/guidance/omega_schedule.h"
#include "core/training/training_settings.h"
#include "tests/support/qt_test_support.h"
#include "tests/support/test_harness.h"
#include "ui/board/compare_board.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/panels/generate_panel.h"
#include "ui/panels/image_conversion.h"
#include "ui/panels/preview_view.h"
#include "ui/panels/train_panel.h"
#include "ui/path_text.h"
#include "ui/widgets/log_view.h"
#include "ui/widgets/subject_panel.h"

namespace fs = std::filesystem;
using steer::testing::child;
using steer::testing::env_path;
using steer::testing::str;
using steer::testing::tiny_model_folder;
using steer::ui::CompareBoard;
using steer::ui::GeneratePanel;
using steer::ui::MainWindow;
using steer::ui::to_qstring;

namespace {

constexpr int kTimeoutMs = 120'000;

fs::path lora_file() { return steer::testing::tiny_lora_file(); }

QAction* action(MainWindow& window, const char* name) { return child<QAction>(&window, name); }

void load_tiny_model(MainWindow& window) {
  window.openModelFolder(to_qstring(tiny_model_folder()));
  REQUIRE(QTest::qWaitFor([&] { return window.engine().hasModel() && !window.engine().isBusy(); }, kTimeoutMs));
}

void attach(MainWindow& window, const fs::path& file) {
  steer::SubjectSpec subject;
  subject.kind = steer::SubjectSpec::Kind::Lora;
  subject.path = file;
  window.attachSubject(subject);
  REQUIRE(QTest::qWaitFor([&] { return !window.engine().isBusy(); }, kTimeoutMs));
}

void close_message_boxes() {
  for (QWidget* widget : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) box->close();
}

// One small image from the Generate panel; returns it.
QImage generate_small(MainWindow& window) {
  GeneratePanel* panel = window.generatePanel();
  child<QSpinBox>(panel, "width")->setValue(64);
  child<QSpinBox>(panel, "height")->setValue(64);
  child<QSpinBox>(panel, "steps")->setValue(3);
  child<QCheckBox>(panel, "randomSeed")->setChecked(false);
  REQUIRE(panel->generate());
  REQUIRE(QTest::qWaitFor([&] { return !panel->isGenerating(); }, kTimeoutMs));
  return panel->currentImage();
}

// The model's native side read from its configs, independently of the engine: the UNet's
// sample_size times the VAE's downscale (2 per block after the first).
int native_size_from_configs(const fs::path& model) {
  auto read = [](const fs::path& file) {
    std::ifstream in(file);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    return steer::json::parse(text.str());
  };
  const steer::json::Value unet = read(model / "unet" / "config.json");
  const steer::json::Value vae = read(model / "vae" / "config.json");
  const auto blocks = vae.at("block_out_channels").as_array().size();
  return static_cast<int>(unet.at("sample_size").as_int()) << (blocks - 1);
}

// PG with an ω interval that starts after it ends: refused before submitting.
void refuse_omega_interval(GeneratePanel* panel) {
  auto* method = child<QComboBox>(panel, "method");
  method->setCurrentIndex(method->findData(QStringLiteral("pg")));
  auto* kind = child<QComboBox>(panel, "omegaKind");
  kind->setCurrentIndex(kind->findData(static_cast<int>(steer::OmegaSchedule::Kind::Interval)));
  child<QDoubleSpinBox>(panel, "omegaIntervalEnd")->setValue(0.0);
  child<QDoubleSpinBox>(panel, "omegaIntervalBegin")->setValue(0.8);
  CHECK(!panel->generate());
  CHECK_MSG(child<QLabel>(panel, "validationMessage")->text().contains(QStringLiteral("omega interval")),
            str(child<QLabel>(panel, "validationMessage")->text()));
}

fs::path screenshot_folder() {
  const char* dir = std::getenv("STEER_SCREENSHOT_DIR");
  const fs::path folder = dir && *dir ? fs::path(dir) : env_path("STEER_TEST_OUTPUT_DIR");
  return folder.empty() ? fs::temp_directory_path() / "steer-screenshots" : folder;
}

std::string scale_suffix() { return qApp->devicePixelRatio() > 1.5 ? "-2x" : "-1x"; }

// Every visible button of `root` lies inside the window, is at least as large as it needs to
// show its text, and overlaps no other visible button.
void check_buttons_fit(QWidget& window, QWidget* root, const std::string& where) {
  std::vector<std::pair<QAbstractButton*, QRect>> shown;
  for (QAbstractButton* button : root->findChildren<QAbstractButton*>()) {
    if (!button->isVisibleTo(&window) || button->width() == 0) continue;
    // Buttons inside scroll areas may be scrolled out of view; their viewport clips them.
    bool in_scroll = false;
    for (QWidget* w = button->parentWidget(); w && w != &window; w = w->parentWidget())
      if (w->inherits("QAbstractScrollArea") || w->inherits("QScrollArea") ||
          w->objectName() == QLatin1String("qt_scrollarea_viewport"))
        in_scroll = true;
    const QRect r(button->mapTo(&window, QPoint(0, 0)), button->size());
    if (!in_scroll) {
      CHECK_MSG(window.rect().contains(r), where << ": button \"" << str(button->text()) << "\" (" << str(button->objectName())
                                                 << ") lies outside the window");
    }
    const QSize needed = button->minimumSizeHint();
    CHECK_MSG(button->width() >= needed.width() && button->height() >= needed.height(),
              where << ": button \"" << str(button->text()) << "\" is clipped: " << button->width() << "x" << button->height()
                    << " < " << needed.width() << "x" << needed.height());
    if (!in_scroll) shown.emplace_back(button, r);
  }
  // A column that scrolls only vertically must be as wide as its content: else the content
  // is cut off at the right (a check box's text, a spin box) with no scroll bar to reach it.
  for (QScrollArea* scroll : root->findChildren<QScrollArea*>()) {
    if (!scroll->isVisibleTo(&window) || !scroll->widget() || scroll->horizontalScrollBarPolicy() != Qt::ScrollBarAlwaysOff)
      continue;
    CHECK_MSG(scroll->viewport()->width() >= scroll->widget()->minimumSizeHint().width(),
              where << ": " << str(scroll->objectName()) << " clips its content: " << scroll->viewport()->width() << " < "
                    << scroll->widget()->minimumSizeHint().width());
  }
  for (size_t i = 0; i < shown.size(); ++i)
    for (size_t j = i + 1; j < shown.size(); ++j) {
      if (shown[i].first->isAncestorOf(shown[j].first) || shown[j].first->isAncestorOf(shown[i].first)) continue;
      CHECK_MSG(!shown[i].second.intersects(shown[j].second), where << ": buttons \"" << str(shown[i].first->text())
                                                                    << "\" and \"" << str(shown[j].first->text())
                                                                    << "\" overlap");
    }
}

}  // namespace

TEST_CASE("The tests keep their own settings and caches, never the user's") {
  // CTest gives every test a home in the build tree (tests/CMakeLists.txt, steer_isolate_tests).
  const QString home = qEnvironmentVariable("STEER_TEST_HOME");
  REQUIRE(!home.isEmpty());
  CHECK(QDir::homePath() == QDir(home).absolutePath());
  const QString settings = QSettings().fileName();
  CHECK_MSG(settings.startsWith(QDir(home).absolutePath() + QLatin1Char('/')), str(settings));
  CHECK(qEnvironmentVariable("XDG_CACHE_HOME").startsWith(home));  // the file-hash cache goes here
}

TEST_CASE("Actions that need a model are disabled until one is loaded") {
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  CHECK(!action(window, "generateAction")->isEnabled());
  CHECK(!action(window, "attachLoraAction")->isEnabled());
  CHECK(!action(window, "attachFineTunedAction")->isEnabled());
  CHECK(!action(window, "detachSubjectAction")->isEnabled());
  CHECK(action(window, "openModelFolderAction")->isEnabled());  // the control: what needs no model
  load_tiny_model(window);
  CHECK(action(window, "generateAction")->isEnabled());
  CHECK(action(window, "attachLoraAction")->isEnabled());
  CHECK(action(window, "attachFineTunedAction")->isEnabled());
  CHECK(!action(window, "detachSubjectAction")->isEnabled());  // nothing attached yet
  attach(window, lora_file());
  CHECK(window.subjectPanel()->hasSubject());
  CHECK(action(window, "detachSubjectAction")->isEnabled());
}

TEST_CASE("A failed attach keeps the subject that was attached") {
  QTemporaryDir scratch;
  const fs::path broken = steer::ui::to_path(scratch.path()) / "broken.safetensors";
  std::ofstream(broken, std::ios::binary) << "this is not a safetensors file";

  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  load_tiny_model(window);
  const QImage base_image = generate_small(window);
  attach(window, lora_file());
  REQUIRE(window.subjectPanel()->hasSubject());
  const QImage with_lora = generate_small(window);
  // The control: the LoRA changes the image, so "same image" below means "LoRA still on".
  CHECK(with_lora != base_image);

  attach(window, broken);
  close_message_boxes();
  CHECK(window.subjectPanel()->hasSubject());
  CHECK(window.subjectPanel()->attached().path == lora_file());
  const QString state = child<QLabel>(window.subjectPanel(), "subjectState")->text();
  CHECK_MSG(state.contains(QStringLiteral("broken.safetensors")) && state.contains(QStringLiteral("Still attached")), str(state));
  CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  CHECK(board->model().subject().path == lora_file());
  // The engine kept it too: the next image is the LoRA's.
  CHECK(generate_small(window) == with_lora);
}

TEST_CASE("The log follows new lines unless the user scrolled up; errors give what and why on two lines") {
  steer::ui::LogView log;
  log.resize(500, 200);
  log.show();
  REQUIRE(QTest::qWaitForWindowExposed(&log));
  for (int i = 0; i < 200; ++i) log.addInfo(QStringLiteral("line %1").arg(i));
  QScrollBar* bar = log.verticalScrollBar();
  REQUIRE(bar->maximum() > 20);
  CHECK_EQ(bar->value(), bar->maximum());
  bar->setValue(10);  // the user scrolls up to read
  log.addInfo(QStringLiteral("one more"));
  CHECK_EQ(bar->value(), 10);
  bar->setValue(bar->maximum());  // and back down: following again
  log.addError(QStringLiteral("Could not attach /tmp/x/broken.safetensors"), QStringLiteral("the header is not JSON"));
  CHECK_EQ(bar->value(), bar->maximum());
  const QTextBlock last = log.document()->lastBlock();
  const QTextBlock before = last.previous();
  CHECK_MSG(
      before.text().contains(QStringLiteral("/tmp/x/broken.safetensors")) && !before.text().contains(QStringLiteral("header")),
      str(before.text()));
  CHECK_MSG(last.text().trimmed() == QStringLiteral("the header is not JSON"), str(last.text()));
  // Hidden (a closed dock) it still follows.
  log.hide();
  for (int i = 0; i < 50; ++i) log.addInfo(QStringLiteral("while hidden %1").arg(i));
  log.show();
  CHECK_EQ(bar->value(), bar->maximum());
}

TEST_CASE("A fixed setting clears its stale refusal; a run keeps the Run button's name") {
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  load_tiny_model(window);
  GeneratePanel* panel = window.generatePanel();
  auto* message = child<QLabel>(panel, "validationMessage");
  refuse_omega_interval(panel);
  CHECK(!message->isHidden());
  child<QDoubleSpinBox>(panel, "omegaIntervalBegin")->setValue(0.1);  // still after To (0.0)
  CHECK(!message->isHidden());                                        // the control: not cleared early
  child<QDoubleSpinBox>(panel, "omegaIntervalEnd")->setValue(0.6);    // fixed
  CHECK_MSG(message->isHidden(), "stale: " << str(message->text()));

  // The board: a field that cannot be read is refused, and fixing it clears the refusal.
  CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  steer::ui::BoardAxisTexts axes;
  axes.methods = "cfg";
  axes.seeds = "1, two";
  board->setAxisTexts(axes);
  CHECK(!board->run());
  CHECK(!board->errorText().isEmpty());
  axes.seeds = "1, 2, 3";
  board->setAxisTexts(axes);
  CHECK_MSG(board->errorText().isEmpty(), "stale: " << str(board->errorText()));

  auto* run = child<QPushButton>(board, "runButton");
  REQUIRE(board->run());
  CHECK(board->isRunning());
  CHECK_EQ(str(run->text()), std::string("&Run"));
  REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, kTimeoutMs));
  CHECK_EQ(str(run->text()), std::string("&Run again"));
}

TEST_CASE("The Train tab starts from a preset that fits the loaded model, with nothing half-drawn") {
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  window.tabs()->setCurrentIndex(MainWindow::TrainTab);
  steer::ui::TrainPanel* train = window.trainPanel();
  auto* preset = child<QComboBox>(train, "preset");
  auto* resolution = child<QSpinBox>(train, "resolution");
  auto* progress = child<QProgressBar>(train, "trainingProgress");
  CHECK(progress->isHidden());  // no "step 0/1" before a run
  load_tiny_model(window);
  QTest::qWait(20);
  const int native = native_size_from_configs(tiny_model_folder());
  REQUIRE(native > 0);
  CHECK_EQ(str(preset->currentData().toString()), steer::training_preset_for_model(native));
  CHECK_EQ(resolution->value(), std::max(native, resolution->minimum()));
  CHECK(progress->isHidden());
  CHECK_EQ(train->settings().base_model, tiny_model_folder());

  // The control: a form the designer edited is theirs; loading again changes only the model.
  child<QSpinBox>(train, "rank")->setValue(7);
  load_tiny_model(window);
  QTest::qWait(20);
  CHECK_EQ(child<QSpinBox>(train, "rank")->value(), 7);
}

// WCAG's contrast ratio of two colours (1 to 21).
double contrast(const QColor& a, const QColor& b) {
  auto luminance = [](const QColor& c) {
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
  };
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

TEST_CASE("The A/B caption is readable on any image: beside it, not over it, in the palette's text colours") {
  MainWindow window;
  window.resize(1180, 760);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  load_tiny_model(window);
  window.tabs()->setCurrentIndex(MainWindow::CompareTab);
  CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  steer::ui::BoardAxisTexts axes;
  axes.methods = "cfg";
  axes.seeds = "1, 2";
  board->setAxisTexts(axes);
  REQUIRE(board->run());
  REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, kTimeoutMs));
  board->setComparisonA(0);
  board->setComparisonB(1);
  QTest::qWait(20);
  auto* caption = child<QLabel>(board, "abCaption");
  auto* image = child<QLabel>(board, "abImage");
  REQUIRE(!image->pixmap().isNull());
  CHECK(caption->isVisible());
  CHECK_MSG(caption->text().contains(QStringLiteral("cell")), str(caption->text()));
  const QRect caption_box(caption->mapTo(board, QPoint(0, 0)), caption->size());
  const QRect image_box(image->mapTo(board, QPoint(0, 0)), image->size());
  CHECK(!caption_box.intersects(image_box));  // never drawn over the picture
  const QPalette palette = caption->palette();
  const double ratio = contrast(palette.color(caption->foregroundRole()), palette.color(caption->backgroundRole()));
  CHECK_MSG(ratio >= 4.5, "caption contrast " << ratio);
  // The caption's text fits its width: no line is cut (word wrap on, height follows).
  CHECK(caption->wordWrap());
  CHECK(caption->height() >= caption->heightForWidth(caption->width()));
  const QString before = caption->text();
  board->flipComparison();
  CHECK(caption->text() != before);  // says which of A and B is shown
}

TEST_CASE("Enlarged images keep sharp pixels") {
  // A 4x4 checkerboard shown 32x larger: nearest-neighbour gives exactly two colours.
  QImage checker(4, 4, QImage::Format_RGBA8888);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) checker.setPixelColor(x, y, (x + y) % 2 ? Qt::black : Qt::white);
  steer::ui::PreviewView view;
  view.resize(128, 128);
  view.setImage(checker);
  view.show();
  REQUIRE(QTest::qWaitForWindowExposed(&view));
  const QImage shown = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
  std::set<QRgb> colours;
  const QRect inner = QRect(QPoint(0, 0), shown.size()).adjusted(4, 4, -4, -4);
  for (int y = inner.top(); y <= inner.bottom(); ++y)
    for (int x = inner.left(); x <= inner.right(); ++x) {
      const QRgb c = shown.pixel(x, y);
      colours.insert(c);
    }
  // The background around a square image is one more colour; a smooth filter makes dozens.
  CHECK_MSG(colours.size() <= 3, colours.size() << " colours");
  CHECK(colours.count(qRgb(0, 0, 0)) == 1 && colours.count(qRgb(255, 255, 255)) == 1);
}

TEST_CASE("The layout holds at 1024x640 and the window does not grow when warnings appear") {
  MainWindow window;
  window.resize(1024, 640);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  load_tiny_model(window);
  attach(window, lora_file());
  QTest::qWait(50);
  const QSize size = window.size();
  if (std::getenv("STEER_LAYOUT_DEBUG"))
    for (int i = 0; i < window.tabs()->count(); ++i) {
      QWidget* page = window.tabs()->widget(i);
      std::cout << str(window.tabs()->tabText(i)) << " min " << page->minimumSizeHint().height() << "\n";
      for (QWidget* w : page->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        std::cout << "   " << w->metaObject()->className() << " " << str(w->objectName()) << " " << w->minimumSizeHint().height()
                  << " / " << w->minimumHeight() << "\n";
    }
  CHECK_MSG(size == QSize(1024, 640), "the window is " << size.width() << "x" << size.height() << ", at least "
                                                       << window.minimumSizeHint().width() << "x"
                                                       << window.minimumSizeHint().height());
  const fs::path folder = screenshot_folder();
  fs::create_directories(folder);
  QTabWidget* tabs = window.tabs();
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    QTest::qWait(30);
    const std::string name = str(tabs->tabText(i)).erase(0, str(tabs->tabText(i)).find_first_not_of('&'));
    check_buttons_fit(window, tabs->currentWidget(), "tab " + name);
    const fs::path shot = folder / ("layout-1024x640" + scale_suffix() + "-" + name + ".png");
    const QPixmap pixels = window.grab();
    REQUIRE(pixels.save(to_qstring(shot), "PNG"));
    CHECK(!QImage(to_qstring(shot)).isNull());
    std::cout << "  screenshot: " << shot.string() << "\n";
  }

  // Warnings: a long refusal in the Generate panel and a failed attach's message.
  tabs->setCurrentIndex(MainWindow::GenerateTab);
  child<QPlainTextEdit>(window.generatePanel(), "prompt")
      ->setPlainText(QString(QStringLiteral("a very long prompt ")).repeated(30));
  refuse_omega_interval(window.generatePanel());
  QTemporaryDir scratch;
  const fs::path broken = steer::ui::to_path(scratch.path()) / "a-file-with-a-rather-long-name-that-is-broken.safetensors";
  std::ofstream(broken, std::ios::binary) << "not safetensors";
  attach(window, broken);
  close_message_boxes();
  QTest::qWait(50);
  CHECK_MSG(window.size() == size, "the window grew to " << window.width() << "x" << window.height());
  check_buttons_fit(window, tabs->currentWidget(), "Generate with warnings");
  const fs::path shot = folder / ("layout-1024x640" + scale_suffix() + "-warnings.png");
  REQUIRE(window.grab().save(to_qstring(shot), "PNG"));
  std::cout << "  screenshot: " << shot.string() << "\n";
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_first_hour"));
  return steer::testing::run_all(argc, argv);
}
