#pragma once
// The engine's 8-bit RGBA buffers as QImages and back (deep copies: the engine's buffer
// and the QImage never share memory, so either may outlive the other).
#include <QImage>
#include <cstring>

#include "core/common/image_buffer.h"

namespace steer::ui {

inline QImage qimage_from_rgba8(const ImageRGBA8& image) {
  if (image.empty() || image.pixels.size() != static_cast<size_t>(image.width) * image.height * 4) return {};
  QImage out(image.width, image.height, QImage::Format_RGBA8888);
  const size_t row = static_cast<size_t>(image.width) * 4;
  for (int y = 0; y < image.height; ++y) std::memcpy(out.scanLine(y), image.pixels.data() + y * row, row);
  return out;
}

inline ImageRGBA8 rgba8_from_qimage(const QImage& image) {
  if (image.isNull()) return {};
  const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
  ImageRGBA8 out(rgba.width(), rgba.height());
  const size_t row = static_cast<size_t>(rgba.width()) * 4;
  for (int y = 0; y < rgba.height(); ++y) std::memcpy(out.pixels.data() + y * row, rgba.constScanLine(y), row);
  return out;
}

}  // namespace steer::ui
