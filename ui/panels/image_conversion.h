#pragma once
// The engine's RGBA buffers as QImages (deep copies: the QImage owns its pixels).
#include <QImage>
#include <cstring>

#include "core/common/image_buffer.h"

namespace steer::ui {

inline QImage to_qimage(const steer::ImageRGBA8& image) {
  if (image.empty()) return {};
  QImage out(image.width, image.height, QImage::Format_RGBA8888);
  const size_t row_bytes = static_cast<size_t>(image.width) * 4;
  for (int y = 0; y < image.height; ++y) std::memcpy(out.scanLine(y), image.pixel(0, y), row_bytes);
  return out;
}

}  // namespace steer::ui
