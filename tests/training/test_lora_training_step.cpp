// One LoRA training step (core/training) against diffusers + PEFT in fp32 on sd1-tiny
// (tests/fixtures/make_training_fixtures.py): from the same initial LoRA, batch, noise and
// timesteps, the loss (ε, min-SNR-5 ε and v, prior preservation), the gradients and the LoRA
// weights after one torch.optim.AdamW step equal diffusers'.
//
// Tolerances: losses max-abs 1e-5 (the losses are 0.4 to 2.8, so also ≤ 1e-5 relative);
// gradients max-abs ≤ 1e-4 × the largest |gradient| of the layer; updated LoRA weights: our AdamW
// on diffusers' gradients 1e-6, end to end 1e-5 per element except where the first Adam step is
// ill-conditioned (see check_step); compute_snr / min-SNR weights 1e-6 relative; AdamW alone
// (3 steps) 1e-7.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <map>

#include "core/io/safetensors_file.h"
#include "core/lora/lora_file.h"
#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/sampling/noise_schedule.h"
#include "core/training/lora_training_step.h"
#include "tests/parity/parity_support.h"

using namespace steer;
using namespace steer::testing;
using namespace steer::training;
namespace fs = std::filesystem;

namespace {

fs::path training_path(const std::string& name) { return fixture_root().parent_path() / "training" / name; }

StableDiffusionModel& model() {
  static std::unique_ptr<StableDiffusionModel> m;
  if (!m) {
    LoadOptions o;
    o.device = test_device();
    m = StableDiffusionModel::load(fixture_root() / "sd1-tiny", o);
  }
  return *m;
}

const SafetensorsFile& batch_file() {
  static std::shared_ptr<SafetensorsFile> f = SafetensorsFile::open(training_path("sd1_train_batch.safetensors"));
  return *f;
}
at::Tensor batch_ref(const std::string& key) { return batch_file().tensor(key); }
double batch_scalar(const std::string& key) { return batch_ref(key).to(at::kDouble).item<double>(); }

at::Tensor alphas_cumprod() {
  return alphas_cumprod_tensor(NoiseSchedule::from_config(model().scheduler_config()), model().options().device);
}

TrainingBatch make_batch(bool prior) {
  TrainingBatch b;
  b.latents = batch_ref("latents");
  b.noise = batch_ref("noise");
  b.timesteps = batch_ref("timesteps").to(at::kLong);
  b.encoder_hidden_states = at::cat({batch_ref("ehs_instance"), prior ? batch_ref("ehs_class") : batch_ref("ehs_instance")});
  return b;
}

double max_abs(const at::Tensor& a, const at::Tensor& b) {
  return (a.cpu().to(at::kDouble) - b.cpu().to(at::kDouble)).abs().max().item<double>();
}

constexpr double kLr = 1e-3, kEps = 1e-8;

std::map<std::string, at::Tensor> lora_tensors(const LoraFile& f) {
  std::map<std::string, at::Tensor> out;
  for (const auto& t : f.unet) {
    out[t.module_path + ".down"] = t.branch.down.to(at::kDouble);
    out[t.module_path + ".up"] = t.branch.up.to(at::kDouble);
  }
  return out;
}

// One step from the initial LoRA; checks the loss, the gradients and the updated weights against
// diffusers'. The first AdamW step moves each weight by lr·g/(|g| + eps) (plus weight decay): for
// the few elements whose gradient is near eps that map amplifies fp32 rounding of g, by
// κ = lr·eps/(|g|+eps)². So the updated weights are checked two ways:
//   - our AdamW applied to diffusers' gradients gives diffusers' weights within 1e-6 (all elements);
//   - end to end, |Δw| ≤ 1e-5 + 2·κ·|Δg| per element (1e-5 wherever the step is well-conditioned);
//     the elements that need the κ term are counted and printed.
StepResult check_step(const std::string& name, const TrainingObjective& objective) {
  auto& m = model();
  LoraFile init = read_lora_file(training_path("sd1_train_lora_init.safetensors"), m);
  auto after = lora_tensors(read_lora_file(training_path("sd1_train_after_" + name + ".safetensors"), m));
  auto grads = lora_tensors(read_lora_file(training_path("sd1_train_grads_" + name + ".safetensors"), m));
  REQUIRE(init.unet.size() == 128);  // 32 attention blocks × to_q, to_k, to_v, to_out.0
  StepResult r;
  {
    // Our AdamW on diffusers' gradients.
    TrainableLora lora(m, init);
    AdamW opt(lora.parameters(), AdamWOptions{kLr, 0.9, 0.999, 1e-2, kEps});
    for (size_t i = 0; i < lora.size(); ++i)
      for (int k = 0; k < 2; ++k) {
        at::Tensor p = k ? lora.branch(i).up : lora.branch(i).down;
        p.mutable_grad() = grads.at(lora.module_paths()[i] + (k ? ".up" : ".down")).to(p.options());
      }
    opt.step();
    double worst = 0;
    for (size_t i = 0; i < lora.size(); ++i)
      for (int k = 0; k < 2; ++k) {
        const std::string key = lora.module_paths()[i] + (k ? ".up" : ".down");
        worst = std::max(worst, max_abs((k ? lora.branch(i).up : lora.branch(i).down).detach(), after.at(key)));
      }
    CHECK_MSG(worst <= 1e-6, name << ": AdamW on diffusers' gradients differs by " << worst);
    std::cout << "  " << name << ": AdamW on diffusers' gradients: max |diff| " << worst << "\n";
  }
  {
    TrainableLora lora(m, init);
    AdamW opt(lora.parameters(), AdamWOptions{kLr, 0.9, 0.999, 1e-2, kEps});
    r = lora_training_step(m, alphas_cumprod(), make_batch(objective.prior_preservation), objective, opt);
    const double want = batch_scalar("loss." + name);
    CHECK_MSG(std::abs(r.loss - want) <= 1e-5, name << ": loss " << r.loss << " vs diffusers " << want);
    REQUIRE(after.size() == 2 * lora.size());
    double worst_w = 0, worst_g = 0;
    int64_t ill = 0, total = 0;
    std::string worst_at;
    for (size_t i = 0; i < lora.size(); ++i) {
      CHECK(lora.branch(i).scale == 1.0);
      for (int k = 0; k < 2; ++k) {
        const std::string key = lora.module_paths()[i] + (k ? ".up" : ".down");
        const at::Tensor& p = k ? lora.branch(i).up : lora.branch(i).down;
        at::Tensor g = p.grad().detach().cpu().to(at::kDouble), gref = grads.at(key);
        at::Tensor w = p.detach().cpu().to(at::kDouble), wref = after.at(key);
        const double gscale = gref.abs().max().item<double>();
        CHECK_MSG(gscale > 0, key << " has a zero reference gradient");
        const double rel = (g - gref).abs().max().item<double>() / gscale;
        worst_g = std::max(worst_g, rel);
        CHECK_MSG(rel <= 1e-4, name << ": " << key << " gradient differs by " << rel << " of its largest element");
        at::Tensor dw = (w - wref).abs();
        at::Tensor kappa = kLr * kEps / (gref.abs() + kEps).pow(2);
        at::Tensor allowed = 1e-5 + 2 * kappa * (g - gref).abs();
        const int64_t bad = (dw > allowed).sum().item<int64_t>();
        ill += (dw > 1e-5).sum().item<int64_t>();
        total += dw.numel();
        CHECK_MSG(bad == 0, name << ": " << key << ": " << bad << " updated weights differ beyond tolerance (max "
                                 << dw.max().item<double>() << ")");
        const double d = dw.max().item<double>();
        if (d > worst_w) worst_w = d, worst_at = key;
      }
    }
    std::cout << "  " << name << ": loss " << r.loss << " (diffusers " << want << ", |diff| " << std::abs(r.loss - want)
              << "); gradients max |diff|/max|g| " << worst_g << "; updated LoRA max |diff| " << worst_w << " at " << worst_at
              << "; " << ill << " of " << total << " weights beyond 1e-5 (|g| near eps)\n";
  }
  // Detached: no branches left on the model's layers.
  for (const auto& [path, mod] : m.unet().named_modules()) {
    if (auto* l = dynamic_cast<Linear*>(mod)) CHECK_MSG(l->loras.empty(), path << " still has a LoRA");
  }
  return r;
}

TEST_CASE("encode_prompt gives the fixture's encoder_hidden_states") {
  auto& m = model();  // loaded outside InferenceMode: inference tensors cannot be trained through
  c10::InferenceMode inference;
  at::Tensor got = m.encode_prompt("a photo of sks cat").cpu();
  CHECK_MSG(max_abs(got, batch_ref("ehs_instance")) <= fp32_tolerance(),
            "max |diff| " << max_abs(got, batch_ref("ehs_instance")));
}

TEST_CASE("epsilon loss, gradients and one AdamW step equal diffusers + PEFT") { check_step("eps", TrainingObjective{}); }

TEST_CASE("min-SNR-5 weighting (epsilon and v-prediction) equals diffusers'") {
  at::Tensor ac = alphas_cumprod();
  at::Tensor t = batch_ref("timesteps").to(at::kLong).to(ac.device());
  at::Tensor snr = compute_snr(ac, t).cpu();
  CHECK_MSG(at::allclose(snr, batch_ref("snr"), 1e-6, 0), "snr " << snr << " vs " << batch_ref("snr"));
  at::Tensor we = min_snr_weights(snr, 5.0, PredictionType::Epsilon), wv = min_snr_weights(snr, 5.0, PredictionType::VPrediction);
  CHECK_MSG(at::allclose(we, batch_ref("snr_weights_eps"), 1e-6, 0), we << " vs " << batch_ref("snr_weights_eps"));
  CHECK_MSG(at::allclose(wv, batch_ref("snr_weights_v"), 1e-6, 0), wv << " vs " << batch_ref("snr_weights_v"));
  TrainingObjective eps;
  eps.snr_gamma = 5.0;
  check_step("snr_eps", eps);
  TrainingObjective v = eps;
  v.prediction = PredictionType::VPrediction;
  check_step("snr_v", v);
}

TEST_CASE("prior preservation loss equals train_dreambooth_lora.py's") {
  TrainingObjective o;
  o.prior_preservation = true;
  o.prior_loss_weight = 1.0;
  StepResult r = check_step("prior", o);
  REQUIRE(r.instance_loss && r.prior_loss);
  CHECK(std::abs(*r.instance_loss - batch_scalar("loss.prior_instance")) <= 1e-5);
  CHECK(std::abs(*r.prior_loss - batch_scalar("loss.prior_class")) <= 1e-5);
  CHECK(std::abs(*r.instance_loss + *r.prior_loss - r.loss) <= 1e-6);
}

TEST_CASE("AdamW alone equals torch.optim.AdamW over 3 steps") {
  at::Tensor p = batch_ref("adamw.p0").clone().set_requires_grad(true);
  AdamW opt({p}, AdamWOptions{1e-3, 0.9, 0.999, 1e-2, 1e-8});
  for (int i = 1; i <= 3; ++i) {
    p.mutable_grad() = batch_ref("adamw.g" + std::to_string(i)).clone();
    opt.step();
    const double d = max_abs(p.detach(), batch_ref("adamw.p" + std::to_string(i)));
    CHECK_MSG(d <= 1e-7, "step " << i << ": max |diff| " << d);
  }
  CHECK_EQ(opt.step_count(), 3);
}

TEST_CASE("the step refuses InferenceMode and prior preservation with min-SNR") {
  auto& m = model();
  LoraFile init = read_lora_file(training_path("sd1_train_lora_init.safetensors"), m);
  TrainableLora lora(m, init);
  AdamW opt(lora.parameters());
  at::Tensor ac = alphas_cumprod();
  {
    c10::InferenceMode inference;
    CHECK_THROWS_WITH(lora_training_step(m, ac, make_batch(false), TrainingObjective{}, opt), "InferenceMode");
  }
  TrainingObjective bad;
  bad.prior_preservation = true;
  bad.snr_gamma = 5.0;
  CHECK_THROWS_WITH(lora_training_step(m, ac, make_batch(true), bad, opt), "min-SNR");
}

}  // namespace

STEER_TEST_MAIN()
