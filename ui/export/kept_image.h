#pragma once
// An image the user keeps from the Generate panel or its history, with everything that
// reproduces it. Kept images are written by the same exporter as `steer generate`
// (core/export/image_export.h): the picture with A1111's "parameters" text and the
// "steer-image" sidecar, so an image saved from the app and one made on the command line
// read the same way (docs/architecture.md, "The engine API").
#include <QString>

#include "core/common/image_buffer.h"
#include "core/export/sweep_record.h"
#include "core/generation/generation_request.h"

namespace steer::ui {

struct KeptImage {
  steer::ImageRGBA8 pixels;          // exactly as the engine decoded it
  steer::GenerationRequest request;  // the seed as used
  steer::CellSettings record;        // model and subject names and hashes (Engine::record_for)
  double seconds = 0;
};

// The kept image of a finished generation. `submitted` is the request as sent (seed as
// used); the record comes from the engine thread (GenerationResult::record) or, when absent,
// from the request alone.
KeptImage kept_image_of(const steer::GenerationResult& result, const steer::GenerationRequest& submitted);

// "<method>-seed<seed>.png": the name a save dialog offers.
QString suggested_file_name(const KeptImage& image);

// Writes the image at `wanted` (or wanted-2, wanted-3, ... when taken: nothing is
// overwritten) with its sidecar; returns the path written. Throws steer::Error with a
// sentence naming the file (no extension, missing folder, disk full).
QString save_kept_image(const QString& wanted, const KeptImage& image);

}  // namespace steer::ui
