#include "core/dataset/hdr_reader.h"

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace steer::dataset {
namespace fs = std::filesystem;

namespace {

bool is_float(OIIO::TypeDesc t) {
  return t.basetype == OIIO::TypeDesc::FLOAT || t.basetype == OIIO::TypeDesc::HALF || t.basetype == OIIO::TypeDesc::DOUBLE;
}

uint8_t tone_map(float linear) {
  if (!(linear > 0.0f)) return 0;  // negatives and NaN
  if (std::isinf(linear)) return 255;
  const float reinhard = linear / (1.0f + linear);
  const float srgb = reinhard <= 0.0031308f ? 12.92f * reinhard : 1.055f * std::pow(reinhard, 1.0f / 2.4f) - 0.055f;
  return static_cast<uint8_t>(std::clamp(std::lround(srgb * 255.0f), 0L, 255L));
}

// Same mapping as core/imageio: where stored pixel (sx, sy) lands once the TIFF/EXIF
// orientation (1-8) is applied.
void orient(int o, int sx, int sy, int w, int h, int& dx, int& dy) {
  switch (o) {
    case 2:
      dx = w - 1 - sx;
      dy = sy;
      break;
    case 3:
      dx = w - 1 - sx;
      dy = h - 1 - sy;
      break;
    case 4:
      dx = sx;
      dy = h - 1 - sy;
      break;
    case 5:
      dx = sy;
      dy = sx;
      break;
    case 6:
      dx = h - 1 - sy;
      dy = sx;
      break;
    case 7:
      dx = h - 1 - sy;
      dy = w - 1 - sx;
      break;
    case 8:
      dx = sy;
      dy = w - 1 - sx;
      break;
    default:
      dx = sx;
      dy = sy;
      break;
  }
}

}  // namespace

std::optional<ImageRGBA8> read_float_image_tone_mapped(const fs::path& path) {
  auto input = OIIO::ImageInput::open(path.string());
  if (!input) throw InputError("Could not read the image " + path.string() + ": " + OIIO::geterror());
  const OIIO::ImageSpec spec = input->spec();
  if (!is_float(spec.format)) return std::nullopt;
  const int w = spec.width, h = spec.height, n = spec.nchannels;
  if (w <= 0 || h <= 0 || n <= 0) throw InputError("Could not read the image " + path.string() + ": it has no pixels");
  std::vector<float> stored(static_cast<size_t>(w) * h * n);
  if (!input->read_image(0, 0, 0, n, OIIO::TypeDesc::FLOAT, stored.data()))
    throw InputError("Could not read the image " + path.string() + ": " + input->geterror());
  input->close();

  int alpha = spec.alpha_channel;
  if (alpha < 0 && (n == 2 || n >= 4)) {
    const int candidate = n == 2 ? 1 : 3;
    if (static_cast<int>(spec.channelnames.size()) > candidate && spec.channelnames[candidate] == "A") alpha = candidate;
  }
  const bool grey = n < 3;
  // Float formats store associated (premultiplied) alpha unless they say otherwise.
  const bool associated = alpha >= 0 && !spec.get_int_attribute("oiio:UnassociatedAlpha", 0);
  const int orientation = spec.get_int_attribute("Orientation", 1);
  const bool swaps = orientation >= 5 && orientation <= 8;
  ImageRGBA8 image(swaps ? h : w, swaps ? w : h);
  for (int sy = 0; sy < h; ++sy) {
    for (int sx = 0; sx < w; ++sx) {
      const float* s = stored.data() + (static_cast<size_t>(sy) * w + sx) * n;
      float a = alpha >= 0 ? std::clamp(s[alpha], 0.0f, 1.0f) : 1.0f;
      if (std::isnan(a)) a = 0.0f;
      float rgb[3] = {s[0], s[grey ? 0 : 1], s[grey ? 0 : 2]};
      if (associated)
        for (float& c : rgb) c = a > 0.0f ? c / a : 0.0f;
      int dx, dy;
      orient(orientation, sx, sy, w, h, dx, dy);
      uint8_t* d = image.pixel(dx, dy);
      for (int c = 0; c < 3; ++c) d[c] = tone_map(rgb[c]);
      d[3] = static_cast<uint8_t>(std::lround(a * 255.0f));
    }
  }
  return image;
}

}  // namespace steer::dataset
