// LoRA files (core/lora) on the tiny parity models against diffusers/PEFT
// (tests/fixtures/make_lora_fixtures.py): kohya and diffusers names read to the same LoRA,
// the UNet and text encoder with a LoRA equal diffusers', per-sample scales equal separate
// calls, detaching restores the base model bit for bit, and bad files are refused with
// messages that name the file and the key.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/lora/lora_file.h"
#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "tests/parity/parity_support.h"
#include "tests/support/temp_folder.h"

using namespace steer;
using namespace steer::testing;
namespace fs = std::filesystem;

namespace {

fs::path lora_dir() { return fixture_root().parent_path() / "lora"; }
fs::path lora_path(const std::string& name) { return lora_dir() / name; }

StableDiffusionModel& model(const std::string& family) {
  static std::map<std::string, std::unique_ptr<StableDiffusionModel>> models;
  auto& m = models[family];
  if (!m) {
    LoadOptions o;
    o.device = test_device();
    m = StableDiffusionModel::load(fixture_root() / (family + "-tiny"), o);
  }
  return *m;
}

// FAM_lora_reference.safetensors: case0 inputs of the parity UNet reference, diffusers' outputs
struct LoraReference {
  std::shared_ptr<SafetensorsFile> file;
  explicit LoraReference(const std::string& family)
      : file(SafetensorsFile::open(lora_path(family + "_lora_reference.safetensors"))) {}
  at::Tensor operator[](const std::string& key) const { return file->tensor(key); }
};

at::Tensor run_unet(const StableDiffusionModel& m, const LoraReference& ref, int64_t first = 0, int64_t count = 2) {
  UNetConditioning cond;
  cond.encoder_hidden_states = ref["unet.encoder_hidden_states"].narrow(0, first, count).to(test_device());
  return m.unet()
      .forward(ref["unet.sample"].narrow(0, first, count).to(test_device()),
               ref["unet.timestep"].narrow(0, first, count).to(test_device()), cond)
      .cpu();
}

at::Tensor run_text(const StableDiffusionModel& m, const LoraReference& ref) {
  return m.text_encoder().encode(ref["text.input_ids"].to(at::kLong).to(test_device())).cpu();
}

std::map<std::string, const LoraTarget*> by_path(const std::vector<LoraTarget>& targets) {
  std::map<std::string, const LoraTarget*> out;
  for (const auto& t : targets) out[t.module_path] = &t;
  return out;
}

// Same layers, bit-identical down/up, same scale.
void check_same_lora(const LoraFile& a, const LoraFile& b) {
  for (int part = 0; part < 2; ++part) {
    auto ta = by_path(part ? a.text_encoder : a.unet), tb = by_path(part ? b.text_encoder : b.unet);
    CHECK_EQ(ta.size(), tb.size());
    for (const auto& [path, t] : ta) {
      auto it = tb.find(path);
      CHECK_MSG(it != tb.end(), path << " is only in " << a.path.filename());
      if (it == tb.end()) continue;
      CHECK_MSG(at::equal(t->branch.down.to(at::kFloat), it->second->branch.down.to(at::kFloat)), path << " down differs");
      CHECK_MSG(at::equal(t->branch.up.to(at::kFloat), it->second->branch.up.to(at::kFloat)), path << " up differs");
      CHECK_MSG(t->branch.scale == it->second->branch.scale,
                path << " scale " << t->branch.scale << " vs " << it->second->branch.scale);
    }
  }
}

json::Value manifest() {
  std::ifstream in(lora_dir() / "manifest.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return json::parse(text);
}

double scale_of(const std::vector<LoraTarget>& targets, const std::string& path) {
  for (const auto& t : targets)
    if (t.module_path == path) return t.branch.scale;
  return -1.0;
}

// All tensors of a file, for writing variants of it.
std::vector<std::pair<std::string, at::Tensor>> tensors_of(const fs::path& path) {
  auto file = SafetensorsFile::open(path);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& info : file->header().tensors) out.emplace_back(info.name, file->tensor(info).clone());
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("kohya and diffusers names read to the same LoRA weights and the same UNet output") {
  c10::InferenceMode guard;
  const json::Value m = manifest();
  for (std::string family : {"sd1", "sd2"}) {
    StableDiffusionModel& sd = model(family);
    LoraFile diffusers = read_lora_file(lora_path(family + "_lora_diffusers.safetensors"), sd);
    LoraFile kohya = read_lora_file(lora_path(family + "_lora_kohya.safetensors"), sd);
    CHECK_EQ(diffusers.naming, "diffusers");
    CHECK_EQ(kohya.naming, "kohya");
    const json::Value& fam = m.at("families").at(family);
    CHECK_EQ(static_cast<int64_t>(diffusers.unet.size()), fam.at("unet_layers").as_int());
    CHECK_EQ(static_cast<int64_t>(diffusers.text_encoder.size()), fam.at("text_layers").as_int());
    CHECK_EQ(diffusers.rank(), 4);
    check_same_lora(diffusers, kohya);
    if (family == "sd2") {
      // the diffusers training script's key style: unet ...to_q.lora.down.weight, text ...lora_linear_layer
      LoraFile legacy = read_lora_file(lora_path("sd2_lora_diffusers_legacy.safetensors"), sd);
      CHECK_EQ(legacy.naming, "diffusers");
      check_same_lora(diffusers, legacy);
      CHECK_EQ(scale_of(diffusers.unet, "mid_block.attentions.0.transformer_blocks.0.attn2.to_out.0"), 2.0);
      CHECK_EQ(scale_of(diffusers.text_encoder, "text_model.encoder.layers.2.self_attn.out_proj"), 1.0);
    } else {
      // per-layer alpha and rank (alpha_pattern / rank_pattern in diffusers' metadata; .alpha in kohya's)
      CHECK_EQ(scale_of(diffusers.unet, "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q"), 2.0);
      CHECK_EQ(scale_of(diffusers.unet, "down_blocks.0.resnets.0.conv1"), 0.5);       // r 2, alpha 1
      CHECK_EQ(scale_of(diffusers.unet, "down_blocks.0.attentions.0.proj_in"), 0.5);  // r 4, alpha 2
      CHECK_EQ(scale_of(diffusers.unet, "down_blocks.0.downsamplers.0.conv"), 2.0);   // 3x3 stride 2
      CHECK_EQ(scale_of(diffusers.text_encoder, "text_model.encoder.layers.0.mlp.fc1"), 0.5);
      for (const auto& t : diffusers.unet)
        if (t.module_path == "down_blocks.0.resnets.0.conv1") CHECK_EQ(t.branch.down.sizes(), at::IntArrayRef({2, 32, 3, 3}));
    }
    at::Tensor out_d, out_k;
    {
      LoraAttachment a(sd, diffusers);
      out_d = run_unet(sd, LoraReference(family));
    }
    {
      LoraAttachment a(sd, kohya);
      out_k = run_unet(sd, LoraReference(family));
    }
    CHECK_MSG(at::equal(out_d, out_k), family << ": max diff " << max_abs_diff(out_d, out_k));
  }
}

TEST_CASE("UNet and text encoder with a LoRA equal diffusers at weights 1 and 0.5") {
  c10::InferenceMode guard;
  for (std::string family : {"sd1", "sd2"}) {
    StableDiffusionModel& sd = model(family);
    LoraReference ref(family);
    for (std::string naming : {"diffusers", "kohya"}) {
      LoraFile lora = read_lora_file(lora_path(family + "_lora_" + naming + ".safetensors"), sd);
      std::cout << " " << family << " " << naming << ": " << lora.unet.size() << " UNet layers, " << lora.text_encoder.size()
                << " text-encoder layers\n";
      for (double weight : {1.0, 0.5}) {
        LoraAttachment attach(sd, lora, weight);
        CHECK_CLOSE(family + " " + naming + " unet at weight " + (weight == 1.0 ? "1" : "0.5"), run_unet(sd, ref),
                    ref[weight == 1.0 ? "unet.out_scale_1" : "unet.out_scale_0.5"], fp32_tolerance());
        if (weight == 1.0)
          CHECK_CLOSE(family + " " + naming + " text encoder", run_text(sd, ref), ref["text.last_hidden_state"],
                      fp32_tolerance());
      }
    }
    // and without it, the base model (the LoRA changes the output by far more than the tolerance)
    CHECK_CLOSE(family + " base unet", run_unet(sd, ref), ref["unet.out_base"], fp32_tolerance());
    CHECK(max_abs_diff(ref["unet.out_base"], ref["unet.out_scale_1"]) > 100 * fp32_tolerance());
  }
}

TEST_CASE("per-sample LoRA scales: one batch-2 call with s = [1, 0.5] equals two batch-1 calls") {
  c10::InferenceMode guard;
  for (std::string family : {"sd1", "sd2"}) {  // sd1's LoRA has conv (LoCon) layers too
    StableDiffusionModel& sd = model(family);
    LoraReference ref(family);
    LoraFile lora = read_lora_file(lora_path(family + "_lora_diffusers.safetensors"), sd);
    LoraAttachment attach(sd, lora);
    const auto opts = at::TensorOptions().dtype(at::kFloat).device(test_device());
    at::Tensor batched, first, second;
    {
      ScopedLoraSampleScales s(at::tensor({1.0f, 0.5f}, opts));
      batched = run_unet(sd, ref);
    }
    {
      ScopedLoraSampleScales s(at::tensor({1.0f}, opts));
      first = run_unet(sd, ref, 0, 1);
    }
    {
      ScopedLoraSampleScales s(at::tensor({0.5f}, opts));
      second = run_unet(sd, ref, 1, 1);
    }
    CHECK(!current_lora_sample_scales().defined());
    CHECK_CLOSE(family + " sample 0 (s = 1)", batched.narrow(0, 0, 1), first, 1e-5);
    CHECK_CLOSE(family + " sample 1 (s = 0.5)", batched.narrow(0, 1, 1), second, 1e-5);
    // and each equals diffusers at that weight
    CHECK_CLOSE(family + " sample 0 vs diffusers", batched.narrow(0, 0, 1), ref["unet.out_scale_1"].narrow(0, 0, 1),
                fp32_tolerance());
    CHECK_CLOSE(family + " sample 1 vs diffusers", batched.narrow(0, 1, 1), ref["unet.out_scale_0.5"].narrow(0, 1, 1),
                fp32_tolerance());
    {
      ScopedLoraSampleScales s(at::tensor({1.0f, 0.5f, 0.25f}, opts));
      CHECK_THROWS_WITH(run_unet(sd, ref), "LoRA sample scales", "batch is 2");
    }
  }
}

TEST_CASE("detaching restores the base model exactly; LoRAs stack and detach in any order") {
  c10::InferenceMode guard;
  StableDiffusionModel& sd = model("sd1");
  LoraReference ref("sd1");
  const at::Tensor base = run_unet(sd, ref), base_text = run_text(sd, ref);
  LoraFile a = read_lora_file(lora_path("sd1_lora_diffusers.safetensors"), sd);
  LoraFile b = read_lora_file(lora_path("sd1_lora_kohya.safetensors"), sd);
  at::Tensor at_1_5;
  {
    LoraAttachment one(sd, a, 1.5);
    CHECK_EQ(one.layer_count(), a.unet.size() + a.text_encoder.size());
    at_1_5 = run_unet(sd, ref);
  }
  CHECK(at::equal(run_unet(sd, ref), base));
  auto first = std::make_unique<LoraAttachment>(sd, a, 1.0);
  auto second = std::make_unique<LoraAttachment>(sd, b, 0.5);
  CHECK_CLOSE("two LoRAs (1 + 0.5) vs one at 1.5", run_unet(sd, ref), at_1_5, 1e-5);
  first.reset();  // not in reverse order of attaching
  CHECK_CLOSE("the second alone", run_unet(sd, ref), ref["unet.out_scale_0.5"], fp32_tolerance());
  second.reset();
  CHECK(at::equal(run_unet(sd, ref), base));
  CHECK(at::equal(run_text(sd, ref), base_text));
  auto* to_q = dynamic_cast<Linear*>(sd.unet().find_module("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q"));
  REQUIRE(to_q != nullptr);
  CHECK(to_q->loras.empty());
}

TEST_CASE("older diffusers names, flattened CLIP names and missing alphas") {
  c10::InferenceMode guard;
  TempFolder dir;
  StableDiffusionModel& sd = model("sd2");
  const fs::path source = lora_path("sd2_lora_diffusers.safetensors");
  LoraFile reference = read_lora_file(source, sd);
  auto file = SafetensorsFile::open(source);
  const auto metadata = file->header().metadata;

  // attention-processor names: unet.<block>.attn1.processor.to_q_lora.down.weight, to_out_lora (= to_out.0),
  // text_encoder.text_model.<layer>.self_attn.q_proj.lora_linear_layer.down.weight
  std::vector<std::pair<std::string, at::Tensor>> renamed;
  for (auto [key, t] : tensors_of(source)) {
    if (key.rfind("unet.", 0) == 0) {
      for (std::string proj : {"to_q", "to_k", "to_v"}) {
        key = replace_all(key, "." + proj + ".lora_A.weight", ".processor." + proj + "_lora.down.weight");
        key = replace_all(key, "." + proj + ".lora_B.weight", ".processor." + proj + "_lora.up.weight");
      }
      key = replace_all(key, ".to_out.0.lora_A.weight", ".processor.to_out_lora.down.weight");
      key = replace_all(key, ".to_out.0.lora_B.weight", ".processor.to_out_lora.up.weight");
    } else {
      key = replace_all(key, "text_encoder.encoder.", "text_encoder.text_model.encoder.");
      key = replace_all(key, ".lora_A.weight", ".lora_linear_layer.down.weight");
      key = replace_all(key, ".lora_B.weight", ".lora_linear_layer.up.weight");
    }
    renamed.emplace_back(key, t);
  }
  write_safetensors(dir.path() / "processor.safetensors", renamed, metadata);
  check_same_lora(reference, read_lora_file(dir.path() / "processor.safetensors", sd));

  // without diffusers' metadata: alpha = rank, scale 1 (what diffusers does)
  write_safetensors(dir.path() / "no_metadata.safetensors", tensors_of(source));
  LoraFile plain = read_lora_file(dir.path() / "no_metadata.safetensors", sd);
  for (const auto* list : {&plain.unet, &plain.text_encoder})
    for (const auto& t : *list) CHECK_EQ(t.branch.scale, 1.0);

  // kohya: lora_te1_ (diffusers' kohya export), CLIP paths without text_model_, alpha missing or 0
  const fs::path kohya_source = lora_path("sd2_lora_kohya.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> te1, no_alpha;
  for (auto [key, t] : tensors_of(kohya_source)) {
    std::string k1 = replace_all(key, "lora_te_text_model_", "lora_te1_");
    te1.emplace_back(k1, t);
    if (key.find(".alpha") == std::string::npos)
      no_alpha.emplace_back(key, t);
    else if (key.find("lora_te_") == 0)
      no_alpha.emplace_back(key, at::zeros({}, at::kHalf));  // 0 means rank, too
  }
  write_safetensors(dir.path() / "te1.safetensors", te1);
  check_same_lora(read_lora_file(kohya_source, sd), read_lora_file(dir.path() / "te1.safetensors", sd));
  write_safetensors(dir.path() / "no_alpha.safetensors", no_alpha);
  LoraFile unit = read_lora_file(dir.path() / "no_alpha.safetensors", sd);
  for (const auto* list : {&unit.unet, &unit.text_encoder})
    for (const auto& t : *list) CHECK_EQ(t.branch.scale, 1.0);
}

TEST_CASE("1x1 conv layers take 2-D LoRA weights too (kohya files from Linear-projection tools)") {
  c10::InferenceMode guard;
  TempFolder dir;
  StableDiffusionModel& sd = model("sd1");  // proj_in / proj_out are 1x1 convs in SD1
  const fs::path source = lora_path("sd1_lora_kohya.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> flat;
  int flattened = 0;
  for (auto [key, t] : tensors_of(source)) {
    if ((key.find("_proj_in.") != std::string::npos || key.find("_proj_out.") != std::string::npos) && t.dim() == 4) {
      t = t.flatten(1);
      ++flattened;
    }
    flat.emplace_back(key, t);
  }
  CHECK(flattened > 0);
  write_safetensors(dir.path() / "flat.safetensors", flat);
  check_same_lora(read_lora_file(source, sd), read_lora_file(dir.path() / "flat.safetensors", sd));
}

TEST_CASE("a bf16 model runs a LoRA in bf16 with per-sample scales") {
  c10::InferenceMode guard;
  LoadOptions o;
  o.device = test_device();
  o.dtype = at::kBFloat16;
  auto sd = StableDiffusionModel::load(fixture_root() / "sd1-tiny", o);
  LoraReference ref("sd1");
  LoraFile lora = read_lora_file(lora_path("sd1_lora_kohya.safetensors"), *sd);
  auto run = [&] {
    UNetConditioning cond;
    cond.encoder_hidden_states = ref["unet.encoder_hidden_states"].to(test_device(), at::kBFloat16);
    return sd->unet()
        .forward(ref["unet.sample"].to(test_device(), at::kBFloat16), ref["unet.timestep"].to(test_device()), cond)
        .to(at::kCPU, at::kFloat);
  };
  const double base_error = relative_error(run(), ref["unet.out_base"]);
  LoraAttachment attach(*sd, lora);
  at::Tensor out;
  {
    ScopedLoraSampleScales s(at::tensor({1.0f, 0.5f}, at::TensorOptions().device(test_device())));
    out = run();
  }
  const double e0 = relative_error(out.narrow(0, 0, 1), ref["unet.out_scale_1"].narrow(0, 0, 1));
  const double e1 = relative_error(out.narrow(0, 1, 1), ref["unet.out_scale_0.5"].narrow(0, 1, 1));
  std::cout << "  bf16 relative error: base " << base_error << ", with the LoRA " << e0 << " (s = 1), " << e1 << " (s = 0.5)\n";
  CHECK(e0 <= 2 * base_error + 1e-2);
  CHECK(e1 <= 2 * base_error + 1e-2);
}

TEST_CASE("bad LoRA files are refused with messages that name the file and the key") {
  c10::InferenceMode guard;
  TempFolder dir;
  StableDiffusionModel& sd1 = model("sd1");
  StableDiffusionModel& sd2 = model("sd2");

  // an SD2 LoRA on the SD1 model: cross-attention context 48 vs 32, text width 48 vs 32
  CHECK_THROWS_WITH(read_lora_file(lora_path("sd2_lora_diffusers.safetensors"), sd1), "sd2_lora_diffusers.safetensors", "SD 1.x",
                    "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight: the file has [4,48]",
                    "needs [4,32]", "shape mismatch", "another model family");
  CHECK_THROWS_WITH(read_lora_file(lora_path("sd2_lora_kohya.safetensors"), sd1), "sd2_lora_kohya.safetensors",
                    "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight: the file has [4,48]",
                    "needs [4,32]");
  // an SD1 LoRA on the SD2 model: SD1 has two attentions per down block, the tiny SD2 one
  CHECK_THROWS_WITH(read_lora_file(lora_path("sd1_lora_kohya.safetensors"), sd2), "sd1_lora_kohya.safetensors", "SD 2.x",
                    "layer(s) this model does not have", "lora_unet_down_blocks_0_attentions_1_", "another model family");

  const auto lora_down = at::randn({4, 32}), lora_up = at::randn({32, 4});
  const std::string q = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";

  // SDXL names
  write_safetensors(dir.path() / "sdxl.safetensors",
                    {{"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight", at::randn({4, 640})},
                     {"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight", at::randn({640, 4})},
                     {"lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", at::randn({4, 1280})},
                     {"lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", at::randn({1280, 4})}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "sdxl.safetensors", sd1), "sdxl.safetensors", "another model family", "SDXL",
                    "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight",
                    "lora_te2_text_model_encoder_layers_0_self_attn_q_proj");

  // unrelated keys: a model checkpoint, and a LoRA with a stray tensor
  CHECK_THROWS_WITH(read_lora_file(fixture_root() / "sd1-tiny" / "unet" / "diffusion_pytorch_model.safetensors", sd1),
                    "diffusion_pytorch_model.safetensors", "is not a LoRA", "model checkpoint");
  write_safetensors(
      dir.path() / "stray.safetensors",
      {{q + ".lora_down.weight", lora_down}, {q + ".lora_up.weight", lora_up}, {"model.embedding.weight", at::randn({3})}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "stray.safetensors", sd1), "stray.safetensors", "not LoRA weights",
                    "model.embedding.weight");

  // a down without its up, and an up without its down
  write_safetensors(dir.path() / "half.safetensors", {{q + ".lora_down.weight", lora_down}, {q + ".alpha", at::tensor(4.0)}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "half.safetensors", sd1), "half.safetensors",
                    q + ".lora_down.weight has no lora_up.weight");
  write_safetensors(dir.path() / "half_b.safetensors",
                    {{"unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight", lora_up}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "half_b.safetensors", sd1),
                    "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight has no down weight");

  // down and up that do not fit each other
  write_safetensors(dir.path() / "rank.safetensors",
                    {{q + ".lora_down.weight", lora_down}, {q + ".lora_up.weight", at::randn({32, 8})}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "rank.safetensors", sd1), q + ".lora_up.weight: the file has [32,8]",
                    "needs [32,4]");

  // LoRA kinds we do not run
  write_safetensors(dir.path() / "loha.safetensors", {{q + ".hada_w1_a", lora_down}, {q + ".hada_w1_b", lora_down}});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "loha.safetensors", sd1), "loha.safetensors", "LoHa", q + ".hada_w1_a");

  // no tensors, a truncated file, not a safetensors file at all
  write_safetensors(dir.path() / "empty.safetensors", {});
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "empty.safetensors", sd1), "empty.safetensors", "holds no tensors");
  const fs::path truncated = dir.path() / "truncated.safetensors";
  fs::copy_file(lora_path("sd1_lora_kohya.safetensors"), truncated);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  CHECK_THROWS_WITH(read_lora_file(truncated, sd1), "cannot read LoRA file", "truncated.safetensors");
  { std::ofstream(dir.path() / "notes.safetensors") << "these are my LoRA notes"; }
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "notes.safetensors", sd1), "cannot read LoRA file", "notes.safetensors");
  CHECK_THROWS_WITH(read_lora_file(dir.path() / "missing.safetensors", sd1), "cannot read LoRA file", "missing.safetensors");

  // the whole messages, for the log
  for (const fs::path& bad : {dir.path() / "sdxl.safetensors", lora_path("sd1_lora_kohya.safetensors"),
                              dir.path() / "stray.safetensors", dir.path() / "loha.safetensors", truncated}) {
    try {
      read_lora_file(bad, bad.filename().string().rfind("sd1_", 0) == 0 ? sd2 : sd1);
    } catch (const std::exception& e) {
      std::cout << "  message: " << e.what() << "\n";
    }
  }

  // every refusal is an InputError (the UI shows these to the user)
  bool input_error = false;
  try {
    read_lora_file(lora_path("sd2_lora_kohya.safetensors"), sd1);
  } catch (const InputError&) {
    input_error = true;
  }
  CHECK(input_error);
}

STEER_TEST_MAIN()
