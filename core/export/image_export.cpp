#include "core/export/image_export.h"

#include "core/common/error.h"
#include "core/export/a1111_parameters.h"
#include "core/export/export_files.h"
#include "core/formats/json.h"
#include "core/imageio/image_file.h"

namespace steer {
namespace fs = std::filesystem;

fs::path unused_path(const fs::path& wanted) {
  std::error_code ec;
  if (!fs::exists(wanted, ec)) return wanted;
  for (int n = 2;; ++n) {
    fs::path candidate = wanted.parent_path() / (wanted.stem().string() + "-" + std::to_string(n) + wanted.extension().string());
    if (!fs::exists(candidate, ec)) return candidate;
  }
}

fs::path export_image(const fs::path& wanted, const ImageRGBA8& image, const CellSettings& settings, double seconds,
                      const json::Value& request) {
  if (wanted.extension().empty()) throw InputError(wanted.string() + " has no extension; name the format, e.g. image.png");
  if (wanted.has_parent_path() && !fs::is_directory(wanted.parent_path()))
    throw InputError(wanted.string() + ": the folder " + wanted.parent_path().string() + " does not exist");
  const fs::path out = unused_path(wanted);
  write_image(out, image, {{"parameters", a1111_parameters(settings)}});
  fs::path sidecar = out;
  sidecar.replace_extension(".json");
  json::Value record = json::Object{};
  record.set("format", "steer-image");
  record.set("format_version", 1);
  record.set("file", out.filename().string());
  record.set("seconds", seconds);
  record.set("settings", settings_to_json(settings));
  if (!request.is_null()) record.set("request", request);
  export_detail::write_bytes_atomically(sidecar, record.dump(2) + "\n");
  return out;
}

}  // namespace steer
