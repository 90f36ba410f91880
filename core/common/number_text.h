#pragma once
// Numbers as people read them in labels, settings text and JSON: the shortest text that
// reads back as the same double (0.9, not 0.90000000000000002; 1e-05; 7.5).
#include <charconv>
#include <string>

namespace steer {

inline std::string number_text(double value) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace steer
