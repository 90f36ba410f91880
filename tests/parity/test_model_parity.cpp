// Parity of the engine's text encoder, UNet and VAE with transformers/diffusers on the
// tiny random-weight fixtures (tests/fixtures/make_parity_fixtures.py), fp32 on CPU:
// every output within 1e-4 max-abs. Also fp16 weight files loaded into fp32 and bf16
// compute against the fp32 reference at looser, stated tolerances.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <map>

#include "core/pipeline/stable_diffusion_model.h"
#include "tests/parity/parity_support.h"

using namespace steer;
using namespace steer::testing;

namespace {

const double kFp32Tolerance = fp32_tolerance();

LoadOptions options_for(at::ScalarType dtype = at::kFloat) {
  LoadOptions o;
  o.device = test_device();
  o.dtype = dtype;
  return o;
}

std::filesystem::path model_folder(const std::string& family) { return fixture_root() / (family + "-tiny"); }

void check_text_encoder(const std::string& family) {
  c10::InferenceMode guard;
  auto model = load_clip_text_model(model_folder(family) / "text_encoder", options_for());
  Reference ref("text_" + family);
  at::Tensor ids = ref["input_ids"].to(at::kLong).to(test_device());
  auto out = model->forward(ids, /*keep_hidden_states=*/true);
  CHECK_CLOSE("last_hidden_state", out.last_hidden_state.cpu(), ref["last_hidden_state"], kFp32Tolerance);
  CHECK_CLOSE("pooler_output", out.pooled.cpu(), ref["pooler_output"], kFp32Tolerance);
  for (size_t i = 0; i < out.hidden_states.size(); ++i)
    CHECK_CLOSE("hidden_state_" + std::to_string(i), out.hidden_states[i].cpu(), ref["hidden_state_" + std::to_string(i)],
                kFp32Tolerance);
  CHECK(ref.has("hidden_state_" + std::to_string(out.hidden_states.size() - 1)));
  CHECK(!ref.has("hidden_state_" + std::to_string(out.hidden_states.size())));
  for (int skip = 1; ref.has("clip_skip_" + std::to_string(skip)); ++skip)
    CHECK_CLOSE("clip_skip_" + std::to_string(skip), model->encode(ids, skip).cpu(), ref["clip_skip_" + std::to_string(skip)],
                kFp32Tolerance);
}

struct BlockOutputs {
  std::map<std::string, at::Tensor> values;
  static void record(void* self, const char* label, const at::Tensor& v) {
    std::string name = label;  // "down.0" -> the fixture's "down0"
    name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
    static_cast<BlockOutputs*>(self)->values[name] = v.to(at::kCPU, at::kFloat);
  }
};

void check_unet(const std::string& family, at::ScalarType dtype, double tolerance) {
  c10::InferenceMode guard;
  auto unet = load_unet(model_folder(family) / "unet", options_for(dtype));
  Reference ref("unet_" + family);
  BlockOutputs blocks;
  unet->set_probe(&BlockOutputs::record, &blocks);
  int cases = 0;
  for (int k = 0; ref.has("case" + std::to_string(k) + ".sample"); ++k, ++cases) {
    const std::string c = "case" + std::to_string(k);
    UNetConditioning cond;
    cond.encoder_hidden_states = ref[c + ".encoder_hidden_states"].to(test_device(), dtype);
    at::Tensor sample = ref[c + ".sample"];
    at::Tensor t = ref[c + ".timestep"].to(test_device());
    std::cout << " " << family << " " << c << ": latent " << sample.size(2) << "x" << sample.size(3) << ", t = " << t << "\n";
    at::Tensor out = unet->forward(sample.to(test_device(), dtype), t, cond).to(at::kCPU, at::kFloat);
    if (dtype == at::kFloat) {
      CHECK_CLOSE(c + ".out", out, ref[c + ".out"], tolerance);
    } else {
      // Our bf16 error against the fp32 reference may be at most 1.5x diffusers' own bf16
      // error on the same weights and inputs, plus `tolerance` (relative to max |ref|).
      REQUIRE(ref.has(c + ".out_bf16"));
      const double ours = relative_error(out, ref[c + ".out"]);
      const double theirs = relative_error(ref[c + ".out_bf16"], ref[c + ".out"]);
      std::cout << "  " << c << ": bf16 relative error ours " << ours << ", diffusers " << theirs << "\n";
      CHECK_MSG(ours <= 1.5 * theirs + tolerance, c << ": bf16 error " << ours << " vs diffusers' " << theirs);
    }
    if (dtype == at::kFloat)
      for (const auto& [name, value] : blocks.values)
        if (ref.has(c + "." + name)) CHECK_CLOSE(c + "." + name, value, ref[c + "." + name], tolerance);
  }
  CHECK(cases >= 3);
}

void check_vae(const std::string& family) {
  c10::InferenceMode guard;
  auto vae = load_vae(model_folder(family) / "vae", options_for());
  Reference ref("vae_" + family);
  const at::Device d = test_device();
  auto dist = vae->encode(ref["image"].to(d));
  CHECK_CLOSE("latent_mean", dist.mean.cpu(), ref["latent_mean"], kFp32Tolerance);
  CHECK_CLOSE("latent_logvar", dist.logvar.cpu(), ref["latent_logvar"], kFp32Tolerance);
  CHECK_CLOSE("latent_sample", dist.sample(ref["noise"].to(d)).cpu(), ref["latent_sample"], kFp32Tolerance);
  CHECK_CLOSE("decode_out", vae->decode(ref["decode_in"].to(d)).cpu(), ref["decode_out"], kFp32Tolerance);
}

}  // namespace

TEST_CASE("sd1 text encoder (quick_gelu, clip skip) equals transformers") { check_text_encoder("sd1"); }
TEST_CASE("sd2 text encoder (gelu) equals transformers") { check_text_encoder("sd2"); }
TEST_CASE("sd1 unet (conv projection) equals diffusers, fp32") { check_unet("sd1", at::kFloat, kFp32Tolerance); }
TEST_CASE("sd2 unet (linear projection, head list, upcast) equals diffusers, fp32") {
  check_unet("sd2", at::kFloat, kFp32Tolerance);
}
TEST_CASE("sd1 vae encode and decode equal diffusers") { check_vae("sd1"); }
TEST_CASE("sd2 vae encode and decode equal diffusers") { check_vae("sd2"); }

// bf16 keeps 8 bits of mantissa (relative rounding ~4e-3 per op), compounded over the
// tiny UNet's ~60 layers with deliberately large random weights: both implementations
// land 2-4 % (relative to max |ref|) from fp32. Stated tolerance: ours <= 1.5 x diffusers'
// bf16 error + 1e-2.
TEST_CASE("sd1 unet in bf16 is as close to fp32 as diffusers in bf16") { check_unet("sd1", at::kBFloat16, 1e-2); }
TEST_CASE("sd2 unet in bf16 is as close to fp32 as diffusers in bf16") { check_unet("sd2", at::kBFloat16, 1e-2); }

// fp16 (10 mantissa bits) rounds less than bf16 (7), so the same bound holds a fortiori.
// CPU fp16 convolutions are slow and partly unsupported, so this runs on CUDA only.
TEST_CASE("unet in fp16 on CUDA is as close to fp32 as diffusers in bf16") {
  if (!test_device().is_cuda()) {
    std::cout << "  (CUDA only; skipped on the CPU)\n";
    return;
  }
  check_unet("sd1", at::kHalf, 1e-2);
  check_unet("sd2", at::kHalf, 1e-2);
}

// A control: the comparison must notice a small error in one attention projection (a
// 10 % scale error, the size of using a wrong head_dim in the attention scale).
TEST_CASE("control: a 10 % error in one attention weight is caught") {
  c10::InferenceMode guard;
  auto unet = load_unet(model_folder("sd1") / "unet", options_for());
  for (const auto& p : unet->named_parameters())
    if (p.name == "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight") *p.tensor = *p.tensor * 1.1;
  Reference ref("unet_sd1");
  UNetConditioning cond;
  cond.encoder_hidden_states = ref["case0.encoder_hidden_states"].to(test_device());
  at::Tensor out = unet->forward(ref["case0.sample"].to(test_device()), ref["case0.timestep"].to(test_device()), cond).cpu();
  const double diff = max_abs_diff(out, ref["case0.out"]);
  std::cout << "  perturbed model differs by " << diff << "\n";
  CHECK(diff > 100 * kFp32Tolerance);
}

TEST_CASE("fp16 weight files load into fp32 and match diffusers run on the same fp16 weights") {
  c10::InferenceMode guard;
  LoadOptions options = options_for();
  options.variant = WeightsVariant::Fp16;
  auto unet = load_unet(model_folder("sd1") / "unet", options);
  auto text = load_clip_text_model(model_folder("sd1") / "text_encoder", options);
  auto vae = load_vae(model_folder("sd1") / "vae", options);
  // The stored dtype is F16; the engine computes in fp32.
  CHECK(unet->named_parameters()[0].tensor->scalar_type() == at::kFloat);
  Reference ref("fp16w_sd1");
  const at::Device d = test_device();
  CHECK_CLOSE("text.last_hidden_state", text->forward(ref["text.input_ids"].to(at::kLong).to(d)).last_hidden_state.cpu(),
              ref["text.last_hidden_state"], kFp32Tolerance);
  UNetConditioning cond;
  cond.encoder_hidden_states = ref["unet.encoder_hidden_states"].to(d);
  CHECK_CLOSE("unet.out", unet->forward(ref["unet.sample"].to(d), ref["unet.timestep"].to(d), cond).cpu(), ref["unet.out"],
              kFp32Tolerance);
  CHECK_CLOSE("vae.decode_out", vae->decode(ref["vae.decode_in"].to(d)).cpu(), ref["vae.decode_out"], kFp32Tolerance);
}

TEST_CASE("a folder with only fp16 files loads in Auto mode") {
  c10::InferenceMode guard;
  auto model = StableDiffusionModel::load(fixture_root() / "sd1-tiny-fp16only", options_for());
  CHECK(model->family() == ModelFamily::SD1);
  CHECK(model->unet().named_parameters()[0].tensor->scalar_type() == at::kFloat);
}

TEST_CASE("whole pipelines: prompt -> tokenizer -> text encoder equals transformers") {
  c10::InferenceMode guard;
  // The two prompts make_parity_fixtures.py encoded for text_<family>.safetensors.
  const char* prompts[] = {"a photo of a cat", "An astronaut riding a horse on Mars, highly detailed, 8k!"};
  for (const std::string family : {"sd1", "sd2"}) {
    auto model = StableDiffusionModel::load(model_folder(family), options_for());
    CHECK(model->family() == (family == "sd1" ? ModelFamily::SD1 : ModelFamily::SD2));
    CHECK_EQ(model->prediction_type(), std::string(family == "sd1" ? "epsilon" : "v_prediction"));
    Reference ref("text_" + family);
    for (int row = 0; row < 2; ++row)
      CHECK_CLOSE(family + " encode_prompt row " + std::to_string(row), model->encode_prompt(prompts[row]).cpu(),
                  ref["last_hidden_state"].slice(0, row, row + 1), kFp32Tolerance);
  }
}

STEER_TEST_MAIN()
