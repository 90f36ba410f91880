// Adaptive projected guidance (Sadat et al. 2024, "Eliminating Oversaturation and Artifacts
// of High Guidance Scales in Diffusion Models", arXiv 2410.02416), as diffusers 0.42.1's
// AdaptiveProjectedGuidance guider computes it (diffusers/guiders/adaptive_projected_guidance.py,
// use_original_formulation=False), on the raw model outputs:
//   d  = strong − weak
//   d  ← d + β·d_prev            (momentum, running sum; β < 0 in the paper; 0 = off)
//   d  ← d · min(1, r / ‖d‖)      (norm threshold r over all but the batch dim; 0 = off)
//   d∥ = ⟨d, ŝ⟩ ŝ with ŝ = strong/‖strong‖, d⊥ = d − d∥   (in float64)
//   guided = weak + λ·(d⊥ + η·d∥)
// With η = 1, r = 0, β = 0 it is the method's plain combination. It stacks on any method:
// "weak" is whatever the method chose (ε_ft(∅) for CFG, ε_weak(c) for AG, ε_ω(∅) for PG).
// Defaults are the paper's recommendation (η = 0, r = 15, β = −0.5), not diffusers' (η = 1,
// r = 15, no momentum).
#include <ATen/ATen.h>

#include "core/guidance/guidance_modifier.h"

namespace steer {
namespace {

class AdaptiveProjectedGuidance final : public GuidanceModifier {
 public:
  explicit AdaptiveProjectedGuidance(const ModifierSettings& s)
      : eta_(s.value("eta")), norm_threshold_(s.value("norm_threshold")), momentum_(s.value("momentum")) {}

  at::Tensor combine(const at::Tensor& strong, const at::Tensor& weak, double scale) override {
    std::vector<int64_t> dims;
    for (int64_t d = 1; d < strong.dim(); ++d) dims.push_back(-d);
    at::Tensor diff = strong - weak;
    if (momentum_ != 0.0) {
      // diffusers' MomentumBuffer: running = update + β·running, running starting at 0.
      running_ = running_.defined() ? diff + running_ * momentum_ : diff;
      diff = running_;
    }
    if (norm_threshold_ > 0.0) {
      const at::Tensor norm = diff.norm(2, dims, /*keepdim=*/true);
      // Python's `r / norm` is reciprocal(norm)·r; written the same way for equal bits.
      diff = diff * at::minimum(at::ones_like(diff), norm.reciprocal() * norm_threshold_);
    }
    const at::Tensor v0 = diff.to(at::kDouble);
    at::Tensor v1 = strong.to(at::kDouble);
    v1 = v1 / v1.norm(2, dims, /*keepdim=*/true).clamp_min(1e-12).expand_as(v1);  // F.normalize
    const at::Tensor parallel = (v0 * v1).sum(dims, /*keepdim=*/true) * v1;
    const at::Tensor orthogonal = v0 - parallel;
    const at::Tensor update = orthogonal.to(diff.scalar_type()) + parallel.to(diff.scalar_type()) * eta_;
    return weak + update * scale;
  }

 private:
  double eta_, norm_threshold_, momentum_;
  at::Tensor running_;
};

class AdaptiveProjectedGuidanceKind final : public GuidanceModifierKind {
 public:
  const char* name() const override { return "apg"; }
  const char* summary() const override {
    return "adaptive projected guidance: damps the part of the guidance that only brightens and saturates";
  }
  std::vector<ModifierParameter> parameters() const override {
    return {
        {"eta", 0.0, 0.0, 1.0, "weight of the guidance component parallel to the prediction (0 removes it, 1 keeps it)"},
        {"norm_threshold", 15.0, 0.0, 1000.0, "cap on the guidance difference's length (0 = no cap)"},
        {"momentum", -0.5, -1.0, 1.0, "running-average weight of earlier steps' differences (negative pushes away; 0 = off)"}};
  }
  std::unique_ptr<GuidanceModifier> start(const ModifierSettings& settings) const override {
    return std::make_unique<AdaptiveProjectedGuidance>(settings);
  }
};

}  // namespace

const GuidanceModifierKind& adaptive_projected_guidance_kind() {
  static const AdaptiveProjectedGuidanceKind kind;
  return kind;
}

}  // namespace steer
