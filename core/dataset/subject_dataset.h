#pragma once
// A designer's 3-20 photos of a subject turned into training examples: decoded (any
// format OpenImageIO reads, EXIF orientation applied, 16-bit scaled, HDR tone mapped),
// alpha composited on a background colour, captioned, cropped and resized to the
// training resolution. Torch-free: the trainer converts the 8-bit images to tensors.
#include <cstddef>  // image_buffer.h uses size_t without including it
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"

namespace steer {

struct SubjectDatasetOptions {
  int resolution = 512;                     // square side; with buckets, the area is about resolution^2
  std::string instance_prompt;              // e.g. "a photo of sks mug"; used where no .txt sidecar exists
  bool center_crop = true;                  // false: a random crop (seeded)
  bool flip = false;                        // mirror each example horizontally with probability 1/2 (seeded)
  bool buckets = false;                     // aspect-ratio buckets instead of a square crop
  uint8_t background[3] = {255, 255, 255};  // transparent pixels are composited on this colour
  int minimum_images = 3;
  uint64_t seed = 0;
};

struct SubjectExample {
  std::filesystem::path source;
  std::string caption;
  ImageRGBA8 image;  // resolution-sized (or bucket-sized), RGB with alpha 255
  bool flipped = false;
};

struct SubjectDataset {
  std::vector<SubjectExample> examples;
  std::vector<std::string> warnings;

  // `folder_or_file_list` is a folder of images (not recursive, hidden files skipped, in
  // name order), a text file listing one image path per line (relative paths are taken
  // from the list's folder; blank lines and lines starting with '#' are skipped), or a
  // single image file. Throws steer::InputError when no image is found, when any file
  // cannot be read (all are named), when fewer than options.minimum_images remain, or
  // when an image has neither a caption sidecar nor an instance prompt.
  static SubjectDataset load(const std::filesystem::path& folder_or_file_list, const SubjectDatasetOptions& options);
};

// The aspect-ratio buckets for a resolution: 512x512, 576x448, 448x576, 640x384 and
// 384x640 scaled by resolution/512, each side rounded to a multiple of 8 (at least 8).
std::vector<std::pair<int, int>> subject_buckets(int resolution);
// The bucket whose aspect ratio is nearest (in log ratio) to width/height.
std::pair<int, int> nearest_bucket(int width, int height, int resolution);

// The image extensions (lowercase, with the dot) a folder is searched for.
const std::vector<std::string>& subject_image_extensions();

}  // namespace steer
