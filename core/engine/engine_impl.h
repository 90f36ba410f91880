#pragma once
// The engine's private state, shared by engine.cpp (model, subject, generation) and the
// job files beside it (studio_jobs.cpp). Not for clients: they include engine.h only.
#include <filesystem>
#include <memory>

#include "core/engine/engine.h"
#include "core/generation/generation_job.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {

struct Engine::Impl {
  std::filesystem::path folder;
  EngineOptions options;
  std::unique_ptr<StableDiffusionModel> model;
  std::unique_ptr<GenerationSession> session;

  GenerationSession& session_or_throw() const;
};

// EngineOptions -> the model loader's options (validated).
LoadOptions load_options_of(const EngineOptions& options);
// Sets torch's CPU threads on the calling thread to the options' count (automatic_cpu_threads()
// for 0): every job that computes with the model calls it first, so the count follows the
// options on whichever thread runs the job.
void use_cpu_threads(const EngineOptions& options);

}  // namespace steer
