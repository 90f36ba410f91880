// steer demo: the main job on the embedded demo model (core/demo_model/demo_job.h) — a LoRA on
// the demo subject, a CFG / AG / PG sweep over λ and ω, exported and scored, and the measured
// trade-off table and plot. Ctrl-C stops it between steps.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <limits>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/engine/engine.h"

namespace fs = std::filesystem;

namespace steer::cli {

namespace {

std::string join(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : ",") + number_text(v);
  return out;
}

void print_help() {
  demo::DemoOptions d, q;
  q.make_quick();
  std::cout
      << "usage: steer demo [--model DIR] [--out DIR] [--quick] [--prompts N] [--seeds N] [--lora-steps N] [--report DIR]\n\n"
      << "Steer Studio's main job on the embedded demo model, offline: fine-tunes a LoRA on the demo subject\n"
      << "(\"sks emblem\", 5 photos), runs one CFG / AG / PG sweep over lambda and omega for prompts that put the\n"
      << "subject in new scenes, exports it (images, sidecars, index, grid), scores every image (text and subject\n"
      << "fidelity), and prints the trade-off table. Results in the output folder:\n"
      << "  subject-photos/ lora/ sweep/ base-model/ scores.csv scores.json tradeoff.md tradeoff.png\n\n"
      << "  --model DIR          the demo model (default " << d.model.string() << ")\n"
      << "  --out DIR            the output folder (default " << d.output.string()
      << "; an earlier demo's results there are replaced)\n"
      << "  --quick              reduced size: " << q.lora_steps << " LoRA steps, " << q.prompts << " prompts, " << q.seeds.size()
      << " seed, " << q.sampler_steps << " sampler steps, lambda " << join(q.lambdas) << ", omega " << join(q.omegas) << "\n"
      << "  --prompts N          prompts (default " << d.prompts << ")\n"
      << "  --seeds N            seeds 1..N (default " << d.seeds.size() << ")\n"
      << "  --lora-steps N       LoRA training steps (default " << d.lora_steps << ")\n"
      << "  --weak-step N        the LoRA checkpoint AG uses as its weak model (default " << d.weak_step << ")\n"
      << "  --rank N             LoRA rank (default " << d.rank << ")\n"
      << "  --learning-rate X    LoRA learning rate (default " << number_text(d.learning_rate) << ")\n"
      << "  --sampler-steps N    sampler steps per image (default " << d.sampler_steps << ")\n"
      << "  --lambdas A,B,...    guidance scales (default " << join(d.lambdas) << ")\n"
      << "  --omegas A,B,...     PG omega values (default " << join(d.omegas) << ")\n"
      << "  --threads N          torch CPU threads (default " << d.threads
      << ": fastest for this tiny model; 0: torch's choice)\n"
      << "  --device cpu|cuda    (default cpu)\n"
      << "  --report DIR         also copy tradeoff.md and tradeoff.png into DIR (e.g. docs)\n";
}

}  // namespace

int run_demo(int argc, char** argv) {
  Arguments args(argc, argv,
                 {"model", "out", "prompts", "seeds", "lora-steps", "weak-step", "rank", "learning-rate", "sampler-steps",
                  "lambdas", "omegas", "threads", "device", "report"},
                 {"help", "quick"});
  if (args.has("help")) {
    print_help();
    return 0;
  }
  args.refuse_positional("demo");
  demo::DemoOptions o;
  if (args.has("quick")) o.make_quick();
  o.model = args.get("model", o.model.string());
  o.output = args.get("out", o.output.string());
  // The ranges DemoOptions::validate allows; those it bounds only below stop at what an int holds.
  constexpr int kMaxInt = std::numeric_limits<int>::max();
  o.prompts = args.int32("prompts", o.prompts, 1, 64);
  if (args.has("seeds")) {
    const int64_t n = args.integer("seeds", 1, 1, 64);
    o.seeds.clear();
    for (int64_t s = 1; s <= n; ++s) o.seeds.push_back(s);
  }
  if (args.has("lora-steps")) {
    const int steps = args.int32("lora-steps", o.lora_steps, 2, kMaxInt);
    // Without an explicit --weak-step, AG's weak checkpoint stays at the same share of the run.
    if (!args.has("weak-step") && steps >= 2)
      o.weak_step = std::max(1, static_cast<int>(static_cast<int64_t>(o.weak_step) * steps / o.lora_steps));
    o.lora_steps = steps;
  }
  o.weak_step = args.int32("weak-step", o.weak_step, 1, kMaxInt);
  o.rank = args.int32("rank", o.rank, 1, 128);
  o.learning_rate = args.number("learning-rate", o.learning_rate);
  o.sampler_steps = args.int32("sampler-steps", o.sampler_steps, 1, 1000);
  if (args.has("lambdas")) o.lambdas = list_option(args, "lambdas", parse_finite_number);
  if (args.has("omegas")) o.omegas = list_option(args, "omegas", parse_finite_number);
  o.threads = args.int32("threads", o.threads, 0, kMaxInt);
  o.device = args.get("device", o.device);
  const std::string report = args.get("report", "");
  o.validate();

  Engine engine;
  JobControl control;
  const CancelOnInterrupt interrupt(control);
  const bool terminal = ::isatty(STDERR_FILENO);
  std::string open_line;  // a progress line being redrawn in place
  auto end_line = [&] {
    if (!open_line.empty()) std::fputc('\n', stderr);
    open_line.clear();
  };
  int last_decile = -1;
  std::string last_stage;
  auto demo_run = engine.run_demo(
      o,
      [&](const demo::DemoEvent& e) {
        if (e.stage != last_stage) {
          end_line();
          last_decile = -1;
          last_stage = e.stage;
        }
        const bool counted =
            e.total > 0 && (e.stage == "sweep" || e.stage == "base-model" || (e.stage == "lora" && e.text == "step"));
        if (!counted) {
          end_line();
          std::fprintf(stderr, "%s: %s\n", e.stage.c_str(), e.text.c_str());
          return;
        }
        char line[512];
        if (e.stage == "lora")
          std::snprintf(line, sizeof line, "lora step %d/%d  loss %.4f  ETA %.0f s", e.done, e.total, e.loss, e.eta_seconds);
        else
          std::snprintf(line, sizeof line, "%s image %d/%d  ETA %.0f s  [%s]", e.stage.c_str(), e.done, e.total, e.eta_seconds,
                        e.text.c_str());
        const int decile = e.done * 10 / e.total;
        if (terminal) {
          std::fprintf(stderr, "\r\033[K%s", line);
          open_line = line;
          if (e.done == e.total) end_line();
        } else if (decile != last_decile || e.done == e.total) {
          std::fprintf(stderr, "%s\n", line);
        }
        last_decile = decile;
        std::fflush(stderr);
      },
      &control);
  end_line();
  if (demo_run.outcome.cancelled()) {
    std::cerr << "steer demo: cancelled; running the same command again continues the LoRA from its checkpoint\n";
    return 130;
  }
  const demo::DemoResult result = expect_finished(std::move(demo_run));
  std::cout << "\n" << result.table << "\n" << result.analysis.verdict << "\n";
  std::cout << "images: " << result.sweep.string() << " and " << result.base_model_images.string() << " (" << result.images
            << " scored)\n"
            << "scores: " << result.scores_csv.string() << ", " << result.scores_json.string() << "\n"
            << "trade-off: " << result.tradeoff_md.string() << ", " << result.tradeoff_png.string() << "\n";
  if (!report.empty()) {
    std::error_code ec;
    fs::create_directories(report, ec);
    for (const fs::path& f : {result.tradeoff_md, result.tradeoff_png}) {
      fs::copy_file(f, fs::path(report) / f.filename(), fs::copy_options::overwrite_existing, ec);
      if (ec) throw Error("Could not copy " + f.string() + " to " + report + ": " + ec.message());
    }
    std::cout << "report: " << (fs::path(report) / "tradeoff.md").string() << ", " << (fs::path(report) / "tradeoff.png").string()
              << "\n";
  }
  char total[64];
  std::snprintf(total, sizeof total, "%.1f", result.seconds);
  std::cout << "total time: " << total << " s\n" << result.output.string() << "\n";
  return 0;
}

}  // namespace steer::cli
