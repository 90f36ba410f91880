#include "core/engine/engine.h"

#include "core/common/error.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/generation/generation_job.h"
#include "core/generation/sweep_runner.h"
#include "core/models/module.h"

namespace steer {

struct Engine::Impl {
  std::filesystem::path folder;
  std::unique_ptr<StableDiffusionModel> model;
  std::unique_ptr<GenerationSession> session;
};

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

ModelSummary Engine::load_model(const std::filesystem::path& folder, const EngineOptions& options) {
  LoadOptions load;
  if (options.device == "cuda") load.device = at::Device(at::kCUDA);
  else if (options.device != "cpu") throw InputError("device \"" + options.device + "\" is unknown; use cpu or cuda");
  if (options.dtype == "fp16") load.dtype = at::kHalf;
  else if (options.dtype == "bf16") load.dtype = at::kBFloat16;
  else if (options.dtype != "fp32") throw InputError("dtype \"" + options.dtype + "\" is unknown; use fp32, fp16 or bf16");
  auto model = StableDiffusionModel::load(folder, load);  // validates every file, names what is wrong
  ModelSummary summary = summarize_model(*model);
  impl_->session.reset();
  impl_->model = std::move(model);
  impl_->session = std::make_unique<GenerationSession>(*impl_->model);
  impl_->folder = folder;
  return summary;
}

bool Engine::has_model() const { return impl_->model != nullptr; }
const std::filesystem::path& Engine::model_folder() const { return impl_->folder; }

static GenerationSession& session_of(const std::unique_ptr<GenerationSession>& session) {
  if (!session) throw InputError("no model is loaded: open a model folder first");
  return *session;
}

std::string Engine::set_subject(const SubjectSpec& subject) {
  auto& session = session_of(impl_->session);
  session.set_subject(subject);
  if (subject.kind == SubjectSpec::Kind::None) return "no subject";
  const std::string& memory = session.memory_note();
  return subject.path.filename().string() + " attached" + (memory.empty() ? "" : "; " + memory);
}

GenerationResult Engine::generate(const GenerationRequest& request, const StepCallback& on_step, const std::atomic<bool>* cancel) {
  return session_of(impl_->session).generate(request, on_step, cancel);
}

void Engine::run_sweep(const SweepPlan& plan, const SweepCellFinished& on_cell, const SweepCellStep& on_step,
                       const std::atomic<bool>* cancel) {
  run_sweep_on(session_of(impl_->session), plan, on_cell, on_step, cancel);
}

bool Engine::is_cancellation(const std::exception& e) { return dynamic_cast<const JobCancelled*>(&e) != nullptr; }

}  // namespace steer
