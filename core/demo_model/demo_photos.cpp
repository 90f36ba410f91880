#include "core/demo_model/demo_photos.h"

#include <string>

#include "core/common/error.h"
#include "core/demo/demo_subject.h"
#include "core/imageio/image_file.h"
#include "core/io/atomic_write.h"

namespace steer::demo {

std::vector<std::filesystem::path> write_subject_photos(const std::filesystem::path& folder, int size) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error("Could not create the subject photo folder " + folder.string() + ": " + ec.message());
  std::vector<std::filesystem::path> out;
  const auto photos = render_subject_photos(size);
  for (size_t i = 0; i < photos.size(); ++i) {
    const std::string stem = "photo-" + std::to_string(i + 1);
    const auto image = folder / (stem + ".png");
    write_image(image, photos[i].image);
    write_file_atomically(folder / (stem + ".txt"), [&](std::ostream& o) { o << photos[i].caption << "\n"; });
    out.push_back(image);
  }
  return out;
}

}  // namespace steer::demo
