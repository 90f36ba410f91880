// app_speed_bench: is the app as fast as the CLI on the same job (issue 11, item 4)?
// One image, the same request, several ways, interleaved run by run in one process (after a
// warm-up of each) so that whatever else loads the machine loads them alike:
//   app     the real GeneratePanel shown offscreen, its job on the EngineBridge's engine
//           thread with the preview path the panel uses (a step event with a preview after
//           every step, QImage conversion, upscale and paint on the UI thread); timed from
//           the Generate click to the panel's end of the job (the final image shown);
//   engine  the engine thread alone (EngineBridge::generate, no widget), to tell the engine
//           thread's cost from the drawing's;
//   cli     `steer generate` as a user runs it, a subprocess; its own "done in S s" (the
//           engine's clock: sampling and decoding, without loading the model).
// These use the automatic CPU threads (steer::automatic_cpu_threads: one core left free)
// unless OMP_NUM_THREADS is set. With --all-cores, app and cli run once more per round with
// OMP_NUM_THREADS = every logical CPU: torch's own default, what both used before.
// Prints a markdown table (median seconds per image, it/s, app/CLI ratio of medians) for
// docs/benchmarks.md and the command line that made it.
//
//   build/tests/ui/app_speed_bench [--runs N] [--all-cores] [--cli STEER]
//                                  [--model DIR [--label NAME] [--size PX] [--steps N]]...
//
// Without --model it runs the demo model (resources/demo-model, native 64 px, 30 steps)
// and, when the fixtures are built, the SD1.5-config fixture (build/fixtures/parity/
// sd15-random: SD 1.5's architecture with random weights, 4 GB) at 64 px and 4 steps: on two
// CPU cores one SD 1.5 step at 512 px takes minutes; the ratio is what counts here.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/generation/generation_request.h"
#include "ui/engine/engine_thread.h"
#include "ui/panels/generate_panel.h"
#include "ui/path_text.h"

#ifndef STEER_DEFAULT_FIXTURES
#define STEER_DEFAULT_FIXTURES ""
#endif
#ifndef STEER_SOURCE_DIR
#define STEER_SOURCE_DIR ""
#endif
#ifndef STEER_CLI_PATH
#error "STEER_CLI_PATH must name the built steer program"
#endif

namespace fs = std::filesystem;

namespace {

constexpr int kJobTimeoutMs = 600'000;

struct Case {
  std::string label;
  fs::path model;
  int size = 64;
  int steps = 30;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

steer::GenerationRequest request_for(const Case& c) {
  steer::GenerationRequest r;
  r.prompt = "a small red circle at the center on a striped blue background";
  r.seed = 1;
  r.width = r.height = c.size;
  r.steps = c.steps;
  r.sampler = "euler";
  r.guidance.method = steer::GuidanceMethod::Cfg;
  r.guidance.scale = 7.5;
  return r;
}

// Loads the case's model on the bridge's engine thread.
bool load(steer::ui::EngineBridge& bridge, const fs::path& model) {
  bool loaded = false;
  QString error;
  QObject scope;
  QObject::connect(&bridge, &steer::ui::EngineBridge::modelLoaded, &scope, [&] { loaded = true; });
  QObject::connect(&bridge, &steer::ui::EngineBridge::modelLoadFailed, &scope,
                   [&](const QString&, const QString& message) { error = message; });
  bridge.loadModel(steer::ui::to_qstring(model));
  if (!QTest::qWaitFor([&] { return loaded || !error.isEmpty(); }, kJobTimeoutMs) || !loaded) {
    std::fprintf(stderr, "%s did not load: %s\n", model.string().c_str(), error.toStdString().c_str());
    return false;
  }
  return true;
}

// OMP_NUM_THREADS for the app's next job (the engine reads it when a job starts:
// steer::automatic_cpu_threads); "" restores what the process started with.
class ThreadsEnv {
 public:
  ThreadsEnv() : had_(qEnvironmentVariableIsSet("OMP_NUM_THREADS")), start_(qgetenv("OMP_NUM_THREADS")) {}
  void set(const QByteArray& value) {
    if (!value.isEmpty())
      qputenv("OMP_NUM_THREADS", value);
    else if (had_)
      qputenv("OMP_NUM_THREADS", start_);
    else
      qunsetenv("OMP_NUM_THREADS");
  }

 private:
  bool had_;
  QByteArray start_;
};

// The panel's Generate, timed to the end of its job with a real event loop (QTest::qWaitFor
// sleeps between passes, which would add to the time).
std::optional<double> run_panel(steer::ui::GeneratePanel& panel) {
  QElapsedTimer clock;
  clock.start();
  if (!panel.generate()) return std::nullopt;
  QEventLoop loop;
  QObject::connect(&panel, &steer::ui::GeneratePanel::generatingChanged, &loop, [&](bool generating) {
    if (!generating) loop.quit();
  });
  QTimer::singleShot(kJobTimeoutMs, &loop, &QEventLoop::quit);
  loop.exec();
  if (panel.isGenerating()) return std::nullopt;
  return static_cast<double>(clock.nsecsElapsed()) / 1e9;
}

// The bridge alone: the job's image delivered to the UI thread, no widget.
std::optional<double> run_bridge(steer::ui::EngineBridge& bridge, const steer::GenerationRequest& request) {
  QElapsedTimer clock;
  clock.start();
  QEventLoop loop;
  bool ok = false;
  quint64 job = 0;
  QObject::connect(&bridge, &steer::ui::EngineBridge::jobFinished, &loop, [&](quint64 j) {
    if (j != job) return;
    ok = true;
    loop.quit();
  });
  QObject::connect(&bridge, &steer::ui::EngineBridge::jobFailed, &loop, [&](quint64 j, const QString& message) {
    if (j != job) return;
    std::fprintf(stderr, "engine thread job failed: %s\n", message.toStdString().c_str());
    loop.quit();
  });
  job = bridge.generate(request);
  QTimer::singleShot(kJobTimeoutMs, &loop, &QEventLoop::quit);
  loop.exec();
  if (!ok) return std::nullopt;
  return static_cast<double>(clock.nsecsElapsed()) / 1e9;
}

QStringList cli_arguments(const Case& c, const steer::GenerationRequest& r, const QString& out) {
  return {QStringLiteral("generate"),
          QStringLiteral("--model"),
          steer::ui::to_qstring(c.model),
          QStringLiteral("--prompt"),
          QString::fromStdString(r.prompt),
          QStringLiteral("--seed"),
          QString::number(r.seed),
          QStringLiteral("--size"),
          QStringLiteral("%1x%2").arg(r.width).arg(r.height),
          QStringLiteral("--steps"),
          QString::number(r.steps),
          QStringLiteral("--sampler"),
          QString::fromStdString(r.sampler),
          QStringLiteral("--method"),
          QStringLiteral("cfg"),
          QStringLiteral("--lambda"),
          QString::number(r.guidance.scale),
          QStringLiteral("--out"),
          out};
}

// `steer generate`'s own time for the image ("done in S s" on its progress line).
std::optional<double> run_cli(const QString& program, const QStringList& arguments, const QByteArray& omp_threads) {
  QProcess cli;
  cli.setProgram(program);
  cli.setArguments(arguments);
  if (!omp_threads.isEmpty()) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QString::fromLatin1(omp_threads));
    cli.setProcessEnvironment(env);
  }
  cli.start();
  if (!cli.waitForFinished(kJobTimeoutMs) || cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
    std::fprintf(stderr, "steer generate failed:\n%s\n", cli.readAllStandardError().toStdString().c_str());
    return std::nullopt;
  }
  static const QRegularExpression done(QStringLiteral("done in ([0-9.eE+-]+) s"));
  const QRegularExpressionMatch m = done.match(QString::fromUtf8(cli.readAllStandardError()));
  if (!m.hasMatch()) {
    std::fprintf(stderr, "steer generate printed no \"done in S s\"\n");
    return std::nullopt;
  }
  return m.captured(1).toDouble();
}

struct Row {
  Case c;
  int engine_threads = 0;
  std::map<std::string, double> median_s;  // by variant
  double paired_ratio = 0;                 // the median of each round's app/CLI
};

std::optional<Row> measure(const Case& c, int runs, bool all_cores, const QString& cli_program, const QString& scratch) {
  steer::ui::EngineBridge bridge;
  if (!load(bridge, c.model)) return std::nullopt;
  const int engine_threads = bridge.engineCpuThreads();  // set by the load: the automatic count
  steer::ui::GeneratePanel panel(bridge);
  panel.resize(1180, 760);
  panel.show();
  if (!QTest::qWaitForWindowExposed(&panel)) return std::nullopt;
  const steer::GenerationRequest request = request_for(c);
  panel.setRequest(request);
  const QStringList cli_args = cli_arguments(c, request, scratch + QStringLiteral("/cli.png"));
  const QByteArray every_cpu = QByteArray::number(QThread::idealThreadCount());
  ThreadsEnv env;
  double engine_clock = 0;
  // Every job's own clock, for the log: the app's too.
  QObject::connect(&bridge, &steer::ui::EngineBridge::jobImage, &bridge,
                   [&](quint64, int, const steer::GenerationResult& result) { engine_clock = result.seconds; });

  struct Variant {
    std::string name;
    std::function<std::optional<double>()> run;
  };
  std::vector<Variant> variants{
      {"app", [&] { return run_panel(panel); }},
      {"engine", [&] { return run_bridge(bridge, request); }},
      {"cli", [&] { return run_cli(cli_program, cli_args, {}); }},
  };
  if (all_cores) {
    variants.push_back({"app all cores", [&] {
                          env.set(every_cpu);
                          auto s = run_panel(panel);
                          env.set({});
                          return s;
                        }});
    variants.push_back({"cli all cores", [&] { return run_cli(cli_program, cli_args, every_cpu); }});
  }
  std::map<std::string, std::vector<double>> seconds;
  for (int r = -1; r < runs; ++r) {  // r = -1: the warm-up (first-run allocations, caches)
    std::string line = c.label + (r < 0 ? " warm-up:" : " run " + std::to_string(r + 1) + ":");
    for (const Variant& v : variants) {
      const auto s = v.run();
      if (!s) return std::nullopt;
      if (r >= 0) seconds[v.name].push_back(*s);
      char part[96];
      std::snprintf(part, sizeof part, " %s %.3f s,", v.name.c_str(), *s);
      line += part;
      if (v.name == "engine" || v.name.rfind("app", 0) == 0) {
        if (r >= 0) seconds[v.name + " clock"].push_back(engine_clock);
        std::snprintf(part, sizeof part, " (its own clock %.3f s),", engine_clock);
        line += part;
      }
    }
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  Row row{c, engine_threads, {}, 0};
  for (const auto& [name, v] : seconds) row.median_s[name] = median(v);
  std::vector<double> paired;
  for (size_t i = 0; i < seconds["app"].size(); ++i) paired.push_back(seconds["app"][i] / seconds["cli"][i]);
  row.paired_ratio = median(paired);
  return row;
}

int usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--runs N] [--all-cores] [--cli STEER] [--model DIR [--label NAME] [--size PX] [--steps N]]...\n",
               program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  int runs = 5;
  bool all_cores = false;
  QString cli_program = QStringLiteral(STEER_CLI_PATH);
  std::vector<Case> cases;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--all-cores") {
      all_cores = true;
      command += " " + arg;
      continue;
    }
    if (i + 1 >= argc) return usage(argv[0]);
    const std::string value = argv[++i];
    command += " " + arg + " " + (value.find(' ') == std::string::npos ? value : "'" + value + "'");
    if (arg == "--runs") {
      runs = std::atoi(value.c_str());
    } else if (arg == "--cli") {
      cli_program = QString::fromStdString(value);
    } else if (arg == "--model") {
      cases.push_back(Case{fs::path(value).filename().string(), value, 64, 30});
    } else if (cases.empty()) {
      return usage(argv[0]);
    } else if (arg == "--label") {
      cases.back().label = value;
    } else if (arg == "--size") {
      cases.back().size = std::atoi(value.c_str());
    } else if (arg == "--steps") {
      cases.back().steps = std::atoi(value.c_str());
    } else {
      return usage(argv[0]);
    }
  }
  if (runs < 1) return usage(argv[0]);
  for (const Case& c : cases)
    if (c.size < 8 || c.steps < 1) return usage(argv[0]);
  if (cases.empty()) {
    cases.push_back(Case{"demo model", fs::path(STEER_SOURCE_DIR) / "resources" / "demo-model", 64, 30});
    const fs::path sd15 = fs::path(STEER_DEFAULT_FIXTURES) / "parity" / "sd15-random";
    if (fs::exists(sd15 / "model_index.json"))
      cases.push_back(Case{"SD1.5-config fixture", sd15, 64, 4});
    else
      std::fprintf(stderr, "no SD1.5-config fixture at %s (ctest -R make.fixtures.parity builds it): the demo model only\n",
                   sd15.string().c_str());
  }

  QApplication app(argc, argv);
  QTemporaryDir scratch;
  if (!scratch.isValid()) return 1;
  std::vector<Row> rows;
  for (const Case& c : cases) {
    auto row = measure(c, runs, all_cores, cli_program, scratch.path());
    if (!row) return 1;
    rows.push_back(*row);
  }

  const QByteArray omp = qgetenv("OMP_NUM_THREADS");
  std::printf("## The app against the CLI (`app_speed_bench`)\n\n");
  std::printf(
      "One CFG image (euler, λ 7.5, seed 1), the same request in the app and in `steer generate`, fp32 on the CPU: "
      "%d logical CPUs, %s; OMP_NUM_THREADS %s. app: the Generate panel shown offscreen (QT_QPA_PLATFORM=%s), "
      "from the click to the image shown, the job on the engine thread; engine thread: the bridge without a widget; "
      "its clock: the job's own time, the clock `steer generate` reports; "
      "CLI: `steer generate`'s own time for the image (without loading the model). Medians of %d rounds, each "
      "running every column once in turn, after a warm-up round.\n\n",
      QThread::idealThreadCount(), QSysInfo::prettyProductName().toStdString().c_str(), omp.isEmpty() ? "unset" : omp.constData(),
      qgetenv("QT_QPA_PLATFORM").constData(), runs);
  std::printf(
      "| model | size, steps | torch threads | app | engine thread (its clock) | CLI | app it/s | CLI it/s | app/CLI | "
      "app/CLI per round |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    const auto& m = r.median_s;
    std::printf("| %s | %d px, %d | %d | %.3f s | %.3f s (%.3f s) | %.3f s | %.1f | %.1f | **%.2f** | %.2f |\n",
                r.c.label.c_str(), r.c.size, r.c.steps, r.engine_threads, m.at("app"), m.at("engine"), m.at("engine clock"),
                m.at("cli"), r.c.steps / m.at("app"), r.c.steps / m.at("cli"), m.at("app") / m.at("cli"), r.paired_ratio);
  }
  std::printf(
      "\napp/CLI: the ratio of the medians (the target is at most 1.1); per round: the median of each round's "
      "ratio, which a load that changes between rounds disturbs less.\n");
  if (all_cores) {
    std::printf(
        "\nWith every CPU in torch's team (OMP_NUM_THREADS=%d, torch's own default and what both used before), "
        "in the same rounds:\n\n",
        QThread::idealThreadCount());
    std::printf("| model | app | CLI | app/CLI | app: all cores / automatic | CLI: all cores / automatic |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (const Row& r : rows) {
      const auto& m = r.median_s;
      std::printf("| %s | %.3f s | %.3f s | %.2f | %.2f | %.2f |\n", r.c.label.c_str(), m.at("app all cores"),
                  m.at("cli all cores"), m.at("app all cores") / m.at("cli all cores"), m.at("app all cores") / m.at("app"),
                  m.at("cli all cores") / m.at("cli"));
    }
  }
  std::printf("\ncommand: QT_QPA_PLATFORM=%s %s\n", qgetenv("QT_QPA_PLATFORM").constData(), command.c_str());
  return 0;
}
