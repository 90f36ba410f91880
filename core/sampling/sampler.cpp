#include "core/sampling/sampler.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/common/error.h"
#include "core/sampling/ddim_sampler.h"
#include "core/sampling/dpmpp_2m_sampler.h"
#include "core/sampling/euler_ancestral_sampler.h"
#include "core/sampling/euler_sampler.h"

namespace steer {

Sampler::~Sampler() = default;

void Sampler::check_index(int i) const {
  if (i < 0 || i >= steps_)
    throw std::out_of_range("sampler step " + std::to_string(i) + " is outside 0.." + std::to_string(steps_ - 1));
}

SamplerKind parse_sampler_name(const std::string& name) {
  if (name == "ddim") return SamplerKind::Ddim;
  if (name == "euler") return SamplerKind::Euler;
  if (name == "euler_a") return SamplerKind::EulerAncestral;
  if (name == "dpmpp_2m" || name == "dpm++2m") return SamplerKind::DpmPlusPlus2M;
  throw InputError("\"sampler\" is \"" + name + "\"; choose one of: ddim, euler, euler_a, dpmpp_2m");
}

std::string sampler_name(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::Ddim:
      return "ddim";
    case SamplerKind::Euler:
      return "euler";
    case SamplerKind::EulerAncestral:
      return "euler_a";
    case SamplerKind::DpmPlusPlus2M:
      return "dpmpp_2m";
  }
  return "?";
}

std::unique_ptr<Sampler> make_sampler(const SamplerSettings& settings, const NoiseSchedule& schedule, int steps) {
  const int T = schedule.num_train_timesteps();
  if (steps <= 0 || steps > T)
    throw InputError("\"steps\" must be between 1 and " + std::to_string(T) + " (the schedule's num_train_timesteps), found " +
                     std::to_string(steps));
  if (!std::isfinite(settings.eta) || settings.eta < 0.0)
    throw InputError("\"eta\" must be 0 or more, found " + std::to_string(settings.eta));
  if (settings.karras_sigmas && settings.kind != SamplerKind::Euler && settings.kind != SamplerKind::DpmPlusPlus2M)
    throw InputError("\"karras_sigmas\" is available for the euler and dpmpp_2m samplers only, not " +
                     sampler_name(settings.kind));
  switch (settings.kind) {
    case SamplerKind::Ddim:
      return std::make_unique<DdimSampler>(schedule, steps, settings.eta);
    case SamplerKind::Euler:
      return std::make_unique<EulerSampler>(schedule, steps, settings.karras_sigmas);
    case SamplerKind::EulerAncestral:
      return std::make_unique<EulerAncestralSampler>(schedule, steps);
    case SamplerKind::DpmPlusPlus2M:
      return std::make_unique<DpmPlusPlus2MSampler>(schedule, steps, settings.karras_sigmas);
  }
  throw std::logic_error("unknown sampler kind");
}

}  // namespace steer
