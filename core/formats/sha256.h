#pragma once
// SHA-256 (FIPS 180-4) of byte strings and files: the content hashes recorded with every
// exported image, so a setting can be traced to the exact model and subject files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace steer {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  std::string hex_digest();  // finishes the hash; 64 lowercase hex digits

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

std::string sha256_hex(std::string_view data);
// Streams the file; throws steer::InputError naming it when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace steer
