// The slow tier: SD1.5's and SD2.1's real UNet, VAE and text-encoder configs with random
// weights made at test time, compared with diffusers at a small latent size.
// Tolerance: relative error (max |ours - ref| / max |ref|) <= 1e-3.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/pipeline/stable_diffusion_model.h"
#include "tests/parity/parity_support.h"

using namespace steer;
using namespace steer::testing;

namespace {

constexpr double kRelativeTolerance = 1e-3;

void check_family(const std::string& family, const std::string& folder_name) {
  c10::InferenceMode guard;
  const auto folder = fixture_root() / folder_name;
  {
    auto text = load_clip_text_model(folder / "text_encoder", {});
    Reference ref("text_" + family);
    auto out = text->forward(ref["input_ids"].to(at::kLong));
    CHECK_RELATIVE(family + " text last_hidden_state", out.last_hidden_state, ref["last_hidden_state"], kRelativeTolerance);
  }
  {
    auto unet = load_unet(folder / "unet", {});
    Reference ref("unet_" + family);
    int cases = 0;
    for (int k = 0; ref.has("case" + std::to_string(k) + ".sample"); ++k, ++cases) {
      const std::string c = "case" + std::to_string(k);
      UNetConditioning cond;
      cond.encoder_hidden_states = ref[c + ".encoder_hidden_states"];
      CHECK_RELATIVE(family + " unet " + c, unet->forward(ref[c + ".sample"], ref[c + ".timestep"], cond), ref[c + ".out"],
                     kRelativeTolerance);
    }
    CHECK(cases >= 1);
  }
  {
    auto vae = load_vae(folder / "vae", {});
    Reference ref("vae_" + family);
    CHECK_RELATIVE(family + " vae latent_mean", vae->encode(ref["image"]).mean, ref["latent_mean"], kRelativeTolerance);
    CHECK_RELATIVE(family + " vae decode", vae->decode(ref["decode_in"]), ref["decode_out"], kRelativeTolerance);
  }
}

}  // namespace

TEST_CASE("SD1.5 real configs, random weights: text encoder, unet, vae equal diffusers") { check_family("sd15", "sd15-random"); }
TEST_CASE("SD2.1 real configs, random weights: text encoder, unet, vae equal diffusers") { check_family("sd21", "sd21-random"); }

STEER_TEST_MAIN()
