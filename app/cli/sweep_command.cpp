// steer sweep: a grid over method × λ × ω × seed × prompt, exported as one folder with an
// image and a sidecar per cell, an index and a labelled grid.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/arguments.h"
#include "core/generation/cell_record.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"
#include "app/cli/progress_line.h"
#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/export/file_naming.h"
#include "core/export/sweep_exporter.h"
#include "core/generation/sweep_runner.h"
#include "core/io/diffusers_folder.h"

namespace steer::cli {
namespace fs = std::filesystem;

int run_sweep(int argc, char** argv) {
  auto options = generation_options();
  for (const char* o : {"methods", "lambdas", "omegas", "seeds", "sweep-file", "out-dir", "name", "template", "format"}) options.insert(o);
  auto switches = generation_switches();
  switches.insert("help");
  switches.insert("no-grid");
  Arguments args(argc, argv, options, switches);
  if (args.has("help")) {
    std::cout << "usage: steer sweep --model DIR [--lora FILE] --prompt TEXT [--prompt TEXT ...] [axes] [options]\n\n"
              << "axes (comma-separated values; each with more than one value becomes a grid axis):\n"
                 "  --methods cfg,ag,pg    guidance methods\n"
                 "  --lambdas 3,5,7.5      guidance scales λ\n"
                 "  --omegas 0,0.5,1       PG ω values or schedules (linear:0.2->0.8, ...)\n"
                 "  --seeds 1,2,3          seeds\n"
                 "  --prompt TEXT          repeat for a prompt axis\n"
                 "  --sweep-file FILE      the same as JSON: {\"methods\": [...], \"omegas\": [...], ...}\n\n"
                 "export:\n"
                 "  --out-dir DIR          where the sweep folder is made (default: current folder)\n"
                 "  --name NAME            the folder's name (default sweep; never overwritten: -2, -3 ...)\n"
                 "  --template T           file names, tokens {index} {method} {lambda} {omega} {seed} {prompt} {sampler} {steps}\n"
                 "  --format .png          image format by extension (.png, .jpg, .tif, .exr, ...)\n"
                 "  --no-grid              skip grid.png\n\n"
              << generation_options_help();
    return 0;
  }
  // Everything is checked before the model is loaded.
  const std::string folder = model_folder_from(args);
  const LoadOptions load = load_options_from(args);
  const SubjectSpec subject = subject_from(args);
  GenerationRequest base = request_from(args);
  SweepPlan plan;
  if (args.has("sweep-file")) {
    const fs::path file = args.get("sweep-file");
    plan = SweepPlan::from_json(read_json_file(file), file.string(), base);
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
  SweepExportOptions export_options;
  export_options.parent_folder = args.get("out-dir", ".");
  export_options.set_name = args.get("name", "sweep");
  if (args.has("template")) export_options.name_template = args.get("template");
  export_options.image_extension = args.get("format", ".png");
  if (export_options.image_extension.empty() || export_options.image_extension[0] != '.')
    export_options.image_extension = "." + export_options.image_extension;
  export_options.write_grid = !args.has("no-grid");
  validate_name_template(export_options.name_template);

  std::vector<SweepAxis> axes;
  for (const auto& a : plan.axes()) axes.push_back(SweepAxis{a.name, a.labels});
  const auto cells = plan.cells();

  auto model = StableDiffusionModel::load(folder, load);
  GenerationSession session(*model);
  session.set_subject(subject);
  if (!session.memory_note().empty()) std::cerr << session.memory_note() << "\n";
  const ModelIdentity identity = identify_model(folder, subject);
  const std::string device = args.get("device", "cpu");

  SweepExporter exporter;
  exporter.begin(export_options, axes);  // fails here, before any generation, if the folder is not writable
  std::unique_ptr<ProgressLine> progress;
  size_t finished = 0;
  run_sweep_on(
      session, plan,
      [&](const SweepPlan::Cell& cell, const GenerationResult& result, bool reused) {
        SweepCell out;
        out.index = cell.index;
        out.axis_position = cell.position;
        out.settings = cell_settings_for(cell.request, identity, subject, device);
        out.image = result.image;
        out.seconds = reused ? 0.0 : result.seconds;
        exporter.add(out);
        ++finished;
        if (progress) progress->finish(reused ? "same settings as an earlier cell: reused" : "done");
        progress.reset();
      },
      [&](const SweepPlan::Cell& cell, const StepEvent& e) {
        if (!progress)
          progress = std::make_unique<ProgressLine>("cell " + std::to_string(cell.index + 1) + "/" + std::to_string(cells.size()) +
                                                    " [" + cell.request.guidance.describe() + ", seed " +
                                                    std::to_string(cell.request.seed) + "]");
        progress->update(e);
      });
  const fs::path result = exporter.finish();
  std::cerr << "sweep: " << finished << " cells exported\n";
  std::cout << result.string() << "\n";
  return 0;
}

}  // namespace steer::cli
