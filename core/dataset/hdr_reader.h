#pragma once
// Float images (OpenEXR, Radiance HDR, float TIFF) read through OpenImageIO, tone mapped
// with Reinhard (c / (1 + c)) and sRGB encoded to 8 bits. Integer formats go through
// steer::read_image, which scales 16-bit samples itself.
#include <cstddef>  // image_buffer.h uses size_t without including it
#include <filesystem>
#include <optional>

#include "core/common/image_buffer.h"

namespace steer::dataset {

// nullopt when the file's samples are not floating point (the caller uses read_image).
// Throws steer::InputError naming the path when the file cannot be read.
std::optional<ImageRGBA8> read_float_image_tone_mapped(const std::filesystem::path& path);

}  // namespace steer::dataset
