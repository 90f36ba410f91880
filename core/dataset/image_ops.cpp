#include "core/dataset/image_ops.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace steer::dataset {

ImageRGBA8 composite_on(const ImageRGBA8& image, const uint8_t background[3]) {
  ImageRGBA8 out(image.width, image.height);
  const size_t n = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* s = image.pixels.data() + i * 4;
    uint8_t* d = out.pixels.data() + i * 4;
    const int a = s[3];
    for (int c = 0; c < 3; ++c) d[c] = static_cast<uint8_t>((s[c] * a + background[c] * (255 - a) + 127) / 255);
    d[3] = 255;
  }
  return out;
}

ImageRGBA8 crop(const ImageRGBA8& image, int x, int y, int width, int height) {
  ImageRGBA8 out(width, height);
  for (int row = 0; row < height; ++row) std::copy_n(image.pixel(x, y + row), static_cast<size_t>(width) * 4, out.pixel(0, row));
  return out;
}

namespace {

// For each output sample, the first contributing input sample and the normalised weights.
struct Taps {
  std::vector<int> first;
  std::vector<std::vector<float>> weights;
};

Taps make_taps(int in_size, int out_size) {
  Taps taps;
  taps.first.resize(out_size);
  taps.weights.resize(out_size);
  const double scale = static_cast<double>(in_size) / out_size;
  const double support = std::max(1.0, scale);  // tent half-width in input samples
  for (int o = 0; o < out_size; ++o) {
    const double center = (o + 0.5) * scale - 0.5;
    int lo = static_cast<int>(std::floor(center - support)) + 1;
    int hi = static_cast<int>(std::ceil(center + support)) - 1;
    lo = std::max(lo, 0);
    hi = std::min(hi, in_size - 1);
    std::vector<float> w;
    double sum = 0;
    for (int i = lo; i <= hi; ++i) {
      const double v = std::max(0.0, 1.0 - std::abs(i - center) / support);
      w.push_back(static_cast<float>(v));
      sum += v;
    }
    if (sum <= 0) {  // can only happen at the very edge; take the nearest sample
      const int nearest = std::clamp(static_cast<int>(std::lround(center)), 0, in_size - 1);
      lo = nearest;
      w.assign(1, 1.0f);
      sum = 1;
    }
    for (auto& v : w) v = static_cast<float>(v / sum);
    taps.first[o] = lo;
    taps.weights[o] = std::move(w);
  }
  return taps;
}

}  // namespace

ImageRGBA8 resize(const ImageRGBA8& image, int width, int height) {
  if (image.width == width && image.height == height) return image;
  const Taps tx = make_taps(image.width, width);
  const Taps ty = make_taps(image.height, height);
  // Horizontal pass into float rows, then the vertical pass.
  std::vector<float> mid(static_cast<size_t>(width) * image.height * 3);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < width; ++x) {
      float acc[3] = {0, 0, 0};
      const auto& w = tx.weights[x];
      const uint8_t* s = image.pixel(tx.first[x], y);
      for (size_t k = 0; k < w.size(); ++k, s += 4)
        for (int c = 0; c < 3; ++c) acc[c] += w[k] * s[c];
      float* d = mid.data() + (static_cast<size_t>(y) * width + x) * 3;
      for (int c = 0; c < 3; ++c) d[c] = acc[c];
    }
  }
  ImageRGBA8 out(width, height);
  for (int y = 0; y < height; ++y) {
    const auto& w = ty.weights[y];
    for (int x = 0; x < width; ++x) {
      float acc[3] = {0, 0, 0};
      for (size_t k = 0; k < w.size(); ++k) {
        const float* s = mid.data() + (static_cast<size_t>(ty.first[y] + static_cast<int>(k)) * width + x) * 3;
        for (int c = 0; c < 3; ++c) acc[c] += w[k] * s[c];
      }
      uint8_t* d = out.pixel(x, y);
      for (int c = 0; c < 3; ++c) d[c] = static_cast<uint8_t>(std::clamp(std::lround(acc[c]), 0L, 255L));
      d[3] = 255;
    }
  }
  return out;
}

ImageRGBA8 flip_horizontal(const ImageRGBA8& image) {
  ImageRGBA8 out(image.width, image.height);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) std::copy_n(image.pixel(image.width - 1 - x, y), 4, out.pixel(x, y));
  return out;
}

namespace {
std::vector<float> grey_thumbnail(const ImageRGBA8& image, int w, int h) {
  const ImageRGBA8 small = resize(image, w, h);
  std::vector<float> grey(static_cast<size_t>(w) * h);
  for (int i = 0; i < w * h; ++i) {
    const uint8_t* p = small.pixels.data() + static_cast<size_t>(i) * 4;
    grey[i] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
  }
  return grey;
}
}  // namespace

uint64_t difference_hash(const ImageRGBA8& image) {
  const std::vector<float> g = grey_thumbnail(image, 9, 8);
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) hash = (hash << 1) | (g[y * 9 + x] < g[y * 9 + x + 1] ? 1u : 0u);
  return hash;
}

double thumbnail_distance(const ImageRGBA8& a, const ImageRGBA8& b) {
  const ImageRGBA8 ta = resize(a, 16, 16), tb = resize(b, 16, 16);
  double sum = 0;
  for (size_t i = 0; i < ta.pixels.size(); ++i)
    if (i % 4 != 3) sum += std::abs(static_cast<int>(ta.pixels[i]) - static_cast<int>(tb.pixels[i]));
  return sum / (16.0 * 16.0 * 3.0);
}

}  // namespace steer::dataset
