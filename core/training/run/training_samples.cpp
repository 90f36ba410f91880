#include "core/training/run/training_samples.h"

#include <cstdio>

#include "core/export/a1111_parameters.h"
#include "core/export/sweep_record.h"
#include "core/generation/generation_job.h"
#include "core/imageio/image_file.h"
#include "core/lora/lora_merge.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace fs = std::filesystem;

namespace steer::training {

std::vector<TrainingSample> generate_training_samples(StableDiffusionModel& model, const TrainingSettings& settings, int step) {
  // A fresh session per round: its prompt-embedding cache must not outlive a step that trained
  // the text encoder.
  GenerationSession session(model);
  // The LoRA being trained, folded into the UNet's weights for the samples: the arithmetic
  // `steer generate` uses for CFG with a LoRA at one strength (core/lora/lora_merge.h), so a
  // sample equals `steer generate --lora <that step's checkpoint>` pixel for pixel.
  const ScopedLoraMerge merged(model.unet(), 1.0);
  fs::create_directories(settings.sample_folder());
  std::vector<TrainingSample> out;
  for (size_t p = 0; p < settings.sample_prompts.size(); ++p)
    for (size_t s = 0; s < settings.sample_seeds.size(); ++s) {
      GenerationRequest r;
      r.prompt = settings.sample_prompts[p];
      r.seed = settings.sample_seeds[s];
      r.width = r.height = settings.resolution;
      r.steps = settings.sample_steps;
      r.sampler = settings.sample_sampler;
      r.guidance.scale = settings.sample_guidance;
      GenerationResult result = session.generate(r);

      CellSettings cell;
      cell.method = "cfg";
      cell.lambda = r.guidance.scale;
      cell.seed = r.seed;
      cell.prompt = r.prompt;
      cell.width = r.width;
      cell.height = r.height;
      cell.steps = r.steps;
      cell.sampler = r.sampler;
      cell.model_name = model.folder().filename().string();
      cell.subject_name = settings.output_name + " (training step " + std::to_string(step) + ")";
      cell.software_version = std::string("Steer Studio ") + STEER_VERSION;
      char name[96];
      std::snprintf(name, sizeof name, "step-%06d-p%zu-s%zu.png", step, p, s);
      TrainingSample sample{r.prompt, r.seed, std::move(result.image), settings.sample_folder() / name};
      write_image(sample.file, sample.image, {{"parameters", a1111_parameters(cell)}});
      out.push_back(std::move(sample));
    }
  return out;
}

}  // namespace steer::training
