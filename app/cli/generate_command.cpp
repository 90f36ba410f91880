// steer generate: one image with the chosen guidance, written with its settings (PNG
// "parameters" chunk in A1111's format and a JSON sidecar that reproduces it), through the
// engine's front door (core/engine/engine.h) and the one image exporter (core/export/image_export.h).
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"
#include "app/cli/job_outcome.h"
#include "app/cli/progress_line.h"
#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/export/image_export.h"
#include "core/generation/latent_file.h"
#include "core/generation/request_json.h"

namespace steer::cli {
namespace fs = std::filesystem;

int run_generate(int argc, char** argv) {
  auto options = generation_options();
  options.insert("out");
  options.insert("save-latent");
  auto switches = generation_switches();
  switches.insert("help");
  Arguments args(argc, argv, options, switches);
  if (args.has("help")) {
    std::cout << "usage: steer generate --model DIR --prompt TEXT [options] [--out FILE]\n\n"
              << generation_options_help()
              << "  --out FILE             where to write the image (default steer-<seed>.png; an existing file is never\n"
                 "                         overwritten: a -2, -3 ... suffix is added). Format by extension.\n"
                 "  --save-latent FILE     also write the latents as FILE.safetensors (for comparisons with other tools):\n"
                 "                         \"step<i>.latent\" after step i (from 0) and \"final_latent\" (what the VAE\n"
                 "                         decodes), each [1, 4, H/8, W/8] float32\n";
    return 0;
  }
  args.refuse_positional("generate");
  // Everything is checked before the model is loaded, except what depends on the model (its
  // native size and latent cells: fit_size_to_model).
  const std::string folder = model_folder_from(args);
  const EngineOptions engine_options = engine_options_from(args);
  const SubjectSpec subject = subject_from(args);
  GenerationRequest request = request_from(args);
  request.validate();
  fs::path out = args.get("out", "steer-" + std::to_string(request.seed) + ".png");
  if (out.extension().empty()) throw InputError("--out " + out.string() + " has no extension; name the format, e.g. image.png");
  if (out.has_parent_path() && !fs::is_directory(out.parent_path()))
    throw InputError("--out " + out.string() + ": the folder " + out.parent_path().string() + " does not exist");
  const fs::path latent_out = args.get("save-latent", "");
  if (args.has("save-latent")) {
    if (latent_out.extension() != ".safetensors")
      throw InputError("--save-latent " + latent_out.string() + " must name a .safetensors file");
    if (latent_out.has_parent_path() && !fs::is_directory(latent_out.parent_path()))
      throw InputError("--save-latent " + latent_out.string() + ": the folder " + latent_out.parent_path().string() +
                       " does not exist");
    request.want_latents = true;
  }

  Engine engine;
  const ModelSummary model = expect_finished(engine.load_model(folder, engine_options));
  fit_size_to_model(request, size_given(args), model);
  request.validate();
  const std::string attached = expect_finished(engine.set_subject(subject));
  if (subject.kind != SubjectSpec::Kind::None) std::cerr << attached << "\n";
  ProgressLine progress("generate");
  std::vector<std::pair<std::string, LatentSnapshot>> latents;  // --save-latent
  JobControl control;
  const CancelOnInterrupt interrupt(control);
  const GenerationResult result = expect_finished(engine.generate(
      request,
      [&](const StepEvent& e) {
        if (e.latent) latents.emplace_back("step" + std::to_string(e.step - 1) + ".latent", *e.latent);
        progress.update(e);
      },
      &control));
  out = export_image(out, result.image, engine.record_for(request), result.seconds, request_to_json(request));
  if (!latent_out.empty() && result.final_latent) {
    latents.emplace_back("final_latent", *result.final_latent);
    write_latents(latent_out, latents);
  }
  progress.finish("done in " + std::to_string(result.seconds) + " s");
  std::cout << out.string() << "\n";
  return 0;
}

}  // namespace steer::cli
