#pragma once
// Reading and writing image files as 8-bit RGBA. Plain C++ types only: OpenImageIO stays
// inside image_file.cpp, so neither the UI nor the engine sees its headers.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/common/image_buffer.h"

namespace steer {

// Decodes any format OpenImageIO reads (first subimage). Grey becomes RGB, a missing
// alpha channel becomes 255, deeper samples are scaled to 8 bits, and the EXIF/TIFF
// orientation is applied so the pixels come back the way viewers show them.
// Throws steer::InputError naming the path and OpenImageIO's reason.
ImageRGBA8 read_image(const std::filesystem::path& path);

// Encodes `image` in the format named by the path's extension (.png, .jpg, .tif, ...).
// Formats without alpha get RGB. Each metadata pair is stored as a text attribute; for
// PNG that is a tEXt chunk with that keyword (A1111 reads its settings from "parameters").
// The file appears atomically: it is written to a temporary file in the same folder and
// renamed over `path`; on failure the temporary is removed and steer::Error is thrown
// naming the path and OpenImageIO's reason.
void write_image(const std::filesystem::path& path, const ImageRGBA8& image,
                 const std::vector<std::pair<std::string, std::string>>& text_metadata = {});

}  // namespace steer
