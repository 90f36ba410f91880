#pragma once
// Shared pieces of the generation tests: the diffusers pipeline references made by
// tests/fixtures/make_pipeline_fixtures.py and a request built from one of their cases.
#include <ATen/ATen.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/formats/json.h"
#include "core/generation/generation_job.h"
#include "core/io/safetensors_file.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "tests/support/test_harness.h"

namespace steer::testing {

inline std::filesystem::path fixtures() {
  const char* root = std::getenv("STEER_FIXTURES");
  if (!root) throw std::runtime_error("STEER_FIXTURES is not set: run this test through ctest (it generates the fixtures)");
  return root;
}

// The device the generation tests run on: STEER_TEST_DEVICE=cuda on the GPU machine
// (tests/gpu/run_gpu_checks.sh, CTest label gpu), the CPU otherwise. TF32 is switched off:
// the references are true fp32.
inline LoadOptions test_load_options() {
  LoadOptions o;
  const char* d = std::getenv("STEER_TEST_DEVICE");
  if (d && std::string(d) == "cuda") {
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
    o.device = at::Device(at::kCUDA);
  }
  return o;
}
inline bool testing_on_cuda() { return test_load_options().device.is_cuda(); }

inline json::Value pipeline_manifest() {
  std::ifstream in(fixtures() / "pipeline" / "manifest.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

inline const json::Value& pipeline_case(const std::string& name) {
  static const json::Value manifest = pipeline_manifest();
  return manifest.at("cases").at(name);
}

inline at::Tensor reference_tensor(const std::string& case_name, const std::string& key) {
  return SafetensorsFile::open(fixtures() / "pipeline" / (case_name + ".safetensors"))->tensor(key);
}

// The request that reproduces a manifest case (pipeline or guidance).
inline GenerationRequest request_for(const json::Value& c) {
  GenerationRequest r;
  r.prompt = c.at("prompt").as_string();
  r.negative_prompt = c.find("weak_prompt") ? c.at("weak_prompt").as_string() : json::string_or(c, "negative_prompt", "");
  r.seed = c.at("seed").as_int();
  r.width = static_cast<int>(c.at("width").as_int());
  r.height = static_cast<int>(c.at("height").as_int());
  r.steps = static_cast<int>(c.at("steps").as_int());
  std::string sampler = c.at("sampler").as_string();
  r.karras_sigmas = json::bool_or(c, "karras", false);
  r.eta = json::number_or(c, "eta", 0.0);
  if (sampler == "ddim_eta") sampler = "ddim";
  if (sampler == "dpmpp_2m_karras") sampler = "dpmpp_2m";
  r.sampler = sampler;
  r.guidance.scale = c.at("guidance_scale").as_number();
  r.guidance.rescale = json::number_or(c, "guidance_rescale", 0.0);
  const std::string method = json::string_or(c, "method", "cfg");
  r.guidance.method = parse_guidance_method(method == "cfg_two_call" ? "cfg" : method);
  if (const json::Value* omega = c.find("omega"); omega && omega->is_number())
    r.guidance.omega = OmegaSchedule::constant(omega->as_number());
  if (const json::Value* sched = c.find("omega_schedule"); sched && sched->is_object())
    r.guidance.omega = OmegaSchedule::parse(json::string_or(*sched, "kind", "linear") + ":" +
                                            std::to_string(sched->at("omega_start").as_number()) + "->" +
                                            std::to_string(sched->at("omega_end").as_number()));
  r.want_latents = true;
  return r;
}

inline at::Tensor latent_tensor(const LatentSnapshot& s) {
  return at::from_blob(const_cast<float*>(s.values.data()), s.shape, at::kFloat).clone();
}

inline at::Tensor image_tensor(const ImageRGBA8& image) {
  at::Tensor rgba = at::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, 4}, at::kByte);
  return rgba.slice(2, 0, 3).clone();
}

}  // namespace steer::testing
