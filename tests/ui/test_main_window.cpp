// The main window, offscreen: loads the tiny SD 1.x fixture on the engine thread the way
// the command-line argument does, shows what the engine reports (checked against the
// engine and against an independent count of the safetensors files), survives a broken
// folder with an error dialog, and accepts a dropped folder. Also saves the screenshot
// docs/screenshots/main-window-model-summary.png.
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDialog>
#include <QDir>
#include <QDropEvent>
#include <QImage>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QUrl>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/formats/json.h"
#include "core/pipeline/model_inspection.h"
#include "tests/support/test_harness.h"
#include "ui/command_line.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/path_text.h"
#include "ui/recent_models.h"
#include "ui/widgets/model_summary_view.h"

namespace fs = std::filesystem;
using steer::ui::MainWindow;
using steer::ui::ModelSummaryView;
using steer::ui::to_qstring;

namespace {

constexpr int kLoadTimeoutMs = 120'000;

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}

fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }

// Sum of the element counts of the floating-point tensors in a safetensors file, read
// straight from its header (8-byte little-endian length, then JSON; huggingface/safetensors
// format). Integer tensors are index buffers, not parameters (CLIP's position_ids, I64).
// Independent of the engine's loader: only the JSON parser is shared.
int64_t safetensors_parameter_count(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char length_bytes[8] = {};
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  REQUIRE(in.gcount() == 8);
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | length_bytes[i];
  REQUIRE(length > 0 && length < 100'000'000);
  std::string header(length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(length));
  REQUIRE(static_cast<uint64_t>(in.gcount()) == length);
  int64_t total = 0;
  const steer::json::Value parsed = steer::json::parse(header);
  for (const auto& [name, tensor] : parsed.as_object()) {
    if (name == "__metadata__") continue;
    const std::string& dtype = tensor.at("dtype").as_string();
    if (dtype[0] != 'F' && dtype != "BF16") continue;  // F64 F32 F16 BF16 F8_*
    int64_t numel = 1;
    for (const auto& dim : tensor.at("shape").as_array()) numel *= dim.as_int();
    total += numel;
  }
  return total;
}

// Full-precision weight files of a component folder: *.safetensors without a variant
// infix (diffusion_pytorch_model.safetensors, not diffusion_pytorch_model.fp16.safetensors).
std::vector<fs::path> full_precision_weight_files(const fs::path& component_folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(component_folder))
    if (entry.path().extension() == ".safetensors" && entry.path().stem().extension().empty()) files.push_back(entry.path());
  return files;
}

QString label_text(const QWidget* root, const char* object_name) {
  const auto* label = root->findChild<QLabel*>(QString::fromLatin1(object_name));
  return label ? label->text() : QStringLiteral("<no label %1>").arg(QString::fromLatin1(object_name));
}

QTreeWidgetItem* top_level_item(QTreeWidget* tree, const std::string& name) {
  for (int i = 0; i < tree->topLevelItemCount(); ++i)
    if (tree->topLevelItem(i)->text(ModelSummaryView::NameColumn) == to_qstring(name)) return tree->topLevelItem(i);
  return nullptr;
}

QMessageBox* visible_message_box() {
  for (QWidget* widget : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) return box;
  return nullptr;
}

// Opens `folder` exactly as `steer-studio <folder>` does.
void open_as_command_line_argument(MainWindow& window, const fs::path& folder) {
  QCommandLineParser parser;
  steer::ui::configure_studio_command_line(parser);
  REQUIRE(parser.parse({QStringLiteral("steer-studio"), to_qstring(folder)}));
  window.openModelFolder(steer::ui::startup_model_folder(parser));
}

bool wait_for_summary(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.summaryView()->hasSummary() && !window.engine().isBusy(); }, kLoadTimeoutMs);
}

void check_component(QTreeWidget* tree, const steer::ComponentSummary& engine_component, const fs::path& folder) {
  QTreeWidgetItem* item = top_level_item(tree, engine_component.name);
  CHECK_MSG(item != nullptr, "no row for " << engine_component.name);
  if (!item) return;
  CHECK_EQ(str(item->text(ModelSummaryView::ValueColumn)), engine_component.class_name);
  CHECK_EQ(str(item->text(ModelSummaryView::ParametersColumn)), steer::format_parameter_count(engine_component.parameter_count));
  CHECK_EQ(item->data(ModelSummaryView::ParametersColumn, ModelSummaryView::ExactCountRole).toLongLong(),
           engine_component.parameter_count);
  CHECK_EQ(str(item->text(ModelSummaryView::DetailColumn)), engine_component.detail);

  // The independent count: every floating-point element of the full-precision weight files.
  int64_t counted = 0;
  const auto files = full_precision_weight_files(folder / engine_component.name);
  CHECK_MSG(!files.empty(), "no weight files in " << (folder / engine_component.name));
  for (const auto& file : files) counted += safetensors_parameter_count(file);
  CHECK_EQ(engine_component.parameter_count, counted);

  // Children: one "Data type" row per dtype the engine lists, in its order and with its
  // counts; the floating-point ones add up to the independent count. One row per file.
  std::vector<std::pair<std::string, int64_t>> dtype_rows;
  int64_t floating = 0;
  int weight_rows = 0;
  for (int i = 0; i < item->childCount(); ++i) {
    const QTreeWidgetItem* row = item->child(i);
    if (row->text(ModelSummaryView::NameColumn) == QLatin1String("Data type")) {
      const std::string dtype = str(row->text(ModelSummaryView::ValueColumn));
      const int64_t count = row->data(ModelSummaryView::ParametersColumn, ModelSummaryView::ExactCountRole).toLongLong();
      dtype_rows.emplace_back(dtype, count);
      if (dtype[0] == 'F' || dtype == "BF16") floating += count;
    }
    if (row->text(ModelSummaryView::NameColumn) == QLatin1String("Weight file")) {
      ++weight_rows;
      const QString shown = row->text(ModelSummaryView::ValueColumn);
      CHECK_MSG(shown.startsWith(to_qstring(engine_component.name) + QLatin1Char('/')), "weight file row " << str(shown));
    }
  }
  CHECK(dtype_rows == engine_component.parameters_by_dtype);
  CHECK_EQ(floating, counted);
  CHECK_EQ(weight_rows, static_cast<int>(engine_component.weight_files.size()));
  CHECK_EQ(static_cast<size_t>(weight_rows), files.size());
}

// Saves the window as docs/screenshots/<name> under the source folder and checks that
// the file decodes to the same size.
void save_screenshot(QWidget& window, const char* name) {
  // docs/screenshots is written only by tools/make_screenshots.sh (STEER_SCREENSHOT_DIR); a test
  // run leaves the source tree as it found it.
  const char* screenshot_dir = std::getenv("STEER_SCREENSHOT_DIR");
  const fs::path shot_path =
      (screenshot_dir && *screenshot_dir ? fs::path(screenshot_dir) : fs::temp_directory_path() / "steer-screenshots") / name;
  fs::create_directories(shot_path.parent_path());
  const QPixmap shot = window.grab();
  REQUIRE(!shot.isNull());
  REQUIRE(shot.save(to_qstring(shot_path), "PNG"));
  const QImage decoded(to_qstring(shot_path));
  CHECK(!decoded.isNull());
  CHECK(decoded.size() == shot.size());
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

}  // namespace

TEST_CASE("Opening the tiny SD 1.x folder shows what the engine reports") {
  const fs::path folder = tiny_model_folder();
  REQUIRE(fs::exists(folder / "model_index.json"));

  MainWindow window;
  window.resize(1180, 760);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  CHECK(!window.summaryView()->hasSummary());
  CHECK(window.summaryView()->findChild<QLabel*>(QStringLiteral("emptyState"))->isVisible());

  save_screenshot(window, "main-window-empty.png");

  open_as_command_line_argument(window, folder);
  // openModelFolder returned at once: the load runs on the engine thread.
  CHECK(window.engine().isBusy());
  CHECK(window.statusBar()->currentMessage().startsWith(QLatin1String("Loading")));
  REQUIRE(wait_for_summary(window));

  const steer::ModelSummary engine = steer::inspect_model_folder(folder);
  const ModelSummaryView* view = window.summaryView();
  CHECK_EQ(str(label_text(view, "familyValue")), std::string("SD 1.x"));
  CHECK_EQ(str(label_text(view, "familyValue")), engine.family);
  CHECK_EQ(str(label_text(view, "pipelineValue")), engine.pipeline_class);
  CHECK_EQ(str(label_text(view, "predictionTypeValue")), engine.prediction_type);
  CHECK_EQ(str(label_text(view, "folderValue")), str(to_qstring(engine.folder)));
  CHECK(
      label_text(view, "totalParametersValue").startsWith(to_qstring(steer::format_parameter_count(engine.total_parameters()))));
  CHECK(engine.weights_variant.empty());

  auto* tree = view->findChild<QTreeWidget*>(QStringLiteral("componentTree"));
  REQUIRE(tree != nullptr);
  CHECK_EQ(tree->topLevelItemCount(), static_cast<int>(engine.components.size()));
  const std::map<std::string, std::string> weighted = {
      {"unet", "UNet2DConditionModel"}, {"vae", "AutoencoderKL"}, {"text_encoder", "CLIPTextModel"}};
  for (const auto& [name, class_name] : weighted) {
    const steer::ComponentSummary* component = nullptr;
    for (const auto& c : engine.components)
      if (c.name == name) component = &c;
    CHECK_MSG(component != nullptr, "engine reports no " << name);
    if (!component) continue;
    CHECK_EQ(component->class_name, class_name);
    check_component(tree, *component, folder);
  }
  CHECK(top_level_item(tree, "tokenizer") != nullptr);
  CHECK(top_level_item(tree, "scheduler") != nullptr);

  CHECK(window.statusBar()->currentMessage().startsWith(QLatin1String("Loaded")));
  CHECK(window.windowTitle().contains(QLatin1String("sd1-tiny")));
  const QStringList recent = steer::ui::RecentModels().folders();
  CHECK(!recent.isEmpty() && recent.constFirst() == QDir(to_qstring(folder)).absolutePath());

  save_screenshot(window, "main-window-model-summary.png");
}

TEST_CASE("A broken folder shows an error dialog and the window stays usable") {
  const fs::path good = tiny_model_folder();
  REQUIRE(fs::exists(good / "model_index.json"));
  // A copy of the fixture whose unet/ folder is missing, while model_index.json names it.
  QTemporaryDir scratch;
  REQUIRE(scratch.isValid());
  const fs::path broken = steer::ui::to_path(scratch.path()) / "broken-model";
  fs::copy(good, broken, fs::copy_options::recursive);
  fs::remove_all(broken / "unet");

  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  open_as_command_line_argument(window, broken);

  // The dialog is window-modal but non-blocking, so polling the top-level widgets from
  // this event loop finds it (a blocking exec() would need a QTimer to do the same).
  QPointer<QMessageBox> box;
  REQUIRE(QTest::qWaitFor([&] { return (box = visible_message_box()) != nullptr; }, kLoadTimeoutMs));
  CHECK(box->icon() == QMessageBox::Critical);
  CHECK_MSG(box->text().contains(to_qstring(broken)), "dialog text: " << str(box->text()));
  CHECK_MSG(box->informativeText().contains(QLatin1String("unet")), "dialog detail: " << str(box->informativeText()));
  std::cout << "error shown: " << str(box->informativeText()) << "\n";
  CHECK(!window.engine().isBusy());
  CHECK(!window.summaryView()->hasSummary());
  CHECK(window.statusBar()->currentMessage().startsWith(QLatin1String("Could not load")));
  box->button(QMessageBox::Ok)->click();
  CHECK(QTest::qWaitFor([&] { return box.isNull(); }, 5000));  // closed and deleted

  // The same window still loads a good folder.
  window.openModelFolder(to_qstring(good));
  REQUIRE(wait_for_summary(window));
  CHECK_EQ(str(label_text(window.summaryView(), "familyValue")), std::string("SD 1.x"));
  CHECK(visible_message_box() == nullptr);
}

TEST_CASE("Dropping a model folder onto the window loads it") {
  const fs::path folder = tiny_model_folder();
  REQUIRE(fs::exists(folder / "model_index.json"));
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));

  QMimeData not_a_model;
  not_a_model.setUrls({QUrl::fromLocalFile(to_qstring(folder / "model_index.json.missing"))});
  QDragEnterEvent rejected(QPoint(10, 10), Qt::CopyAction, &not_a_model, Qt::LeftButton, Qt::NoModifier);
  rejected.setAccepted(false);
  QApplication::sendEvent(&window, &rejected);
  CHECK(!rejected.isAccepted());

  QMimeData model;
  model.setUrls({QUrl::fromLocalFile(to_qstring(folder))});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &model, Qt::LeftButton, Qt::NoModifier);
  enter.setAccepted(false);
  QApplication::sendEvent(&window, &enter);
  CHECK(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &model, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &drop);
  REQUIRE(wait_for_summary(window));
  CHECK_EQ(str(label_text(window.summaryView(), "familyValue")), std::string("SD 1.x"));
}

TEST_CASE("Destroying the window while the engine is busy joins the engine thread") {
  const fs::path folder = tiny_model_folder();
  REQUIRE(fs::exists(folder / "model_index.json"));
  {
    MainWindow window;
    window.openModelFolder(to_qstring(folder));
    window.openModelFolder(to_qstring(folder));
    CHECK(window.engine().isBusy());
  }                  // ~EngineBridge: interrupt, quit, wait; the queued second load never starts
  QTest::qWait(50);  // results of the finished load, if any, must find no dangling receiver
  CHECK(visible_message_box() == nullptr);
}

TEST_CASE("Help > Getting Started opens a short page on the first steps") {
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  auto* action = window.findChild<QAction*>(QStringLiteral("gettingStartedAction"));
  REQUIRE(action != nullptr);
  // It sits in the Help menu.
  bool in_help = false;
  for (QAction* menu : window.menuBar()->actions())
    if (menu->menu() && menu->text().remove(QLatin1Char('&')) == QLatin1String("Help"))
      in_help = menu->menu()->actions().contains(action);
  CHECK(in_help);
  CHECK(window.findChild<QDialog*>(QStringLiteral("gettingStartedDialog")) == nullptr);  // control: not before
  action->trigger();
  QPointer<QDialog> dialog = window.findChild<QDialog*>(QStringLiteral("gettingStartedDialog"));
  REQUIRE(!dialog.isNull());
  CHECK(dialog->isVisible());
  auto* text = dialog->findChild<QTextBrowser*>(QStringLiteral("gettingStartedText"));
  REQUIRE(text != nullptr);
  const QString plain = text->toPlainText();
  for (const char* words : {"Open a model", "subject", "Generate", "Compare", "lower ω = more subject"})
    CHECK_MSG(plain.contains(QString::fromUtf8(words)), "no \"" << words << "\" in: " << plain.toStdString());
  save_screenshot(*dialog, "getting-started.png");
  dialog->close();
  CHECK(QTest::qWaitFor([&] { return dialog.isNull(); }, 5000));  // it deletes itself
}

int main(int argc, char** argv) {
  // Offscreen unless the caller asked for a real display (QT_QPA_PLATFORM=xcb to watch).
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Recent models and window geometry go to a scratch folder, never the user's settings.
  QTemporaryDir settings_dir;
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_main_window"));
  QApplication::setApplicationDisplayName(QStringLiteral("Steer Studio"));
  QApplication::setApplicationVersion(QStringLiteral("test"));
  return steer::testing::run_all(argc, argv);
}
