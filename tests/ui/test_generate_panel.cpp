// The generation panel and the engine bridge's jobs, offscreen, on the tiny SD 1.x fixture
// with the diffusers-named LoRA as the subject:
// - a PG image shows a preview after every step and ends on exactly the pixels that
//   `steer generate` writes for the same settings;
// - Cancel after step 2 stops the job before step 3, and the panel generates again;
// - the event loop stays responsive while the engine works (5 ms timer, max gap);
// - invalid settings are refused before anything is submitted, naming the setting;
// - "Use these settings" gives back the exact request (the same image again);
// - branch previews, sweeps, and cancelling a queued job through the bridge.
// Saves (under tools/make_screenshots.sh) docs/screenshots/generate-panel.png.
#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "core/export/a1111_parameters.h"
#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/generation/request_json.h"
#include "core/generation/sweep_plan.h"
#include "tests/support/test_harness.h"
#include "ui/engine/engine_thread.h"
#include "ui/panels/generate_panel.h"
#include "ui/panels/history_strip.h"
#include "ui/panels/image_conversion.h"
#include "ui/panels/omega_schedule_plot.h"
#include "ui/panels/preview_view.h"
#include "ui/panels/seed_spin_box.h"
#include "ui/path_text.h"

#ifndef STEER_CLI_PATH
#error "STEER_CLI_PATH must name the built steer program"
#endif

namespace fs = std::filesystem;
using steer::ui::EngineBridge;
using steer::ui::GeneratePanel;
using steer::ui::HistoryStrip;
using steer::ui::to_path;
using steer::ui::to_qimage;
using steer::ui::to_qstring;

namespace {

constexpr int kTimeoutMs = 120'000;
const char* const kPrompt = "a photo of sks mug";

std::string str(const QString& s) { return s.toStdString(); }

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? fs::path(value) : fs::path();
}
std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
fs::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }
fs::path lora_file() { return env_path("STEER_FIXTURES") / "lora" / "sd1_lora_diffusers.safetensors"; }

template <class T>
T* child(QWidget* root, const char* name) {
  T* widget = root->findChild<T*>(QString::fromLatin1(name));
  if (!widget) std::cerr << "no child " << name << "\n";
  REQUIRE(widget != nullptr);
  return widget;
}

// Loads the tiny model and attaches the LoRA through the bridge, as the app does.
void load_model_and_subject(EngineBridge& bridge) {
  REQUIRE(fs::exists(tiny_model_folder() / "model_index.json"));
  REQUIRE(fs::exists(lora_file()));
  QObject scope;  // the connections end with this function
  bool loaded = false;
  QString error;
  QObject::connect(&bridge, &EngineBridge::modelLoaded, &scope, [&] { loaded = true; });
  QObject::connect(&bridge, &EngineBridge::modelLoadFailed, &scope, [&](const QString&, const QString& m) { error = m; });
  bridge.loadModel(to_qstring(tiny_model_folder()));
  REQUIRE(QTest::qWaitFor([&] { return loaded || !error.isEmpty(); }, kTimeoutMs));
  if (!error.isEmpty()) std::cerr << "load failed: " << str(error) << "\n";
  REQUIRE(loaded);
  CHECK(bridge.hasModel());

  QString note;
  QObject::connect(&bridge, &EngineBridge::subjectChanged, &scope, [&](const QString& n) { note = n; });
  QObject::connect(&bridge, &EngineBridge::subjectFailed, &scope, [&](const QString& m) { error = m; });
  steer::SubjectSpec subject;
  subject.kind = steer::SubjectSpec::Kind::Lora;
  subject.path = lora_file();
  bridge.setSubject(subject);
  REQUIRE(QTest::qWaitFor([&] { return !note.isEmpty() || !error.isEmpty(); }, kTimeoutMs));
  if (!error.isEmpty()) std::cerr << "subject failed: " << str(error) << "\n";
  REQUIRE(!note.isEmpty());
  CHECK(note.contains(QLatin1String("sd1_lora_diffusers")));
  CHECK(!bridge.isBusy());
}

// The settings, entered through the controls: 64x64, 6 steps, PG ω 0.5, seed 11.
void enter_settings(GeneratePanel& panel, int size = 64, int steps = 6) {
  child<QPlainTextEdit>(&panel, "prompt")->setPlainText(QString::fromUtf8(kPrompt));
  child<QSpinBox>(&panel, "width")->setValue(size);
  child<QSpinBox>(&panel, "height")->setValue(size);
  child<QSpinBox>(&panel, "steps")->setValue(steps);
  auto* method = child<QComboBox>(&panel, "method");
  method->setCurrentIndex(method->findData(QStringLiteral("pg")));
  child<QDoubleSpinBox>(&panel, "omegaStart")->setValue(0.5);
  child<steer::ui::SeedSpinBox>(&panel, "seed")->setValue(11);
}

// Runs the event loop until the panel's job has ended. A real QEventLoop, not
// QTest::qWaitFor: that one sleeps 10 ms between passes, which would be measured as
// event-loop gaps.
bool wait_idle(GeneratePanel& panel) {
  if (!panel.isGenerating()) return true;
  QEventLoop loop;
  QObject::connect(&panel, &GeneratePanel::generatingChanged, &loop, [&](bool generating) {
    if (!generating) loop.quit();
  });
  QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
  loop.exec();
  return !panel.isGenerating();
}

// Gaps between the timeouts of a 5 ms timer: how long the UI thread's event loop was
// unable to run anything.
class LoopGapMeter {
 public:
  LoopGapMeter() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(5);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      const qint64 now = clock_.nsecsElapsed();
      if (last_ >= 0) gaps_ms_.push_back(static_cast<double>(now - last_) / 1e6);
      last_ = now;
    });
  }
  void start() {
    gaps_ms_.clear();
    last_ = -1;
    clock_.start();
    timer_.start();
  }
  void stop() { timer_.stop(); }
  double max() const { return gaps_ms_.empty() ? 0.0 : *std::max_element(gaps_ms_.begin(), gaps_ms_.end()); }
  double percentile(double p) const {
    if (gaps_ms_.empty()) return 0.0;
    std::vector<double> sorted = gaps_ms_;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
  }
  size_t samples() const { return gaps_ms_.size(); }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1;
  std::vector<double> gaps_ms_;
};

struct PixelDifference {
  bool same_size = false;
  int64_t differing = 0;
  int max_abs = 0;
};

PixelDifference compare_pixels(const QImage& a_in, const QImage& b_in) {
  PixelDifference d;
  const QImage a = a_in.convertToFormat(QImage::Format_RGBA8888);
  const QImage b = b_in.convertToFormat(QImage::Format_RGBA8888);
  d.same_size = !a.isNull() && a.size() == b.size();
  if (!d.same_size) return d;
  for (int y = 0; y < a.height(); ++y) {
    const uchar* pa = a.constScanLine(y);
    const uchar* pb = b.constScanLine(y);
    for (int i = 0; i < a.width() * 4; ++i) {
      const int diff = std::abs(int(pa[i]) - int(pb[i]));
      if (diff) ++d.differing;
      d.max_abs = std::max(d.max_abs, diff);
    }
  }
  return d;
}

// Runs the built `steer generate` with the settings the panel used; returns the PNG.
QImage steer_generate(const QString& out_dir, const QStringList& settings) {
  const QString out = out_dir + QStringLiteral("/cli.png");
  QProcess cli;
  cli.setProgram(QStringLiteral(STEER_CLI_PATH));
  QStringList args{QStringLiteral("generate"),
                   QStringLiteral("--model"),
                   to_qstring(tiny_model_folder()),
                   QStringLiteral("--lora"),
                   to_qstring(lora_file()),
                   QStringLiteral("--out"),
                   out};
  args += settings;
  cli.setArguments(args);
  cli.start();
  REQUIRE(cli.waitForFinished(kTimeoutMs));
  if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0)
    std::cerr << "steer generate failed:\n" << cli.readAllStandardError().toStdString() << "\n";
  REQUIRE(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0);
  std::cout << "  " << str(QStringLiteral(STEER_CLI_PATH)) << " " << str(args.join(QLatin1Char(' '))) << "\n";
  return QImage(out);
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
  const QImage decoded(to_qstring(shot_path));
  CHECK(decoded.size() == shot.size());
  std::cout << "screenshot: " << shot_path.string() << "\n";
}

std::string request_difference(const steer::GenerationRequest& a, const steer::GenerationRequest& b) {
  std::ostringstream why;
  auto field = [&](const char* name, const auto& x, const auto& y) {
    if (!(x == y)) why << name << ": " << x << " vs " << y << "; ";
  };
  field("prompt", a.prompt, b.prompt);
  field("negative", a.negative_prompt, b.negative_prompt);
  field("seed", a.seed, b.seed);
  field("width", a.width, b.width);
  field("height", a.height, b.height);
  field("steps", a.steps, b.steps);
  field("sampler", a.sampler, b.sampler);
  field("karras", a.karras_sigmas, b.karras_sigmas);
  field("eta", a.eta, b.eta);
  field("clip_skip", a.clip_skip, b.clip_skip);
  field("method", std::string(steer::guidance_method_name(a.guidance.method)),
        std::string(steer::guidance_method_name(b.guidance.method)));
  field("lambda", a.guidance.scale, b.guidance.scale);
  field("omega", a.guidance.omega.to_string(), b.guidance.omega.to_string());
  field("omega.start", a.guidance.omega.start, b.guidance.omega.start);
  field("omega.end", a.guidance.omega.end, b.guidance.omega.end);
  field("weak", a.guidance.weak.to_string(), b.guidance.weak.to_string());
  field("rescale", a.guidance.rescale, b.guidance.rescale);
  field("sigma_low", a.guidance.sigma_low, b.guidance.sigma_low);
  field("sigma_high", a.guidance.sigma_high, b.guidance.sigma_high);
  field("noise_on_device", a.noise_on_device, b.noise_on_device);
  field("batch_branches", a.batch_branches, b.batch_branches);
  field("want_branch_previews", a.want_branch_previews, b.want_branch_previews);
  return why.str();
}

}  // namespace

TEST_CASE("A PG image previews every step and equals steer generate's pixels") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.resize(1240, 860);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel);

  const steer::GenerationRequest edited = panel.request();
  CHECK_EQ(edited.width, 64);
  CHECK_EQ(edited.steps, 6);
  CHECK_EQ(edited.seed, 11);
  CHECK(edited.guidance.method == steer::GuidanceMethod::Personalization);
  CHECK_EQ(edited.guidance.omega.to_string(), std::string("0.5"));
  CHECK(!edited.want_branch_previews);
  // The plot shows the ω the engine will use at each of the 6 steps.
  CHECK(child<steer::ui::OmegaSchedulePlot>(&panel, "omegaSchedulePlot")->values() == std::vector<double>(6, 0.5));

  // What reached the view, step by step: this handler runs after the panel's own.
  steer::ui::PreviewView* view = panel.previewView();
  QObject scope;
  std::vector<int> steps_seen;
  std::map<int, qint64> frames_per_step;
  qint64 frames_before = view->framesShown();
  int events_with_preview = 0, painted = 0, images = 0;
  bool preview_size_ok = true;
  steer::GenerationResult delivered;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int cell, const steer::StepEvent& e) {
    CHECK_EQ(cell, -1);
    steps_seen.push_back(e.step);
    if (!e.preview.empty()) {
      ++events_with_preview;
      preview_size_ok = preview_size_ok && e.preview.width == 8 && e.preview.height == 8;
    }
    frames_per_step[e.step] += view->framesShown() - frames_before;
    frames_before = view->framesShown();
  });
  QObject::connect(view, &steer::ui::PreviewView::framePainted, &scope, [&](qint64 stamp) {
    CHECK(stamp > 0);
    ++painted;
  });
  QObject::connect(&bridge, &EngineBridge::jobImage, &scope,
                   [&](quint64, int, const steer::GenerationResult& r) { delivered = r, ++images; });
  QImage emitted_image;
  steer::GenerationRequest emitted_request;
  QObject::connect(&panel, &GeneratePanel::imageGenerated, &scope, [&](const steer::ui::KeptImage& kept) {
    emitted_image = steer::ui::to_qimage(kept.pixels), emitted_request = kept.request;
  });

  LoopGapMeter meter;
  meter.start();
  QTest::mouseClick(child<QPushButton>(&panel, "generateButton"), Qt::LeftButton);
  CHECK(panel.isGenerating());
  CHECK(!child<QPushButton>(&panel, "generateButton")->isEnabled());
  CHECK(child<QPushButton>(&panel, "cancelButton")->isEnabled());
  REQUIRE(wait_idle(panel));
  meter.stop();

  CHECK(steps_seen == std::vector<int>({1, 2, 3, 4, 5, 6}));
  CHECK_EQ(events_with_preview, 6);
  CHECK(preview_size_ok);
  for (int step = 1; step <= 6; ++step) CHECK_MSG(frames_per_step[step] >= 1, "no preview reached the view at step " << step);
  CHECK(painted >= 1);
  CHECK_EQ(images, 1);
  CHECK_EQ(bridge.droppedPreviews(), 0);
  std::cout << "  previews: " << events_with_preview << " step events with previews, " << view->framesShown()
            << " frames set on the view, " << painted << " stamped frames painted\n";
  std::cout << "  event loop while generating: max gap " << meter.max() << " ms, p99 " << meter.percentile(0.99) << " ms over "
            << meter.samples() << " ticks\n";
  CHECK(meter.max() < 50.0);

  const QImage image = panel.currentImage();
  REQUIRE(!image.isNull());
  CHECK(image.size() == QSize(64, 64));
  CHECK(view->image() == image);
  CHECK(emitted_image == image);
  CHECK_EQ(request_difference(emitted_request, edited), std::string());
  CHECK(compare_pixels(image, steer::ui::to_qimage(delivered.image)).differing == 0);
  CHECK_EQ(panel.historyStrip()->entryCount(), 1);
  CHECK_EQ(str(child<QLabel>(&panel, "seedUsed")->text()), std::string("seed 11"));
  const QString progress = child<QLabel>(&panel, "progressLabel")->text();
  CHECK_MSG(progress.startsWith(QString::fromUtf8("done · 6 steps in")), str(progress));

  QTemporaryDir out;
  REQUIRE(out.isValid());
  const QImage cli = steer_generate(
      out.path(), {QStringLiteral("--prompt"), QString::fromUtf8(kPrompt), QStringLiteral("--width"), QStringLiteral("64"),
                   QStringLiteral("--height"), QStringLiteral("64"), QStringLiteral("--steps"), QStringLiteral("6"),
                   QStringLiteral("--method"), QStringLiteral("pg"), QStringLiteral("--omega"), QStringLiteral("0.5"),
                   QStringLiteral("--seed"), QStringLiteral("11")});
  REQUIRE(!cli.isNull());
  const PixelDifference d = compare_pixels(image, cli);
  CHECK(d.same_size);
  CHECK_MSG(d.differing == 0, d.differing << " bytes differ, max " << d.max_abs);
  std::cout << "  vs steer generate: " << d.differing << " differing bytes of " << 64 * 64 * 4 << "\n";

  save_screenshot(panel, "generate-panel.png");
}

TEST_CASE("Cancel after step 2 stops before step 3; the panel generates again") {
  // The engine thread waits after sending step 2 until the UI has clicked Cancel: the
  // tiny model runs a step in ~30 ms, a real one in ~100 ms or more, so the wait stands in
  // for a slow step and makes the moment of the click deterministic.
  std::atomic<bool> gate_armed{true}, clicked{false};
  EngineBridge bridge;
  bridge.setStepHookForTesting([&](quint64, int, const steer::StepEvent& e) {
    if (!gate_armed.load() || e.step != 2) return;
    for (int i = 0; i < 10'000 && !clicked.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel);

  QObject scope;
  std::vector<int> steps_seen;
  std::vector<quint64> cancelled, finished;
  int images = 0;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int, const steer::StepEvent& e) {
    steps_seen.push_back(e.step);
    if (e.step == 2 && gate_armed.load()) {
      QTest::mouseClick(child<QPushButton>(&panel, "cancelButton"), Qt::LeftButton);
      clicked = true;
    }
  });
  QObject::connect(&bridge, &EngineBridge::jobCancelled, &scope, [&](quint64 job) { cancelled.push_back(job); });
  QObject::connect(&bridge, &EngineBridge::jobFinished, &scope, [&](quint64 job) { finished.push_back(job); });
  QObject::connect(&bridge, &EngineBridge::jobImage, &scope, [&] { ++images; });

  QTest::mouseClick(child<QPushButton>(&panel, "generateButton"), Qt::LeftButton);
  const quint64 job = panel.currentJob();
  REQUIRE(job != 0);
  REQUIRE(wait_idle(panel));
  CHECK(clicked.load());
  CHECK(cancelled == std::vector<quint64>{job});
  CHECK(finished.empty());
  CHECK_EQ(images, 0);
  CHECK(steps_seen == std::vector<int>({1, 2}));
  CHECK(steps_seen.size() < 6);
  CHECK(!bridge.isJobActive(job));
  CHECK(panel.currentImage().isNull());
  CHECK_EQ(panel.historyStrip()->entryCount(), 0);
  const QString label = child<QLabel>(&panel, "progressLabel")->text();
  CHECK_MSG(label.startsWith(QLatin1String("cancelled after step 2/6")), str(label));
  std::cout << "  cancelled: " << str(label) << "\n";
  CHECK(child<QPushButton>(&panel, "generateButton")->isEnabled());
  CHECK(!child<QPushButton>(&panel, "cancelButton")->isEnabled());

  // The panel is usable again: a second Generate runs all 6 steps.
  gate_armed = false;
  steps_seen.clear();
  QTest::mouseClick(child<QPushButton>(&panel, "generateButton"), Qt::LeftButton);
  const quint64 second = panel.currentJob();
  REQUIRE(second != 0 && second != job);
  REQUIRE(wait_idle(panel));
  CHECK(finished == std::vector<quint64>{second});
  CHECK(steps_seen == std::vector<int>({1, 2, 3, 4, 5, 6}));
  CHECK_EQ(images, 1);
  CHECK_EQ(panel.historyStrip()->entryCount(), 1);
  CHECK(panel.currentImage().size() == QSize(64, 64));

  // The keyboard: Ctrl+Return in the prompt generates, Esc cancels (gate again at step 2).
  panel.activateWindow();
  REQUIRE(QTest::qWaitForWindowActive(&panel));
  gate_armed = true;
  clicked = false;
  steps_seen.clear();
  QObject::disconnect(&bridge, &EngineBridge::jobStep, &scope, nullptr);
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int, const steer::StepEvent& e) {
    steps_seen.push_back(e.step);
    if (e.step == 2) {
      QTest::keyClick(child<QPlainTextEdit>(&panel, "prompt"), Qt::Key_Escape);
      clicked = true;
    }
  });
  auto* prompt = child<QPlainTextEdit>(&panel, "prompt");
  prompt->setFocus();
  QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
  CHECK(panel.isGenerating());
  CHECK_EQ(str(prompt->toPlainText()), std::string(kPrompt));  // no newline typed
  REQUIRE(wait_idle(panel));
  CHECK(steps_seen == std::vector<int>({1, 2}));
  CHECK_EQ(cancelled.size(), size_t{2});
  CHECK_EQ(panel.historyStrip()->entryCount(), 1);
}

TEST_CASE("The event loop stays responsive during a longer run") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.resize(1180, 760);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel, 64, 40);
  int steps = 0;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&] { ++steps; });
  LoopGapMeter meter;
  QElapsedTimer clock;
  clock.start();
  meter.start();
  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  meter.stop();
  CHECK_EQ(steps, 40);
  std::cout << "  64x64, 40 steps in " << clock.elapsed() << " ms: max gap " << meter.max() << " ms, p99 "
            << meter.percentile(0.99) << " ms, median " << meter.percentile(0.5) << " ms over " << meter.samples() << " ticks; "
            << bridge.droppedPreviews() << " previews coalesced\n";
  CHECK(meter.max() < 50.0);
}

TEST_CASE("Invalid settings are refused before submitting, naming the setting") {
  EngineBridge bridge;
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  int submitted = 0;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::busyChanged, &scope, [&](bool busy) { submitted += busy ? 1 : 0; });
  auto* message = child<QLabel>(&panel, "validationMessage");
  auto* generate = child<QPushButton>(&panel, "generateButton");
  CHECK(!message->isVisible());

  enter_settings(panel);
  // A typed 65 snaps to a whole latent cell (tests/ui/test_native_size.cpp); a side set
  // through setValue (as a request from a project is) stays, and Generate names it with the
  // nearest sides of the model's latent factor.
  panel.setModelGeometry(64, 8);
  child<QSpinBox>(&panel, "width")->setValue(65);
  QTest::mouseClick(generate, Qt::LeftButton);
  CHECK(!panel.isGenerating());
  CHECK(message->isVisible());
  CHECK_MSG(message->text().contains(QLatin1String("width 65")) && message->text().contains(QLatin1String("use 64 or 72")),
            str(message->text()));
  std::cout << "  refused: " << str(message->text()) << "\n";

  child<QSpinBox>(&panel, "width")->setValue(64);
  auto* kind = child<QComboBox>(&panel, "omegaKind");
  kind->setCurrentIndex(kind->findData(static_cast<int>(steer::OmegaSchedule::Kind::Interval)));
  child<QDoubleSpinBox>(&panel, "omegaIntervalBegin")->setValue(0.8);
  child<QDoubleSpinBox>(&panel, "omegaIntervalEnd")->setValue(0.2);
  QTest::mouseClick(generate, Qt::LeftButton);
  CHECK(!panel.isGenerating());
  CHECK_MSG(message->text().contains(QLatin1String("omega interval")), str(message->text()));

  // Valid settings, but no model loaded yet: refused too, and saying why.
  child<QDoubleSpinBox>(&panel, "omegaIntervalBegin")->setValue(0.2);
  child<QDoubleSpinBox>(&panel, "omegaIntervalEnd")->setValue(0.8);
  CHECK_EQ(panel.request().guidance.omega.to_string(), std::string("interval:0.5@0.2-0.8"));
  QTest::mouseClick(generate, Qt::LeftButton);
  CHECK(!panel.isGenerating());
  CHECK_MSG(message->text().contains(QLatin1String("no model")), str(message->text()));
  CHECK_EQ(submitted, 0);

  // Controls the sampler does not use contribute nothing: η only for DDIM, Karras not for DDIM.
  auto* sampler = child<QComboBox>(&panel, "sampler");
  child<QDoubleSpinBox>(&panel, "eta")->setValue(0.5);
  child<QCheckBox>(&panel, "karras")->setChecked(true);
  CHECK_EQ(panel.request().eta, 0.0);
  CHECK(panel.request().karras_sigmas);
  sampler->setCurrentIndex(sampler->findData(QStringLiteral("ddim")));
  CHECK(!child<QCheckBox>(&panel, "karras")->isEnabled());
  CHECK_EQ(panel.request().eta, 0.5);
  CHECK(!panel.request().karras_sigmas);
  panel.request().validate();
}

TEST_CASE("Use these settings gives back the exact request, and the same image") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel, 64, 4);
  // Settings the controls do not show must survive the round trip too.
  steer::GenerationRequest start = panel.request();
  start.clip_skip = 1;
  start.guidance.rescale = 0.7;
  start.guidance.sigma_low = 0.5;
  start.negative_prompt = "blurry";
  panel.setRequest(start);
  CHECK_EQ(request_difference(panel.request(), start), std::string());
  child<QCheckBox>(&panel, "randomSeed")->setChecked(true);

  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  auto* history = panel.historyStrip();
  REQUIRE(history->entryCount() == 2);
  const steer::GenerationRequest first = history->entry(0).kept.request;
  const QImage first_image = history->entry(0).image;
  CHECK(first.seed != history->entry(1).kept.request.seed);  // random seeds, as used
  CHECK_EQ(str(child<QLabel>(&panel, "seedUsed")->text()), "seed " + std::to_string(history->entry(1).kept.request.seed));
  CHECK_EQ(first.clip_skip, 1);
  CHECK_EQ(first.guidance.sigma_low, 0.5);

  // Change things, pick the first image, take its settings back.
  child<QPlainTextEdit>(&panel, "prompt")->setPlainText(QStringLiteral("something else"));
  child<QSpinBox>(&panel, "steps")->setValue(9);
  history->setCurrentRow(0);
  CHECK(panel.currentImage() == first_image);
  CHECK(panel.previewView()->image() == first_image);
  CHECK_EQ(str(child<QLabel>(&panel, "seedUsed")->text()), "seed " + std::to_string(first.seed));
  QTest::mouseClick(child<QPushButton>(&panel, "useSettingsButton"), Qt::LeftButton);
  CHECK(!child<QCheckBox>(&panel, "randomSeed")->isChecked());
  CHECK_EQ(request_difference(panel.request(), first), std::string());

  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  REQUIRE(history->entryCount() == 3);
  CHECK_EQ(history->entry(2).kept.request.seed, first.seed);
  const PixelDifference d = compare_pixels(panel.currentImage(), first_image);
  CHECK_MSG(d.same_size && d.differing == 0, d.differing << " bytes differ");
}

TEST_CASE("Save Image writes the shown or chosen image with the exporter steer generate uses") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel, 64, 3);
  auto* save = child<QPushButton>(&panel, "saveImageButton");
  CHECK(!save->isEnabled());  // nothing to save before the first image
  child<QCheckBox>(&panel, "randomSeed")->setChecked(true);
  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  HistoryStrip* history = panel.historyStrip();
  REQUIRE(history->entryCount() == 2);
  CHECK(save->isEnabled());
  CHECK_EQ(panel.shownEntry(), 1);

  QTemporaryDir out;
  QStringList asked;
  panel.setFileChooser([&](QWidget*, const steer::ui::FileQuestion& q) {
    asked << q.purpose;
    CHECK(q.kind == steer::ui::FileQuestion::Kind::NewFile);
    // The offered name says what the image is.
    CHECK(q.start.endsWith(QStringLiteral("-seed%1.png").arg(history->entry(panel.shownEntry()).kept.request.seed)));
    return QDir(out.path()).filePath(QStringLiteral("keep.png"));
  });
  // Reads back what a saved file says about itself: the PNG's A1111 text and the sidecar.
  auto read_back = [](const QString& png) {
    const QImage image(png);
    REQUIRE(!image.isNull());
    const steer::json::Value sidecar = steer::json::parse(read_file(to_path(png).replace_extension(".json")));
    return std::make_tuple(image, image.text(QStringLiteral("parameters")).toStdString(), sidecar);
  };

  QTest::mouseClick(save, Qt::LeftButton);
  CHECK_EQ(asked.size(), qsizetype{1});
  const QString first = QDir(out.path()).filePath(QStringLiteral("keep.png"));
  REQUIRE(QFileInfo::exists(first));
  {
    const auto [image, parameters, sidecar] = read_back(first);
    const steer::ui::KeptImage& shown = history->entry(1).kept;
    CHECK(image.size() == QSize(64, 64));
    CHECK_EQ(sidecar.at("format").as_string(), std::string("steer-image"));
    CHECK_EQ(request_difference(steer::request_from_json(sidecar.at("request")), shown.request), std::string());
    const steer::CellSettings record = steer::settings_from_json(sidecar.at("settings"));
    CHECK_EQ(parameters, steer::a1111_parameters(record));
    CHECK_EQ(record.seed, shown.request.seed);
    CHECK_EQ(record.subject_name, lora_file().filename().string());
    CHECK_EQ(record.model_hash.size(), size_t{64});
    // The pixels are the engine's, not a re-encoding of the preview.
    const PixelDifference d = compare_pixels(image.convertToFormat(QImage::Format_RGBA8888), to_qimage(shown.pixels));
    CHECK_MSG(d.same_size && d.differing == 0, d.differing << " bytes differ");
  }

  // The other history entry, from its context menu's action: never overwrites (keep-2.png),
  // and carries that entry's seed, not the shown one's (the control for the check above).
  const QString second = panel.saveEntryTo(0, first);
  CHECK_EQ(QFileInfo(second).fileName().toStdString(), std::string("keep-2.png"));
  {
    const auto [image, parameters, sidecar] = read_back(second);
    const steer::CellSettings record = steer::settings_from_json(sidecar.at("settings"));
    CHECK_EQ(record.seed, history->entry(0).kept.request.seed);
    CHECK(record.seed != history->entry(1).kept.request.seed);
    CHECK(parameters.find("Seed: " + std::to_string(record.seed)) != std::string::npos);
  }
  const auto [unchanged, unchanged_parameters, unchanged_sidecar] = read_back(first);
  CHECK(unchanged_parameters.find("Seed: " + std::to_string(history->entry(1).kept.request.seed)) != std::string::npos);

  // A folder that does not exist: nothing written, the reason names the folder.
  const QString missing = QDir(out.path()).filePath(QStringLiteral("no-such-folder/x.png"));
  CHECK(panel.saveEntryTo(1, missing).isEmpty());
  const QString reason = child<QLabel>(&panel, "validationMessage")->text();
  CHECK_MSG(reason.contains(QStringLiteral("no-such-folder")), str(reason));
  CHECK_EQ(QDir(out.path()).entryList(QDir::Files).size(), qsizetype{4});  // 2 PNGs + 2 sidecars
}

TEST_CASE("Branch previews show the strong and weak terms") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  GeneratePanel panel(bridge);
  panel.show();
  REQUIRE(QTest::qWaitForWindowExposed(&panel));
  enter_settings(panel);
  panel.setBranch(GeneratePanel::Branch::Strong);
  CHECK(panel.request().want_branch_previews);
  std::optional<steer::StepEvent> last;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int, const steer::StepEvent& e) {
    CHECK(!e.preview_strong.empty() && !e.preview_weak.empty());
    if (!e.preview_strong.empty()) CHECK(panel.previewView()->image() == steer::ui::to_qimage(e.preview_strong));
    last = e;
  });
  REQUIRE(panel.generate());
  REQUIRE(wait_idle(panel));
  REQUIRE(last.has_value());
  CHECK(last->preview_strong.pixels != last->preview.pixels);
  CHECK(panel.previewView()->image() == steer::ui::to_qimage(last->preview_strong));
  panel.setBranch(GeneratePanel::Branch::Weak);
  CHECK(panel.previewView()->image() == steer::ui::to_qimage(last->preview_weak));
  panel.setBranch(GeneratePanel::Branch::Guided);
  CHECK(panel.previewView()->image() == panel.currentImage());
  CHECK(panel.currentImage().size() == QSize(64, 64));
}

TEST_CASE("Bridge: a sweep reports every cell; a queued job cancelled before it starts is skipped") {
  EngineBridge bridge;
  load_model_and_subject(bridge);
  steer::SweepPlan plan;
  plan.base.prompt = kPrompt;
  plan.base.width = plan.base.height = 64;
  plan.base.steps = 3;
  plan.methods = {"pg"};
  plan.omegas = {"0", "1"};
  plan.seeds = {1, 2};
  plan.validate();
  const size_t cells = plan.cells().size();
  REQUIRE(cells == 4);

  QObject scope;
  std::vector<std::string> log;  // "s<cell>:<step>", "i<cell>", "started", "finished", ...
  std::map<quint64, std::vector<std::string>> by_job;
  QObject::connect(&bridge, &EngineBridge::jobStarted, &scope, [&](quint64 j) { by_job[j].push_back("started"); });
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64 j, int cell, const steer::StepEvent& e) {
    by_job[j].push_back("s" + std::to_string(cell) + ":" + std::to_string(e.step));
  });
  QObject::connect(&bridge, &EngineBridge::jobImage, &scope, [&](quint64 j, int cell, const steer::GenerationResult& r) {
    by_job[j].push_back("i" + std::to_string(cell));
    CHECK(r.image.width == 64);
  });
  QObject::connect(&bridge, &EngineBridge::jobFinished, &scope, [&](quint64 j) { by_job[j].push_back("finished"); });
  QObject::connect(&bridge, &EngineBridge::jobCancelled, &scope, [&](quint64 j) { by_job[j].push_back("cancelled"); });
  QObject::connect(&bridge, &EngineBridge::jobFailed, &scope,
                   [&](quint64 j, const QString& m) { by_job[j].push_back("failed: " + str(m)); });

  const quint64 sweep = bridge.runSweep(plan);
  steer::GenerationRequest request = plan.base;
  request.guidance.method = steer::GuidanceMethod::Personalization;
  const quint64 queued = bridge.generate(request);
  bridge.cancel(queued);  // still behind the sweep in the queue
  // A job the engine refuses: AG with a weak checkpoint that does not exist.
  steer::GenerationRequest broken = request;
  broken.guidance.method = steer::GuidanceMethod::Autoguidance;
  broken.guidance.weak = steer::WeakModel::parse("/nonexistent/earlier.safetensors");
  const quint64 failing = bridge.generate(broken);
  REQUIRE(QTest::qWaitFor([&] { return !bridge.isBusy(); }, kTimeoutMs));

  std::vector<std::string> expected{"started"};
  for (size_t c = 0; c < cells; ++c) {
    for (int s = 1; s <= 3; ++s) expected.push_back("s" + std::to_string(c) + ":" + std::to_string(s));
    expected.push_back("i" + std::to_string(c));
  }
  expected.push_back("finished");
  CHECK(by_job[sweep] == expected);
  CHECK(by_job[queued] == std::vector<std::string>{"cancelled"});
  REQUIRE(by_job[failing].size() == 2);
  CHECK_EQ(by_job[failing][0], std::string("started"));
  CHECK_MSG(by_job[failing][1].find("failed: ") == 0 && by_job[failing][1].find("earlier.safetensors") != std::string::npos,
            by_job[failing][1]);
  std::cout << "  refused job: " << by_job[failing][1] << "\n";
  bridge.cancel(sweep);  // ended jobs are ignored
  CHECK(!bridge.isJobActive(sweep));
}

TEST_CASE("Bridge: when the UI falls behind, intermediate previews are dropped, never steps or the last preview") {
  EngineBridge bridge;
  std::atomic<int> engine_steps{0};
  bridge.setStepHookForTesting([&](quint64, int, const steer::StepEvent&) { ++engine_steps; });
  load_model_and_subject(bridge);
  steer::GenerationRequest request;
  request.prompt = kPrompt;
  request.width = request.height = 64;
  request.steps = 12;
  QObject scope;
  std::vector<int> steps_seen, with_preview;
  bool finished = false;
  QObject::connect(&bridge, &EngineBridge::jobStep, &scope, [&](quint64, int, const steer::StepEvent& e) {
    steps_seen.push_back(e.step);
    if (!e.preview.empty()) with_preview.push_back(e.step);
  });
  QObject::connect(&bridge, &EngineBridge::jobFinished, &scope, [&] { finished = true; });
  bridge.generate(request);
  // The UI thread does not run its event loop until the engine has sent every step.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  while (engine_steps.load() < 12 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(engine_steps.load() == 12);
  REQUIRE(QTest::qWaitFor([&] { return finished; }, kTimeoutMs));
  CHECK(steps_seen == std::vector<int>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  CHECK(with_preview == std::vector<int>({1, 2, 3, 12}));  // kMaxPreviewsInFlight, then the last
  CHECK_EQ(bridge.droppedPreviews(), 8);
}

TEST_CASE("Destroying the bridge mid-job cancels it and joins the engine thread") {
  std::atomic<int> steps_run{0};
  {
    EngineBridge bridge;
    bridge.setStepHookForTesting([&](quint64, int, const steer::StepEvent&) {
      ++steps_run;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
    load_model_and_subject(bridge);
    steer::GenerationRequest request;
    request.prompt = kPrompt;
    request.width = request.height = 64;
    request.steps = 200;
    bridge.generate(request);
    bridge.generate(request);
    REQUIRE(QTest::qWaitFor([&] { return steps_run.load() >= 2; }, kTimeoutMs));
  }
  CHECK(steps_run.load() < 200);
  std::cout << "  stopped after " << steps_run.load() << " of 200 steps\n";
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QTemporaryDir settings_dir;
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Steer Studio Tests"));
  QApplication::setApplicationName(QStringLiteral("test_generate_panel"));
  return steer::testing::run_all(argc, argv);
}
