#include "core/engine/engine.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>

#include "core/bench/benchmark_runner.h"
#include "core/common/error.h"
#include "core/engine/engine_impl.h"
#include "core/generation/sweep_runner.h"

namespace steer {

void EngineOptions::validate() const { load_options_of(*this); }

LoadOptions load_options_of(const EngineOptions& options) {
  LoadOptions load;
  if (options.device == "cuda" || options.device.rfind("cuda:", 0) == 0) {
    try {
      load.device = at::Device(options.device);
    } catch (const std::exception&) {
      throw InputError("device \"" + options.device + "\" is not understood; use cpu, cuda or cuda:N (N = the GPU's number)");
    }
  } else if (options.device != "cpu") {
    throw InputError("device \"" + options.device + "\" is unknown; use cpu or cuda");
  }
  if (options.dtype == "fp16")
    load.dtype = at::kHalf;
  else if (options.dtype == "bf16")
    load.dtype = at::kBFloat16;
  else if (options.dtype != "fp32")
    throw InputError("dtype \"" + options.dtype + "\" is unknown; use fp32, fp16 or bf16");
  if (options.cpu_threads < 0) throw InputError("CPU threads must not be negative (0: torch's default)");
  return load;
}

int automatic_cpu_threads() {
  // torch's own default: OMP_NUM_THREADS / MKL_NUM_THREADS when set, else the physical cores.
  const int torch_default = at::intraop_default_num_threads();
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const char* mkl = std::getenv("MKL_NUM_THREADS");
  if ((omp && *omp) || (mkl && *mkl)) return std::max(1, torch_default);
  return std::max(1, torch_default - 1);
}

void use_cpu_threads(const EngineOptions& options) {
  const int wanted = options.cpu_threads > 0 ? options.cpu_threads : automatic_cpu_threads();
  // Only when it changes: at::set_num_threads also empties oneDNN's primitive cache.
  if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
}

int Engine::cpu_threads_of_this_thread() { return at::get_num_threads(); }

GenerationSession& Engine::Impl::session_or_throw() const {
  if (!session) throw InputError("no model is loaded: open a model folder first");
  return *session;
}

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

JobResult<ModelSummary> Engine::load_model(const std::filesystem::path& folder, const EngineOptions& options) {
  return run_job_for<ModelSummary>([&] {
    const LoadOptions load = load_options_of(options);
    use_cpu_threads(options);
    auto model = StableDiffusionModel::load(folder, load);  // validates every file, names what is wrong
    ModelSummary summary = summarize_model(*model);
    impl_->session.reset();
    impl_->model = std::move(model);
    impl_->session = std::make_unique<GenerationSession>(*impl_->model);
    impl_->folder = folder;
    impl_->options = options;
    return summary;
  });
}

JobResult<ModelSummary> Engine::inspect_model(const std::filesystem::path& folder) {
  return run_job_for<ModelSummary>([&] { return inspect_model_folder(folder); });
}

bool Engine::has_model() const { return impl_->model != nullptr; }
const std::filesystem::path& Engine::model_folder() const { return impl_->folder; }
const EngineOptions& Engine::options() const { return impl_->options; }

const SubjectSpec& Engine::subject() const {
  static const SubjectSpec none;
  return impl_->session ? impl_->session->subject() : none;
}

JobResult<std::string> Engine::set_subject(const SubjectSpec& subject) {
  return run_job_for<std::string>([&] {
    auto& session = impl_->session_or_throw();
    const SubjectSpec previous = session.subject();
    try {
      session.set_subject(subject);
    } catch (...) {
      // A broken file dropped on the window must not cost the designer the subject they had.
      try {
        session.set_subject(previous);
      } catch (...) {
      }
      throw;
    }
    if (subject.kind == SubjectSpec::Kind::None) return std::string("no subject");
    const std::string& memory = session.memory_note();
    return subject.path.filename().string() + " attached" + (memory.empty() ? "" : "; " + memory);
  });
}

JobResult<GenerationResult> Engine::generate(const GenerationRequest& request, const StepCallback& on_step, JobControl* control) {
  return run_job_for<GenerationResult>([&] {
    use_cpu_threads(impl_->options);  // this thread's count: see EngineOptions::cpu_threads
    return impl_->session_or_throw().generate(request, on_step, control ? &control->cancel : nullptr);
  });
}

JobOutcome Engine::run_sweep(const SweepPlan& plan, const SweepCellFinished& on_cell, const SweepCellStep& on_step,
                             JobControl* control) {
  return run_job([&] {
    use_cpu_threads(impl_->options);
    run_sweep_on(impl_->session_or_throw(), plan, on_cell, on_step, control ? &control->cancel : nullptr);
  });
}

JobResult<BenchmarkReport> Engine::benchmark(const BenchmarkOptions& benchmark, const EngineOptions& options) {
  return run_job_for<BenchmarkReport>([&] { return run_benchmark(benchmark, load_options_of(options)); });
}

CellSettings Engine::record_for(const GenerationRequest& request) const {
  const SubjectSpec& s = subject();
  return cell_settings_for(request, identify_model(impl_->folder, s), s, impl_->options.device);
}

}  // namespace steer
