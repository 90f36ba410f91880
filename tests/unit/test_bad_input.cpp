// The bad-input catalogue: each broken file or folder gives an InputError that names the
// file, the key or value at fault and what was expected, and nothing crashes or hangs.
#include <c10/core/InferenceMode.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/io/safetensors_file.h"
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
  auto f = raw_safetensors(dir.path(), "overlap.safetensors",
                           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "overlap.safetensors", "\"b\"", "overlaps", "\"a\"");
}

TEST_CASE("a gap between tensors") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "gap.safetensors",
                           R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12);
  CHECK_THROWS_WITH(SafetensorsFile::open(f), "gap.safetensors", "gap", "\"b\"");
}

TEST_CASE("dtype and shape that do not match the byte length") {
  TempFolder dir;
  auto f = raw_safetensors(dir.path(), "mismatch.safetensors", R"({"w":{"dtype":"F16","shape":[3,3],"data_offsets":[0,36]}})", 36);
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
  CHECK_THROWS_WITH(SafetensorsFile::open(raw_safetensors(dir.path(), "dup.safetensors",
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

STEER_TEST_MAIN()
