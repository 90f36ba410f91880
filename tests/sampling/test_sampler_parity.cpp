// Samplers against diffusers' schedulers (fixtures: tests/fixtures/make_scheduler_fixtures.py).
// No model: every run uses the stand-in model_output = 0.3 * model_input + sin(t / 100),
// computed here as the fixture script computes it.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "core/formats/json.h"
#include "core/io/safetensors_file.h"
#include "core/sampling/noise.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/sampler.h"
#include "core/sampling/sampling_loop.h"
#include "tests/support/test_harness.h"

namespace {

using namespace steer;

std::filesystem::path fixture_dir() {
  const char* root = std::getenv("STEER_FIXTURES");
  if (!root) throw std::runtime_error("STEER_FIXTURES is not set: run this test through ctest (it generates the fixtures)");
  return std::filesystem::path(root) / "scheduler";
}

json::Value read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

struct Fixtures {
  json::Value manifest = read_json(fixture_dir() / "manifest.json");
  std::shared_ptr<SafetensorsFile> schedules = SafetensorsFile::open(fixture_dir() / "schedules.safetensors");
  std::shared_ptr<SafetensorsFile> runs = SafetensorsFile::open(fixture_dir() / "runs.safetensors");
  std::map<std::string, NoiseSchedule> configs;
  Fixtures() {
    for (const auto& name : manifest.at("configs").as_array()) {
      const std::string n = name.as_string();
      const auto path = fixture_dir() / "configs" / (n + ".json");
      configs.emplace(n, NoiseSchedule::from_config(read_json(path), path.string()));
    }
  }
};

Fixtures& fixtures() {
  static Fixtures f;
  return f;
}

// Fixture sampler names: the steer names, with "_karras" for karras_sigmas.
SamplerSettings settings_of(std::string name, double eta = 0.0) {
  SamplerSettings s;
  const std::string suffix = "_karras";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.karras_sigmas = true;
    name.resize(name.size() - suffix.size());
  }
  s.kind = parse_sampler_name(name);
  s.eta = eta;
  return s;
}

double max_abs(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}
double relative(const at::Tensor& a, const at::Tensor& b) {
  const double scale = b.to(at::kDouble).abs().max().item<double>();
  return max_abs(a, b) / (scale > 0 ? scale : 1.0);
}

std::vector<double> timesteps_of(const Sampler& s) {
  std::vector<double> v;
  for (int i = 0; i < s.steps(); ++i) v.push_back(s.timestep(i));
  return v;
}

// Sigmas as the fixture stores them: per step, then (samplers with a final sigma) the last.
at::Tensor sigmas_of(const Sampler& s, bool ddim) {
  std::vector<double> v;
  for (int i = 0; i < s.steps(); ++i) v.push_back(s.sigma(i));
  if (!ddim) v.push_back(0.0);  // every supported sigma schedule ends at 0
  return at::tensor(v, at::kDouble);
}

TEST_CASE("alphas_cumprod equals diffusers' for every config, bit for bit") {
  auto& f = fixtures();
  for (const auto& [name, schedule] : f.configs) {
    const at::Tensor ddim = f.schedules->tensor(name + ".alphas_cumprod");
    const at::Tensor sig = f.schedules->tensor(name + ".alphas_cumprod_sigma");
    const at::Tensor mine = at::tensor(schedule.alphas_cumprod(), at::kFloat);
    const at::Tensor mine_sig = at::tensor(schedule.sigma_alphas_cumprod(), at::kFloat);
    std::cout << "  " << name << ": max abs diff " << max_abs(mine, ddim) << ", " << max_abs(mine_sig, sig) << "\n";
    CHECK_MSG(at::equal(mine, ddim), name << " DDIM alphas_cumprod differs by " << max_abs(mine, ddim));
    CHECK_MSG(at::equal(mine_sig, sig), name << " Euler alphas_cumprod differs by " << max_abs(mine_sig, sig));
  }
}

TEST_CASE("timesteps, sigmas and init_noise_sigma equal diffusers' (every config, sampler, spacing)") {
  auto& f = fixtures();
  double worst_frac_t = 0, worst_sigma = 0, worst_init = 0;
  int count = 0, refused = 0;
  for (const auto& e : f.manifest.at("schedules").as_array()) {
    const std::string key = e.at("key").as_string(), sampler = e.at("sampler").as_string();
    const int steps = static_cast<int>(e.at("steps").as_int());
    const SamplerSettings settings = settings_of(sampler);
    const NoiseSchedule& schedule = f.configs.at(e.at("config").as_string());
    if (e.contains("refused")) {
      // A step count diffusers gets wrong (see the fixture script): refused, naming "steps".
      CHECK_THROWS_WITH(make_sampler(settings, schedule, steps), "\"steps\" " + std::to_string(steps));
      ++refused;
      continue;
    }
    std::unique_ptr<Sampler> s;
    try {
      s = make_sampler(settings, schedule, steps);
    } catch (const std::exception& ex) {
      CHECK_MSG(false, key << ": " << ex.what());
      continue;
    }
    ++count;
    const at::Tensor ref_t = f.schedules->tensor(key + ".timesteps");
    const at::Tensor t = at::tensor(timesteps_of(*s), at::kDouble);
    REQUIRE(t.sizes() == ref_t.sizes());
    if (settings.kind == SamplerKind::Euler && settings.karras_sigmas) {
      // Fractional: diffusers takes log σ with numpy's SIMD float32 log, which is not always
      // correctly rounded; ~3e-5 apart at most near t = 999 (an fp32 ulp there is 6e-5).
      const double d = max_abs(t, ref_t);
      worst_frac_t = std::max(worst_frac_t, d);
      CHECK_MSG(d <= 1e-4, key << ": fractional timesteps differ by " << d);
    } else {
      CHECK_MSG(at::equal(t, ref_t), key << ": timesteps differ by " << max_abs(t, ref_t));
    }
    const at::Tensor ref_s = f.schedules->tensor(key + ".sigmas").to(at::kDouble);
    const at::Tensor sg = sigmas_of(*s, settings.kind == SamplerKind::Ddim);
    REQUIRE(sg.sizes() == ref_s.sizes());
    if (settings.karras_sigmas) {
      // numpy's float64 power may use SIMD (SVML) code: allow an fp32 ulp.
      const double ds = relative(sg, ref_s);
      worst_sigma = std::max(worst_sigma, ds);
      CHECK_MSG(ds <= 1e-6, key << ": sigmas differ, relative " << ds);
    } else {
      CHECK_MSG(at::equal(sg, ref_s), key << ": sigmas differ, relative " << relative(sg, ref_s));
    }
    const double ref_init = f.schedules->tensor(key + ".init_noise_sigma").item<double>();
    const double di = std::abs(s->init_noise_sigma() - ref_init) / ref_init;
    worst_init = std::max(worst_init, di);
    CHECK_MSG(s->init_noise_sigma() == ref_init, key << ": init_noise_sigma " << s->init_noise_sigma() << " vs " << ref_init);
  }
  std::cout << "  " << count << " schedules, " << refused << " step counts refused as diffusers gets them wrong; worst "
            << "Karras timestep diff " << worst_frac_t << ", worst Karras sigma relative diff " << worst_sigma
            << ", worst init_noise_sigma relative diff " << worst_init << " (all others exact)\n";
  CHECK(count > 250);
}

TEST_CASE("sampling runs equal diffusers' (initial noise, every step's x and x0, step noise)") {
  auto& f = fixtures();
  std::vector<int64_t> shape;
  for (const auto& d : f.manifest.at("shape").as_array()) shape.push_back(d.as_int());
  double worst32 = 0, worst16 = 0;
  std::string worst32_name, worst16_name;
  int count = 0, identical = 0;
  for (const auto& r : f.manifest.at("runs").as_array()) {
    const std::string name = r.at("name").as_string();
    const bool half = r.at("dtype").as_string() == "fp16";
    const at::ScalarType dtype = half ? at::kHalf : at::kFloat;
    const int steps = static_cast<int>(r.at("steps").as_int());
    auto sampler = make_sampler(settings_of(r.at("sampler").as_string(), r.at("eta").as_number()),
                                f.configs.at(r.at("config").as_string()), steps);
    at::Generator gen = make_cpu_generator(r.at("seed").as_uint());
    at::Generator step_gen = make_cpu_generator(r.at("noise_seed").as_uint());
    const at::Tensor x_init = initial_latents(*sampler, shape, gen, at::kCPU, dtype);
    const at::Tensor ref_init = f.runs->tensor(name + ".x_init");
    CHECK_MSG(x_init.scalar_type() == ref_init.scalar_type() && at::equal(x_init, ref_init),
              name << ": initial latents differ by " << max_abs(x_init, ref_init));

    std::vector<at::Tensor> xs, x0s;
    auto predict = [](const at::Tensor& model_input, double t, int) { return model_input * 0.3 + std::sin(t / 100.0); };
    auto observe = [&](const SamplingStep& st) {
      CHECK_EQ(st.step, static_cast<int>(xs.size()));
      xs.push_back(st.x_next);
      x0s.push_back(st.denoised);
    };
    const at::Tensor final_x = run_sampling(*sampler, x_init, step_gen, predict, observe);
    const at::Tensor ref_x = f.runs->tensor(name + ".x"), ref_x0 = f.runs->tensor(name + ".x0");
    REQUIRE(static_cast<int64_t>(xs.size()) == ref_x.size(0));
    const at::Tensor x = at::stack(xs), x0 = at::stack(x0s);
    CHECK_MSG(x.scalar_type() == ref_x.scalar_type(),
              name << ": sample dtype " << x.scalar_type() << " vs " << ref_x.scalar_type());
    CHECK_MSG(x0.scalar_type() == ref_x0.scalar_type(),
              name << ": x0 dtype " << x0.scalar_type() << " vs " << ref_x0.scalar_type());
    CHECK(at::equal(final_x, xs.back()));
    const double err = std::max(relative(x, ref_x), relative(x0, ref_x0));
    if (at::equal(x, ref_x) && at::equal(x0, ref_x0)) ++identical;
    const double tol = half ? 1e-3 : 1e-5;
    CHECK_MSG(err <= tol, name << ": relative error " << err << " > " << tol << " (final x " << relative(xs.back(), ref_x[-1])
                               << ", last x0 " << relative(x0s.back(), ref_x0[-1]) << ")");
    double& worst = half ? worst16 : worst32;
    if (err >= worst) {
      worst = err;
      (half ? worst16_name : worst32_name) = name;
    }
    ++count;
  }
  std::cout << "  " << count << " runs, " << identical << " bit-identical to diffusers; worst relative error fp32 " << worst32
            << " (" << worst32_name << "), fp16 " << worst16 << " (" << worst16_name << ")\n";
  CHECK(count > 90);
}

}  // namespace

STEER_TEST_MAIN()
