// What `steer info` and the GUI show about a model folder.
#include <ATen/ATen.h>

#include <cstdlib>

#include "core/io/safetensors_file.h"
#include "core/pipeline/model_inspection.h"
#include "tests/support/test_harness.h"

using namespace steer;
namespace fs = std::filesystem;

namespace {
fs::path fixture(const std::string& name) { return fs::path(std::getenv("STEER_FIXTURES")) / "parity" / name; }

// Independent count: numel of every floating-point tensor in the component's files.
int64_t float_numel_in(const std::vector<fs::path>& files) {
  int64_t n = 0;
  for (const auto& f : files) {
    auto file = SafetensorsFile::open(f);
    for (const auto& t : file->header().tensors)
      if (t.dtype == safetensors::DType::F32 || t.dtype == safetensors::DType::F16 || t.dtype == safetensors::DType::BF16)
        n += t.numel();
  }
  return n;
}
}  // namespace

TEST_CASE("summary of the tiny SD1 and SD2 folders") {
  for (const std::string family : {"sd1", "sd2"}) {
    ModelSummary s = inspect_model_folder(fixture(family + "-tiny"));
    CHECK_EQ(s.family, std::string(family == "sd1" ? "SD 1.x" : "SD 2.x"));
    CHECK_EQ(s.pipeline_class, std::string("StableDiffusionPipeline"));
    CHECK_EQ(s.prediction_type, std::string(family == "sd1" ? "epsilon" : "v_prediction"));
    CHECK_EQ(s.weights_variant, std::string(""));
    // UNet sample_size 8 x a 4-level VAE's 8-pixel latent cells (the fixtures' configs).
    CHECK_EQ(s.latent_factor, 8);
    CHECK_EQ(s.native_resolution, 64);
    REQUIRE(s.components.size() == 5);
    int64_t total = 0;
    for (const auto& c : s.components) {
      if (c.name == "tokenizer" || c.name == "scheduler") {
        CHECK(c.parameter_count == 0 && c.weight_files.empty());
        continue;
      }
      CHECK_MSG(c.parameter_count > 0, c.name);
      CHECK_MSG(c.parameter_count == float_numel_in(c.weight_files), c.name << ": " << c.parameter_count);
      int64_t by_dtype = 0;
      for (const auto& [dtype, n] : c.parameters_by_dtype) by_dtype += n;
      CHECK_MSG(by_dtype == c.parameter_count, c.name << ": dtype rows add up to " << by_dtype);
      CHECK_MSG(c.parameters_by_dtype.size() == 1 && c.parameters_by_dtype[0].first == "F32", c.name);
      total += c.parameter_count;
    }
    CHECK_EQ(s.total_parameters(), total);
  }
}

TEST_CASE("an fp16-only folder reports F16 storage") {
  ModelSummary s = inspect_model_folder(fixture("sd1-tiny-fp16only"));
  CHECK_EQ(s.weights_variant, std::string("fp16"));
  for (const auto& c : s.components)
    if (c.parameter_count > 0) CHECK_MSG(c.parameters_by_dtype.size() == 1 && c.parameters_by_dtype[0].first == "F16", c.name);
}

TEST_CASE("parameter counts read as people write them") {
  CHECK_EQ(format_parameter_count(859520964), std::string("859.5 M"));
  CHECK_EQ(format_parameter_count(2567463684), std::string("2.57 B"));
  CHECK_EQ(format_parameter_count(1234), std::string("1.2 K"));
  CHECK_EQ(format_parameter_count(12), std::string("12"));
}

STEER_TEST_MAIN()
