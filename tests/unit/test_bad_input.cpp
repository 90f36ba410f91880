// The bad-input catalogue: each broken file or folder gives an InputError that names the
// file, the key or value at fault and what was expected, and nothing crashes or hangs.
#include <c10/core/InferenceMode.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/generation/sweep_plan.h"
#include "core/io/safetensors_file.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
namespace fs = std::filesystem;
using steer::testing::TempFolder;

namespace {

// A safetensors file from a literal header and a data size.
fs::path raw_safetensors(const fs::path& dir, const std::string& name, const std::string& header, size_t data_bytes,
                         int64_t claimed_length = -1) {
  const fs::path file = dir / name;
  std::ofstream out(file, std::ios::binary);
  uint64_t n = claimed_length >= 0 ? static_cast<uint64_t>(claimed_length) : header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << std::string(data_bytes, '\0');
  return file;
}

fs::path fixture(const std::string& name) {
  const char* root = std::getenv("STEER_FIXTURES");
  if (!root) throw std::runtime_error("STEER_FIXTURES is not set: run through ctest");
  return fs::path(root) / "parity" / name;
}

// A private, writable copy of a fixture model to break.
fs::path copy_model(const TempFolder& dir, const std::string& name) {
  fs::copy(fixture(name), dir.path() / name, fs::copy_options::recursive);
  return dir.path() / name;
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_text(file);
  auto pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error(file.string() + " has no \"" + from + "\"");
  write_text(file, text.replace(pos, from.size(), to));
}

}  // namespace

// ---------------------------------------------------------------- safetensors files

TEST_CASE("a file shorter than its 8-byte length prefix") {
  TempFolder dir;
  write_text(dir.path() / "short.safetensors", "abc");
  CHECK_THROWS_WITH(SafetensorsFile::open(dir.path() / "short.safetensors"), "short.safetensors", "truncated");
}

TEST_CASE("truncated safetensors: the header claims more bytes than the file has") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "trunc.safetensors", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 0, 500);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "trunc.safetensors", "runs past the end");
}

TEST_CASE("truncated safetensors: the data ends before the last tensor") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "cut.safetensors", R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 10);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "cut.safetensors", "\"a\"", "out of range");
}

TEST_CASE("absurd header length") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "huge.safetensors", "{}", 0, int64_t(1) << 40);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "huge.safetensors", "exceeds the limit");
}

TEST_CASE("header that is not JSON") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "notjson.safetensors", "{\"a\": [1, 2", 0);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "notjson.safetensors", "not valid JSON");
}

TEST_CASE("overlapping offsets") {
  TempFolder dir;
  auto f = raw_safetensors(
      dir.path(), "overlap.safetensors",
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "overlap.safetensors", "\"b\"", "overlaps", "\"a\"");
}

TEST_CASE("a gap between tensors") {
  TempFolder dir;
  auto f = raw_safetensors(
      dir.path(), "gap.safetensors",
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "gap.safetensors", "gap", "\"b\"");
}

TEST_CASE("dtype and shape that do not match the byte length") {
  TempFolder dir;
  auto f =
      raw_safetensors(dir.path(), "mismatch.safetensors", R"({"w":{"dtype":"F16","shape":[3,3],"data_offsets":[0,36]}})", 36);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "mismatch.safetensors", "\"w\"", "F16", "[3,3]", "needs 18 bytes", "span 36");
}

TEST_CASE("unknown dtype, negative dims, duplicate keys, trailing bytes") {
  TempFolder dir;
  CHECK_THROWS_WITH(SafetensorsFile::open(raw_safetensors(dir.path(), "d.safetensors",
                                                          R"({"w":{"dtype":"F12","shape":[1],"data_offsets":[0,2]}})", 2)),
                    "d.safetensors", "unknown dtype \"F12\"");
  CHECK_THROWS_WITH(SafetensorsFile::open(raw_safetensors(dir.path(), "n.safetensors",
                                                          R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4)),
                    "n.safetensors", "shape entry");
  CHECK_THROWS_WITH(
      SafetensorsFile::open(raw_safetensors(
          dir.path(), "dup.safetensors",
          R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", 2)),
      "dup.safetensors", "duplicate key");
  CHECK_THROWS_WITH(SafetensorsFile::open(raw_safetensors(dir.path(), "tail.safetensors",
                                                          R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 5)),
                    "tail.safetensors", "cover 1 bytes", "has 5");
}

TEST_CASE("a shard index that names a missing shard") {
  TempFolder dir;
  write_text(dir.path() / "model.safetensors.index.json", R"({"weight_map": {"a": "model-00001-of-00002.safetensors"}})");
  CHECK_THROWS_WITH(read_weights(dir.path() / "model.safetensors.index.json"), "model-00001-of-00002.safetensors", "missing");
}

// ---------------------------------------------------------------- model folders

TEST_CASE("not a model folder: no model_index.json") {
  TempFolder dir;
  CHECK_THROWS_WITH(StableDiffusionModel::load(dir.path()), dir.path().string(), "model_index.json");
  CHECK_THROWS_WITH(StableDiffusionModel::load(dir.path() / "nowhere"), "nowhere", "not a folder");
}

TEST_CASE("missing component folder") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  fs::remove_all(model / "vae");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "\"vae\"", "missing");
}

TEST_CASE("config with an unknown block type") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  replace_in_file(model / "unet" / "config.json", "\"DownBlock2D\"", "\"SimpleDownBlock2D\"");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "unet/config.json", "down_block_types", "SimpleDownBlock2D", "supported");
}

TEST_CASE("config that is not JSON") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  write_text(model / "vae" / "config.json", "{ \"block_out_channels\": [32, ");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "vae/config.json", "not valid JSON");
}

TEST_CASE("missing and corrupt tokenizer files") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  fs::remove(model / "tokenizer" / "merges.txt");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "merges.txt");
  TempFolder dir2;
  auto model2 = copy_model(dir2, "sd1-tiny");
  write_text(model2 / "tokenizer" / "vocab.json", "this is not json");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model2), "vocab.json");
}

TEST_CASE("pickle weights are refused with the reason and the fix") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  for (const auto& e : fs::directory_iterator(model / "unet"))
    if (e.path().extension() == ".safetensors") fs::remove(e.path());
  write_text(model / "unet" / "diffusion_pytorch_model.bin", "not really a pickle");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "unet", "diffusion_pytorch_model.bin", "arbitrary code", "safetensors");
}

TEST_CASE("weights of the wrong family: SD2-like unet weights under an SD1-like config") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  fs::copy_file(fixture("sd2-tiny") / "unet" / "diffusion_pytorch_model.safetensors",
                model / "unet" / "diffusion_pytorch_model.safetensors", fs::copy_options::overwrite_existing);
  try {
    StableDiffusionModel::load(model);
    CHECK_MSG(false, "loading mismatched weights did not throw");
  } catch (const WeightMismatchError& e) {
    const std::string msg = e.what();
    CHECK_MSG(msg.find("diffusion_pytorch_model.safetensors") != std::string::npos, msg);
    CHECK_MSG(msg.find("shape mismatch") != std::string::npos, msg);
    CHECK_MSG(msg.find("proj_in.weight") != std::string::npos, msg);  // conv [C,C,1,1] vs linear [C,C]
  }
}

TEST_CASE("weights of the wrong size: a config that asks for other channel counts") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  replace_in_file(model / "vae" / "config.json", "\"latent_channels\": 4", "\"latent_channels\": 8");
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "vae", "quant_conv.weight", "expects");
}

TEST_CASE("components from different families: an SD2 text encoder beside an SD1 unet") {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  fs::remove_all(model / "text_encoder");
  fs::copy(fixture("sd2-tiny") / "text_encoder", model / "text_encoder", fs::copy_options::recursive);
  CHECK_THROWS_WITH(StableDiffusionModel::load(model), "cross_attention_dim", "hidden_size", "different model families");
}

// ---------------------------------------------------------------- counts in model configs

namespace {

// A count or size in a component's config.json that is zero, negative or not whole is the
// config's fault: refused with the file and the field, before any weights are matched (so
// never reported as a weight mismatch).
void check_config_refused(const std::string& component, const std::string& from, const std::string& to,
                          std::initializer_list<std::string> fragments) {
  TempFolder dir;
  auto model = copy_model(dir, "sd1-tiny");
  replace_in_file(model / component / "config.json", from, to);
  try {
    StableDiffusionModel::load(model);
    CHECK_MSG(false, component << "/config.json with " << to << " loaded");
  } catch (const WeightMismatchError& e) {
    CHECK_MSG(false, component << "/config.json with " << to << " was blamed on the weights: " << e.what());
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CHECK_MSG(msg.find(component + "/config.json") != std::string::npos, msg);
    for (const auto& f : fragments)
      CHECK_MSG(msg.find(f) != std::string::npos, "message \"" << msg << "\" lacks \"" << f << "\"");
  } catch (const std::exception& e) {
    CHECK_MSG(false, component << "/config.json with " << to << " gave an error that is not an InputError: " << e.what());
  }
}

}  // namespace

TEST_CASE("unet config: zero, negative and fractional counts name the config and the field") {
  check_config_refused("unet", "\"layers_per_block\": 2", "\"layers_per_block\": 0", {"\"layers_per_block\"", "found 0"});
  check_config_refused("unet", "\"layers_per_block\": 2", "\"layers_per_block\": 2.5", {"\"layers_per_block\"", "2.5"});
  check_config_refused("unet", "\"num_attention_heads\": null", "\"num_attention_heads\": -1",
                       {"\"num_attention_heads\"", "found -1"});
  check_config_refused("unet", "\"block_out_channels\": [\n    32,", "\"block_out_channels\": [\n    0,",
                       {"\"block_out_channels\"", "found 0"});
  check_config_refused("unet", "\"block_out_channels\": [\n    32,", "\"block_out_channels\": [\n    32.5,",
                       {"\"block_out_channels\"", "32.5"});
  check_config_refused("unet", "\"sample_size\": 8", "\"sample_size\": 0", {"\"sample_size\"", "found 0"});
  check_config_refused("unet", "\"cross_attention_dim\": 32", "\"cross_attention_dim\": -32",
                       {"\"cross_attention_dim\"", "found -32"});
  check_config_refused("unet", "\"transformer_layers_per_block\": 1", "\"transformer_layers_per_block\": 0",
                       {"\"transformer_layers_per_block\"", "found 0"});
  check_config_refused("unet", "\"in_channels\": 4", "\"in_channels\": 0", {"\"in_channels\"", "found 0"});
}

TEST_CASE("vae config: zero and negative counts name the config and the field") {
  check_config_refused("vae", "\"layers_per_block\": 2", "\"layers_per_block\": 0", {"\"layers_per_block\"", "found 0"});
  check_config_refused("vae", "\"sample_size\": 64", "\"sample_size\": -64", {"\"sample_size\"", "found -64"});
  check_config_refused("vae", "\"latent_channels\": 4", "\"latent_channels\": 0", {"\"latent_channels\"", "found 0"});
  check_config_refused("vae", "\"block_out_channels\": [\n    32,", "\"block_out_channels\": [\n    -32,",
                       {"\"block_out_channels\"", "-32"});
}

TEST_CASE("text encoder config: zero and negative sizes name the config and the field") {
  check_config_refused("text_encoder", "\"hidden_size\": 32", "\"hidden_size\": 0", {"\"hidden_size\"", "found 0"});
  check_config_refused("text_encoder", "\"vocab_size\": 49408", "\"vocab_size\": 0", {"\"vocab_size\"", "found 0"});
  check_config_refused("text_encoder", "\"num_hidden_layers\": 3", "\"num_hidden_layers\": -1",
                       {"\"num_hidden_layers\"", "found -1"});
  check_config_refused("text_encoder", "\"intermediate_size\": 37", "\"intermediate_size\": 0",
                       {"\"intermediate_size\"", "found 0"});
  check_config_refused("text_encoder", "\"max_position_embeddings\": 77", "\"max_position_embeddings\": 0",
                       {"\"max_position_embeddings\"", "found 0"});
  check_config_refused("text_encoder", "\"eos_token_id\": 2", "\"eos_token_id\": -1", {"\"eos_token_id\"", "-1"});
}

// ---------------------------------------------------------------- sweep files

TEST_CASE("sweep file: whole-number settings that do not fit are refused, not wrapped") {
  const GenerationRequest base;
  auto plan = [&](const std::string& text) { return SweepPlan::from_json(json::parse(text), "grid.json", base); };
  CHECK_THROWS_WITH(plan(R"({"steps": 4294967297})"), "grid.json", "\"steps\"", "4294967297", "1 to 1000");
  CHECK_THROWS_WITH(plan(R"({"width": 4294967304})"), "grid.json", "\"width\"", "4294967304", "multiple of 8");
  CHECK_THROWS_WITH(plan(R"({"height": 2.5})"), "grid.json", "\"height\"", "2.5", "not a whole number");
  CHECK_THROWS_WITH(plan(R"({"clip_skip": 4294967296})"), "grid.json", "\"clip_skip\"", "4294967296");
  CHECK_THROWS_WITH(plan(R"({"seed": 18446744073709551615})"), "grid.json", "\"seed\"", "18446744073709551615", "2^63-1");
  CHECK_THROWS_WITH(plan(R"({"seed": -1})"), "grid.json", "\"seed\"", "-1", "2^63-1");
}

TEST_CASE("sweep file: seed lists keep every seed exactly or refuse the entry") {
  const GenerationRequest base;
  auto plan = [&](const std::string& text) { return SweepPlan::from_json(json::parse(text), "grid.json", base); };
  CHECK_THROWS_WITH(plan(R"({"seeds": [1, 1.5]})"), "grid.json", "\"seeds\" entry 2", "1.5", "not a whole number");
  CHECK_THROWS_WITH(plan(R"({"seeds": [1, "99999999999999999999"]})"), "grid.json", "\"seeds\" entry 2", "99999999999999999999",
                    "out of range");
  CHECK_THROWS_WITH(plan(R"({"seeds": [18446744073709551616]})"), "grid.json", "\"seeds\" entry 1", "out of range");
  CHECK_THROWS_WITH(plan(R"({"seeds": [-3]})"), "grid.json", "\"seeds\" entry 1", "-3");
  CHECK_THROWS_WITH(plan(R"({"seeds": ["7x"]})"), "grid.json", "\"seeds\" entry 1", "7x", "not a whole number");
  CHECK_THROWS_WITH(plan(R"({"lambdas": [5, "inf"]})"), "grid.json", "\"lambdas\" entry 2", "inf");
  // 2^53 + 1 has no double: it must arrive as written, not rounded through one.
  const SweepPlan exact = plan(R"({"seeds": [9007199254740993, "9223372036854775807"]})");
  REQUIRE(exact.seeds.size() == 2);
  CHECK_EQ(exact.seeds[0], int64_t{9007199254740993});
  CHECK_EQ(exact.seeds[1], int64_t{9223372036854775807});
}

// Last: before these were checked, a zero here was an integer division by zero.
TEST_CASE("model configs: norm_num_groups 0 is refused, not divided by") {
  check_config_refused("unet", "\"norm_num_groups\": 32", "\"norm_num_groups\": 0", {"\"norm_num_groups\"", "found 0"});
  check_config_refused("vae", "\"norm_num_groups\": 32", "\"norm_num_groups\": 0", {"\"norm_num_groups\"", "found 0"});
}

STEER_TEST_MAIN()
