// steer sweep: a grid over method × λ × ω × seed × prompt, exported as one folder with an
// image and a sidecar per cell, an index and a labelled grid.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"
#include "app/cli/job_outcome.h"
#include "app/cli/progress_line.h"
#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/export/file_naming.h"
#include "core/io/diffusers_folder.h"

namespace steer::cli {
namespace fs = std::filesystem;

int run_sweep(int argc, char** argv) {
  auto options = generation_options();
  for (const char* o :
       {"methods", "lambdas", "omegas", "seeds", "sweep-file", "out-dir", "name", "template", "format", "grid-upscale"})
    options.insert(o);
  auto switches = generation_switches();
  switches.insert("help");
  switches.insert("no-grid");
  Arguments args(argc, argv, options, switches);
  if (args.has("help")) {
    std::cout
        << "usage: steer sweep --model DIR [--lora FILE] --prompt TEXT [--prompt TEXT ...] [axes] [options]\n\n"
        << "axes (comma-separated values; each with more than one value becomes a grid axis):\n"
           "  --methods cfg,ag,pg    guidance methods\n"
           "  --lambdas 3,5,7.5      guidance scales (lambda)\n"
           "  --omegas 0,0.5,1       PG omega values or schedules (linear:0.2->0.8, ...)\n"
           "  --seeds 1,2,3          seeds\n"
           "  --prompt TEXT          the prompt; repeat it for a prompt axis\n"
           "  --sweep-file FILE      the same as JSON: {\"methods\": [...], \"omegas\": [...], ...}\n\n"
           "export:\n"
           "  --out-dir DIR          where the sweep folder is made (default: current folder)\n"
           "  --name NAME            the folder's name (default sweep; never overwritten: -2, -3 ...)\n"
           "  --template T           file names, tokens {index} {method} {lambda} {omega} {seed} {prompt} {sampler} {steps}\n"
           "  --format .png          image format by extension (.png, .jpg, .tif, .exr, ...)\n"
           "  --no-grid              skip grid.png\n"
           "  --grid-upscale N       enlarge the images in the grids N times, sharp pixels (default: images\n"
           "                         under 256 px to at least 256 px; 1 keeps them as they are)\n\n"
        << "generation settings (the base of every cell):\n"
        << generation_options_help({"prompt"});
    return 0;
  }
  args.refuse_positional("sweep");
  // Everything is checked before the model is loaded, except what depends on the model (its
  // native size and latent cells: fit_size_to_model).
  const std::string folder = model_folder_from(args);
  const EngineOptions engine_options = engine_options_from(args);
  const SubjectSpec subject = subject_from(args);
  GenerationRequest base = request_from(args);
  SizeGiven given = size_given(args);
  SweepPlan plan;
  if (args.has("sweep-file")) {
    const fs::path file = args.get("sweep-file");
    const json::Value sweep_file = read_json_file(file);
    plan = SweepPlan::from_json(sweep_file, file.string(), base);
    given.width = given.width || sweep_file.contains("width");
    given.height = given.height || sweep_file.contains("height");
  } else {
    plan.base = base;
    const auto text = [](const std::string& s, const std::string&) { return s; };
    plan.methods = list_option(args, "methods", text);
    if (plan.methods.empty()) plan.methods = {guidance_method_name(base.guidance.method)};
    plan.lambdas = list_option(args, "lambdas", parse_finite_number);
    plan.omegas = list_option(args, "omegas", text);
    plan.seeds = list_option(args, "seeds", parse_seed);
    const auto prompts = args.all("prompt");
    if (prompts.size() > 1) plan.prompts = prompts;
  }
  plan.validate();
  SweepExportTarget target;
  target.parent_folder = args.get("out-dir", ".");
  target.set_name = args.get("name", "sweep");
  if (args.has("template")) target.name_template = args.get("template");
  target.image_extension = args.get("format", ".png");
  if (target.image_extension.empty() || target.image_extension[0] != '.') target.image_extension = "." + target.image_extension;
  target.write_grid = !args.has("no-grid");
  target.grid_upscale = args.int32("grid-upscale", 0, 1, 16, "a whole number from 1 to 16");
  if (!target.name_template.empty()) validate_name_template(target.name_template);
  const auto cells = plan.cells();

  Engine engine;
  const ModelSummary model = expect_finished(engine.load_model(folder, engine_options));
  fit_size_to_model(plan.base, given, model);
  plan.validate();
  const std::string attached = expect_finished(engine.set_subject(subject));
  if (subject.kind != SubjectSpec::Kind::None) std::cerr << attached << "\n";
  std::unique_ptr<ProgressLine> progress;
  size_t finished = 0;
  JobControl control;
  const CancelOnInterrupt interrupt(control);
  const fs::path result = expect_finished(engine.export_sweep(
      plan, target,
      [&](const SweepPlan::Cell&, const GenerationResult&, bool reused, const std::string&) {
        ++finished;
        if (progress) progress->finish(reused ? "same settings as an earlier cell: reused" : "done");
        progress.reset();
      },
      [&](const SweepPlan::Cell& cell, const StepEvent& e) {
        if (!progress)
          progress = std::make_unique<ProgressLine>("cell " + std::to_string(cell.index + 1) + "/" +
                                                    std::to_string(cells.size()) + " [" + cell.request.guidance.describe() +
                                                    ", seed " + std::to_string(cell.request.seed) + "]");
        progress->update(e);
      },
      &control));
  std::cerr << "sweep: " << finished << " cells exported\n";
  std::cout << result.string() << "\n";
  return 0;
}

}  // namespace steer::cli
