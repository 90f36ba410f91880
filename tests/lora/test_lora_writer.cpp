// Writing LoRA files (core/lora/lora_writer): the sd1 diffusers fixture (per-layer ranks and
// alphas, conv layers) written in kohya and diffusers naming reads back through read_lora_file
// to the same layers, bit-identical down/up and the same scales; the kohya file has the keys,
// 0-d alphas and __metadata__ kohya/A1111 expect; the diffusers re-write gives the same UNet
// output; a missing folder is an error naming the path.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <map>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/io/safetensors_file.h"
#include "core/lora/lora_file.h"
#include "core/lora/lora_writer.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "tests/parity/parity_support.h"
#include "tests/support/temp_folder.h"

using namespace steer;
using namespace steer::testing;
namespace fs = std::filesystem;

namespace {

fs::path lora_path(const std::string& name) { return fixture_root().parent_path() / "lora" / name; }

StableDiffusionModel& sd1() {
  static std::unique_ptr<StableDiffusionModel> m;
  if (!m) {
    LoadOptions o;
    o.device = test_device();
    m = StableDiffusionModel::load(fixture_root() / "sd1-tiny", o);
  }
  return *m;
}

at::Tensor run_unet(const StableDiffusionModel& m) {
  auto ref = SafetensorsFile::open(lora_path("sd1_lora_reference.safetensors"));
  UNetConditioning cond;
  cond.encoder_hidden_states = ref->tensor("unet.encoder_hidden_states").to(test_device());
  return m.unet()
      .forward(ref->tensor("unet.sample").to(test_device()), ref->tensor("unet.timestep").to(test_device()), cond)
      .cpu();
}

// Same layers (the writer orders tensors by name, so compared by path), bit-identical down/up
// (dtype and shape too), same scale.
void check_same_lora(const LoraFile& a, const LoraFile& b) {
  for (int part = 0; part < 2; ++part) {
    std::map<std::string, const LoraTarget*> tb;
    for (const auto& t : part ? b.text_encoder : b.unet) tb[t.module_path] = &t;
    const auto& ta = part ? a.text_encoder : a.unet;
    CHECK_EQ(ta.size(), tb.size());
    for (const auto& x : ta) {
      auto it = tb.find(x.module_path);
      CHECK_MSG(it != tb.end(), x.module_path << " is missing from " << b.path.filename());
      if (it == tb.end()) continue;
      const LoraTarget& y = *it->second;
      CHECK_MSG(x.branch.down.scalar_type() == y.branch.down.scalar_type() && at::equal(x.branch.down, y.branch.down),
                x.module_path << " down differs");
      CHECK_MSG(x.branch.up.scalar_type() == y.branch.up.scalar_type() && at::equal(x.branch.up, y.branch.up),
                x.module_path << " up differs");
      CHECK_MSG(x.branch.scale == y.branch.scale, x.module_path << " scale " << x.branch.scale << " vs " << y.branch.scale);
    }
  }
}

std::string meta_of(const SafetensorsFile& f, const std::string& key) {
  for (const auto& [k, v] : f.header().metadata)
    if (k == key) return v;
  return "<absent>";
}

}  // namespace

TEST_CASE("a LoRA written in kohya and diffusers naming reads back to the same branches") {
  c10::InferenceMode guard;
  StableDiffusionModel& sd = sd1();
  const LoraFile original = read_lora_file(lora_path("sd1_lora_diffusers.safetensors"), sd);
  REQUIRE(!original.unet.empty());
  REQUIRE(!original.text_encoder.empty());
  // the fixture has what the writer must carry: several ranks and alphas, 3x3 convs
  std::map<double, int> scales;
  bool has_conv = false;
  for (const auto& t : original.unet) {
    scales[t.branch.scale]++;
    has_conv = has_conv || (t.branch.down.dim() == 4 && t.branch.down.size(2) == 3);
  }
  CHECK(scales.size() > 1);
  CHECK(has_conv);

  TempFolder tmp;
  const fs::path kohya_path = tmp.path() / "out_kohya.safetensors";
  const fs::path diffusers_path = tmp.path() / "out_diffusers.safetensors";
  write_lora_file(kohya_path, original, LoraNaming::Kohya, {{"ss_base_model_version", "sd_v1"}, {"steer.trainer", "test"}});
  write_lora_file(diffusers_path, original, LoraNaming::Diffusers, {{"steer.trainer", "test"}});

  const LoraFile kohya = read_lora_file(kohya_path, sd);
  const LoraFile diffusers = read_lora_file(diffusers_path, sd);
  CHECK_EQ(kohya.naming, "kohya");
  CHECK_EQ(diffusers.naming, "diffusers");
  check_same_lora(original, kohya);
  check_same_lora(original, diffusers);
  CHECK_EQ(kohya.rank(), original.rank());

  // kohya / A1111 layout
  {
    auto f = SafetensorsFile::open(kohya_path);
    std::map<std::string, at::Tensor> t;
    for (const auto& info : f->header().tensors) t[info.name] = f->tensor(info);
    CHECK_EQ(t.size(), 3 * (original.unet.size() + original.text_encoder.size()));
    const std::string q = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
    REQUIRE(t.count(q + ".lora_down.weight") && t.count(q + ".lora_up.weight") && t.count(q + ".alpha"));
    CHECK_EQ(t[q + ".alpha"].dim(), 0);
    CHECK_EQ(t[q + ".alpha"].scalar_type(), at::kFloat);
    const int64_t q_rank = t[q + ".lora_down.weight"].size(0);
    CHECK_EQ(t[q + ".alpha"].item<double>(), 2.0 * q_rank);  // scale 2 in the fixture
    const std::string conv = "lora_unet_down_blocks_0_resnets_0_conv1";
    REQUIRE(t.count(conv + ".alpha"));
    CHECK_EQ(t[conv + ".alpha"].item<double>(), 1.0);  // r 2, alpha 1
    CHECK_EQ(t[conv + ".lora_down.weight"].sizes(), at::IntArrayRef({2, 32, 3, 3}));
    CHECK(t.count("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0.lora_up.weight"));
    CHECK(t.count("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"));
    for (const auto& [name, tensor] : t) {
      CHECK_MSG(name.rfind("lora_unet_", 0) == 0 || name.rfind("lora_te_", 0) == 0, name);
      if (name.size() > 6 && name.compare(name.size() - 6, 6, ".alpha") == 0) CHECK_MSG(tensor.dim() == 0, name << " is not 0-d");
    }
    CHECK_EQ(meta_of(*f, "ss_network_module"), "networks.lora");
    CHECK_EQ(meta_of(*f, "ss_network_dim"), std::to_string(original.rank()));
    CHECK(meta_of(*f, "ss_network_alpha") != "<absent>");
    CHECK_EQ(meta_of(*f, "ss_base_model_version"), "sd_v1");
    CHECK_EQ(meta_of(*f, "steer.trainer"), "test");
    CHECK_EQ(meta_of(*f, "lora_adapter_metadata"), "<absent>");
  }
  // diffusers / PEFT layout
  {
    auto f = SafetensorsFile::open(diffusers_path);
    bool has_a = false, has_b = false, has_te = false;
    for (const auto& info : f->header().tensors) {
      const std::string& n = info.name;
      CHECK_MSG(n.rfind("unet.", 0) == 0 || n.rfind("text_encoder.", 0) == 0, n);
      has_a = has_a || n == "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight";
      has_b = has_b || n == "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight";
      has_te = has_te || n == "text_encoder.text_model.encoder.layers.0.mlp.fc1.lora_A.weight";
    }
    CHECK(has_a && has_b && has_te);
    const json::Value adapter = json::parse(meta_of(*f, "lora_adapter_metadata"));
    CHECK(adapter.contains("unet.r") && adapter.contains("unet.lora_alpha"));
    CHECK(adapter.contains("unet.alpha_pattern") && adapter.contains("text_encoder.lora_alpha"));
    CHECK_EQ(meta_of(*f, "steer.trainer"), "test");
  }

  // the re-written diffusers file drives the UNet exactly as the original does
  at::Tensor out_original, out_written;
  {
    LoraAttachment a(sd, original);
    out_original = run_unet(sd);
  }
  {
    LoraAttachment a(sd, diffusers);
    out_written = run_unet(sd);
  }
  CHECK_MSG(at::equal(out_original, out_written), "max diff " << max_abs_diff(out_original, out_written));
  CHECK(max_abs_diff(out_original, run_unet(sd)) > 0);  // the LoRA did something
}

TEST_CASE("writing a LoRA into a missing folder is an error naming the path") {
  c10::InferenceMode guard;
  const LoraFile lora = read_lora_file(lora_path("sd1_lora_diffusers.safetensors"), sd1());
  TempFolder tmp;
  const fs::path target = tmp.path() / "no_such_folder" / "out.safetensors";
  CHECK_THROWS_WITH(write_lora_file(target, lora, LoraNaming::Kohya), target.string(), "does not exist");
  CHECK_THROWS_WITH(write_lora_file(target, lora, LoraNaming::Diffusers), target.string());
  CHECK(!fs::exists(target));
  LoraFile empty;
  CHECK_THROWS_WITH(write_lora_file(tmp.path() / "e.safetensors", empty, LoraNaming::Kohya), "no layers");
}

STEER_TEST_MAIN()
