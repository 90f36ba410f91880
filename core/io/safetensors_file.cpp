#include "core/io/safetensors_file.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/formats/json.h"

namespace steer {

at::ScalarType to_scalar_type(safetensors::DType dtype, const std::string& context) {
  using safetensors::DType;
  switch (dtype) {
    case DType::Bool:
      return at::kBool;
    case DType::U8:
      return at::kByte;
    case DType::I8:
      return at::kChar;
    case DType::I16:
      return at::kShort;
    case DType::U16:
      return at::kUInt16;
    case DType::F16:
      return at::kHalf;
    case DType::BF16:
      return at::kBFloat16;
    case DType::I32:
      return at::kInt;
    case DType::U32:
      return at::kUInt32;
    case DType::F32:
      return at::kFloat;
    case DType::F64:
      return at::kDouble;
    case DType::I64:
      return at::kLong;
    case DType::U64:
      return at::kUInt64;
    case DType::F8_E5M2:
      return at::kFloat8_e5m2;
    case DType::F8_E4M3:
      return at::kFloat8_e4m3fn;
    case DType::C64:
      return at::kComplexFloat;
    case DType::F8_E8M0:
      break;
  }
  throw InputError(context + ": dtype " + safetensors::dtype_name(dtype) +
                   " is not supported; convert the file to F32, F16 or BF16");
}

safetensors::DType to_safetensors_dtype(at::ScalarType type) {
  using safetensors::DType;
  switch (type) {
    case at::kBool:
      return DType::Bool;
    case at::kByte:
      return DType::U8;
    case at::kChar:
      return DType::I8;
    case at::kShort:
      return DType::I16;
    case at::kUInt16:
      return DType::U16;
    case at::kHalf:
      return DType::F16;
    case at::kBFloat16:
      return DType::BF16;
    case at::kInt:
      return DType::I32;
    case at::kUInt32:
      return DType::U32;
    case at::kFloat:
      return DType::F32;
    case at::kDouble:
      return DType::F64;
    case at::kLong:
      return DType::I64;
    case at::kUInt64:
      return DType::U64;
    case at::kFloat8_e5m2:
      return DType::F8_E5M2;
    case at::kFloat8_e4m3fn:
      return DType::F8_E4M3;
    case at::kComplexFloat:
      return DType::C64;
    default:
      throw Error(std::string("cannot store tensors of type ") + c10::toString(type) + " in safetensors");
  }
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
  const std::string label = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(label + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(label + ": not a regular file");
  }
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->size_ = static_cast<uint64_t>(st.st_size);
  if (file->size_ > 0) {
    void* p = ::mmap(nullptr, file->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      throw InputError(label + ": cannot map the file into memory: " + std::strerror(err));
    }
    file->base_ = static_cast<unsigned char*>(p);
  }
  ::close(fd);
  uint64_t n = safetensors::read_header_length(file->base_, file->size_, label);
  file->header_ =
      safetensors::parse_header(std::string_view(reinterpret_cast<const char*>(file->base_ + 8), n), file->size_, label);
  // Every dtype must be one torch can hold before any tensor is handed out.
  for (const auto& t : file->header_.tensors) to_scalar_type(t.dtype, label + ": tensor \"" + t.name + "\"");
  file->self_ = file;
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (base_) ::munmap(base_, size_);
}

at::Tensor SafetensorsFile::tensor(const safetensors::TensorInfo& info) const {
  const auto type = to_scalar_type(info.dtype, path_.string());
  unsigned char* data = base_ + header_.data_start + info.begin;
  const size_t element = safetensors::dtype_size(info.dtype);
  if (info.byte_size() == 0) return at::empty(info.shape, at::TensorOptions().dtype(type));
  auto keep_alive = self_.lock();
  if (reinterpret_cast<uintptr_t>(data) % element == 0) {
    return at::from_blob(
        data, info.shape, [keep_alive](void*) {}, at::TensorOptions().dtype(type));
  }
  // Files from writers that do not pad the header may leave tensors misaligned.
  at::Tensor copy = at::empty(info.shape, at::TensorOptions().dtype(type));
  std::memcpy(copy.data_ptr(), data, info.byte_size());
  return copy;
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const auto* info = header_.find(name);
  if (!info) throw InputError(path_.string() + ": has no tensor \"" + name + "\"");
  return tensor(*info);
}

void WeightSet::add_file(const std::filesystem::path& path) {
  auto file = SafetensorsFile::open(path);
  if (files.empty()) metadata = file->header().metadata;
  files.push_back(path);
  for (const auto& info : file->header().tensors) {
    auto it = source.find(info.name);
    if (it != source.end())
      throw InputError(path.string() + ": tensor \"" + info.name + "\" is also in " + it->second.string() +
                       "; a checkpoint must store each tensor once");
    tensors.emplace(info.name, file->tensor(info));
    source.emplace(info.name, path);
  }
}

std::string WeightSet::describe_files() const {
  if (files.empty()) return "(no file)";
  if (files.size() == 1) return files[0].string();
  return files[0].string() + " + " + std::to_string(files.size() - 1) + " more shard(s)";
}

static std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

WeightSet read_weights(const std::filesystem::path& path) {
  WeightSet set;
  const std::string name = path.filename().string();
  const std::string index_suffix = ".safetensors.index.json";
  if (name.size() > index_suffix.size() &&
      name.compare(name.size() - index_suffix.size(), index_suffix.size(), index_suffix) == 0) {
    json::Value index;
    try {
      index = json::parse(read_text_file(path));
    } catch (const json::ParseError& e) {
      throw InputError(path.string() + ": the shard index is not valid JSON (" + e.what() + ")");
    }
    const json::Value* map = index.find("weight_map");
    if (!map || !map->is_object())
      throw InputError(path.string() + ": the shard index has no \"weight_map\" object {tensor name: shard file}");
    std::vector<std::string> shard_order;
    std::map<std::string, std::set<std::string>> expected;  // shard -> tensors the map puts there
    for (const auto& [tensor, shard] : map->as_object()) {
      if (!shard.is_string()) throw InputError(path.string() + ": weight_map entry for \"" + tensor + "\" is not a file name");
      const auto& shard_name = shard.as_string();
      if (shard_name.find('/') != std::string::npos || shard_name.find("..") != std::string::npos)
        throw InputError(path.string() + ": weight_map names shard \"" + shard_name + "\" outside the checkpoint's folder");
      if (!expected.count(shard_name)) shard_order.push_back(shard_name);
      expected[shard_name].insert(tensor);
    }
    for (const auto& shard : shard_order) {
      auto shard_path = path.parent_path() / shard;
      if (!std::filesystem::exists(shard_path))
        throw InputError(path.string() + ": names shard " + shard + ", which is missing from " + path.parent_path().string() +
                         " (incomplete download?)");
      set.add_file(shard_path);
    }
    for (const auto& [shard, names] : expected)
      for (const auto& tensor : names) {
        auto it = set.source.find(tensor);
        if (it == set.source.end())
          throw InputError(path.string() + ": weight_map puts \"" + tensor + "\" in " + shard +
                           ", but that shard does not contain it");
        if (it->second.filename() != shard)
          throw InputError(path.string() + ": weight_map puts \"" + tensor + "\" in " + shard + ", but it is in " +
                           it->second.filename().string());
      }
    return set;
  }
  set.add_file(path);
  return set;
}

}  // namespace steer
