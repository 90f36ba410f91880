// Bad numbers never turn into black images or silent truncation (issue 10, item 7), through the
// engine's front door: NaN/Inf in model weights or in a LoRA is refused at load naming the file
// and tensor; a prediction that turns non-finite mid-run stops naming the step and the branch;
// LoRA strengths outside ±4 and an ω schedule given as AG's weak model are refused. A failed
// attach keeps the subject that was attached.
#include <ATen/ATen.h>

#include <filesystem>

#include "core/engine/engine.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "tests/generation/generation_support.h"
#include "tests/support/temp_folder.h"

using namespace steer;
using namespace steer::testing;
namespace fs = std::filesystem;

namespace {

// Every tensor of a safetensors file, with `edit` applied to the one named `key`.
void rewrite_tensor(const fs::path& from, const fs::path& to, const std::string& key,
                    const std::function<void(at::Tensor&)>& edit) {
  auto file = SafetensorsFile::open(from);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  bool found = false;
  for (const auto& info : file->header().tensors) {
    at::Tensor t = file->tensor(info).clone();
    if (info.name == key) {
      edit(t);
      found = true;
    }
    tensors.emplace_back(info.name, t);
  }
  REQUIRE(found);
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& [k, v] : file->header().metadata) metadata.emplace_back(k, v);
  write_safetensors(to, tensors, metadata);
}

std::string first_key_containing(const fs::path& path, const std::string& part) {
  const auto file = SafetensorsFile::open(path);  // kept alive: header() refers into it
  for (const auto& info : file->header().tensors)
    if (info.name.find(part) != std::string::npos) return info.name;
  return "";
}

fs::path lora_fixture() { return fixtures() / "lora" / "sd1_lora_diffusers.safetensors"; }

Engine& engine_with_model() {
  static Engine engine;
  static bool loaded = false;
  if (!loaded) {
    REQUIRE(engine.load_model(fixtures() / "parity" / "sd1-tiny").finished());
    loaded = true;
  }
  return engine;
}

SubjectSpec lora_subject(const fs::path& path, double strength = 1.0) {
  SubjectSpec s;
  s.kind = SubjectSpec::Kind::Lora;
  s.path = path;
  s.multiplier = strength;
  return s;
}

GenerationRequest small_request() {
  GenerationRequest r;
  r.prompt = "a photo of sks cat";
  r.width = r.height = 64;
  r.steps = 4;
  r.guidance.scale = 5;
  return r;
}

}  // namespace

TEST_CASE("a NaN in the model's weights is refused at load, naming the file and the tensor") {
  TempFolder tmp;
  const fs::path model = tmp.path() / "sd1-nan";
  fs::copy(fixtures() / "parity" / "sd1-tiny", model, fs::copy_options::recursive);
  fs::path weights;
  for (const auto& e : fs::directory_iterator(model / "unet"))
    if (e.path().extension() == ".safetensors" && e.path().string().find(".fp16.") == std::string::npos) weights = e.path();
  REQUIRE(!weights.empty());
  const std::string key = first_key_containing(weights, "conv_in.weight");
  rewrite_tensor(weights, weights, key, [](at::Tensor& t) { t.view(-1)[3] = std::nanf(""); });
  Engine engine;
  const auto loaded = engine.load_model(model);
  CHECK(loaded.outcome.failed());
  CHECK_MSG(loaded.outcome.message.find(key) != std::string::npos && loaded.outcome.message.find("NaN") != std::string::npos &&
                loaded.outcome.message.find(weights.filename().string()) != std::string::npos,
            loaded.outcome.message);
  // Control: the untouched model loads.
  CHECK(Engine().load_model(fixtures() / "parity" / "sd1-tiny").finished());
}

TEST_CASE("a LoRA with an infinite weight is refused naming the tensor, and the attached subject stays") {
  TempFolder tmp;
  Engine& engine = engine_with_model();
  REQUIRE(engine.set_subject(lora_subject(lora_fixture())).finished());
  const fs::path broken = tmp.path() / "inf.safetensors";
  const std::string key = first_key_containing(lora_fixture(), "lora_B");
  rewrite_tensor(lora_fixture(), broken, key, [](at::Tensor& t) { t.view(-1)[0] = std::numeric_limits<float>::infinity(); });
  const auto attached = engine.set_subject(lora_subject(broken));
  CHECK(attached.outcome.failed());
  CHECK_MSG(
      attached.outcome.message.find(key) != std::string::npos && attached.outcome.message.find("infinite") != std::string::npos,
      attached.outcome.message);
  CHECK(engine.subject().path == lora_fixture());  // the previous subject is still attached
}

TEST_CASE("a prediction that overflows mid-run stops with the step and the branch") {
  TempFolder tmp;
  Engine& engine = engine_with_model();
  // Finite in the file, but so large that the LoRA's layers overflow fp32 in the UNet.
  const fs::path huge = tmp.path() / "huge.safetensors";
  auto file = SafetensorsFile::open(lora_fixture());
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& info : file->header().tensors) {
    at::Tensor t = file->tensor(info).clone();
    if (info.name.find("unet") != std::string::npos && info.name.find("lora_B") != std::string::npos) t.fill_(3e37f);
    tensors.emplace_back(info.name, t);
  }
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& [k, v] : file->header().metadata) metadata.emplace_back(k, v);
  write_safetensors(huge, tensors, metadata);
  REQUIRE(engine.set_subject(lora_subject(huge)).finished());
  GenerationRequest r = small_request();
  r.guidance.method = GuidanceMethod::Personalization;
  r.guidance.omega = OmegaSchedule::constant(0.0);  // the weak branch (LoRA at 0) stays finite
  const auto result = engine.generate(r);
  CHECK(result.outcome.failed());
  CHECK_MSG(result.outcome.message.find("step 1 of 4") != std::string::npos &&
                result.outcome.message.find("strong branch") != std::string::npos,
            result.outcome.message);
  REQUIRE(engine.set_subject(lora_subject(lora_fixture())).finished());
  CHECK(engine.generate(r).finished());  // control: the same request with the sound LoRA
}

TEST_CASE("LoRA strengths beyond ±4 are refused; ±4 is accepted") {
  Engine& engine = engine_with_model();
  for (double bad : {4.5, -5.0, std::numeric_limits<double>::infinity()}) {
    const auto attached = engine.set_subject(lora_subject(lora_fixture(), bad));
    CHECK(attached.outcome.failed());
    CHECK_MSG(attached.outcome.message.find("LoRA strength") != std::string::npos, attached.outcome.message);
  }
  CHECK(engine.set_subject(lora_subject(lora_fixture(), 4.0)).finished());
  CHECK(engine.set_subject(lora_subject(lora_fixture(), -4.0)).finished());
}

TEST_CASE("AG's weak model takes one ω: a schedule is refused, not cut to its start") {
  CHECK_THROWS_WITH(WeakModel::parse("omega:linear:0.2->0.8"), "takes one ω");
  CHECK_THROWS_WITH(WeakModel::parse("omega:cosine:0.1->1"), "takes one ω");
  CHECK(WeakModel::parse("omega:0.4").omega == 0.4);
}

STEER_TEST_MAIN()
