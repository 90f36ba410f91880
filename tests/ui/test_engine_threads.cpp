// The app's engine thread computes like `steer generate` (issue 11, "the app is as fast as
// the CLI"), checked without timing anything, offscreen, on the demo model
// (resources/demo-model, 8 MB):
// - torch's CPU thread count on the engine thread equals the one the CLI's path gives (an
//   Engine with default EngineOptions loading the model on a fresh thread, as `steer
//   generate` does on main), before and after a job, and it leaves a core for the UI thread
//   unless OMP_NUM_THREADS says otherwise (docs/benchmarks.md, "The app against the CLI":
//   with every core in torch's OpenMP team, the UI thread's drawing made images 2-10x slower);
// - a board's sweep never waits for the UI thread: with the UI thread busy (not returning to
//   its event loop), every cell's steps still run and the sweep ends, so the engine starts
//   the next cell while the previous one's image waits to be drawn.
#include <QApplication>
#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "core/engine/engine.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"
#include "tests/support/test_harness.h"
#include "ui/engine/engine_thread.h"
#include "ui/path_text.h"

namespace fs = std::filesystem;
using steer::ui::EngineBridge;

namespace {

constexpr int kTimeoutMs = 120'000;

fs::path demo_model() {
  const char* source = std::getenv("STEER_SOURCE_DIR");
  return fs::path(source ? source : ".") / "resources" / "demo-model";
}

void load(EngineBridge& bridge) {
  bool loaded = false;
  QString error;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::modelLoaded, &scope, [&] { loaded = true; });
  QObject::connect(&bridge, &EngineBridge::modelLoadFailed, &scope, [&](const QString&, const QString& m) { error = m; });
  bridge.loadModel(steer::ui::to_qstring(demo_model()));
  REQUIRE(QTest::qWaitFor([&] { return loaded || !error.isEmpty(); }, kTimeoutMs));
  if (!error.isEmpty()) std::cerr << error.toStdString() << "\n";
  REQUIRE(loaded);
}

// The CLI's path: `steer generate` makes an Engine on main, loads with default EngineOptions
// (no --threads) and generates on that thread. A fresh thread stands in for main.
int cli_path_threads() {
  int threads = 0;
  std::thread cli([&] {
    steer::Engine engine;
    const auto loaded = engine.load_model(demo_model(), steer::EngineOptions{});
    if (loaded.finished()) threads = steer::Engine::cpu_threads_of_this_thread();
  });
  cli.join();
  return threads;
}

bool user_chose_threads() {
  return !qEnvironmentVariableIsEmpty("OMP_NUM_THREADS") || !qEnvironmentVariableIsEmpty("MKL_NUM_THREADS");
}

}  // namespace

TEST_CASE("The engine thread runs torch with the CLI's CPU thread count") {
  EngineBridge bridge;
  load(bridge);
  const int engine = bridge.engineCpuThreads();
  const int cli = cli_path_threads();
  std::cout << "  engine thread " << engine << ", CLI path " << cli << ", automatic " << steer::automatic_cpu_threads()
            << ", logical CPUs " << QThread::idealThreadCount() << "\n";
  REQUIRE(cli > 0);
  CHECK_EQ(engine, cli);
  CHECK_EQ(engine, steer::automatic_cpu_threads());
  // One core stays free for the UI thread, which draws every step's preview.
  if (!user_chose_threads()) CHECK(engine <= std::max(1, QThread::idealThreadCount() - 1));

  // A job keeps it (a job that changed it on this thread, e.g. the demo's, is undone too).
  steer::GenerationRequest request;
  request.prompt = "a small red circle at the center on a striped blue background";
  request.width = request.height = 64;
  request.steps = 2;
  bool finished = false;
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobFinished, &scope, [&] { finished = true; });
  bridge.generate(request);
  REQUIRE(QTest::qWaitFor([&] { return finished; }, kTimeoutMs));
  CHECK_EQ(bridge.engineCpuThreads(), cli);
}

TEST_CASE("A sweep's cells run on while the UI thread is busy drawing") {
  EngineBridge bridge;
  load(bridge);
  std::atomic<int> steps{0};
  std::set<int> cells_stepped;  // written on the engine thread, read after it is done
  std::atomic<bool> ended{false};
  bridge.setStepHookForTesting([&](quint64, int cell, const steer::StepEvent&) {
    cells_stepped.insert(cell);
    ++steps;
  });
  steer::SweepPlan plan;
  plan.base.prompt = "a small red circle at the center on a striped blue background";
  plan.base.width = plan.base.height = 64;
  plan.base.steps = 2;
  plan.seeds = {1, 2, 3};
  plan.validate();
  const int cells = static_cast<int>(plan.cells().size());
  REQUIRE(cells == 3);
  QObject scope;
  QObject::connect(&bridge, &EngineBridge::jobFinished, &scope, [&] { ended = true; });
  bridge.runSweep(plan);
  // The UI thread does not return to its event loop (as while it draws a large board): no
  // step event, image or preview is taken from the queue meanwhile.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  while (steps.load() < cells * plan.base.steps && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK_EQ(steps.load(), cells * plan.base.steps);
  CHECK(!ended.load());  // nothing was delivered to the UI thread yet
  REQUIRE(QTest::qWaitFor([&] { return ended.load(); }, kTimeoutMs));
  CHECK_EQ(static_cast<int>(cells_stepped.size()), cells);
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // The weights' hash cache (core/generation/cell_record.cpp) goes to a temporary folder, not
  // the user's.
  QTemporaryDir cache;
  qputenv("XDG_CACHE_HOME", QFile::encodeName(cache.path()));
  QApplication app(argc, argv);
  return steer::testing::run_all(argc, argv);
}
