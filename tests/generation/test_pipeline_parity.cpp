// Whole-pipeline parity: the same seed and settings give diffusers' StableDiffusionPipeline
// image (<= 1/255 per pixel) and final latent, for DDIM (η 0 and 0.5), Euler, Euler
// ancestral and DPM++ 2M Karras, ε (sd1) and v (sd2) prediction, with and without a LoRA,
// and with CFG rescale.
#include "tests/generation/generation_support.h"

using namespace steer;
using namespace steer::testing;

namespace {

void check_case(const std::string& name) {
  const json::Value& c = pipeline_case(name);
  auto model = StableDiffusionModel::load(fixtures() / "parity" / c.at("folder").as_string(), test_load_options());
  GenerationSession session(*model);
  if (const json::Value* lora = c.find("lora"); lora && !lora->is_null()) {
    SubjectSpec subject;
    subject.kind = SubjectSpec::Kind::Lora;
    subject.path = fixtures() / "lora" / (lora->is_string() ? lora->as_string() : lora->at("file").as_string());
    session.set_subject(subject);
  }
  const GenerationRequest request = request_for(c);
  int events = 0;
  GenerationResult result = session.generate(request, [&](const StepEvent& e) {
    ++events;
    CHECK_EQ(e.step, events);
  });
  CHECK_EQ(events, request.steps);
  REQUIRE(result.final_latent.has_value());
  const at::Tensor latent = latent_tensor(*result.final_latent);
  const at::Tensor expected = reference_tensor(name, "final_latent");
  REQUIRE(latent.sizes() == expected.sizes());
  const double scale = expected.abs().max().item<double>();
  const double diff = (latent - expected).abs().max().item<double>();
  const at::Tensor image = image_tensor(result.image).to(at::kInt);
  const at::Tensor expected_image = reference_tensor(name, "image_uint8").to(at::kInt);
  REQUIRE(image.sizes() == expected_image.sizes());
  const int64_t pixel_diff = (image - expected_image).abs().max().item<int64_t>();
  std::cout << "  " << name << ": final latent max abs diff " << diff << " (max |latent| " << scale << "), image max diff "
            << pixel_diff << "/255\n";
  // The latent agrees to float32 rounding (a few ulps per step, from kernel and thread
  // order); the image, the criterion, to 1/255.
  CHECK_MSG(diff <= 5e-5 * std::max(1.0, scale), name << ": latent differs by " << diff);
  CHECK_MSG(pixel_diff <= 1, name << ": image differs by " << pixel_diff << "/255");
}

}  // namespace

TEST_CASE("sd1 (epsilon) DDIM equals diffusers") { check_case("pipe_sd1_ddim"); }
TEST_CASE("sd1 (epsilon) DDIM eta 0.5 equals diffusers") { check_case("pipe_sd1_ddim_eta"); }
TEST_CASE("sd1 (epsilon) Euler equals diffusers") { check_case("pipe_sd1_euler"); }
TEST_CASE("sd1 (epsilon) Euler ancestral equals diffusers") { check_case("pipe_sd1_euler_a"); }
TEST_CASE("sd1 (epsilon) DPM++ 2M Karras equals diffusers") { check_case("pipe_sd1_dpmpp_2m_karras"); }
TEST_CASE("sd2 (v-prediction) DDIM equals diffusers") { check_case("pipe_sd2_ddim"); }
TEST_CASE("sd2 (v-prediction) DDIM eta 0.5 equals diffusers") { check_case("pipe_sd2_ddim_eta"); }
TEST_CASE("sd2 (v-prediction) Euler equals diffusers") { check_case("pipe_sd2_euler"); }
TEST_CASE("sd2 (v-prediction) Euler ancestral equals diffusers") { check_case("pipe_sd2_euler_a"); }
TEST_CASE("sd2 (v-prediction) DPM++ 2M Karras equals diffusers") { check_case("pipe_sd2_dpmpp_2m_karras"); }
TEST_CASE("sd2 Euler with CFG rescale 0.7 equals diffusers") { check_case("pipe_sd2_euler_rescale"); }
TEST_CASE("sd1 Euler with a LoRA equals diffusers") { check_case("pipe_sd1_euler_lora"); }
TEST_CASE("sd1 DPM++ 2M Karras with a LoRA equals diffusers") { check_case("pipe_sd1_dpmpp_2m_karras_lora"); }

STEER_TEST_MAIN()
