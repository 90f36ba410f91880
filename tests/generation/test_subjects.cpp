// Subjects beyond "a LoRA at scale s": a fully fine-tuned model (θ_ω = (1−ω)θ_pre + ωθ_ft
// built in place), an earlier LoRA checkpoint as AG's weak model, and textual-inversion
// files (refused: PG would equal CFG). References: tests/fixtures/make_subject_fixtures.py,
// a Python loop calling diffusers' UNet per docs/guidance.md.
#include "tests/generation/generation_support.h"

#include "core/common/error.h"
#include "core/generation/finetuned_subject.h"

using namespace steer;
using namespace steer::testing;

namespace {

std::filesystem::path subject_dir() { return fixtures() / "subject"; }

const json::Value& subject_case(const std::string& name) {
  static const json::Value manifest = [] {
    std::ifstream in(subject_dir() / "manifest.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  }();
  return manifest.at("cases").at(name);
}

at::Tensor subject_reference(const std::string& name, const std::string& key) {
  return SafetensorsFile::open(subject_dir() / (name + ".safetensors"))->tensor(key);
}

SubjectSpec finetuned(const std::string& folder) {
  SubjectSpec s;
  s.kind = SubjectSpec::Kind::FineTuned;
  s.path = subject_dir() / folder;
  return s;
}

SubjectSpec lora(const std::filesystem::path& file) {
  SubjectSpec s;
  s.kind = SubjectSpec::Kind::Lora;
  s.path = file;
  return s;
}

struct Rig {
  std::unique_ptr<StableDiffusionModel> model;
  std::unique_ptr<GenerationSession> session;
  explicit Rig(const SubjectSpec& subject) {
    model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
    session = std::make_unique<GenerationSession>(*model);
    session->set_subject(subject);
  }
  at::Tensor run(const GenerationRequest& r) { return latent_tensor(*session->generate(r).final_latent); }
};

double relative(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>() / b.abs().max().item<double>();
}

GenerationRequest request_for_case(const std::string& name) {
  GenerationRequest r = request_for(subject_case(name));
  r.batch_branches = false;  // the reference makes two batch-1 calls per step
  return r;
}

// 2e-5 relative: the runs measure ~1e-6 on the CPU (10x more on CUDA); every control below
// misses by far more (issue 10, "evidence that can fail").
double subject_tolerance() { return testing_on_cuda() ? 2e-4 : 2e-5; }

double nudged(double w) { return w > 0.5 ? w - 0.05 : w + 0.05; }

void check_against_reference(Rig& rig, const std::string& name, const GenerationRequest& r) {
  const at::Tensor ours = rig.run(r);
  const at::Tensor ref = subject_reference(name, "final_latent");
  const double err = relative(ours, ref);
  const double tolerance = subject_tolerance();
  std::cout << "  " << name << " (" << r.guidance.describe() << "): relative error " << err << " (tolerance " << tolerance
            << ")\n";
  CHECK_MSG(err <= tolerance, name << ": final latent relative error " << err << " (max|diff| / max|ref|)");

  // Controls: the same run with the method's weight moved by 0.05, or with the prompt and
  // the weak branch's prompt swapped, must miss the reference by 10x the tolerance.
  std::vector<std::pair<std::string, GenerationRequest>> controls;
  GenerationRequest swapped = r;
  if (r.guidance.method == GuidanceMethod::Autoguidance)
    swapped.prompt = r.prompt + " on a beach";  // AG's branches share c
  else
    std::swap(swapped.prompt, swapped.negative_prompt);
  controls.emplace_back("swapped prompt", swapped);
  if (r.guidance.method == GuidanceMethod::Personalization) {
    GenerationRequest wrong = r;
    wrong.guidance.omega.start = nudged(wrong.guidance.omega.start);
    wrong.guidance.omega.end = nudged(wrong.guidance.omega.end);
    controls.emplace_back("ω moved by 0.05", wrong);
  }
  if (r.guidance.method == GuidanceMethod::Autoguidance) {
    GenerationRequest wrong = r;
    wrong.guidance.weak = WeakModel::parse("omega:0.05");
    controls.emplace_back("weak model at ω 0.05 instead of the base", wrong);
  }
  for (const auto& [what, wrong] : controls) {
    const double miss = relative(rig.run(wrong), ref);
    std::cout << "    control, " << what << ": relative error " << miss << "\n";
    CHECK_MSG(miss > 10 * tolerance, name << ": control '" << what << "' is within " << miss);
  }
}

void check_finetuned_case(const std::string& name) {
  const json::Value& c = subject_case(name);
  Rig rig(finetuned(c.at("subject").at("folder").as_string()));
  check_against_reference(rig, name, request_for_case(name));
}

}  // namespace

TEST_CASE("fine-tuned subject: CFG on θ_ft equals the reference") { check_finetuned_case("ft_cfg"); }
TEST_CASE("fine-tuned subject: PG ω = 0.5 (θ_ω = (1−ω)θ_pre + ωθ_ft) equals the reference") {
  check_finetuned_case("ft_pg_omega0.5");
}
TEST_CASE("fine-tuned subject: PG with a linear ω schedule 0.2->0.8 equals the reference") {
  check_finetuned_case("ft_pg_linear_0.2_0.8");
}
TEST_CASE("fine-tuned subject: AG with the base model as the weak model equals the reference") {
  check_finetuned_case("ft_ag_base");
}
TEST_CASE("fine-tuned subject whose text encoder differs: PG ω = 0.5 equals the reference") {
  check_finetuned_case("ft_te_pg_omega0.5");
}

TEST_CASE("fine-tuned subject: PG at ω = 1 equals CFG to the bit, batched or not") {
  Rig rig(finetuned("sd1-tiny-finetuned"));
  GenerationRequest cfg = request_for_case("ft_cfg");
  GenerationRequest pg = cfg;
  pg.guidance.method = GuidanceMethod::Personalization;
  pg.guidance.omega = OmegaSchedule::constant(1.0);
  for (bool batched : {true, false}) {
    cfg.batch_branches = pg.batch_branches = batched;
    CHECK_MSG(at::equal(rig.run(pg), rig.run(cfg)), "batched=" << batched);
  }
  // And the batched CFG (one batch-2 call on θ_ft) is the two-call one to rounding.
  cfg.batch_branches = true;
  const double err = relative(rig.run(cfg), subject_reference("ft_cfg", "final_latent"));
  std::cout << "  batched CFG vs the two-call reference: relative " << err << "\n";
  CHECK(err <= 1e-4);
}

TEST_CASE("fine-tuned subject: PG at ω = 0 runs the base model as the weak pass") {
  // ω = 0 uses θ_pre itself (no workspace), so it equals AG-style weak = base with ∅.
  Rig rig(finetuned("sd1-tiny-finetuned"));
  GenerationRequest pg0 = request_for_case("ft_cfg");
  pg0.guidance.method = GuidanceMethod::Personalization;
  pg0.guidance.omega = OmegaSchedule::constant(0.0);
  GenerationRequest pg_small = pg0;
  pg_small.guidance.omega = OmegaSchedule::constant(1e-9);  // the workspace, essentially θ_pre
  const double err = relative(rig.run(pg0), rig.run(pg_small));
  CHECK_MSG(err <= 1e-5, "ω = 0 vs ω = 1e-9: " << err);
}

TEST_CASE("the θ_ω workspace is built once per distinct ω and holds (1−ω)θ_pre + ωθ_ft") {
  auto model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
  FineTunedSubject subject(*model, subject_dir() / "sd1-tiny-finetuned");
  CHECK(!subject.text_encoder_differs());
  CHECK(&subject.unet_at(0.0) == &model->unet());
  const UNet2DConditionModel& ft = subject.unet_at(1.0);
  CHECK(&ft != &model->unet());
  CHECK_EQ(subject.unet_rebuilds(), 0);
  const UNet2DConditionModel& w = subject.unet_at(0.5);
  subject.unet_at(0.5);
  CHECK_EQ(subject.unet_rebuilds(), 1);
  subject.unet_at(1.0);
  subject.unet_at(0.5);
  CHECK_EQ(subject.unet_rebuilds(), 1);  // θ_ft and θ_pre never touch the workspace
  const auto pre = model->unet().named_parameters(), fp = ft.named_parameters(), wp = w.named_parameters();
  REQUIRE(pre.size() == wp.size() && fp.size() == wp.size());
  double worst = 0;
  for (size_t i = 0; i < wp.size(); ++i) {
    const at::Tensor expect = 0.5 * *pre[i].tensor + 0.5 * *fp[i].tensor;
    worst = std::max(worst, (expect - *wp[i].tensor).abs().max().item<double>());
    CHECK(!at::equal(*pre[i].tensor, *fp[i].tensor));  // every UNet tensor was fine-tuned
  }
  CHECK_MSG(worst <= 1e-6, "workspace vs (1−ω)θ_pre + ωθ_ft: " << worst);
  subject.unet_at(0.25);
  CHECK_EQ(subject.unet_rebuilds(), 2);
}

TEST_CASE("the memory note names the extra copies, from the real parameter counts") {
  auto model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
  GenerationSession session(*model);
  CHECK(session.memory_note().empty());
  session.set_subject(finetuned("sd1-tiny-finetuned"));
  const std::string note = session.memory_note();
  std::cout << "  " << note << "\n";
  CHECK(note.find("+2 UNet copies") != std::string::npos);
  CHECK(note.find("θ_ft") != std::string::npos && note.find("θ_ω workspace") != std::string::npos);
  CHECK(note.find("text-encoder") == std::string::npos);  // its text encoder is the base's
  CHECK(note.find("fp32") != std::string::npos);
  FineTunedSubject direct(*model, subject_dir() / "sd1-tiny-finetuned");
  CHECK_EQ(direct.extra_bytes(), 2 * model->unet().parameter_count() * 4);

  session.set_subject(finetuned("sd1-tiny-finetuned-te"));
  const std::string note_te = session.memory_note();
  std::cout << "  " << note_te << "\n";
  CHECK(note_te.find("+2 UNet copies") != std::string::npos && note_te.find("+2 text-encoder copies") != std::string::npos);
  FineTunedSubject with_te(*model, subject_dir() / "sd1-tiny-finetuned-te");
  CHECK(with_te.text_encoder_differs());
  CHECK_EQ(with_te.extra_bytes(), 2 * (model->unet().parameter_count() + model->text_encoder().parameter_count()) * 4);

  session.set_subject(lora(fixtures() / "lora" / "sd1_lora_diffusers.safetensors"));
  CHECK(session.memory_note().empty());
}

TEST_CASE("a fine-tuned subject of another architecture is refused, naming the key and both folders") {
  auto model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
  GenerationSession session(*model);
  SubjectSpec other;
  other.kind = SubjectSpec::Kind::FineTuned;
  other.path = fixtures() / "parity" / "sd2-tiny";
  CHECK_THROWS_WITH(session.set_subject(other), "does not have the architecture", "key \"", other.path.string(),
                    (fixtures() / "parity" / "sd1-tiny").string());
  // The session is left without a subject, and usable.
  CHECK(session.subject().kind == SubjectSpec::Kind::None);
  CHECK(session.memory_note().empty());
  // The base folder itself is no subject: PG would be CFG on the base model.
  SubjectSpec itself = other;
  itself.path = fixtures() / "parity" / "sd1-tiny";
  CHECK_THROWS_WITH(session.set_subject(itself), "same UNet and text-encoder weights");
  // A LoRA file given as a fine-tuned subject.
  SubjectSpec file = other;
  file.path = fixtures() / "lora" / "sd1_lora_diffusers.safetensors";
  CHECK_THROWS_WITH(session.set_subject(file), "is a file", "diffusers folder");
}

TEST_CASE("a textual-inversion file as a subject is refused: PG would equal CFG for every ω") {
  auto model = StableDiffusionModel::load(fixtures() / "parity" / "sd1-tiny", test_load_options());
  GenerationSession session(*model);
  const auto ti = subject_dir() / "ti_embedding.safetensors";
  CHECK_EQ(textual_inversion_signature(ti, 32), std::string("emb_params [2, 32]"));
  CHECK(textual_inversion_signature(fixtures() / "lora" / "sd1_lora_diffusers.safetensors", 32).empty());
  CHECK(textual_inversion_signature(fixtures() / "lora" / "sd1_lora_kohya.safetensors", 32).empty());
  CHECK_THROWS_WITH(session.set_subject(lora(ti)), "textual-inversion embedding", "emb_params",
                    "the ∅ pass never sees the learned token", "the UNet is unchanged", "PG equals CFG for every ω", "use CFG",
                    "LoRA or a fully fine-tuned subject");
  SubjectSpec as_finetuned = lora(ti);
  as_finetuned.kind = SubjectSpec::Kind::FineTuned;
  CHECK_THROWS_WITH(session.set_subject(as_finetuned), "textual-inversion embedding", "PG equals CFG for every ω");
  CHECK(session.subject().kind == SubjectSpec::Kind::None);
  // As AG's weak "checkpoint" too.
  session.set_subject(lora(fixtures() / "lora" / "sd1_lora_diffusers.safetensors"));
  GenerationRequest r = request_for_case("ag_checkpoint");
  r.guidance.weak = WeakModel::parse(ti.string());
  CHECK_THROWS_WITH(session.generate(r), "textual-inversion embedding", "not an earlier LoRA checkpoint");
}

TEST_CASE("AG with an earlier LoRA checkpoint as the weak model equals the reference") {
  Rig rig(lora(fixtures() / "lora" / "sd1_lora_diffusers.safetensors"));
  GenerationRequest cfg = request_for_case("ag_checkpoint");
  cfg.guidance.method = GuidanceMethod::Cfg;
  const at::Tensor cfg_before = rig.run(cfg);

  GenerationRequest r = request_for_case("ag_checkpoint");
  r.guidance.weak = WeakModel::parse((subject_dir() / "sd1_lora_checkpoint.safetensors").string());
  check_against_reference(rig, "ag_checkpoint", r);
  // Never batched (two networks): the batch switch changes nothing.
  GenerationRequest batched = r;
  batched.batch_branches = true;
  CHECK(at::equal(rig.run(batched), rig.run(r)));
  // The subject is back on after the weak passes: CFG gives what it gave before.
  CHECK(at::equal(rig.run(cfg), cfg_before));
  // The checkpoint is the subject LoRA with halved up-weights: the weak model is the subject at 0.5.
  GenerationRequest half = r;
  half.guidance.weak = WeakModel::parse("omega:0.5");
  const double err = relative(rig.run(half), rig.run(r));
  std::cout << "  checkpoint vs omega:0.5: relative " << err << "\n";
  CHECK(err <= 1e-5);
}

TEST_CASE("AG with a LoRA checkpoint and a fine-tuned subject is refused") {
  Rig rig(finetuned("sd1-tiny-finetuned"));
  GenerationRequest r = request_for_case("ag_checkpoint");
  r.guidance.weak = WeakModel::parse((subject_dir() / "sd1_lora_checkpoint.safetensors").string());
  CHECK_THROWS_WITH(rig.session->generate(r), "needs a LoRA subject", "fully fine-tuned", "base or omega:W");
}

STEER_TEST_MAIN()
