#pragma once
// An 8-bit RGBA image as plain values: what the engine hands the UI, the exporter and
// the image I/O layer. Rows are tightly packed, top row first.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace steer {

struct ImageRGBA8 {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 4 bytes, RGBA

  ImageRGBA8() = default;
  ImageRGBA8(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * h * 4, 0) {}
  bool empty() const { return width == 0 || height == 0; }
  uint8_t* pixel(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * 4; }
  const uint8_t* pixel(int x, int y) const { return pixels.data() + (static_cast<size_t>(y) * width + x) * 4; }
};

}  // namespace steer
