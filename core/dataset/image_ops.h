#pragma once
// Pixel operations for the subject dataset: compositing, crop, resampling, flip, hashes.
#include <cstddef>  // image_buffer.h uses size_t without including it
#include <cstdint>

#include "core/common/image_buffer.h"

namespace steer::dataset {

// Straight alpha composited on `background`; the result has alpha 255 everywhere.
ImageRGBA8 composite_on(const ImageRGBA8& image, const uint8_t background[3]);
ImageRGBA8 crop(const ImageRGBA8& image, int x, int y, int width, int height);
// Separable resampling in linear-weight space with a tent filter widened by the scale
// factor when shrinking (area-like, no aliasing) and plain bilinear when enlarging.
ImageRGBA8 resize(const ImageRGBA8& image, int width, int height);
ImageRGBA8 flip_horizontal(const ImageRGBA8& image);
// 64-bit difference hash of the grey image (9x8 thumbnail, left/right comparisons).
uint64_t difference_hash(const ImageRGBA8& image);
// Mean absolute difference (0-255) of two images' 16x16 thumbnails.
double thumbnail_distance(const ImageRGBA8& a, const ImageRGBA8& b);

}  // namespace steer::dataset
