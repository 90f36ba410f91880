// safetensors reading and writing: every dtype round-trips bit-exactly, metadata
// survives, the layout matches the reference writer, and shards load through their index.
#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "core/formats/json.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
namespace fs = std::filesystem;

TEST_CASE("every dtype round-trips bit-exactly through write and read") {
  steer::testing::TempFolder dir;
  at::Generator gen = at::detail::createCPUGenerator(7);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  const at::ScalarType types[] = {at::kFloat, at::kHalf,  at::kBFloat16, at::kDouble, at::kLong,
                                  at::kInt,   at::kShort, at::kChar,     at::kByte,   at::kBool};
  for (auto type : types) {
    at::Tensor t = at::randn({3, 5, 2}, gen).mul(100);
    tensors.emplace_back(std::string("t.") + c10::toString(type), t.to(type));
  }
  tensors.emplace_back("scalar", at::tensor(3.5f).reshape({}));
  tensors.emplace_back("empty", at::empty({0, 4}));
  const fs::path file = dir.path() / "all.safetensors";
  write_safetensors(file, tensors, {{"format", "pt"}, {"steer.note", "round trip"}});

  auto read = SafetensorsFile::open(file);
  CHECK_EQ(read->header().tensors.size(), tensors.size());
  CHECK_EQ(read->header().metadata.size(), size_t(2));
  CHECK(read->header().data_start % 8 == 0);
  for (const auto& [name, t] : tensors) {
    at::Tensor back = read->tensor(name);
    CHECK_MSG(back.scalar_type() == t.scalar_type(), name);
    CHECK_MSG(back.sizes() == t.sizes(), name);
    CHECK_MSG(at::equal(back, t), name << " differs after the round trip");
  }
  // Tensors are laid out by descending element size, so each is aligned for its dtype.
  for (const auto& info : read->header().tensors) CHECK_MSG(info.begin % safetensors::dtype_size(info.dtype) == 0, info.name);
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  CHECK_EQ(files, 1);
}

TEST_CASE("tensors view the mapping and stay valid after the file object is gone") {
  steer::testing::TempFolder dir;
  const fs::path file = dir.path() / "v.safetensors";
  at::Tensor original = at::arange(1000, at::kFloat).reshape({10, 100});
  write_safetensors(file, {{"w", original}});
  at::Tensor viewed;
  {
    auto f = SafetensorsFile::open(file);
    viewed = f->tensor("w");
  }
  CHECK(at::equal(viewed, original));
  // The mapping is private: writing to the tensor does not change the file.
  viewed.fill_(0);
  CHECK(at::equal(SafetensorsFile::open(file)->tensor("w"), original));
}

TEST_CASE("a sharded checkpoint loads through its index") {
  steer::testing::TempFolder dir;
  write_safetensors(dir.path() / "model-00001-of-00002.safetensors", {{"a", at::ones({2})}, {"b", at::zeros({3})}});
  write_safetensors(dir.path() / "model-00002-of-00002.safetensors", {{"c", at::full({4}, 2.0)}});
  std::ofstream(dir.path() / "model.safetensors.index.json")
      << R"({"metadata": {"total_size": 36}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}})";
  WeightSet w = read_weights(dir.path() / "model.safetensors.index.json");
  CHECK_EQ(w.tensors.size(), size_t(3));
  CHECK_EQ(w.files.size(), size_t(2));
  CHECK(at::equal(w.tensors.at("c"), at::full({4}, 2.0)));
  CHECK_EQ(w.source.at("c").filename().string(), std::string("model-00002-of-00002.safetensors"));
}

TEST_CASE("a file written by the reference writer reads back") {
  // Bytes of safetensors.torch.save_file({"x": torch.tensor([1.0, 2.0])}, f, {"format": "pt"}).
  const std::string header = R"({"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
  steer::testing::TempFolder dir;
  const fs::path file = dir.path() / "ref.safetensors";
  {
    std::ofstream out(file, std::ios::binary);
    uint64_t n = padded.size();
    out.write(reinterpret_cast<const char*>(&n), 8);
    out << padded;
    float data[2] = {1.0f, 2.0f};
    out.write(reinterpret_cast<const char*>(data), 8);
  }
  auto f = SafetensorsFile::open(file);
  CHECK(at::equal(f->tensor("x"), at::tensor({1.0f, 2.0f})));
  CHECK_EQ(f->header().metadata.at(0).second, std::string("pt"));
}

STEER_TEST_MAIN()
