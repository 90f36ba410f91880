// steer-studio's start-up options --subject and --compare-prompts, offscreen, on the tiny
// SD 1.x fixture with the kohya LoRA fixture: the window is opened through the same
// function main uses (open_startup_arguments), so these are the user's arguments.
// - both options: the LoRA is attached once the model has loaded, the Compare tab is
//   shown, and its board compares methods cfg and pg on the given prompts, not run;
// - a --subject that does not exist: the subject error dialog, and the window lives on
//   (it still attaches the good LoRA afterwards);
// - the parser: prompts split at ';' and repeatable, refused combinations, --help text.
// - the --run start-up board (packaging/setup.sh --run) on resources/demo-model with a LoRA
//   trained here on the demo subject: CFG against PG at ω below 1 at the demo model's λ; run,
//   its PG cells differ from its CFG cell, and PG at ω = 1 equals it (the control). The
//   subject's trigger word reaches the Subject panel and the prompt placeholders; the board's
//   Base line and Prompts box agree; the plain-language tooltips (issue 11, items 1 and 6).
#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPixmap>
#include <QPlainTextEdit>
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

#include "core/demo/demo_subject.h"
#include "core/generation/sweep_plan.h"
#include "core/training/subject_trigger.h"
#include "core/training/training_run.h"
#include "tests/support/test_harness.h"
#include "ui/board/board_plan.h"
#include "ui/board/compare_board.h"
#include "ui/command_line.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"
#include "ui/panels/generate_panel.h"
#include "ui/path_text.h"
#include "ui/widgets/model_summary_view.h"
#include "ui/widgets/subject_panel.h"

namespace fs = std::filesystem;
using steer::ui::MainWindow;
using steer::ui::to_path;
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
fs::path demo_model_folder() { return fs::path(STEER_DEMO_MODEL); }
// The demo model's image size (kDemoImageSize, core/demo_model/demo_architecture.h).
constexpr int kDemoSize = 64;

// A LoRA on the demo subject, trained here the way `steer demo` trains sks-emblem (demo_job.cpp:
// its photos and instance prompt), shorter: 40 steps at a higher rate, a few seconds.
fs::path train_demo_lora(const fs::path& folder) {
  const fs::path photos = folder / "photos";
  fs::create_directories(photos);
  int i = 0;
  for (const auto& photo : steer::demo::render_subject_photos(kDemoSize)) {
    const QImage image(photo.image.pixels.data(), photo.image.width, photo.image.height, QImage::Format_RGBA8888);
    REQUIRE(image.save(to_qstring(photos / ("photo-" + std::to_string(++i) + ".png"))));
  }
  steer::TrainingSettings s;
  s.method = steer::TrainingMethod::Lora;
  s.base_model = demo_model_folder();
  s.dataset = photos;
  s.instance_prompt = std::string(steer::demo::kSubjectInstanceCaption);
  s.output = folder / "lora";
  s.output_name = "sks-emblem";
  s.resolution = kDemoSize;
  s.flip = false;
  s.rank = 4;
  s.alpha = 4;
  s.max_steps = 40;
  s.batch_size = 4;
  s.learning_rate = 2e-3;
  s.checkpoint_every = 0;
  s.sample_every = 0;
  s.seed = 1;
  const steer::TrainingOutcome outcome = steer::run_training(s);
  REQUIRE(outcome.finished);
  return outcome.result;
}

// Mean absolute difference of two RGBA images' RGB values, in 0..255 units.
double mean_difference(const steer::ImageRGBA8& a, const steer::ImageRGBA8& b) {
  if (a.width != b.width || a.height != b.height || a.pixels.size() != b.pixels.size()) return -1;
  double total = 0;
  size_t n = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    if (i % 4 == 3) continue;
    total += std::abs(static_cast<int>(a.pixels[i]) - static_cast<int>(b.pixels[i]));
    ++n;
  }
  return total / static_cast<double>(n);
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
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

template <class T>
T* child(QObject* parent, const char* name) {
  T* found = parent->findChild<T*>(QString::fromLatin1(name));
  CHECK_MSG(found != nullptr, "no child " << name);
  REQUIRE(found != nullptr);
  return found;
}

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
  // PG at ω below 1, where it differs from CFG (issue 11, item 1); CFG, which ω does not
  // touch, once per prompt: 3 prompts × (1 CFG + 3 PG).
  CHECK(plan.omegas == (std::vector<std::string>{"0", "0.5", "0.75"}));
  CHECK_EQ(plan.cells().size(), size_t{3 * (1 + 3)});
  // Set up, not run.
  CHECK(!board->isRunning());
  for (int c = 0; c < board->cellCount(); ++c) CHECK(!board->cell(c).hasImage());
  CHECK(!window.engine().isBusy());
}

TEST_CASE("The --run start-up board on the demo model shows PG differing from CFG; PG at ω = 1 equals CFG") {
  CHECK_MSG(fs::exists(demo_model_folder() / "model_index.json"), "no demo model at " << demo_model_folder());
  REQUIRE(fs::exists(demo_model_folder() / "model_index.json"));
  QTemporaryDir scratch;
  REQUIRE(scratch.isValid());
  const fs::path lora = train_demo_lora(to_path(scratch.path()));
  // The trigger word comes from the LoRA's own metadata (and from training.json beside it).
  const auto trigger = steer::find_subject_trigger(lora);
  REQUIRE(trigger.has_value());
  CHECK_EQ(trigger->words, std::string("sks emblem"));
  CHECK_EQ(steer::trigger_from_instance_prompt("a photo of sks mug, on a table"), std::string("sks mug"));
  CHECK_EQ(steer::trigger_from_instance_prompt("sks dog"), std::string("sks dog"));
  CHECK(!steer::find_subject_trigger(lora_file()).has_value());  // the kohya fixture records none

  MainWindow window;
  window.resize(1280, 860);
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  auto* generate = child<steer::ui::GeneratePanel>(&window, "generatePanel");
  auto* generate_prompt = child<QPlainTextEdit>(generate, "prompt");
  CHECK(!generate_prompt->placeholderText().contains(QLatin1String("sks emblem")));  // control: before attaching
  QSignalSpy attached(&window, &MainWindow::startupSubjectAttached);
  QSignalSpy failed(&window, &MainWindow::startupSubjectFailed);
  // packaging/setup.sh --run's arguments, with this LoRA.
  const QString prompt = QStringLiteral("a photo of sks emblem at the top left on a blue background");
  start_with_arguments(window, {to_qstring(demo_model_folder()), QStringLiteral("--subject"), to_qstring(lora),
                                QStringLiteral("--compare-prompts"), prompt});
  REQUIRE(QTest::qWaitFor([&] { return attached.count() + failed.count() > 0; }, kLoadTimeoutMs));
  REQUIRE(attached.count() == 1);

  // The trigger word: in the Subject panel and in both prompt placeholders.
  CHECK_EQ(str(window.subjectPanel()->triggerWords()), std::string("sks emblem"));
  CHECK(child<QLabel>(window.subjectPanel(), "subjectTriggerValue")->text().contains(QLatin1String("sks emblem")));
  CHECK_MSG(generate_prompt->placeholderText().contains(QLatin1String("sks emblem")), str(generate_prompt->placeholderText()));
  steer::ui::CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  auto* prompts_box = child<QPlainTextEdit>(board, "promptsEdit");
  CHECK_MSG(prompts_box->placeholderText().contains(QLatin1String("sks emblem")), str(prompts_box->placeholderText()));

  // CFG against PG at ω below 1, at the demo model's λ (docs/tradeoff.md: 3.5).
  const steer::ui::BoardAxisTexts texts = board->axisTexts();
  CHECK_EQ(texts.methods, std::string("cfg, pg"));
  CHECK_EQ(texts.omegas, std::string("0, 0.5, 0.75"));
  CHECK_EQ(texts.lambdas, std::string("3.5"));
  CHECK(texts.prompts == std::vector<std::string>{str(prompt)});

  // The Base line names no prompt while the Prompts box has one; with the box empty it names
  // the Generate panel's (the control).
  auto* base_line = child<QLabel>(board, "baseSummary");
  steer::GenerationRequest base = board->baseRequest();
  base.prompt = "a photo of a generate panel prompt";
  // Small and short: the demo model's 64 px, 10 steps.
  base.width = base.height = 64;
  base.steps = 10;
  board->setBaseRequest(base);
  CHECK_MSG(!base_line->text().contains(QLatin1String("generate panel prompt")), str(base_line->text()));
  CHECK_MSG(!base_line->text().contains(QStringLiteral("λ=")), str(base_line->text()));  // the λ field sets it
  {
    steer::ui::BoardAxisTexts no_prompts = texts;
    no_prompts.prompts.clear();
    board->setAxisTexts(no_prompts);
    CHECK_MSG(base_line->text().contains(QLatin1String("generate panel prompt")), str(base_line->text()));
    board->setAxisTexts(texts);
    CHECK(!base_line->text().contains(QLatin1String("generate panel prompt")));
  }

  // Run it.
  REQUIRE(board->run());
  REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, 240'000));
  int cfg = -1;
  std::vector<int> pg;
  for (int c = 0; c < board->cellCount(); ++c) {
    const steer::ui::BoardCell& cell = board->cell(c);
    CHECK_MSG(cell.hasImage(), "cell " << c << " has no image");
    REQUIRE(cell.hasImage());
    CHECK_EQ(cell.request.prompt, str(prompt));
    CHECK_EQ(cell.request.guidance.scale, 3.5);
    if (cell.request.guidance.method == steer::GuidanceMethod::Cfg) cfg = c;
    if (cell.request.guidance.method == steer::GuidanceMethod::Personalization) pg.push_back(c);
  }
  REQUIRE(cfg >= 0);
  REQUIRE(pg.size() == size_t{3});
  const steer::ImageRGBA8 cfg_image = board->cell(cfg).image;
  for (int c : pg) {
    const double d = mean_difference(board->cell(c).image, cfg_image);
    std::cout << "PG ω=" << board->cell(c).request.guidance.omega.to_string() << " vs CFG: mean |Δ| = " << d << "\n";
    CHECK_MSG(d > 1.0, "PG at ω " << board->cell(c).request.guidance.omega.to_string() << " looks like CFG: mean |Δ| " << d);
  }
  save_screenshot(window, "startup-board.png");
  // The board says which column is which in words: ω values, none of them "= CFG".
  for (const QString& label : board->columnLabels() + board->rowLabels()) CHECK(!label.contains(QLatin1String("= CFG")));

  // The control: the same board with ω = 1 gives PG cells equal to the CFG image, and says "= CFG".
  steer::ui::BoardAxisTexts control = texts;
  control.omegas = "0, 1";
  board->setAxisTexts(control);
  REQUIRE(board->run());
  REQUIRE(QTest::qWaitFor([&] { return !board->isRunning(); }, 240'000));
  int cfg_again = -1, pg_one = -1, pg_zero = -1;
  for (int c = 0; c < board->cellCount(); ++c) {
    const steer::ui::BoardCell& cell = board->cell(c);
    REQUIRE(cell.hasImage());
    if (cell.request.guidance.method == steer::GuidanceMethod::Cfg) cfg_again = c;
    if (cell.request.guidance.method != steer::GuidanceMethod::Personalization) continue;
    (cell.request.guidance.omega.to_string() == "1" ? pg_one : pg_zero) = c;
  }
  REQUIRE(cfg_again >= 0);
  REQUIRE(pg_one >= 0);
  REQUIRE(pg_zero >= 0);
  CHECK_EQ(mean_difference(board->cell(cfg_again).image, cfg_image), 0.0);  // the same settings, the same CFG image
  const double same = mean_difference(board->cell(pg_one).image, board->cell(cfg_again).image);
  std::cout << "PG ω=1 vs CFG: mean |Δ| = " << same << "\n";
  CHECK_MSG(same >= 0 && same < 0.5, "PG at ω = 1 should be CFG: mean |Δ| " << same);
  CHECK(mean_difference(board->cell(pg_zero).image, board->cell(cfg_again).image) > 1.0);
  CHECK_MSG(board->cellSettingsText(pg_one).contains(QStringLiteral("ω: 1 (= CFG)")), str(board->cellSettingsText(pg_one)));
  save_screenshot(window, "startup-board-control.png");
  bool labelled = false;
  for (const QString& label : board->columnLabels() + board->rowLabels()) labelled |= label.contains(QLatin1String("1 (= CFG)"));
  CHECK_MSG(labelled, "labels: " << str((board->columnLabels() + board->rowLabels()).join(QStringLiteral(" | "))));

  // Pictures of the other places the subject shows (the Compare tab hands its board the
  // Generate panel's settings when shown again, so these come last).
  window.tabs()->setCurrentIndex(MainWindow::ModelTab);
  QTest::qWait(100);
  save_screenshot(window, "startup-subject.png");
  window.tabs()->setCurrentIndex(MainWindow::GenerateTab);
  child<QComboBox>(generate, "method")->setCurrentIndex(2);  // PG: the ω editor shows
  QTest::qWait(200);                                         // its layout settles
  save_screenshot(window, "startup-generate-pg.png");
}

TEST_CASE("Method, λ, ω and the preview choices explain themselves in plain words") {
  MainWindow window;
  window.show();
  REQUIRE(QTest::qWaitForWindowExposed(&window));
  auto* generate = child<steer::ui::GeneratePanel>(&window, "generatePanel");
  auto* method = child<QComboBox>(generate, "method");
  CHECK(method->toolTip().contains(QLatin1String("subject")));
  for (int i = 0; i < method->count(); ++i) CHECK(!method->itemData(i, Qt::ToolTipRole).toString().isEmpty());
  CHECK(child<QDoubleSpinBox>(generate, "lambda")->toolTip().contains(QLatin1String("strength")));
  auto* omega = child<QDoubleSpinBox>(generate, "omegaStart");
  CHECK(omega->toolTip().contains(QStringLiteral("Lower ω = more subject")));
  CHECK(omega->toolTip().contains(QLatin1String("CFG")));
  auto* ends = child<QLabel>(generate, "omegaEndsLabel");
  CHECK(ends->text().contains(QLatin1String("0 = most subject")));
  CHECK(ends->text().contains(QLatin1String("1 = CFG")));
  // PG's default ω is below 1, and the editor says "= CFG" only at 1.
  const steer::GenerationRequest fresh;
  CHECK(fresh.guidance.omega.start < 1.0);
  CHECK(omega->value() < 1.0);
  auto* note = child<QLabel>(generate, "omegaStartNote");
  CHECK(note->text().isEmpty());
  omega->setValue(1.0);
  CHECK_EQ(str(note->text()), std::string("= CFG"));
  auto* editor = child<QWidget>(generate, "omegaScheduleEditor");
  editor->resize(editor->sizeHint().expandedTo(QSize(340, 0)));
  save_screenshot(*editor, "omega-editor-at-1.png");
  omega->setValue(0.75);
  CHECK(note->text().isEmpty());
  auto* branch = child<QComboBox>(generate, "branch");
  REQUIRE(branch->count() == 3);
  CHECK(branch->itemData(0, Qt::ToolTipRole).toString().contains(QLatin1String("picture you get")));
  CHECK(branch->itemData(1, Qt::ToolTipRole).toString().contains(QLatin1String("subject")));
  CHECK(branch->itemData(2, Qt::ToolTipRole).toString().contains(QLatin1String("pushes away")));
  // The compare board's fields say the same.
  steer::ui::CompareBoard* board = window.currentBoard();
  REQUIRE(board != nullptr);
  CHECK(child<QLineEdit>(board, "methodsEdit")->toolTip().contains(QLatin1String("subject")));
  CHECK(child<QLineEdit>(board, "lambdasEdit")->toolTip().contains(QLatin1String("strength")));
  CHECK(child<QLineEdit>(board, "omegasEdit")->toolTip().contains(QStringLiteral("Lower ω = more subject")));
  CHECK(child<QLineEdit>(board, "omegasEdit")->placeholderText().contains(QLatin1String("1 = CFG")));
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
