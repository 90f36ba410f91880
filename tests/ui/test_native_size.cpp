// The model's native size in the app (issue 11, item 3), offscreen:
// - the size boxes step by the model's latent factor and take only its multiples (a typed 65
//   snaps to 64; a plain QSpinBox, the control, keeps 65); a side set by a request that is no
//   multiple is refused at Generate, naming the nearest sides;
// - the presets offer the native size first;
// - a note under the size says when it is far from native (512 on a 64 px model), hidden at
//   native, and showing it does not change the panel's or the window's size;
// - a compare board shows the same note for its base size;
// - on the demo model (resources/demo-model: native 64, latent factor 4) the Generate panel
//   starts at 64×64, steps by 4, and the Train tab's dataset warning about small photos
//   follows the training size and names the native one.
// The Generate panel with its note is saved as size-note.png under $STEER_TEST_OUTPUT_DIR (the
// build tree under CTest), else the temporary folder.
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <filesystem>

#include "core/generation/generation_request.h"
#include "tests/support/qt_test_support.h"
#include "tests/support/test_harness.h"
#include "ui/board/compare_board.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/panels/generate_panel.h"
#include "ui/panels/train_panel.h"
#include "ui/path_text.h"
#include "ui/widgets/dataset_grid.h"

#ifndef STEER_DEMO_MODEL
#error "STEER_DEMO_MODEL must name resources/demo-model"
#endif

namespace fs = std::filesystem;
using steer::testing::child;
using steer::testing::env_path;
using steer::testing::str;
using steer::testing::tiny_model_folder;
using steer::ui::CompareBoard;
using steer::ui::EngineBridge;
using steer::ui::GeneratePanel;
using steer::ui::MainWindow;
using steer::ui::to_qstring;

namespace {

constexpr int kTimeoutMs = 120'000;

// Types `text` into the box as a designer does (replacing what it shows) and presses Enter.
void type_side(QSpinBox* box, const QString& text) {
  box->setFocus();
  box->selectAll();
  QTest::keyClicks(box, text);
  QTest::keyClick(box, Qt::Key_Return);
}

fs::path output_folder() {
  const char* dir = std::getenv("STEER_TEST_OUTPUT_DIR");
  return dir && *dir ? fs::path(dir) : fs::temp_directory_path() / "steer-screenshots";
}

void save_screenshot(QWidget& window, const char* name) {
  const fs::path shot = output_folder() / name;
  fs::create_directories(shot.parent_path());
  REQUIRE(window.grab().save(to_qstring(shot), "PNG"));
  std::cout << "  screenshot: " << shot.string() << "\n";
}

// Four distinct square photos of `side` pixels in `folder` (distinct, so that no duplicate
// warning joins the size warnings).
void write_photos(const QString& folder, const QString& prefix, int side) {
  for (int i = 0; i < 4; ++i) {
    QImage image(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x)
        image.setPixel(x, y, qRgb((x * (i + 1) * 37) % 256, (y * (i + 2) * 53) % 256, ((x + y) * (i + 3) * 19) % 256));
    REQUIRE(image.save(QStringLiteral("%1/%2-%3.png").arg(folder, prefix).arg(i)));
  }
}

}  // namespace

TEST_CASE("The size boxes step by the latent factor and take only its multiples") {
  EngineBridge bridge;
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  auto* width = child<QSpinBox>(&panel, "width");

  // The control: a plain spin box keeps a typed 65 (the old size box did).
  QSpinBox plain;
  plain.setRange(8, 4096);
  plain.setSingleStep(8);
  plain.show();
  type_side(&plain, QStringLiteral("65"));
  CHECK_EQ(plain.value(), 65);

  panel.setModelGeometry(512, 8);
  CHECK_EQ(width->singleStep(), 8);
  width->setValue(64);
  type_side(width, QStringLiteral("65"));
  CHECK_EQ(width->value(), 64);
  CHECK_EQ(str(width->text()), std::string("64 px"));
  type_side(width, QStringLiteral("100"));  // halfway: up, as rounding does
  CHECK_EQ(width->value(), 104);
  type_side(width, QStringLiteral("3"));  // below one cell: the smallest side
  CHECK_EQ(width->value(), 8);
  width->setValue(64);
  QTest::keyClick(width, Qt::Key_Up);
  CHECK_EQ(width->value(), 72);
  QTest::keyClick(width, Qt::Key_Down);
  QTest::keyClick(width, Qt::Key_Down);
  CHECK_EQ(width->value(), 56);

  // The demo model's factor: steps of 4, and 66 is halfway between 64 and 68.
  panel.setModelGeometry(64, 4);
  CHECK_EQ(width->singleStep(), 4);
  CHECK_EQ(width->minimum(), 4);
  width->setValue(64);
  QTest::keyClick(width, Qt::Key_Up);
  CHECK_EQ(width->value(), 68);
  type_side(width, QStringLiteral("65"));
  CHECK_EQ(width->value(), 64);
  type_side(width, QStringLiteral("66"));
  CHECK_EQ(width->value(), 68);
  // A side between multiples (from a request) steps to the next multiple, not past it.
  width->setValue(65);
  QTest::keyClick(width, Qt::Key_Up);
  CHECK_EQ(width->value(), 68);
  width->setValue(65);
  QTest::keyClick(width, Qt::Key_Down);
  CHECK_EQ(width->value(), 64);
}

TEST_CASE("A side that is no multiple of the latent factor is refused at Generate, naming the nearest sides") {
  EngineBridge bridge;
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  panel.setModelGeometry(64, 8);
  auto* message = child<QLabel>(&panel, "validationMessage");
  steer::GenerationRequest request;
  request.prompt = "a photo of sks mug";
  request.width = 65;  // a request (a project, a history entry) is shown as it is
  request.height = 64;
  panel.setRequest(request);
  CHECK_EQ(panel.request().width, 65);
  CHECK(!panel.generate());
  CHECK(message->isVisible());
  CHECK_MSG(message->text().contains(QLatin1String("width 65")) && message->text().contains(QLatin1String("use 64 or 72")),
            str(message->text()));
  // The control: at 64 the size passes (the refusal is then the missing model's).
  child<QSpinBox>(&panel, "width")->setValue(64);
  CHECK(!panel.generate());
  CHECK_MSG(message->text().contains(QLatin1String("no model")), str(message->text()));
}

TEST_CASE("The presets offer the native size first") {
  EngineBridge bridge;
  GeneratePanel panel(bridge);
  auto* preset = child<QComboBox>(&panel, "sizePreset");
  // No model: no native entry.
  CHECK(preset->itemData(1).toSize() == QSize(512, 512));
  panel.setModelGeometry(64, 4);
  CHECK(preset->itemData(1).toSize() == QSize(64, 64));
  CHECK_MSG(preset->itemText(1).contains(QStringLiteral("Native 64 × 64")), str(preset->itemText(1)));
  child<QSpinBox>(&panel, "width")->setValue(512);
  child<QSpinBox>(&panel, "height")->setValue(512);
  CHECK(preset->currentData().toSize() == QSize(512, 512));
  Q_EMIT preset->activated(1);  // as a click on the entry does
  CHECK_EQ(panel.request().width, 64);
  CHECK_EQ(panel.request().height, 64);
  CHECK_EQ(preset->currentIndex(), 1);
}

TEST_CASE("A size far from native shows a note under the size; the panel does not grow") {
  EngineBridge bridge;
  QWidget window;
  window.resize(1024, 640);
  auto* panel = new GeneratePanel(bridge, &window);
  panel->setGeometry(window.rect());
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  panel->setModelGeometry(64, 4);
  auto* width = child<QSpinBox>(panel, "width");
  auto* height = child<QSpinBox>(panel, "height");
  auto* note = child<QLabel>(panel, "sizeNote");
  width->setValue(64);
  height->setValue(64);
  QTest::qWait(20);
  CHECK(!note->isVisible());  // the control: native, no note
  const QSize window_size = window.size(), panel_size = panel->size(), panel_minimum = panel->minimumSizeHint();
  const QSize window_minimum = window.minimumSizeHint();

  width->setValue(512);
  height->setValue(512);
  QTest::qWait(20);
  REQUIRE(note->isVisible());
  const QString text = note->text();
  CHECK_MSG(text.contains(QStringLiteral("512×512")) && text.contains(QStringLiteral("native 64×64")), str(text));
  CHECK_MSG(!text.contains(QLatin1String("--size")) && !text.startsWith(QLatin1String("warning")), str(text));
  CHECK(window.size() == window_size);
  CHECK(panel->size() == panel_size);
  CHECK_MSG(panel->minimumSizeHint() == panel_minimum,
            "the panel's minimum grew to " << panel->minimumSizeHint().width() << "x" << panel->minimumSizeHint().height());
  CHECK(window.minimumSizeHint() == window_minimum);
  // The note wraps inside the settings column: nothing of it is cut off on the right.
  auto* scroll = child<QScrollArea>(panel, "settingsScroll");
  const QRect in_viewport(note->mapTo(scroll->viewport(), QPoint(0, 0)), note->size());
  CHECK_MSG(in_viewport.right() < scroll->viewport()->width(),
            "the note ends at " << in_viewport.right() << " of " << scroll->viewport()->width());
  CHECK_MSG(note->height() >= note->heightForWidth(note->width()),
            "the note is cut: " << note->height() << " < " << note->heightForWidth(note->width()));

  save_screenshot(window, "size-note.png");

  // Small is far too; the link in the note sets the native size and the note goes.
  width->setValue(16);
  height->setValue(16);
  CHECK_MSG(note->text().contains(QStringLiteral("smaller than")), str(note->text()));
  Q_EMIT note->linkActivated(QStringLiteral("native"));
  CHECK_EQ(width->value(), 64);
  CHECK_EQ(height->value(), 64);
  CHECK(!note->isVisible());
  // An unknown native size (no model) has no note.
  panel->setModelGeometry(0, 0);
  width->setValue(512);
  CHECK(!note->isVisible());
}

TEST_CASE("A compare board shows the note for its base size") {
  EngineBridge bridge;
  CompareBoard board(bridge);
  board.resize(1000, 700);
  board.show();
  REQUIRE(QTest::qWaitForWindowExposed(&board));
  auto* note = child<QLabel>(&board, "sizeNote");
  steer::GenerationRequest request;
  request.width = request.height = 64;
  board.setNativeSide(64);
  board.setBaseRequest(request);
  CHECK(!note->isVisible());  // the control
  request.width = request.height = 512;
  board.setBaseRequest(request);
  CHECK(note->isVisible());
  CHECK_MSG(note->text().contains(QStringLiteral("512×512")) && note->text().contains(QStringLiteral("native 64×64")),
            str(note->text()));
  // Readable: at least as wide as the fields above it, and as tall as its wrapped lines.
  QTest::qWait(20);
  const int field = child<QWidget>(&board, "methodsEdit")->width();
  CHECK_MSG(note->width() >= field * 3 / 4, "the note is " << note->width() << " px wide beside fields of " << field);
  const int needed = note->heightForWidth(note->width());
  CHECK_MSG(note->height() >= needed && note->height() <= needed + note->fontMetrics().lineSpacing(),
            "the note is " << note->height() << " px high for " << needed << " px of text");
  board.setNativeSide(0);
  CHECK(!note->isVisible());
}

TEST_CASE("On the demo model the app starts at its native size, steps by 4 and warns about smaller photos") {
  const fs::path demo(STEER_DEMO_MODEL);
  REQUIRE(fs::exists(demo / "model_index.json"));
  MainWindow window;
  window.resize(1024, 640);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  window.openModelFolder(to_qstring(demo));
  REQUIRE(QTest::qWaitFor([&] { return window.engine().hasModel() && !window.engine().isBusy(); }, kTimeoutMs));
  QTest::qWait(20);
  const QSize window_size = window.size();

  window.tabs()->setCurrentIndex(MainWindow::GenerateTab);
  GeneratePanel* panel = window.generatePanel();
  auto* width = child<QSpinBox>(panel, "width");
  auto* height = child<QSpinBox>(panel, "height");
  CHECK_EQ(width->value(), 64);
  CHECK_EQ(height->value(), 64);
  CHECK_EQ(width->singleStep(), 4);
  CHECK(child<QComboBox>(panel, "sizePreset")->currentData().toSize() == QSize(64, 64));
  CHECK(!child<QLabel>(panel, "sizeNote")->isVisible());
  CompareBoard* board = window.board(0);
  REQUIRE(board != nullptr);
  auto* board_note = child<QLabel>(board, "sizeNote");
  CHECK(board_note->isHidden());

  // 512 on the 64 px model: the note on the panel and, through the base request, the board.
  width->setValue(512);
  height->setValue(512);
  QTest::qWait(20);
  CHECK(child<QLabel>(panel, "sizeNote")->isVisible());
  CHECK_MSG(window.size() == window_size, "the window grew to " << window.width() << "x" << window.height());
  save_screenshot(window, "size-note-window.png");
  window.tabs()->setCurrentIndex(MainWindow::CompareTab);
  QTest::qWait(20);
  CHECK_EQ(board->baseRequest().width, 512);
  CHECK(!board_note->isHidden());
  save_screenshot(window, "size-note-board.png");
  CHECK_MSG(board_note->text().contains(QStringLiteral("native 64×64")), str(board_note->text()));
  CHECK_MSG(window.size() == window_size, "the window grew to " << window.width() << "x" << window.height());

  // Train: the form starts at the native size; the scan warns about the photos smaller than
  // it (48 px) and names the native size; 80 px photos pass.
  window.tabs()->setCurrentIndex(MainWindow::TrainTab);
  QTest::qWait(20);
  steer::ui::TrainPanel* train = window.trainPanel();
  auto* resolution = child<QSpinBox>(train, "resolution");
  CHECK_EQ(resolution->value(), 64);
  child<QLineEdit>(train, "instancePrompt")->setText(QStringLiteral("a photo of sks mug"));
  QTemporaryDir photos;
  REQUIRE(photos.isValid());
  write_photos(photos.path(), QStringLiteral("small"), 48);
  write_photos(photos.path(), QStringLiteral("large"), 80);
  auto* grid = child<steer::ui::DatasetGrid>(train, "datasetGrid");
  grid->setFolder(photos.path());
  REQUIRE(QTest::qWaitFor([&] { return !grid->isScanning() && !grid->scan().source.isEmpty(); }, kTimeoutMs));
  auto* messages = child<QLabel>(grid, "datasetMessages");
  QTest::qWait(20);
  QString text = messages->text();
  CHECK_MSG(text.contains(QLatin1String("small-0.png is 48x48, smaller than the 64x64 training size")), str(text));
  CHECK_MSG(!text.contains(QLatin1String("large-0.png")), str(text));
  CHECK_MSG(text.startsWith(QStringLiteral("Training at this model's native 64×64: smaller photos look soft.\n")), str(text));
  // Readable: at least a line of it in view, and a whole row of thumbnails above it.
  auto* list = child<QListWidget>(grid, "datasetThumbnails");
  CHECK_MSG(child<QWidget>(grid, "datasetMessagesScroll")->height() >= messages->fontMetrics().lineSpacing(),
            "the warnings get " << child<QWidget>(grid, "datasetMessagesScroll")->height() << " px");
  CHECK_MSG(list->viewport()->height() >= list->visualItemRect(list->item(0)).height(),
            "the thumbnails get " << list->viewport()->height() << " px");

  save_screenshot(window, "small-photos.png");

  // The control: at 128 px the 80 px photos are small too, and the note says 128 is not native.
  resolution->setValue(128);
  REQUIRE(QTest::qWaitFor([&] { return !grid->isScanning() && messages->text().contains(QLatin1String("large-0.png")); },
                          kTimeoutMs));
  QTest::qWait(20);
  text = messages->text();
  CHECK_MSG(text.contains(QLatin1String("smaller than the 128x128 training size")), str(text));
  CHECK_MSG(text.startsWith(QStringLiteral("Training at 128×128, not this model's native 64×64")), str(text));
  CHECK_MSG(window.size() == window_size, "the window grew to " << window.width() << "x" << window.height());
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_native_size"));
  return steer::testing::run_all(argc, argv);
}
