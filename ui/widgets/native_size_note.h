#pragma once
// The app's inline note for an image size far from the model's native one (issue 11, item 3):
// steer::native_size_note's judgement and words (core/generation/image_size.h), without the
// CLI's "warning:" prefix and --size advice (the app offers the native preset instead), with
// sizes written "64×64".
#include <QString>

namespace steer::ui {

// "" when width × height is close to `native_side`, or the native side is unknown (0).
QString native_size_note_text(int width, int height, int native_side);

}  // namespace steer::ui
