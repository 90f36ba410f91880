#pragma once
// One image written the way every Steer Studio image is written (`steer generate`, the app's
// "Save Image…", history): the picture with A1111's "parameters" text (PNG) and a JSON sidecar
// beside it holding the settings that reproduce it — the same sidecar layout as a sweep cell's,
// so one reader serves both. Never overwrites: "out.png" taken -> "out-2.png", "out-3.png", ...
#include <filesystem>

#include "core/common/image_buffer.h"
#include "core/export/sweep_record.h"

namespace steer {

// Returns the path written. InputError for a path without an extension or in a missing folder;
// Error naming the file when writing fails (nothing half-written is left).
// `request`: the request in its one JSON form (core/generation/request_json.h), written into the
// sidecar as "request" (null leaves it out).
std::filesystem::path export_image(const std::filesystem::path& wanted, const ImageRGBA8& image, const CellSettings& settings,
                                   double seconds, const json::Value& request = nullptr);

// The first of wanted, wanted-2, wanted-3, ... that does not exist.
std::filesystem::path unused_path(const std::filesystem::path& wanted);

}  // namespace steer
