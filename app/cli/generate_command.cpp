// steer generate: one image with the chosen guidance, written with its settings (PNG
// "parameters" chunk in A1111's format and a JSON sidecar that reproduces it).
#include <ATen/ATen.h>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/arguments.h"
#include "core/generation/cell_record.h"
#include "app/cli/commands.h"
#include "app/cli/generation_options.h"
#include "app/cli/progress_line.h"
#include "core/common/error.h"
#include "core/export/a1111_parameters.h"
#include "core/io/atomic_write.h"
#include "core/io/safetensors_writer.h"
#include "core/generation/generation_job.h"
#include "core/imageio/image_file.h"

namespace steer::cli {
namespace fs = std::filesystem;

namespace {

// Never overwrite: "out.png" taken -> "out-2.png", "out-3.png", ...
fs::path unused_path(const fs::path& wanted) {
  std::error_code ec;
  if (!fs::exists(wanted, ec)) return wanted;
  for (int n = 2;; ++n) {
    fs::path candidate = wanted.parent_path() / (wanted.stem().string() + "-" + std::to_string(n) + wanted.extension().string());
    if (!fs::exists(candidate, ec)) return candidate;
  }
}

}  // namespace

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
  // Everything is checked before the model is loaded.
  const std::string folder = model_folder_from(args);
  const LoadOptions load = load_options_from(args);
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

  auto model = StableDiffusionModel::load(folder, load);
  GenerationSession session(*model);
  session.set_subject(subject);
  if (!session.memory_note().empty()) std::cerr << session.memory_note() << "\n";
  ProgressLine progress("generate");
  std::vector<std::pair<std::string, at::Tensor>> latents;  // --save-latent
  auto latent_tensor = [](const LatentSnapshot& l) {
    return at::from_blob(const_cast<float*>(l.values.data()), l.shape, at::kFloat).clone();
  };
  const GenerationResult result = session.generate(request, [&](const StepEvent& e) {
    if (e.latent) latents.emplace_back("step" + std::to_string(e.step - 1) + ".latent", latent_tensor(*e.latent));
    progress.update(e);
  });

  const ModelIdentity identity = identify_model(folder, subject);
  const CellSettings settings = cell_settings_for(request, identity, subject, args.get("device", "cpu"));
  out = unused_path(out);
  write_image(out, result.image, {{"parameters", a1111_parameters(settings)}});
  fs::path sidecar = out;
  sidecar.replace_extension(".json");
  // The same layout as a sweep cell's sidecar, so one reader serves both.
  json::Value record = json::Object{};
  record.set("format", "steer-image");
  record.set("format_version", 1);
  record.set("file", out.filename().string());
  record.set("seconds", result.seconds);
  record.set("settings", settings_to_json(settings));
  write_file_atomically(sidecar, [&](std::ostream& o) { o << record.dump(2) << "\n"; });
  if (!latent_out.empty() && result.final_latent) {
    latents.emplace_back("final_latent", latent_tensor(*result.final_latent));
    write_safetensors(latent_out, latents, {{"format", "pt"}});
  }
  progress.finish("done in " + std::to_string(result.seconds) + " s");
  std::cout << out.string() << "\n";
  return 0;
}

}  // namespace steer::cli
