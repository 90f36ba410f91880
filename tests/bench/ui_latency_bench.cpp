// ui_latency_bench: how fast the generation panel follows the engine, on the tiny SD 1.x
// fixture (CPU, 64x64, 20 steps, CFG, the real GeneratePanel shown offscreen).
//   (a) preview latency: from the engine thread sending a step event (steady_clock taken
//       in the worker right before the emit, carried in StepDelivery) to the end of the
//       PreviewView::paintEvent that drew that step's preview. A preview replaced before
//       it was painted is not counted (Qt merges the repaints); the table says how many.
//   (b) event-loop responsiveness: gaps between the timeouts of a 5 ms precise QTimer on
//       the UI thread while jobs run.
// Prints a markdown table for docs/benchmarks.md and the command line that made it.
//
//   build/tests/ui/ui_latency_bench [--runs N] [--steps N] [--size PX] [--fixtures DIR]
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSysInfo>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/generation/generation_request.h"
#include "ui/engine/engine_thread.h"
#include "ui/panels/generate_panel.h"
#include "ui/panels/preview_view.h"
#include "ui/path_text.h"

#ifndef STEER_DEFAULT_FIXTURES
#define STEER_DEFAULT_FIXTURES ""
#endif

namespace {

struct Stats {
  double median = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Stats stats_of(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, static_cast<size_t>(0.99 * static_cast<double>(v.size())))];
  s.max = v.back();
  return s;
}

int usage(const char* program) {
  std::fprintf(stderr, "usage: %s [--runs N] [--steps N] [--size PX] [--fixtures DIR]\n", program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  int runs = 10, steps = 20, size = 64;
  std::string fixtures = std::getenv("STEER_FIXTURES") ? std::getenv("STEER_FIXTURES") : STEER_DEFAULT_FIXTURES;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    const std::string value = argv[++i];
    command += " " + arg + " " + value;
    if (arg == "--runs")
      runs = std::atoi(value.c_str());
    else if (arg == "--steps")
      steps = std::atoi(value.c_str());
    else if (arg == "--size")
      size = std::atoi(value.c_str());
    else if (arg == "--fixtures")
      fixtures = value;
    else
      return usage(argv[0]);
  }
  if (runs < 1 || steps < 1 || size < 8) return usage(argv[0]);
  const std::filesystem::path model = std::filesystem::path(fixtures) / "parity" / "sd1-tiny";
  if (!std::filesystem::exists(model / "model_index.json")) {
    std::fprintf(stderr, "no tiny model at %s: build the fixtures (ctest -R make.fixtures.parity) or pass --fixtures\n",
                 model.string().c_str());
    return 1;
  }

  QApplication app(argc, argv);
  steer::ui::EngineBridge bridge;
  bool loaded = false;
  QString error;
  QObject::connect(&bridge, &steer::ui::EngineBridge::modelLoaded, [&] { loaded = true; });
  QObject::connect(&bridge, &steer::ui::EngineBridge::modelLoadFailed,
                   [&](const QString&, const QString& message) { error = message; });
  bridge.loadModel(steer::ui::to_qstring(model));
  if (!QTest::qWaitFor([&] { return loaded || !error.isEmpty(); }, 300'000) || !loaded) {
    std::fprintf(stderr, "model did not load: %s\n", error.toStdString().c_str());
    return 1;
  }

  steer::ui::GeneratePanel panel(bridge);
  panel.resize(1180, 760);
  panel.show();
  if (!QTest::qWaitForWindowExposed(&panel)) return 1;
  steer::GenerationRequest request;
  request.prompt = "a photo of a mug on a beach";
  request.width = request.height = size;
  request.steps = steps;
  request.seed = 1;
  panel.setRequest(request);

  bool measuring = false;
  std::vector<double> latency_ms, gap_ms;
  qint64 step_events = 0, previews_delivered = 0;
  QObject::connect(&bridge, &steer::ui::EngineBridge::jobStep, [&](quint64, int, const steer::StepEvent& e) {
    if (!measuring) return;
    ++step_events;
    if (!e.preview.empty()) ++previews_delivered;
  });
  QObject::connect(panel.previewView(), &steer::ui::PreviewView::framePainted, [&](qint64 stamp) {
    if (measuring && stamp > 0) latency_ms.push_back(static_cast<double>(steer::ui::steady_now_ns() - stamp) / 1e6);
  });
  QTimer ticker;
  ticker.setTimerType(Qt::PreciseTimer);
  ticker.setInterval(5);
  QElapsedTimer clock;
  qint64 last_tick = -1;
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    if (measuring && last_tick >= 0) gap_ms.push_back(static_cast<double>(now - last_tick) / 1e6);
    last_tick = now;
  });

  // A real event loop until the job ends (QTest::qWaitFor sleeps 10 ms between passes,
  // which would show up in both measures).
  auto run_once = [&] {
    if (!panel.generate()) return false;
    QEventLoop loop;
    QObject::connect(&panel, &steer::ui::GeneratePanel::generatingChanged, &loop, [&](bool generating) {
      if (!generating) loop.quit();
    });
    QTimer::singleShot(300'000, &loop, &QEventLoop::quit);
    loop.exec();
    return !panel.isGenerating();
  };
  if (!run_once()) return 1;  // warm-up: first-run allocations, prompt encoding cache
  const qint64 dropped_before = bridge.droppedPreviews();
  clock.start();
  ticker.start();
  double generating_ms = 0;
  for (int r = 0; r < runs; ++r) {
    last_tick = -1;  // gaps are measured within a run; none spans the pause between runs
    measuring = true;
    QElapsedTimer one;
    one.start();
    if (!run_once()) return 1;
    generating_ms += static_cast<double>(one.nsecsElapsed()) / 1e6;
    measuring = false;
    QTest::qWait(20);  // not measured
  }
  ticker.stop();
  const qint64 dropped = bridge.droppedPreviews() - dropped_before;

  const Stats latency = stats_of(latency_ms);
  const Stats gaps = stats_of(gap_ms);
  std::printf("## UI latency (`ui_latency_bench`)\n\n");
  std::printf(
      "sd1-tiny on the CPU, %dx%d, %d steps, CFG, %d runs after a warm-up; GeneratePanel shown offscreen "
      "(QT_QPA_PLATFORM=%s); %d CPU threads; %s.\n\n",
      size, size, steps, runs, qgetenv("QT_QPA_PLATFORM").constData(), QThread::idealThreadCount(),
      QSysInfo::prettyProductName().toStdString().c_str());
  std::printf("| measure | median | p99 | max | samples |\n|---|---|---|---|---|\n");
  std::printf("| step event sent (engine thread) → preview painted | %.2f ms | %.2f ms | %.2f ms | %zu |\n", latency.median,
              latency.p99, latency.max, latency.n);
  std::printf("| event-loop gap, 5 ms timer, while generating | %.2f ms | %.2f ms | %.2f ms | %zu |\n\n", gaps.median, gaps.p99,
              gaps.max, gaps.n);
  std::printf(
      "%lld step events (%.1f steps/s); %lld previews delivered, %lld coalesced away by the bridge; %zu painted, "
      "%lld replaced by a newer one before a repaint.\n\n",
      static_cast<long long>(step_events), generating_ms > 0 ? 1000.0 * static_cast<double>(step_events) / generating_ms : 0.0,
      static_cast<long long>(previews_delivered), static_cast<long long>(dropped), latency.n,
      static_cast<long long>(previews_delivered) - static_cast<long long>(latency.n));
  std::printf("command: QT_QPA_PLATFORM=%s %s\n", qgetenv("QT_QPA_PLATFORM").constData(), command.c_str());
  return 0;
}
