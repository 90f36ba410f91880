// steer-studio's start-up options --subject and --compare-prompts, offscreen, on the tiny
// SD 1.x fixture with the kohya LoRA fixture: the window is opened through the same
// function main uses (open_startup_arguments), so these are the user's arguments.
// - both options: the LoRA is attached once the model has loaded, the Compare tab is
//   shown, and its board compares methods cfg and pg on the given prompts, not run;
// - a --subject that does not exist: the subject error dialog, and the window lives on
//   (it still attaches the good LoRA afterwards);
// - the parser: prompts split at ';' and repeatable, refused combinations, --help text.
#include <QAbstractButton>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/generation/sweep_plan.h"
#include "tests/support/test_harness.h"
#include "ui/board/board_plan.h"
#include "ui/board/compare_board.h"
#include "ui/command_line.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/path_text.h"
#include "ui/widgets/model_summary_view.h"
#include "ui/widgets/subject_panel.h"

namespace fs = std::filesystem;
using steer::ui::MainWindow;
using steer::ui::to_qstring;

namespace {

constexpr int kLoadTimeoutMs = 120'000;

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}

fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }
fs::path lora_file() { return env_path("STEER_FIXTURES") / "lora" / "sd1_lora_kohya.safetensors"; }

// A parser configured and filled the way steer-studio's main does it.
std::unique_ptr<QCommandLineParser> parse(const QStringList& arguments) {
  auto parser = std::make_unique<QCommandLineParser>();
  steer::ui::configure_studio_command_line(*parser);
  parser->setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
  QStringList all = {QStringLiteral("steer-studio")};
  all << arguments;
  CHECK_MSG(parser->parse(all), "parse error: " << str(parser->errorText()));
  return parser;
}

// Starts `window` with `arguments` exactly as `steer-studio <arguments>` does.
void start_with_arguments(MainWindow& window, const QStringList& arguments) {
  const auto parser = parse(arguments);
  REQUIRE(steer::ui::startup_options_error(*parser).isEmpty());
  steer::ui::open_startup_arguments(window, *parser);
}

QMessageBox* visible_message_box() {
  for (QWidget* widget : QApplication::topLevelWidgets())
    if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) return box;
  return nullptr;
}

std::vector<std::string> strings(const QStringList& list) {
  std::vector<std::string> out;
  for (const QString& s : list) out.push_back(str(s));
  return out;
}

}  // namespace

TEST_CASE("--subject and --compare-prompts attach the LoRA and set up a CFG vs PG board") {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  REQUIRE(fs::exists(lora_file()));
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  const int boards_before = window.boardCount();
  QSignalSpy attached(&window, &MainWindow::startupSubjectAttached);
  QSignalSpy failed(&window, &MainWindow::startupSubjectFailed);

  start_with_arguments(window, {to_qstring(tiny_model_folder()), QStringLiteral("--subject"), to_qstring(lora_file()),
                                QStringLiteral("--compare-prompts"), QStringLiteral("a photo of sks dog; a sks dog on the beach"),
                                QStringLiteral("--compare-prompts"), QStringLiteral("a painting of sks dog")});
  // The subject waits for its model: nothing is attached while it loads.
  CHECK(window.engine().isBusy());
  CHECK(!window.subjectPanel()->hasSubject());
  REQUIRE(QTest::qWaitFor([&] { return attached.count() + failed.count() > 0; }, kLoadTimeoutMs));
  CHECK_EQ(attached.count(), 1);
  CHECK_EQ(failed.count(), 0);
  CHECK(visible_message_box() == nullptr);

  // Attached as the Model tab's attach does: a LoRA at the panel's strength.
  CHECK(window.summaryView()->hasSummary());
  CHECK(window.engine().hasModel());
  CHECK(window.subjectPanel()->hasSubject());
  const steer::SubjectSpec& subject = window.subjectPanel()->attached();
  CHECK(subject.kind == steer::SubjectSpec::Kind::Lora);
  CHECK_EQ(subject.path, fs::absolute(lora_file()));
  CHECK_EQ(subject.multiplier, window.subjectPanel()->loraStrength());

  // The Compare tab shows the board for it: methods cfg and pg, the prompts in order.
  CHECK_EQ(window.tabs()->currentIndex(), static_cast<int>(MainWindow::CompareTab));
  steer::ui::CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  CHECK_EQ(window.boardCount(), boards_before);  // the empty start-up board is used
  const steer::ui::BoardAxisTexts texts = board->axisTexts();
  CHECK_EQ(texts.methods, std::string("cfg, pg"));
  const std::vector<std::string> expected = {"a photo of sks dog", "a sks dog on the beach", "a painting of sks dog"};
  CHECK(texts.prompts == expected);
  const steer::SweepPlan plan = steer::ui::plan_from_axis_texts(board->baseRequest(), texts);
  CHECK(plan.methods == (std::vector<std::string>{"cfg", "pg"}));
  CHECK(plan.prompts == expected);
  CHECK_EQ(plan.cells().size(), size_t{6});
  // Set up, not run.
  CHECK(!board->isRunning());
  for (int c = 0; c < board->cellCount(); ++c) CHECK(!board->cell(c).hasImage());
  CHECK(!window.engine().isBusy());
}

TEST_CASE("--subject alone attaches without setting up a board") {
  REQUIRE(fs::exists(lora_file()));
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  window.tabs()->setCurrentIndex(MainWindow::ModelTab);
  QSignalSpy attached(&window, &MainWindow::startupSubjectAttached);
  start_with_arguments(window, {to_qstring(tiny_model_folder()), QStringLiteral("--subject"), to_qstring(lora_file())});
  REQUIRE(QTest::qWaitFor([&] { return attached.count() > 0; }, kLoadTimeoutMs));
  CHECK(window.subjectPanel()->hasSubject());
  CHECK_EQ(window.tabs()->currentIndex(), static_cast<int>(MainWindow::ModelTab));
  CHECK(window.currentBoard()->axisTexts().methods.empty());
  CHECK(visible_message_box() == nullptr);
}

TEST_CASE("A --subject that does not exist shows the subject error and the window lives on") {
  QTemporaryDir scratch;
  REQUIRE(scratch.isValid());
  const QString missing = QDir(scratch.path()).filePath(QStringLiteral("no-such-subject.safetensors"));
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  window.tabs()->setCurrentIndex(MainWindow::ModelTab);
  QSignalSpy attached(&window, &MainWindow::startupSubjectAttached);
  QSignalSpy failed(&window, &MainWindow::startupSubjectFailed);
  start_with_arguments(window, {to_qstring(tiny_model_folder()), QStringLiteral("--subject"), missing,
                                QStringLiteral("--compare-prompts"), QStringLiteral("a photo of sks dog")});

  QPointer<QMessageBox> box;
  REQUIRE(QTest::qWaitFor([&] { return (box = visible_message_box()) != nullptr; }, kLoadTimeoutMs));
  CHECK_EQ(str(box->objectName()), std::string("subjectErrorDialog"));  // as the Model tab's attach shows it
  CHECK(box->icon() == QMessageBox::Critical);
  CHECK_MSG(box->text().contains(missing), "dialog text: " << str(box->text()));
  std::cout << "error shown: " << str(box->informativeText()) << "\n";
  CHECK_EQ(failed.count(), 1);
  CHECK_EQ(attached.count(), 0);
  // The model loaded; no subject, no board, the Model tab stays.
  CHECK(window.summaryView()->hasSummary());
  CHECK(!window.subjectPanel()->hasSubject());
  CHECK_EQ(window.tabs()->currentIndex(), static_cast<int>(MainWindow::ModelTab));
  CHECK(window.currentBoard()->axisTexts().methods.empty());
  CHECK(window.statusBar()->currentMessage().startsWith(QLatin1String("Could not attach")));
  box->button(QMessageBox::Ok)->click();
  CHECK(QTest::qWaitFor([&] { return box.isNull(); }, 5000));

  // The window lives on: the good LoRA attaches.
  CHECK(window.isVisible());
  steer::SubjectSpec good;
  good.kind = steer::SubjectSpec::Kind::Lora;
  good.path = lora_file();
  window.attachSubject(good);
  REQUIRE(QTest::qWaitFor([&] { return window.subjectPanel()->hasSubject() && !window.engine().isBusy(); }, kLoadTimeoutMs));
  CHECK(visible_message_box() == nullptr);
  CHECK_EQ(failed.count(), 1);  // the later attach is not the start-up one
  CHECK_EQ(attached.count(), 0);
}

TEST_CASE("The start-up options parse as documented") {
  {
    const auto parser = parse({QStringLiteral("model"), QStringLiteral("--subject"), QStringLiteral("s.safetensors"),
                               QStringLiteral("--compare-prompts"), QStringLiteral(" one ;; two;"),
                               QStringLiteral("--compare-prompts"), QStringLiteral("three")});
    CHECK_EQ(str(steer::ui::startup_model_folder(*parser)), std::string("model"));
    CHECK_EQ(str(steer::ui::startup_subject_path(*parser)), std::string("s.safetensors"));
    CHECK(strings(steer::ui::startup_compare_prompts(*parser)) == (std::vector<std::string>{"one", "two", "three"}));
    CHECK(steer::ui::startup_options_error(*parser).isEmpty());
  }
  {
    const auto parser = parse({QStringLiteral("model")});
    CHECK(steer::ui::startup_subject_path(*parser).isEmpty());
    CHECK(steer::ui::startup_compare_prompts(*parser).isEmpty());
    CHECK(steer::ui::startup_options_error(*parser).isEmpty());
  }
  // A subject needs a model to attach to; prompts need a subject; and at least one prompt.
  CHECK(steer::ui::startup_options_error(*parse({QStringLiteral("--subject"), QStringLiteral("s.safetensors")}))
            .contains(QLatin1String("--subject")));
  CHECK(steer::ui::startup_options_error(
            *parse({QStringLiteral("model"), QStringLiteral("--compare-prompts"), QStringLiteral("a dog")}))
            .contains(QLatin1String("--compare-prompts")));
  CHECK(steer::ui::startup_options_error(
            *parse({QStringLiteral("model"), QStringLiteral("--subject"), QStringLiteral("s.safetensors"),
                    QStringLiteral("--compare-prompts"), QStringLiteral(" ; ")}))
            .contains(QLatin1String("--compare-prompts")));

  QCommandLineParser parser;
  steer::ui::configure_studio_command_line(parser);
  const QString help = parser.helpText();
  CHECK_MSG(help.contains(QLatin1String("--subject <path>")), str(help));
  CHECK_MSG(help.contains(QLatin1String("--compare-prompts <text>")), str(help));
  CHECK_MSG(help.contains(QLatin1String("--screenshot <file>")), str(help));
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Recent models, subjects and window state go to a scratch folder, never the user's.
  QTemporaryDir settings_dir;
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_startup_options"));
  QApplication::setApplicationDisplayName(QStringLiteral("Steer Studio"));
  QApplication::setApplicationVersion(QStringLiteral("test"));
  return steer::testing::run_all(argc, argv);
}
