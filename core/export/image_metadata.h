#pragma once
// Reading back the text metadata an image file carries (PNG tEXt/iTXt/zTXt chunks such as
// A1111's "parameters", EXIF/TIFF strings), through OpenImageIO, which stays inside the .cpp.
#include <filesystem>
#include <map>
#include <string>

namespace steer {

// Every metadata attribute of the file's first subimage as text, by OpenImageIO's name
// (a PNG text chunk keeps its keyword: "parameters"; non-string attributes are formatted).
// Throws steer::InputError naming the path and the reason when the file cannot be opened.
std::map<std::string, std::string> read_image_metadata(const std::filesystem::path& path);

}  // namespace steer
