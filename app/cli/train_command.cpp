// steer train: a LoRA or full DreamBooth run from flags, a settings file or a preset, with a
// progress line; Ctrl-C writes a checkpoint and stops (running the same command again resumes).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>

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

std::string flag_of(const std::string& key) {
  std::string f = key;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

// Settings keys that are lists or switches on the command line.
const std::set<std::string> kListKeys = {"sample_prompts", "sample_seeds", "background"};

void print_help(const TrainingSettings& defaults) {
  std::cout << "usage: steer train --base-model DIR --dataset DIR --instance-prompt TEXT --output DIR [options]\n\n"
            << "Trains a LoRA (default) or a full DreamBooth model on a subject's photos. Order of precedence:\n"
            << "flags over --settings FILE (JSON, the keys below with _) over --preset over the defaults.\n"
            << "Running the same command on the same --output again resumes from its newest checkpoint.\n\n"
            << "  --preset NAME            ";
  for (const auto& p : training_preset_names()) std::cout << p << " ";
  std::cout << "\n";
  for (const auto& p : training_preset_names()) std::cout << "      " << p << ": " << training_preset_description(p) << "\n";
  std::cout << "  --settings FILE          a JSON settings file (e.g. a run's training.json)\n"
            << "  --sample-prompt TEXT     a sample prompt (repeatable)\n"
            << "  --sample-seeds 0,1       sample seeds\n"
            << "  --background R,G,B       colour under transparent pixels\n"
            << "  --flag / --no-flag       for the true/false settings\n\n"
            << "settings (default):\n";
  const json::Value keys = defaults.to_json();
  for (const auto& [key, value] : keys.as_object()) {
    if (kListKeys.count(key)) continue;
    std::cout << "  --" << flag_of(key) << std::string(key.size() < 24 ? 24 - key.size() : 1, ' ') << " "
              << (value.is_null() ? "unset" : value.dump()) << "\n";
  }
}

// The flags as a JSON settings object, each value typed by the setting's default.
json::Value settings_from_flags(const Arguments& args, const TrainingSettings& defaults) {
  json::Value out{json::Object{}};
  const json::Value d = defaults.to_json();
  for (const auto& [key, value] : d.as_object()) {
    const std::string flag = flag_of(key);
    if (value.is_bool()) {
      if (args.has(flag)) out.set(key, true);
      if (args.has("no-" + flag)) out.set(key, false);
      continue;
    }
    if (kListKeys.count(key) || !args.has(flag)) continue;
    const std::string text = args.get(flag);
    if (value.is_string()) {
      out.set(key, text);
    } else {
      // A finite number; whole-number settings are checked for range by TrainingSettings::from_json.
      out.set(key, parse_finite_number(text, "--" + flag));
    }
  }
  if (args.has("sample-prompt")) {
    json::Array prompts;
    for (const auto& p : args.all("sample-prompt")) prompts.emplace_back(p);
    out.set("sample_prompts", std::move(prompts));
  }
  auto integer_list = [&](const std::string& flag, const std::string& key, auto parse) {
    if (!args.has(flag)) return;
    json::Array list;
    for (int64_t v : list_option(args, flag, parse)) list.emplace_back(v);
    out.set(key, std::move(list));
  };
  integer_list("sample-seeds", "sample_seeds", parse_seed);
  integer_list("background", "background",
               [](const std::string& s, const std::string& what) { return parse_whole_number(s, what, 0, 255); });
  return out;
}

std::string duration_text(double seconds) {
  char buf[64];
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ds", s);
  return buf;
}

class TrainingProgressLine {
 public:
  TrainingProgressLine() : terminal_(isatty(STDERR_FILENO) != 0) {}
  void event(const TrainingEvent& e) {
    switch (e.kind) {
      case TrainingEvent::Kind::Step: {
        char line[256];
        std::snprintf(line, sizeof line, "train step %d/%d  loss %.4f (avg %.4f)  lr %.3g  %.2f img/s  ETA %s", e.step,
                      e.total_steps, e.loss, e.smoothed_loss, e.learning_rate, e.samples_per_second,
                      duration_text(e.eta_seconds).c_str());
        if (terminal_) {
          std::fprintf(stderr, "\r\033[K%s", line);
          open_ = true;
        } else {
          const int decile = e.step * 10 / e.total_steps;
          if (decile != last_decile_) std::fprintf(stderr, "%s\n", line);
          last_decile_ = decile;
        }
        break;
      }
      case TrainingEvent::Kind::Preparing:
        if (e.total > 0 && e.done != e.total && e.done % 10 != 0) return;
        say(e.text + (e.total > 0 ? " " + std::to_string(e.done) + "/" + std::to_string(e.total) : ""));
        break;
      case TrainingEvent::Kind::Warning:
        say("warning: " + e.text);
        break;
      case TrainingEvent::Kind::CheckpointWritten:
        say("checkpoint written: " + e.path.string());
        break;
      case TrainingEvent::Kind::Sample:
        say("sample: " + e.path.string());
        break;
      case TrainingEvent::Kind::Resumed:
      case TrainingEvent::Kind::Cancelled:
      case TrainingEvent::Kind::Finished:
        say(e.text);
        break;
      case TrainingEvent::Kind::Paused:
        say("paused");
        break;
    }
    std::fflush(stderr);
  }

 private:
  void say(const std::string& text) {
    if (open_) std::fprintf(stderr, "\r\033[K");
    open_ = false;
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  bool terminal_;
  bool open_ = false;
  int last_decile_ = -1;
};

}  // namespace

int run_train(int argc, char** argv) {
  const TrainingSettings defaults;
  std::set<std::string> options = {"settings", "preset", "sample-prompt"}, switches = {"help"};
  const json::Value keys = defaults.to_json();
  for (const auto& [key, value] : keys.as_object()) {
    if (value.is_bool()) {
      switches.insert(flag_of(key));
      switches.insert("no-" + flag_of(key));
    } else if (key == "sample_prompts") {
      continue;
    } else {
      options.insert(flag_of(key));
    }
  }
  Arguments args(argc, argv, options, switches);
  if (args.has("help")) {
    print_help(defaults);
    return 0;
  }
  args.refuse_positional("train");

  TrainingSettings settings;
  if (args.has("preset")) apply_training_preset(settings, args.get("preset"));
  if (args.has("settings")) settings = TrainingSettings::load(args.get("settings"), settings);
  settings = TrainingSettings::from_json(settings_from_flags(args, defaults), "the command line", settings);
  settings.validate();

  Engine engine;
  JobControl control;
  const CancelOnInterrupt interrupt(control);
  TrainingProgressLine progress;
  auto trained = engine.train(
      settings, [&](const TrainingEvent& e) { progress.event(e); }, &control);
  if (trained.outcome.cancelled()) return 130;  // the Cancelled event named the checkpoint
  const TrainingOutcome outcome = expect_finished(std::move(trained));
  std::cout << outcome.result.string() << "\n";
  return 0;
}

}  // namespace steer::cli
