#include "core/export/image_metadata.h"

#include <OpenImageIO/imageio.h>

#include "core/common/error.h"

namespace steer {

std::map<std::string, std::string> read_image_metadata(const std::filesystem::path& path) {
  auto input = OIIO::ImageInput::open(path.string());
  if (!input) throw InputError("Could not read the metadata of " + path.string() + ": " + OIIO::geterror());
  std::map<std::string, std::string> result;
  for (const OIIO::ParamValue& attribute : input->spec().extra_attribs) {
    const std::string name = attribute.name().string();
    if (attribute.type() == OIIO::TypeDesc::STRING && attribute.nvalues() == 1)
      result[name] = attribute.get_string();
    else
      result[name] = attribute.get_string(1024);
  }
  input->close();
  return result;
}

}  // namespace steer
