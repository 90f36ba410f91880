#include "core/io/safetensors_writer.h"

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/io/atomic_write.h"
#include "core/io/safetensors_file.h"

namespace steer {

void write_safetensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::vector<std::pair<std::string, std::string>>& metadata) {
  struct Entry {
    std::string name;
    at::Tensor data;  // contiguous, on the CPU
    safetensors::DType dtype;
  };
  std::vector<Entry> entries;
  std::set<std::string> names;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__")
      throw Error("cannot write " + path.string() + ": \"__metadata__\" is reserved, not a tensor name");
    if (!names.insert(name).second) throw Error("cannot write " + path.string() + ": tensor name \"" + name + "\" given twice");
    at::Tensor cpu = t.detach().to(at::kCPU).contiguous();
    entries.push_back({name, cpu, to_safetensors_dtype(cpu.scalar_type())});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    size_t sa = safetensors::dtype_size(a.dtype), sb = safetensors::dtype_size(b.dtype);
    return sa != sb ? sa > sb : a.name < b.name;
  });

  json::Value header = json::Object{};
  if (!metadata.empty()) {
    json::Value meta = json::Object{};
    for (const auto& [k, v] : metadata) meta.set(k, v);
    header.set("__metadata__", meta);
  }
  uint64_t offset = 0;
  for (const auto& e : entries) {
    json::Array shape;
    for (int64_t d : e.data.sizes()) shape.emplace_back(d);
    const uint64_t bytes = static_cast<uint64_t>(e.data.nbytes());
    json::Value info = json::Object{};
    info.set("dtype", safetensors::dtype_name(e.dtype));
    info.set("shape", shape);
    info.set("data_offsets", json::Array{json::Value(offset), json::Value(offset + bytes)});
    header.set(e.name, info);
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  write_file_atomically(path, [&](std::ostream& out) {
    unsigned char len[8];
    uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& e : entries)
      out.write(static_cast<const char*>(e.data.const_data_ptr()), static_cast<std::streamsize>(e.data.nbytes()));
  });
}

}  // namespace steer
