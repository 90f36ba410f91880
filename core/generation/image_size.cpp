#include "core/generation/image_size.h"

#include "core/common/error.h"

namespace steer {

void check_image_side(const std::string& what, int64_t value, int latent_factor) {
  const int64_t f = latent_factor > 0 ? latent_factor : 1;
  if (value >= f && value <= kMaxImageSide && value % f == 0) return;
  const std::string rule = "a positive multiple of " + std::to_string(f) + " up to " + std::to_string(kMaxImageSide);
  if (value < 1 || value > kMaxImageSide)
    throw InputError(what + " " + std::to_string(value) + " is out of range; use " + rule + " (e.g. 512)");
  // The multiples either side that are in range.
  const int64_t below = value / f * f, above = below + f;
  std::string nearest;
  if (below >= f) nearest = std::to_string(below);
  if (above <= kMaxImageSide) nearest += (nearest.empty() ? "" : " or ") + std::to_string(above);
  throw InputError(what + " " + std::to_string(value) + " is not a multiple of " + std::to_string(f) +
                   " (image sides are whole latent cells of " + std::to_string(f) + " pixels); use " + nearest);
}

void check_image_size(int width, int height, int latent_factor) {
  check_image_side("width", width, latent_factor);
  check_image_side("height", height, latent_factor);
}

std::string native_size_note(int width, int height, int native_side) {
  if (native_side <= 0) return "";
  const auto too_small = [&](int side) { return side * kNativeSizeTolerance < native_side; };
  const auto too_large = [&](int side) { return side > native_side * kNativeSizeTolerance; };
  const bool larger = too_large(width) || too_large(height), smaller = too_small(width) || too_small(height);
  if (!larger && !smaller) return "";
  // What goes wrong: a model drawn larger than it was trained repeats and breaks shapes (and
  // the run grows with the pixel count); drawn smaller, it loses its detail.
  const std::string expect = larger && smaller ? "expect distorted shapes"
                             : larger          ? "expect repeated or broken shapes and a much slower run"
                                               : "expect muddled, detail-free images";
  const std::string native = std::to_string(native_side) + "x" + std::to_string(native_side);
  return "warning: " + std::to_string(width) + "x" + std::to_string(height) + " is far " +
         (larger && smaller ? "from"
          : larger          ? "larger than"
                            : "smaller than") +
         " this model's native " + native + " (the size it was trained at): " + expect + "; --size " + native + " is native";
}

}  // namespace steer
