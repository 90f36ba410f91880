// Guidance: PG and AG equal a Python reference that calls diffusers' UNet per the
// formulas of docs/guidance.md (LoRA scales set per pass); PG at ω = 1 is CFG to the bit;
// batched PG equals two-call PG; kohya and diffusers namings of one LoRA give one image;
// step events, previews and cancellation.
#include "tests/generation/generation_support.h"

#include "core/common/error.h"

using namespace steer;
using namespace steer::testing;

namespace {

struct Rig {
  std::unique_ptr<StableDiffusionModel> model;
  std::unique_ptr<GenerationSession> session;
  explicit Rig(const std::string& lora_file = "sd1_lora_diffusers.safetensors") {
    model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
    session = std::make_unique<GenerationSession>(*model);
    SubjectSpec subject;
    subject.kind = SubjectSpec::Kind::Lora;
    subject.path = fixtures() / "lora" / lora_file;
    session->set_subject(subject);
  }
  at::Tensor run(const GenerationRequest& r) {
    auto result = session->generate(r);
    return latent_tensor(*result.final_latent);
  }
};

double relative(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(1.0, b.abs().max().item<double>());
}

void check_against_reference(const std::string& name) {
  Rig rig;
  GenerationRequest r = request_for(pipeline_case(name));
  r.batch_branches = false;  // the reference makes two batch-1 calls per step
  const at::Tensor ours = rig.run(r);
  const at::Tensor ref = reference_tensor(name, "final_latent");
  const double err = relative(ours, ref);
  std::cout << "  " << name << " (" << r.guidance.describe() << "): relative error " << err << "\n";
  CHECK_MSG(err <= 1e-4, name << ": final latent relative error " << err);
}

}  // namespace

TEST_CASE("CFG (two calls) equals the reference loop") { check_against_reference("guide_cfg_two_call"); }
TEST_CASE("PG omega 0 equals the reference") { check_against_reference("guide_pg_omega0"); }
TEST_CASE("PG omega 0.5 equals the reference") { check_against_reference("guide_pg_omega0.5"); }
TEST_CASE("PG omega 1 equals the reference") { check_against_reference("guide_pg_omega1"); }
TEST_CASE("PG omega 0.5 with a negative prompt equals the reference") { check_against_reference("guide_pg_omega0.5_negative"); }
TEST_CASE("PG with a linear omega schedule 0.2->0.8 equals the reference") { check_against_reference("guide_pg_linear_0.2_0.8"); }
TEST_CASE("AG with the base model as the weak model equals the reference") { check_against_reference("guide_ag_base"); }

TEST_CASE("PG at omega = 1 equals CFG to the bit") {
  Rig rig;
  GenerationRequest cfg = request_for(pipeline_case("guide_cfg_two_call"));
  GenerationRequest pg = cfg;
  pg.guidance.method = GuidanceMethod::Personalization;
  pg.guidance.omega = OmegaSchedule::constant(1.0);
  for (bool batched : {true, false}) {
    cfg.batch_branches = pg.batch_branches = batched;
    CHECK_MSG(at::equal(rig.run(pg), rig.run(cfg)), "batched=" << batched);
  }
}

TEST_CASE("batched PG (one batch-2 call with per-sample LoRA scales) equals two-call PG within 1e-5") {
  Rig rig;
  GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  r.batch_branches = true;
  const at::Tensor batched = rig.run(r);
  r.batch_branches = false;
  const at::Tensor two_call = rig.run(r);
  const double err = relative(batched, two_call);
  std::cout << "  batched vs two-call: relative " << err << "\n";
  CHECK(err <= 1e-5);
}

TEST_CASE("the LoRA in kohya naming gives the image of the LoRA in diffusers naming") {
  const GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  Rig diffusers_named("sd1_lora_diffusers.safetensors");
  Rig kohya_named("sd1_lora_kohya.safetensors");
  const at::Tensor a = diffusers_named.run(r), b = kohya_named.run(r);
  std::cout << "  kohya vs diffusers naming: max abs diff " << (a - b).abs().max().item<double>() << "\n";
  CHECK(at::allclose(a, b, 0, 1e-6));
}

TEST_CASE("an event after every step, with an x0 preview and branch previews") {
  Rig rig;
  GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  r.want_branch_previews = true;
  std::vector<StepEvent> events;
  rig.session->generate(r, [&](const StepEvent& e) { events.push_back(e); });
  REQUIRE(static_cast<int>(events.size()) == r.steps);
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    CHECK_EQ(e.step, static_cast<int>(i) + 1);
    CHECK_EQ(e.preview.width, r.width / 8);
    CHECK_EQ(e.preview.height, r.height / 8);
    CHECK(!e.preview_strong.empty() && !e.preview_weak.empty());
    CHECK(e.omega == 0.5);
    if (i > 0) {
      CHECK(e.sigma < events[i - 1].sigma);
      CHECK(e.elapsed_seconds >= events[i - 1].elapsed_seconds);
    }
  }
  // The strong and weak branches differ (the LoRA at 1 vs 0.5 with c vs ∅).
  CHECK(events[0].preview_strong.pixels != events[0].preview_weak.pixels);
}

TEST_CASE("cancel takes effect between steps") {
  Rig rig;
  GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  std::atomic<bool> cancel{false};
  int seen = 0;
  CHECK_THROWS_WITH(rig.session->generate(
                        r,
                        [&](const StepEvent& e) {
                          seen = e.step;
                          if (e.step == 2) cancel = true;
                        },
                        &cancel),
                    "cancelled");
  CHECK_EQ(seen, 2);
  // The session stays usable.
  CHECK(rig.session->generate(r).final_latent.has_value());
}

TEST_CASE("a guidance interval runs one conditional pass outside it") {
  Rig rig;
  GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  r.guidance.set_interval("1.0-5.0");
  std::vector<bool> guided;
  rig.session->generate(r, [&](const StepEvent& e) {
    guided.push_back(e.guided);
    CHECK_EQ(e.guided, e.sigma > 1.0 && e.sigma <= 5.0);
  });
  CHECK(std::count(guided.begin(), guided.end(), true) > 0);
  CHECK(std::count(guided.begin(), guided.end(), false) > 0);
}

TEST_CASE("a size that is not whole latent cells of the model is refused before any step") {
  Rig rig;  // SD 1.x: 8-pixel latent cells
  GenerationRequest r = request_for(pipeline_case("guide_cfg_two_call"));
  r.width = 500;  // whole cells of 4 (the demo model's), not of 8
  r.validate();   // model-independent: allowed
  int steps = 0;
  CHECK_THROWS_WITH(rig.session->generate(r, [&](const StepEvent&) { ++steps; }), "width 500", "multiple of 8", "496 or 504");
  CHECK_EQ(steps, 0);
  r.width = 504;  // the control: whole cells of 8 run
  CHECK(rig.session->generate(r).image.width == 504);
}

TEST_CASE("bad requests are refused before any work, naming the setting") {
  GenerationRequest ok;
  ok.prompt = "x";
  auto refuse = [&](auto mutate, std::initializer_list<std::string> fragments) {
    GenerationRequest r = ok;
    mutate(r);
    try {
      r.validate();
      CHECK_MSG(false, "not refused");
    } catch (const InputError& e) {
      for (const auto& f : fragments) CHECK_MSG(std::string(e.what()).find(f) != std::string::npos, e.what() << " lacks " << f);
    }
  };
  refuse([](GenerationRequest& r) { r.sampler = "heun"; }, {"sampler \"heun\"", "ddim, euler, euler_a or dpmpp_2m"});
  refuse([](GenerationRequest& r) { r.steps = 0; }, {"steps 0", "1 to 1000"});
  refuse([](GenerationRequest& r) { r.steps = -3; }, {"steps -3"});
  refuse([](GenerationRequest& r) { r.width = 502; }, {"width 502", "multiple of 8"});
  refuse([](GenerationRequest& r) { r.height = 0; }, {"height 0"});
  refuse([](GenerationRequest& r) { r.guidance.scale = -1; }, {"lambda", "0 to 100"});
  refuse([](GenerationRequest& r) { r.guidance.scale = 1e9; }, {"lambda"});
  refuse([](GenerationRequest& r) { r.guidance.rescale = 2; }, {"phi", "0 to 1"});
  refuse([](GenerationRequest& r) { r.guidance.omega = OmegaSchedule::constant(1.5); }, {"omega 1.5", "0 (base model) to 1"});
  refuse([](GenerationRequest& r) { r.eta = 0.5; }, {"eta applies to the ddim sampler"});
  refuse(
      [](GenerationRequest& r) {
        r.karras_sigmas = true;
        r.sampler = "ddim";
      },
      {"Karras", "euler and dpmpp_2m"});
  CHECK_THROWS_WITH(parse_guidance_method("pgg"), "\"pgg\"", "cfg", "ag", "pg");
  CHECK_THROWS_WITH(OmegaSchedule::parse("1.2"), "outside [0, 1]");
  CHECK_THROWS_WITH(OmegaSchedule::parse("linear:0.2-0.8"), "A->B");
  CHECK_THROWS_WITH(OmegaSchedule::parse("sine:0.2->0.8"), "unknown kind \"sine\"");
  CHECK_THROWS_WITH(WeakModel::parse("weaker"), "weak model \"weaker\"", "base");
}

TEST_CASE("PG and AG without a subject are refused: they would equal CFG") {
  auto model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
  GenerationSession session(*model);
  GenerationRequest r = request_for(pipeline_case("guide_pg_omega0.5"));
  CHECK_THROWS_WITH(session.generate(r), "personalization guidance (pg) needs a subject", "plain CFG");
  r.guidance.method = GuidanceMethod::Autoguidance;
  CHECK_THROWS_WITH(session.generate(r), "autoguidance (ag)", "needs a subject");
}

STEER_TEST_MAIN()
