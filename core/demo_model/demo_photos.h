#pragma once
// The demo subject's photos as a training folder: photo-1.png ... with a photo-N.txt caption
// sidecar each (demo_subject.h's instance caption).
#include <filesystem>
#include <vector>

namespace steer::demo {

// Writes kSubjectPhotoCount photos of `size` pixels into `folder` (created if missing; files of
// the same names are replaced). Returns the image paths. Throws steer::Error naming a file
// that cannot be written.
std::vector<std::filesystem::path> write_subject_photos(const std::filesystem::path& folder, int size = 64);

}  // namespace steer::demo
