#include "core/demo_model/demo_job.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/demo/demo_subject.h"
#include "core/demo_model/demo_photos.h"
#include "core/demo_model/demo_prompts.h"
#include "core/demo_model/demo_scores.h"
#include "core/demo_model/tradeoff_plot.h"
#include "core/export/sweep_exporter.h"
#include "core/formats/json.h"
#include "core/generation/cell_record.h"
#include "core/generation/generation_job.h"
#include "core/generation/sweep_runner.h"
#include "core/imageio/image_file.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/jobs/sweep_export_job.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/training/training_run.h"

namespace fs = std::filesystem;

namespace steer::demo {

namespace {

constexpr const char* kMarker = "demo.json";
constexpr int kImageSize = 64;

void say(const DemoProgress& progress, const std::string& stage, const std::string& text, int done = 0, int total = 0) {
  if (!progress) return;
  DemoEvent e;
  e.stage = stage;
  e.text = text;
  e.done = done;
  e.total = total;
  progress(e);
}

std::string list_text(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : ", ") + number_text(v);
  return out;
}

std::string list_text(const std::vector<int64_t>& values) {
  std::string out;
  for (int64_t v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

json::Value options_json(const DemoOptions& o) {
  json::Value v{json::Object{}};
  v.set("format", "steer-demo");
  v.set("model", o.model.string());
  v.set("device", o.device);
  v.set("lora_steps", o.lora_steps);
  v.set("rank", o.rank);
  v.set("learning_rate", o.learning_rate);
  v.set("batch", o.batch);
  v.set("weak_step", o.weak_step);
  v.set("training_seed", static_cast<int64_t>(o.training_seed));
  v.set("prompts", o.prompts);
  v.set("prompt_seed", static_cast<int64_t>(o.prompt_seed));
  json::Array seeds, lambdas, omegas;
  for (auto s : o.seeds) seeds.emplace_back(s);
  for (auto l : o.lambdas) lambdas.emplace_back(l);
  for (auto w : o.omegas) omegas.emplace_back(w);
  v.set("seeds", std::move(seeds));
  v.set("sampler_steps", o.sampler_steps);
  v.set("sampler", o.sampler);
  v.set("lambdas", std::move(lambdas));
  v.set("omegas", std::move(omegas));
  return v;
}

// The output folder: new, empty, or an earlier demo's (its results are replaced). Anything
// else is refused, so a mistyped --out never touches a user's folder.
void prepare_output(const fs::path& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw InputError("the demo output " + out.string() + " exists and is not a folder");
    const bool empty = fs::directory_iterator(out, ec) == fs::directory_iterator();
    if (!empty && !fs::exists(out / kMarker))
      throw InputError("the demo output folder " + out.string() +
                       " already holds files that are not a steer demo's (no demo.json); choose another folder with --out");
  }
  fs::create_directories(out, ec);
  if (ec) throw Error("Could not create the demo output folder " + out.string() + ": " + ec.message());
  for (const char* old : {"sweep", "base-model", "scores.csv", "scores.json", "tradeoff.md", "tradeoff.png"}) {
    fs::remove_all(out / old, ec);
    if (ec) throw Error("Could not remove the earlier demo result " + (out / old).string() + ": " + ec.message());
  }
}

TrainingSettings lora_settings(const DemoOptions& o, const fs::path& photos, const fs::path& run) {
  TrainingSettings s;
  s.method = TrainingMethod::Lora;
  s.base_model = o.model;
  s.dataset = photos;
  s.instance_prompt = std::string(kSubjectInstanceCaption);
  s.output = run;
  s.output_name = "sks-emblem";
  s.device = o.device;
  s.resolution = kImageSize;
  s.flip = false;  // the emblem is not mirror-symmetric
  s.rank = o.rank;
  s.alpha = o.rank;
  s.max_steps = o.lora_steps;
  s.batch_size = o.batch;
  s.learning_rate = o.learning_rate;
  s.lr_schedule = LearningRateSchedule::Constant;
  s.seed = o.training_seed;
  // Every checkpoint is kept, so the one at weak_step is there for AG.
  s.checkpoint_every = o.weak_step;
  s.keep_checkpoints = o.lora_steps / o.weak_step + 1;
  s.sample_every = 0;
  return s;
}

fs::path checkpoint_lora(const fs::path& run, int step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%06d", step);
  return run / "checkpoints" / name / "lora.safetensors";
}

struct LoraRun {
  bool finished = false;
  fs::path lora, weak;
};

LoraRun train_lora(const DemoOptions& o, const fs::path& photos, const fs::path& run, const DemoProgress& progress,
                   const std::atomic<bool>* cancel) {
  const TrainingSettings s = lora_settings(o, photos, run);
  // An earlier demo's run is continued only when it was made with exactly these settings.
  if (fs::exists(run / "training.json")) {
    bool same = false;
    try {
      same = TrainingSettings::load(run / "training.json").to_json().dump() == s.to_json().dump();
    } catch (const Error&) {
    }
    if (!same) {
      say(progress, "lora", "the earlier LoRA run in " + run.string() + " had other settings: training afresh");
      fs::remove_all(run);
    }
  }
  TrainingControl control;
  control.cancel = cancel;
  const TrainingOutcome outcome = run_training(
      s,
      [&](const TrainingEvent& e) {
        if (!progress) return;
        DemoEvent d;
        d.stage = "lora";
        d.done = e.step;
        d.total = e.total_steps;
        switch (e.kind) {
          case TrainingEvent::Kind::Step:
            d.text = "step";
            d.loss = e.smoothed_loss;
            d.eta_seconds = e.eta_seconds;
            break;
          case TrainingEvent::Kind::Preparing:
            d.text = e.text;
            d.done = e.done;
            d.total = e.total;
            break;
          case TrainingEvent::Kind::Warning:
            d.text = "warning: " + e.text;
            break;
          case TrainingEvent::Kind::Resumed:
          case TrainingEvent::Kind::Finished:
          case TrainingEvent::Kind::Cancelled:
            d.text = e.text;
            break;
          default:
            return;
        }
        progress(d);
      },
      control);
  LoraRun r;
  r.finished = outcome.finished;
  if (!r.finished) return r;
  r.lora = outcome.result;
  r.weak = checkpoint_lora(run, o.weak_step);
  if (!fs::exists(r.weak))
    throw Error("the LoRA run in " + run.string() + " has no checkpoint at step " + std::to_string(o.weak_step) +
                " for autoguidance's weak model (expected " + r.weak.string() + ")");
  return r;
}

GenerationRequest base_request(const DemoOptions& o, const std::vector<DemoPrompt>& prompts) {
  GenerationRequest r;
  r.prompt = prompts.front().caption;
  r.seed = o.seeds.front();
  r.width = r.height = kImageSize;
  r.steps = o.sampler_steps;
  r.sampler = o.sampler;
  r.guidance.scale = o.lambdas.front();
  return r;
}

// Runs `plan` on `session`, exports it as <out>/<set_name>/ and scores every image; the scores'
// file names are relative to <out>. Returns false when cancelled.
bool sweep_and_score(GenerationSession& session, const SweepPlan& plan, const SubjectSpec& subject, const ModelIdentity& identity,
                     const DemoOptions& o, const std::string& set_name, const std::string& method_override,
                     const std::map<std::string, ToyScene>& scenes, std::vector<ImageScore>& scores, fs::path& folder,
                     const DemoProgress& progress, const std::atomic<bool>* cancel) {
  const size_t total = plan.cells().size();
  SweepExportJob job{plan, {}, identity, subject, o.device};
  job.options.parent_folder = o.output;
  job.options.set_name = set_name;
  std::vector<ImageScore> set_scores;
  std::map<std::string, FidelityPair> by_key;
  auto prompt_number = [&](const std::string& prompt) {
    const auto& all = plan.prompts.empty() ? std::vector<std::string>{plan.base.prompt} : plan.prompts;
    return static_cast<int>(std::find(all.begin(), all.end(), prompt) - all.begin()) + 1;
  };
  size_t done = 0;
  const auto started = std::chrono::steady_clock::now();
  try {
    folder = run_sweep_export(
        session, job,
        [&](const ExportedCell& exported) {
          const SweepPlan::Cell& cell = exported.cell;
          const GenerationResult& result = exported.result;
          const bool reused = exported.reused;
          const std::string& file = exported.file;
          const auto& g = cell.request.guidance;
          ImageScore s;
          s.file = file;
          s.method = method_override.empty() ? guidance_method_name(g.method) : method_override;
          s.lambda = g.scale;
          if (g.method == GuidanceMethod::Personalization) s.omega = g.omega.to_string();
          s.seed = cell.request.seed;
          s.prompt = cell.request.prompt;
          s.settings_key = reproducibility_key(cell.request);
          auto it = by_key.find(s.settings_key);
          if (it == by_key.end()) {
            const auto scene = scenes.find(s.prompt);
            if (scene == scenes.end()) throw Error("the demo has no scene for the prompt \"" + s.prompt + "\"");
            try {
              it = by_key.emplace(s.settings_key, score_demo_image(result.image, scene->second)).first;
            } catch (const std::invalid_argument& e) {
              throw Error("could not score " + file + " (" + g.describe() + ", seed " + std::to_string(s.seed) +
                          "): " + e.what());
            }
          }
          s.text = it->second.text;
          s.subject = it->second.subject;
          set_scores.push_back(s);
          ++done;
          const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          if (progress) {
            DemoEvent d;
            d.stage = set_name;
            d.done = static_cast<int>(done);
            d.total = static_cast<int>(total);
            d.eta_seconds = elapsed / static_cast<double>(done) * static_cast<double>(total - done);
            std::string what = s.method + " λ=" + number_text(g.scale);
            if (!s.omega.empty()) what += " ω=" + s.omega;
            if (s.method == "ag") what += " (weak: step " + std::to_string(o.weak_step) + ")";
            d.text = what + ", seed " + std::to_string(s.seed) + ", prompt " + std::to_string(prompt_number(s.prompt)) +
                     ": text " + score_text(s.text) + ", subject " + score_text(s.subject) +
                     (reused ? " (same settings as an earlier cell)" : "");
            progress(d);
          }
        },
        {}, cancel);
  } catch (const JobCancelled&) {
    return false;
  }
  const std::string prefix = folder.filename().string() + "/";
  for (auto& s : set_scores) {
    s.file = prefix + s.file;
    scores.push_back(std::move(s));
  }
  return true;
}

std::vector<std::string> report_notes(const DemoOptions& o, const std::vector<DemoPrompt>& prompts,
                                      const std::vector<ImageScore>& scores) {
  std::set<std::string> distinct;
  for (const auto& s : scores) distinct.insert(s.method + '\x1f' + s.settings_key);
  std::vector<std::string> n;
  std::string recipe;
  if (fs::exists(o.model / "recipe.json")) {
    try {
      const auto r = read_json_file(o.model / "recipe.json");
      if (const auto* c = r.find("command")) recipe = " (made by `" + c->as_string() + "`)";
    } catch (const std::exception&) {
    }
  }
  n.push_back("Made by `steer demo` on the demo model `" + o.model.filename().string() + "`" + recipe + ".");
  n.push_back("");
  n.push_back("- Subject: the demo emblem (\"sks emblem\", 5 photos); LoRA rank " + std::to_string(o.rank) + ", " +
              std::to_string(o.lora_steps) + " steps at learning rate " + number_text(o.learning_rate) + ", batch " +
              std::to_string(o.batch) + ".");
  n.push_back("- AG's weak model: the same LoRA's checkpoint at step " + std::to_string(o.weak_step) + ".");
  n.push_back("- Sampler: " + o.sampler + ", " + std::to_string(o.sampler_steps) + " steps, 64×64; λ " + list_text(o.lambdas) +
              "; PG ω " + list_text(o.omegas) + "; seeds " + list_text(o.seeds) + ".");
  n.push_back("- " + std::to_string(scores.size()) + " image files, " + std::to_string(distinct.size()) +
              " distinct images (ω applies to PG only: CFG and AG have one image per λ, seed and prompt). Prompts (the "
              "subject in scenes its photos never showed):");
  for (const auto& p : prompts) n.push_back("  - " + p.caption);
  return n;
}

}  // namespace

void DemoOptions::make_quick() {
  lora_steps = 200;
  weak_step = 50;
  prompts = 2;
  seeds = {1};
  sampler_steps = 10;
  lambdas = {3, 6};
  omegas = {0, 0.5};
}

void DemoOptions::validate() const {
  if (model.empty() || !fs::exists(model / "model_index.json"))
    throw InputError("the demo model folder " + model.string() +
                     " does not exist or has no model_index.json (give one with --model, or make it with steer train-base)");
  if (output.empty()) throw InputError("the demo needs an output folder");
  if (device != "cpu" && device != "cuda") throw InputError("device \"" + device + "\" is not one of: cpu, cuda");
  if (threads < 0) throw InputError("threads must not be negative (0: torch's default)");
  if (lora_steps < 2) throw InputError("lora steps " + std::to_string(lora_steps) + " must be at least 2");
  if (weak_step < 1 || weak_step >= lora_steps)
    throw InputError("AG's weak checkpoint step " + std::to_string(weak_step) + " must be between 1 and the LoRA's steps - 1 (" +
                     std::to_string(lora_steps - 1) + ")");
  if (rank < 1 || rank > 128) throw InputError("rank " + std::to_string(rank) + " must be between 1 and 128");
  if (!(learning_rate > 0 && learning_rate < 1))
    throw InputError("learning rate " + number_text(learning_rate) + " must be in (0, 1)");
  if (batch < 1 || batch > 64) throw InputError("batch " + std::to_string(batch) + " must be between 1 and 64");
  if (prompts < 1 || prompts > 64) throw InputError("prompts " + std::to_string(prompts) + " must be between 1 and 64");
  if (seeds.empty()) throw InputError("the demo needs at least one seed");
  if (sampler_steps < 1 || sampler_steps > 1000)
    throw InputError("sampler steps " + std::to_string(sampler_steps) + " must be between 1 and 1000");
  if (lambdas.empty()) throw InputError("the demo needs at least one λ");
  for (double l : lambdas)
    if (!(l >= 0 && l <= 100)) throw InputError("λ " + number_text(l) + " must be in [0, 100]");
  if (omegas.empty()) throw InputError("the demo needs at least one ω");
  for (double w : omegas)
    if (!(w >= 0 && w <= 1)) throw InputError("ω " + number_text(w) + " must be in [0, 1]");
}

DemoResult run_demo(const DemoOptions& o, const DemoProgress& progress, const std::atomic<bool>* cancel) {
  o.validate();
  const auto started = std::chrono::steady_clock::now();
  if (o.threads > 0) at::set_num_threads(o.threads);
  DemoResult result;
  result.output = o.output;
  const std::vector<DemoPrompt> prompts = demo_prompts(o.prompts, o.prompt_seed);
  std::map<std::string, ToyScene> scenes;
  for (const auto& p : prompts) scenes.emplace(p.caption, p.scene);

  prepare_output(o.output);
  write_file_atomically(o.output / kMarker, [&](std::ostream& out) { out << options_json(o).dump(2) << "\n"; });

  // 1. The subject's photos.
  const fs::path photos = o.output / "subject-photos";
  write_subject_photos(photos, kImageSize);
  say(progress, "photos", std::to_string(kSubjectPhotoCount) + " photos of the demo subject in " + photos.string());

  // 2. The LoRA.
  const LoraRun lora = train_lora(o, photos, o.output / "lora", progress, cancel);
  if (!lora.finished) return result;
  result.lora = lora.lora;

  // 3. The sweep on the LoRA, then the base model's reference images.
  say(progress, "sweep", "loading " + o.model.string());
  LoadOptions load;
  load.device = o.device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU);
  auto model = StableDiffusionModel::load(o.model, load);
  GenerationSession session(*model);
  SubjectSpec subject;
  subject.kind = SubjectSpec::Kind::Lora;
  subject.path = lora.lora;
  session.set_subject(subject);
  const ModelIdentity identity = identify_model(o.model, subject);

  SweepPlan plan;
  plan.base = base_request(o, prompts);
  plan.base.guidance.weak = WeakModel::parse(lora.weak.string());
  plan.methods = {"cfg", "ag", "pg"};
  plan.lambdas = o.lambdas;
  for (double w : o.omegas) plan.omegas.push_back(number_text(w));
  plan.seeds = o.seeds;
  for (const auto& p : prompts) plan.prompts.push_back(p.caption);
  plan.validate();
  std::vector<ImageScore> scores;
  if (!sweep_and_score(session, plan, subject, identity, o, "sweep", "", scenes, scores, result.sweep, progress, cancel))
    return result;

  session.set_subject(SubjectSpec{});
  const ModelIdentity base_identity = identify_model(o.model, SubjectSpec{});
  SweepPlan reference;
  reference.base = base_request(o, prompts);
  reference.methods = {"cfg"};
  reference.lambdas = o.lambdas;
  reference.seeds = o.seeds;
  for (const auto& p : prompts) reference.prompts.push_back(p.caption);
  reference.validate();
  if (!sweep_and_score(session, reference, SubjectSpec{}, base_identity, o, "base-model", kBaseModelMethod, scenes, scores,
                       result.base_model_images, progress, cancel))
    return result;
  model.reset();

  // 4. Scores, the table, the plot.
  result.images = scores.size();
  result.scores_csv = o.output / "scores.csv";
  result.scores_json = o.output / "scores.json";
  write_scores_csv(result.scores_csv, scores);
  write_scores_json(result.scores_json, scores);
  say(progress, "scores", std::to_string(scores.size()) + " images scored: " + result.scores_csv.string());

  result.analysis = analyse_tradeoff(average_by_setting(scores));
  result.table = tradeoff_table_markdown(result.analysis);
  result.tradeoff_md = o.output / "tradeoff.md";
  result.tradeoff_png = o.output / "tradeoff.png";
  const std::string report = tradeoff_report_markdown(result.analysis, report_notes(o, prompts, scores));
  write_file_atomically(result.tradeoff_md, [&](std::ostream& out) { out << report; });
  write_image(result.tradeoff_png, render_tradeoff_plot(result.analysis, std::to_string(prompts.size()) + " prompts x " +
                                                                             std::to_string(o.seeds.size()) + " seeds"));
  say(progress, "report", "trade-off table and plot: " + result.tradeoff_md.string() + ", " + result.tradeoff_png.string());
  result.finished = true;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace steer::demo
