#pragma once
// Numbers as people read them in labels and settings text: 0.5, 7.5, 1e-05 ("%g").
#include <cstdio>
#include <string>

namespace steer {

inline std::string number_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace steer
