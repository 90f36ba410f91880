#pragma once
// Memory-mapped safetensors reading into at::Tensor. The mapping is private and
// copy-on-write, so tensors that view it may be modified (training) without touching the
// file, and it stays alive as long as any tensor made from it does.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/formats/safetensors_header.h"

namespace steer {

at::ScalarType to_scalar_type(safetensors::DType dtype, const std::string& context);
safetensors::DType to_safetensors_dtype(at::ScalarType type);

class SafetensorsFile {
 public:
  // Opens, maps and validates the file. Throws steer::InputError naming the path.
  static std::shared_ptr<SafetensorsFile> open(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const safetensors::Header& header() const { return header_; }
  uint64_t file_size() const { return size_; }

  // The tensor as stored (dtype and shape of the file), viewing the mapping when the
  // data is aligned for its dtype and copying it otherwise.
  at::Tensor tensor(const safetensors::TensorInfo& info) const;
  at::Tensor tensor(const std::string& name) const;

 private:
  SafetensorsFile() = default;
  std::filesystem::path path_;
  safetensors::Header header_;
  uint64_t size_ = 0;
  unsigned char* base_ = nullptr;
  std::weak_ptr<SafetensorsFile> self_;
};

// Tensors by key, with the file each came from (for error messages that name the file).
struct WeightSet {
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::filesystem::path> source;
  std::vector<std::filesystem::path> files;
  std::vector<std::pair<std::string, std::string>> metadata;  // of the first file

  // Adds every tensor of a file; a key that is already present (two shards claiming the
  // same tensor) is an error naming both files.
  void add_file(const std::filesystem::path& path);
  std::string describe_files() const;  // "a.safetensors" or "a.safetensors + 2 more shards"
};

// Reads one .safetensors file, or a sharded checkpoint through its *.safetensors.index.json
// (every shard named by the weight_map, each tensor where the map says it is).
WeightSet read_weights(const std::filesystem::path& file_or_index);

}  // namespace steer
