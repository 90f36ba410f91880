#include "core/imageio/image_file.h"

#include <OpenImageIO/imageio.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

#include "core/common/error.h"

namespace steer {
namespace fs = std::filesystem;

namespace {

// Where the stored pixel (sx, sy) of a width x height image lands once the EXIF/TIFF
// orientation tag is applied (TIFF 6.0 "Orientation", values 1-8; 5-8 swap the axes).
struct OrientedPosition {
  int x, y;
};
OrientedPosition orient(int orientation, int sx, int sy, int width, int height) {
  switch (orientation) {
    case 2:
      return {width - 1 - sx, sy};  // mirrored horizontally
    case 3:
      return {width - 1 - sx, height - 1 - sy};  // rotated 180
    case 4:
      return {sx, height - 1 - sy};  // mirrored vertically
    case 5:
      return {sy, sx};  // transposed
    case 6:
      return {height - 1 - sy, sx};  // shown rotated 90 clockwise
    case 7:
      return {height - 1 - sy, width - 1 - sx};  // transversed
    case 8:
      return {sy, width - 1 - sx};  // shown rotated 90 counter-clockwise
    default:
      return {sx, sy};
  }
}

// Which stored channel feeds R, G, B and A (-1: A is opaque).
struct ChannelMap {
  int r, g, b, a;
};
ChannelMap channel_map(const OIIO::ImageSpec& spec) {
  const int n = spec.nchannels;
  int alpha = spec.alpha_channel;
  if (alpha < 0 && (n == 2 || n >= 4)) {
    // Some readers do not flag alpha; the channel name still tells.
    const int candidate = n == 2 ? 1 : 3;
    if (static_cast<int>(spec.channelnames.size()) > candidate && spec.channelnames[candidate] == "A") alpha = candidate;
  }
  if (n < 3) return {0, 0, 0, alpha};  // grey (+ alpha)
  return {0, 1, 2, alpha};
}

std::string temporary_name_for(const fs::path& path) {
  std::random_device entropy;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string tag;
  for (int i = 0; i < 8; ++i) tag += "0123456789abcdef"[digit(entropy)];
  // Hidden, unique, and keeping the extension so the format plugin sees the same name kind.
  std::string name = ".";
  name += path.stem().string();
  name += ".tmp-";
  name += tag;
  name += path.extension().string();
  return name;
}

}  // namespace

ImageRGBA8 read_image(const fs::path& path) {
  // ImageInput, not ImageBuf: ImageBuf goes through OIIO's shared ImageCache, which would
  // hand back stale pixels for a file rewritten under the same name during the session.
  OIIO::ImageSpec config;
  config.attribute("oiio:UnassociatedAlpha", 1);  // keep straight alpha as stored in PNG
  auto input = OIIO::ImageInput::open(path.string(), &config);
  if (!input) throw InputError("Could not read the image " + path.string() + ": " + OIIO::geterror());

  const OIIO::ImageSpec& spec = input->spec();
  const int width = spec.width, height = spec.height, channels = spec.nchannels;
  if (width <= 0 || height <= 0 || channels <= 0)
    throw InputError("Could not read the image " + path.string() + ": it has no pixels");
  std::vector<uint8_t> stored(static_cast<size_t>(width) * height * channels);
  if (!input->read_image(0, 0, 0, channels, OIIO::TypeDesc::UINT8, stored.data()))
    throw InputError("Could not read the image " + path.string() + ": " + input->geterror());
  const int orientation = spec.get_int_attribute("Orientation", 1);
  const ChannelMap map = channel_map(spec);
  input->close();

  const bool swaps_axes = orientation >= 5 && orientation <= 8;
  ImageRGBA8 image(swaps_axes ? height : width, swaps_axes ? width : height);
  for (int sy = 0; sy < height; ++sy) {
    for (int sx = 0; sx < width; ++sx) {
      const uint8_t* src = stored.data() + (static_cast<size_t>(sy) * width + sx) * channels;
      const auto [dx, dy] = orient(orientation, sx, sy, width, height);
      uint8_t* dst = image.pixel(dx, dy);
      dst[0] = src[map.r];
      dst[1] = src[map.g];
      dst[2] = src[map.b];
      dst[3] = map.a >= 0 ? src[map.a] : 255;
    }
  }
  return image;
}

void write_image(const fs::path& path, const ImageRGBA8& image,
                 const std::vector<std::pair<std::string, std::string>>& text_metadata) {
  if (image.empty() || image.pixels.size() != static_cast<size_t>(image.width) * image.height * 4)
    throw Error("Could not write the image " + path.string() + ": the image buffer is empty or inconsistent");

  auto output = OIIO::ImageOutput::create(path.string());
  if (!output) throw Error("Could not write the image " + path.string() + ": " + OIIO::geterror());

  const int channels = output->supports("alpha") ? 4 : 3;
  OIIO::ImageSpec spec(image.width, image.height, channels, OIIO::TypeDesc::UINT8);
  if (channels == 4) {
    spec.alpha_channel = 3;
    // Our buffer holds straight (unassociated) alpha; without this PNG output would
    // divide the colours by alpha a second time.
    spec.attribute("oiio:UnassociatedAlpha", 1);
  }
  for (const auto& [key, value] : text_metadata) spec.attribute(key, value);

  const fs::path temporary = path.parent_path() / temporary_name_for(path);
  auto fail = [&](const std::string& reason) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw Error("Could not write the image " + path.string() + ": " + reason);
  };

  if (!output->open(temporary.string(), spec)) {
    std::string reason = output->geterror();
    if (reason.empty()) reason = OIIO::geterror();
    fail(reason.empty() ? "the file could not be created" : reason);
  }
  // RGBA rows in memory; for RGB formats the 4-byte pixel stride skips the alpha byte.
  const OIIO::stride_t pixel_stride = 4;
  const bool written = output->write_image(OIIO::TypeDesc::UINT8, image.pixels.data(), pixel_stride);
  const bool closed = output->close();
  if (!written || !closed) {
    const std::string reason = output->geterror();
    output.reset();
    fail(reason.empty() ? "the encoder failed" : reason);
  }
  output.reset();

  // OpenImageIO's PNG writer does not report a full disk: the file is silently cut short.
  // Flush the temporary to disk and decode it back before it may take the final name.
  {
    const int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    const int err = errno;
    if (fd >= 0) ::close(fd);
    if (!synced) fail(std::string("flushing to disk failed: ") + std::strerror(err));
  }
  auto input = OIIO::ImageInput::open(temporary.string());
  std::vector<uint8_t> check;
  bool complete = false;
  if (input) {
    const OIIO::ImageSpec& written_spec = input->spec();
    if (written_spec.width == image.width && written_spec.height == image.height) {
      check.resize(static_cast<size_t>(written_spec.image_pixels()) * written_spec.nchannels);
      complete = input->read_image(0, 0, 0, written_spec.nchannels, OIIO::TypeDesc::UINT8, check.data());
    }
    input->close();
  }
  if (!complete) fail("the file on disk is incomplete (is the disk full?)");

  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) fail(ec.message());
}

}  // namespace steer
