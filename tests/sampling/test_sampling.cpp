// Schedules, parametrisation, samplers and the sampling loop without fixtures: the reference
// values of docs/model-notes.md §6, bad input, and the loop's contract (order, noise draws, cancel).
// Bit-level parity with diffusers is test_sampler_parity's job.
#include <ATen/ATen.h>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/sampling/ddim_sampler.h"
#include "core/sampling/noise.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/prediction.h"
#include "core/sampling/sampler.h"
#include "core/sampling/sampling_loop.h"
#include "core/sampling/schedule_math.h"
#include "tests/support/test_harness.h"

namespace {

using namespace steer;

// The published SD1.5 scheduler_config.json (a PNDMScheduler config: no timestep_spacing).
const char* kSd15 = R"({"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
  "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000,
  "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null})";

json::Value sd15_config() { return json::parse(kSd15); }
NoiseSchedule sd15() { return NoiseSchedule::from_config(sd15_config(), "sd15/scheduler_config.json"); }

NoiseSchedule with(const std::string& key, json::Value value) {
  json::Value c = sd15_config();
  c.set(key, std::move(value));
  return NoiseSchedule::from_config(c, "scheduler/scheduler_config.json");
}

std::unique_ptr<Sampler> sampler(const NoiseSchedule& s, SamplerKind kind, int steps, bool karras = false, double eta = 0.0) {
  return make_sampler(SamplerSettings{kind, karras, eta}, s, steps);
}

std::vector<double> timesteps(const Sampler& s) {
  std::vector<double> v;
  for (int i = 0; i < s.steps(); ++i) v.push_back(s.timestep(i));
  return v;
}

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

#define CHECK_NEAR(a, b, tol) CHECK_MSG(near((a), (b), (tol)), #a " = " << (a) << ", expected " << (b) << " +- " << (tol))

TEST_CASE("SD schedule matches the spec's reference values (docs/model-notes.md §6.1)") {
  const NoiseSchedule s = sd15();
  const auto& ac = s.alphas_cumprod();
  const auto& sig = s.sigmas();
  REQUIRE(ac.size() == 1000);
  CHECK_NEAR(ac[0], 0.99915, 1e-6);
  CHECK_NEAR(ac[999], 0.0046601, 1e-6);
  CHECK_NEAR(sig[0], 0.0291675, 1e-6);
  CHECK_NEAR(sig[999], 14.614655, 1e-5);
  const int ts[] = {1, 250, 500, 750};
  const double ref_ac[] = {0.998296, 0.673793, 0.276333, 0.056170};
  const double ref_sigma[] = {0.041314, 0.695799, 1.618279, 4.099167};
  for (int k = 0; k < 4; ++k) {
    CHECK_NEAR(ac[ts[k]], ref_ac[k], 1e-6);
    CHECK_NEAR(sig[ts[k]], ref_sigma[k], 1e-6 * std::max(1.0, ref_sigma[k]));
  }
  CHECK_NEAR(ac[0] / (1 - ac[0]), 1175.4, 0.1);  // SNR
  CHECK_NEAR(ac[500] / (1 - ac[500]), 0.38185, 1e-5);
  // Without rescale_betas_zero_snr both ᾱ tables are the same.
  CHECK(s.alphas_cumprod() == s.sigma_alphas_cumprod());
  CHECK(s.prediction_type() == PredictionType::Epsilon);
  CHECK(!s.config().timestep_spacing.has_value());
}

TEST_CASE("class defaults fill keys the config lacks (DDIMScheduler's for an empty config)") {
  const NoiseSchedule s = NoiseSchedule::from_config(json::parse("{}"));
  CHECK_EQ(s.num_train_timesteps(), 1000);
  CHECK(s.config().beta_schedule == BetaSchedule::Linear);
  CHECK_NEAR(s.betas().front(), 0.0001, 1e-9);
  CHECK_NEAR(s.betas().back(), 0.02, 1e-9);
  CHECK(s.config().set_alpha_to_one);
  CHECK(s.config().clip_sample);
  CHECK_EQ(s.config().steps_offset, 0);
}

TEST_CASE("timestep spacings (docs/model-notes.md §6.5)") {
  const NoiseSchedule s = sd15();
  // DDIM, class default "leading", steps_offset 1: 981, 961, ..., 21, 1.
  auto ddim50 = timesteps(*sampler(s, SamplerKind::Ddim, 50));
  REQUIRE(ddim50.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK_EQ(ddim50[i], 981.0 - 20.0 * i);
  auto ddim30 = timesteps(*sampler(s, SamplerKind::Ddim, 30));
  CHECK_EQ(ddim30.front(), 958.0);
  CHECK_EQ(ddim30[1], 925.0);
  CHECK_EQ(ddim30.back(), 1.0);
  // Trailing: 999, 966, 932, 899, 866, ..., 66, 32.
  auto trailing = timesteps(*sampler(with("timestep_spacing", "trailing"), SamplerKind::Ddim, 30));
  const double head[] = {999, 966, 932, 899, 866};
  for (int i = 0; i < 5; ++i) CHECK_EQ(trailing[i], head[i]);
  CHECK_EQ(trailing[28], 66.0);
  CHECK_EQ(trailing[29], 32.0);
  // Euler, class default "linspace", kept fractional: 999.0, 964.55, 930.10, ...
  auto euler30 = timesteps(*sampler(s, SamplerKind::Euler, 30));
  CHECK_EQ(euler30[0], 999.0);
  CHECK_NEAR(euler30[1], 964.55, 5e-3);
  CHECK_NEAR(euler30[2], 930.10, 5e-3);
  CHECK_EQ(euler30[29], 0.0);
  // DPM-Solver "linspace": linspace(0, 999, n+1).round()[::-1][:-1]: 999, 949, 899, ..., 100, 50.
  auto dpm20 = timesteps(*sampler(s, SamplerKind::DpmPlusPlus2M, 20));
  CHECK_EQ(dpm20[0], 999.0);
  CHECK_EQ(dpm20[1], 949.0);
  CHECK_EQ(dpm20[2], 899.0);
  CHECK_EQ(dpm20[18], 100.0);
  CHECK_EQ(dpm20[19], 50.0);
  // Euler a has Euler's schedule.
  CHECK(timesteps(*sampler(s, SamplerKind::EulerAncestral, 30)) == euler30);
}

TEST_CASE("SDXL's Euler (leading/30): t0 = 958, init_noise_sigma = 11.5203; Karras range of the spaced sigmas") {
  const NoiseSchedule s = with("timestep_spacing", "leading");
  auto euler = sampler(s, SamplerKind::Euler, 30);
  CHECK_EQ(euler->timestep(0), 958.0);
  CHECK_NEAR(euler->sigma(0), 11.4769, 1e-4);
  CHECK_NEAR(euler->init_noise_sigma(), 11.5203, 1e-4);
  // Karras with diffusers' Euler: the range of the spaced sigmas (docs/model-notes.md §6.10).
  auto karras = sampler(s, SamplerKind::Euler, 30, true);
  CHECK_NEAR(karras->sigma(0), 11.4769, 1e-4);
  CHECK_NEAR(karras->sigma(29), 0.041314, 1e-6);
  CHECK_NEAR(karras->timestep(29), 1.0, 1e-4);
  CHECK(karras->timestep(5) != std::floor(karras->timestep(5)));  // fractional
  // linspace / trailing: init_noise_sigma is σ_max itself.
  auto lin = sampler(sd15(), SamplerKind::Euler, 30);
  CHECK_EQ(lin->init_noise_sigma(), lin->sigma(0));
  CHECK_NEAR(lin->sigma(0), 14.614655, 1e-5);
}

TEST_CASE("DPM++ 2M Karras / 20 steps: the spec's sigmas and rounded timesteps (docs/model-notes.md §6.9, §6.10)") {
  auto s = sampler(sd15(), SamplerKind::DpmPlusPlus2M, 20, true);
  const double sig[] = {14.6147, 11.7254, 9.3402, 7.3836, 5.7894, 4.4998, 3.4648, 2.6408, 1.9909, 1.4832,
                        1.0908,  0.7909,  0.5647, 0.3964, 0.2730, 0.1842, 0.1213, 0.0779, 0.0485, 0.0292};
  const double ts[] = {999, 962, 921, 876, 827, 772, 710, 640, 561, 474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0};
  for (int i = 0; i < 20; ++i) {
    CHECK_NEAR(s->sigma(i), sig[i], 6e-5);  // the spec rounds to 4 decimals
    CHECK_EQ(s->timestep(i), ts[i]);
  }
  CHECK_EQ(s->init_noise_sigma(), 1.0);
  const at::Tensor x = at::randn({1, 4, 2, 2});
  CHECK(at::equal(s->scale_model_input(x, 3), x));  // VP space: identity
}

TEST_CASE("init_noise_sigma and input scaling per sampler") {
  const NoiseSchedule s = sd15();
  const at::Tensor x = at::randn({1, 4, 4, 4});
  auto ddim = sampler(s, SamplerKind::Ddim, 10);
  CHECK_EQ(ddim->init_noise_sigma(), 1.0);
  CHECK(at::equal(ddim->scale_model_input(x, 0), x));
  CHECK_NEAR(ddim->sigma(0), s.sigmas()[901], 0);  // leading/10: t0 = 901
  auto euler = sampler(s, SamplerKind::Euler, 10);
  const double sigma = euler->sigma(3);
  CHECK(at::allclose(euler->scale_model_input(x, 3), x / std::sqrt(sigma * sigma + 1), 1e-6, 1e-7));
  CHECK_THROWS_WITH(euler->timestep(10), "outside 0..9");
}

TEST_CASE("parametrisation: the ε, v and x0 forms agree with each other (docs/model-notes.md §6.3)") {
  const at::Tensor x0 = at::randn({2, 4, 3, 3}, at::kDouble), eps = at::randn({2, 4, 3, 3}, at::kDouble);
  const float ab = 0.3f;  // ᾱ
  const double a = std::sqrt(double(ab)), b = std::sqrt(1.0 - double(ab));
  const at::Tensor x_t = a * x0 + b * eps;
  const at::Tensor v = a * eps - b * x0;
  const Prediction from_eps = vp_prediction(eps, x_t, ab, PredictionType::Epsilon);
  const Prediction from_v = vp_prediction(v, x_t, ab, PredictionType::VPrediction);
  CHECK(at::allclose(from_eps.x0, x0, 1e-6, 1e-6));
  CHECK(at::allclose(from_v.x0, x0, 1e-6, 1e-6));
  CHECK(at::allclose(from_v.eps, eps, 1e-6, 1e-6));
  // Karras form: σ = sqrt((1-ᾱ)/ᾱ), x = x_t / sqrt(ᾱ) = x0 + σ ε.
  const float sigma = static_cast<float>(std::sqrt((1.0 - ab) / ab));
  const at::Tensor x = x_t / a;
  CHECK(at::allclose(karras_x0(eps, x, sigma, PredictionType::Epsilon), x0, 1e-5, 1e-5));
  CHECK(at::allclose(karras_x0(v, x, sigma, PredictionType::VPrediction), x0, 1e-5, 1e-5));
  // DPM-Solver's form works on x_t directly.
  CHECK(at::allclose(dpm_x0(eps, x_t, sigma, PredictionType::Epsilon), x0, 1e-5, 1e-5));
  CHECK(at::allclose(dpm_x0(v, x_t, sigma, PredictionType::VPrediction), x0, 1e-5, 1e-5));
  // fp16 model output with fp32 scalars keeps fp16, as in diffusers.
  const at::Tensor h = eps.to(at::kHalf);
  CHECK(vp_prediction(h, x_t.to(at::kHalf), ab, PredictionType::Epsilon).x0.scalar_type() == at::kHalf);
}

TEST_CASE("sampler names") {
  CHECK(parse_sampler_name("ddim") == SamplerKind::Ddim);
  CHECK(parse_sampler_name("euler") == SamplerKind::Euler);
  CHECK(parse_sampler_name("euler_a") == SamplerKind::EulerAncestral);
  CHECK(parse_sampler_name("dpmpp_2m") == SamplerKind::DpmPlusPlus2M);
  CHECK(parse_sampler_name("dpm++2m") == SamplerKind::DpmPlusPlus2M);
  for (SamplerKind k : {SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::EulerAncestral, SamplerKind::DpmPlusPlus2M})
    CHECK(parse_sampler_name(sampler_name(k)) == k);
  CHECK_THROWS_WITH(parse_sampler_name("heun"), "\"sampler\"", "\"heun\"", "ddim, euler, euler_a, dpmpp_2m");
  CHECK_THROWS_WITH(parse_sampler_name("Euler"), "ddim, euler, euler_a, dpmpp_2m");
  bool input_error = false;
  try {
    parse_sampler_name("lms");
  } catch (const InputError&) {
    input_error = true;
  }
  CHECK(input_error);
}

TEST_CASE("bad settings: each an InputError naming the setting") {
  const NoiseSchedule s = sd15();
  for (int steps : {0, -3, 1001})
    CHECK_THROWS_WITH(sampler(s, SamplerKind::Euler, steps), "\"steps\"", "between 1 and 1000", std::to_string(steps));
  CHECK_THROWS_WITH(sampler(s, SamplerKind::Ddim, 10, false, -0.5), "\"eta\"");
  CHECK_THROWS_WITH(sampler(s, SamplerKind::Ddim, 10, false, NAN), "\"eta\"");
  CHECK_THROWS_WITH(sampler(s, SamplerKind::Ddim, 10, true), "\"karras_sigmas\"", "euler and dpmpp_2m");
  CHECK_THROWS_WITH(sampler(s, SamplerKind::EulerAncestral, 10, true), "\"karras_sigmas\"");
  // Step counts whose diffusers schedule is broken.
  CHECK_THROWS_WITH(sampler(s, SamplerKind::Ddim, 1000), "\"steps\" 1000", "timestep 1000", "steps_offset");
  CHECK_THROWS_WITH(sampler(with("timestep_spacing", "trailing"), SamplerKind::Euler, 61), "\"steps\" 61", "use 60 or 62");
  // ... but not where diffusers' Karras schedule replaces the spaced timesteps.
  CHECK_EQ(sampler(with("timestep_spacing", "trailing"), SamplerKind::DpmPlusPlus2M, 61, true)->steps(), 61);
  CHECK_EQ(sampler(with("timestep_spacing", "trailing"), SamplerKind::Euler, 61, true)->steps(), 61);
}

TEST_CASE("bad scheduler configs: each an InputError naming the file and the key") {
  const std::string file = "scheduler/scheduler_config.json";
  CHECK_THROWS_WITH(with("beta_schedule", "squaredcos_cap_v2"), file, "\"beta_schedule\"", "squaredcos_cap_v2", "scaled_linear");
  CHECK_THROWS_WITH(with("beta_schedule", 3), file, "\"beta_schedule\"", "must be a string");
  CHECK_THROWS_WITH(with("trained_betas", json::Array{0.1, 0.2}), file, "\"trained_betas\"", "2 values");
  CHECK_THROWS_WITH(with("prediction_type", "sample"), file, "\"prediction_type\"", "epsilon", "v_prediction");
  CHECK_THROWS_WITH(with("timestep_spacing", "uniform"), file, "\"timestep_spacing\"", "leading");
  CHECK_THROWS_WITH(with("num_train_timesteps", "1000"), file, "\"num_train_timesteps\"", "integer");
  CHECK_THROWS_WITH(with("num_train_timesteps", 1), file, "\"num_train_timesteps\"");
  CHECK_THROWS_WITH(with("beta_end", 1.5), file, "\"beta_end\"");
  CHECK_THROWS_WITH(with("steps_offset", -1), file, "\"steps_offset\"");
  CHECK_THROWS_WITH(with("thresholding", true), file, "\"thresholding\"");
  CHECK_THROWS_WITH(with("use_exponential_sigmas", true), file, "\"use_exponential_sigmas\"");
  CHECK_THROWS_WITH(with("interpolation_type", "log_linear"), file, "\"interpolation_type\"");
  CHECK_THROWS_WITH(with("timestep_type", "continuous"), file, "\"timestep_type\"");
  CHECK_THROWS_WITH(with("final_sigmas_type", "sigma_min"), file, "\"final_sigmas_type\"");
  CHECK_THROWS_WITH(with("sigma_min", -1.0), file, "\"sigma_min\"");
  CHECK_THROWS_WITH(NoiseSchedule::from_config(json::parse("[1]"), file), file, "not a JSON object");
  // Settings that do not change SD numbers are accepted.
  CHECK(with("use_karras_sigmas", true).config().use_karras_sigmas);
  CHECK(!with("thresholding", false).config().clip_sample);
}

TEST_CASE("zero-terminal-SNR rescaling: ᾱ_T = 0 for DDIM, 2^-24 for the σ samplers") {
  const NoiseSchedule s = with("rescale_betas_zero_snr", true);
  CHECK_EQ(s.alphas_cumprod().back(), 0.0f);
  CHECK_EQ(s.sigma_alphas_cumprod().back(), std::ldexp(1.0f, -24));
  CHECK_NEAR(s.sigmas().back(), 4096.0, 1e-3);
  CHECK_NEAR(s.alphas_cumprod().front(), sd15().alphas_cumprod().front(), 1e-7);  // ᾱ_0 kept
}

TEST_CASE("noise: CPU generator draws on the CPU in the requested dtype") {
  at::Generator a = make_cpu_generator(7), b = make_cpu_generator(7);
  const at::Tensor n1 = draw_noise({1, 4, 8, 8}, a, at::kCPU, at::kFloat);
  const at::Tensor n2 = at::randn({1, 4, 8, 8}, b);
  CHECK(at::equal(n1, n2));
  // torch draws fp16 normals differently (not a rounding of the fp32 draw), as diffusers does.
  at::Generator c = make_cpu_generator(7);
  const at::Tensor h = draw_noise({1, 4, 8, 8}, c, at::kCPU, at::kHalf);
  CHECK(h.scalar_type() == at::kHalf);
  CHECK(!at::equal(h, n1.to(at::kHalf)));
  if (at::hasCUDA()) {
    at::Generator d = make_cpu_generator(7);
    const at::Tensor g = draw_noise({1, 4, 8, 8}, d, at::Device(at::kCUDA), at::kFloat);
    CHECK(g.is_cuda());
    CHECK(at::equal(g.cpu(), n1));
  }
}

at::Tensor fake_model(const at::Tensor& input, double t) { return input * 0.3 + std::sin(t / 100.0); }

TEST_CASE("run_sampling: observer sees every step in order; the result equals stepping by hand") {
  const NoiseSchedule s = sd15();
  for (SamplerKind kind : {SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::EulerAncestral, SamplerKind::DpmPlusPlus2M}) {
    auto a = sampler(s, kind, 6, false, kind == SamplerKind::Ddim ? 0.5 : 0.0);
    auto b = sampler(s, kind, 6, false, kind == SamplerKind::Ddim ? 0.5 : 0.0);
    at::Generator g1 = make_cpu_generator(3), g2 = make_cpu_generator(3);
    const at::Tensor x0 = initial_latents(*a, {1, 4, 4, 4}, g1, at::kCPU, at::kFloat);
    const at::Tensor y0 = initial_latents(*b, {1, 4, 4, 4}, g2, at::kCPU, at::kFloat);
    CHECK(at::equal(x0, y0));
    int seen = 0;
    const at::Tensor x = run_sampling(
        *a, x0, g1, [](const at::Tensor& in, double t, int) { return fake_model(in, t); },
        [&](const SamplingStep& st) {
          CHECK_EQ(st.step, seen);
          CHECK_EQ(st.timestep, a->timestep(st.step));
          CHECK_EQ(st.sigma, a->sigma(st.step));
          CHECK(st.x_next.sizes() == x0.sizes());
          CHECK(st.x.sizes() == x0.sizes());
          CHECK(st.denoised.defined() && st.model_output.defined());
          ++seen;
        });
    CHECK_EQ(seen, 6);
    at::Tensor y = y0;
    for (int i = 0; i < 6; ++i) y = b->step(fake_model(b->scale_model_input(y, i), b->timestep(i)), i, y, g2);
    CHECK_MSG(at::equal(x, y), sampler_name(kind));
    CHECK(std::isfinite(x.abs().max().item<double>()));
  }
}

TEST_CASE("ancestral and eta noise: one draw per step, the last step included") {
  const NoiseSchedule s = sd15();
  for (SamplerKind kind : {SamplerKind::EulerAncestral, SamplerKind::Ddim}) {
    auto smp = sampler(s, kind, 5, false, 1.0);
    at::Generator init = make_cpu_generator(1), steps = make_cpu_generator(2);
    const at::Tensor x = initial_latents(*smp, {1, 4, 4, 4}, init, at::kCPU, at::kFloat);
    run_sampling(*smp, x, steps, [](const at::Tensor& in, double t, int) { return fake_model(in, t); });
    at::Generator fresh = make_cpu_generator(2);
    for (int i = 0; i < 5; ++i) at::randn({1, 4, 4, 4}, fresh);
    CHECK_MSG(at::equal(at::randn({4}, steps), at::randn({4}, fresh)), sampler_name(kind));
  }
  // Deterministic samplers never touch the generator.
  for (SamplerKind kind : {SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::DpmPlusPlus2M}) {
    auto smp = sampler(s, kind, 5);
    at::Generator steps = make_cpu_generator(2), fresh = make_cpu_generator(2);
    run_sampling(*smp, at::randn({1, 4, 4, 4}), steps, [](const at::Tensor& in, double t, int) { return fake_model(in, t); });
    CHECK_MSG(at::equal(at::randn({4}, steps), at::randn({4}, fresh)), sampler_name(kind));
  }
}

TEST_CASE("run_sampling: cancellation is checked before each step") {
  const NoiseSchedule s = sd15();
  std::atomic<bool> cancel{false};
  int calls = 0;
  auto predict = [&](const at::Tensor& in, double t, int) {
    ++calls;
    return fake_model(in, t);
  };
  at::Generator g = make_cpu_generator(0);
  auto smp = sampler(s, SamplerKind::Euler, 8);
  cancel = true;
  bool threw = false;
  try {
    run_sampling(*smp, at::randn({1, 4, 2, 2}), g, predict, {}, &cancel);
  } catch (const JobCancelled&) {
    threw = true;
  }
  CHECK(threw);
  CHECK_EQ(calls, 0);
  cancel = false;
  threw = false;
  auto smp2 = sampler(s, SamplerKind::Euler, 8);
  try {
    run_sampling(
        *smp2, at::randn({1, 4, 2, 2}), g, predict,
        [&](const SamplingStep& st) {
          if (st.step == 1) cancel = true;
        },
        &cancel);
  } catch (const JobCancelled& e) {
    threw = true;
    CHECK(std::string(e.what()).find("cancelled") != std::string::npos);
  }
  CHECK(threw);
  CHECK_EQ(calls, 2);
}

TEST_CASE("DPM++ 2M keeps history: steps out of order are refused") {
  auto smp = sampler(sd15(), SamplerKind::DpmPlusPlus2M, 4);
  at::Generator g = make_cpu_generator(0);
  const at::Tensor x = at::randn({1, 4, 2, 2});
  CHECK_THROWS_WITH(smp->step(x, 1, x, g), "in order");
  const at::Tensor y = smp->step(fake_model(x, smp->timestep(0)), 0, x, g);
  CHECK_THROWS_WITH(smp->step(y, 0, y, g), "in order");
}

TEST_CASE("dtypes follow diffusers: Euler/DPM return the model output's dtype, DDIM promotes") {
  const NoiseSchedule s = sd15();
  at::Generator g = make_cpu_generator(0);
  const at::Tensor x = at::randn({1, 4, 2, 2}).to(at::kHalf);
  const at::Tensor out16 = at::randn({1, 4, 2, 2}).to(at::kHalf);
  for (SamplerKind kind : {SamplerKind::Euler, SamplerKind::EulerAncestral, SamplerKind::DpmPlusPlus2M}) {
    auto smp = sampler(s, kind, 4);
    CHECK_MSG(smp->step(out16, 0, x, g).scalar_type() == at::kHalf, sampler_name(kind));
    // The x0 estimate of Euler is computed on the fp32-upcast sample.
    if (kind != SamplerKind::DpmPlusPlus2M) CHECK(smp->denoised(out16, 0, x).scalar_type() == at::kFloat);
  }
  auto ddim = sampler(s, SamplerKind::Ddim, 4);
  CHECK(ddim->step(out16, 0, x, g).scalar_type() == at::kHalf);
  CHECK(ddim->step(out16, 1, x.to(at::kFloat), g).scalar_type() == at::kFloat);
}

TEST_CASE("numpy helpers") {
  using namespace sampling_detail;
  CHECK(numpy_linspace(0, 999, 1) == std::vector<double>{0.0});
  CHECK(numpy_linspace(0, 1, 3) == (std::vector<double>{0.0, 0.5, 1.0}));
  CHECK_EQ(numpy_round(0.5), 0.0);
  CHECK_EQ(numpy_round(1.5), 2.0);
  CHECK_EQ(numpy_round(2.5), 2.0);
  CHECK_EQ(trailing_timesteps(1000, 61).size(), 62u);  // numpy's artefact, see schedule_math.h
  CHECK_EQ(trailing_timesteps(1000, 61).back(), -1);
  CHECK_EQ(trailing_timesteps(1000, 60).size(), 60u);
  const std::vector<float> table = {1.0f, 3.0f, 7.0f};
  CHECK_EQ(interp(0.5, table), 2.0);
  CHECK_EQ(interp(-1.0, table), 1.0);
  CHECK_EQ(interp(5.0, table), 7.0);
  const NoiseSchedule s = sd15();
  CHECK_NEAR(sigma_to_t(s.sigmas()[500], s.log_sigmas()), 500.0, 1e-3);
  CHECK_NEAR(sigma_to_t(100.0, s.log_sigmas()), 999.0, 0);  // clamped
  CHECK_NEAR(sigma_to_t(1e-5, s.log_sigmas()), 0.0, 0);
}

}  // namespace

STEER_TEST_MAIN()
