#pragma once
// The image size a job runs at, measured against the model it runs on (issue 11, item 3): sides
// must be whole latent cells, and a size far from the one the model was trained at is legal but
// rarely what a designer wants (a 64 px model at 512x512 ran 662 s and drew texture). The CLI
// and the app check and explain sizes with these. Torch-free.
#include <cstdint>
#include <string>

namespace steer {

// The largest image side GenerationRequest::validate accepts.
constexpr int kMaxImageSide = 4096;

// Refuses (InputError) a side that is not a positive multiple of `latent_factor` up to
// kMaxImageSide, naming it (`what`, e.g. "width"), the value and the nearest valid sides:
// "width 100 is not a multiple of 8 (...); use 96 or 104".
void check_image_side(const std::string& what, int64_t value, int latent_factor);
// Both sides; `latent_factor` <= 0 (unknown) checks the range only.
void check_image_size(int width, int height, int latent_factor);

// How far a size may stray from the native side before native_size_note speaks: below half or
// above twice it, on either side.
constexpr double kNativeSizeTolerance = 2.0;

// One line (no newline) when width x height is far from the model's native square side
// `native_side` (see kNativeSizeTolerance), saying what to expect and the native size;
// "" when it is close, or when the native side is unknown (0).
std::string native_size_note(int width, int height, int native_side);

}  // namespace steer
