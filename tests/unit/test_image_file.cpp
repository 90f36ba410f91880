// steer::read_image / steer::write_image: round trips per format, PNG text metadata,
// EXIF orientation, atomic writes and error messages.
#include <OpenImageIO/imageio.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/common/error.h"
#include "core/imageio/image_file.h"
#include "tests/support/test_harness.h"

namespace fs = std::filesystem;
using steer::ImageRGBA8;

namespace {

// A fresh folder per test case, removed when the case ends.
struct ScratchFolder {
  fs::path path;
  explicit ScratchFolder(const std::string& name)
      : path(fs::temp_directory_path() / ("steer-test-image-" + std::to_string(getpid()) + "-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// Smooth gradients (so JPEG stays close) with a varying alpha (so alpha handling shows).
ImageRGBA8 test_pattern(int width, int height) {
  ImageRGBA8 image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<uint8_t>(x * 255 / (width - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (height - 1));
      p[2] = static_cast<uint8_t>((x + y) * 255 / (width + height - 2));
      p[3] = static_cast<uint8_t>(64 + (x * 191) / (width - 1));
    }
  return image;
}

int max_rgb_difference(const ImageRGBA8& a, const ImageRGBA8& b) {
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i)
    if (i % 4 != 3) worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

bool has_temporary_files(const fs::path& folder) {
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("PNG and TIFF round trips are lossless, alpha included") {
  ScratchFolder dir("lossless");
  const ImageRGBA8 original = test_pattern(37, 23);
  for (const char* name : {"out.png", "out.tif", "out.tiff"}) {
    steer::write_image(dir.path / name, original);
    const ImageRGBA8 back = steer::read_image(dir.path / name);
    CHECK_EQ(back.width, 37);
    CHECK_EQ(back.height, 23);
    CHECK_MSG(back.pixels == original.pixels, name << " pixels differ");
  }
  CHECK(!has_temporary_files(dir.path));
}

TEST_CASE("JPEG round trip is close and opaque") {
  ScratchFolder dir("jpeg");
  const ImageRGBA8 original = test_pattern(64, 48);
  steer::write_image(dir.path / "out.jpg", original);
  const ImageRGBA8 back = steer::read_image(dir.path / "out.jpg");
  REQUIRE(back.width == 64 && back.height == 48);
  const int worst = max_rgb_difference(original, back);
  CHECK_MSG(worst <= 12, "max channel difference " << worst);
  bool opaque = true;
  for (size_t i = 3; i < back.pixels.size(); i += 4) opaque = opaque && back.pixels[i] == 255;
  CHECK(opaque);
}

TEST_CASE("Rewriting a file replaces it and reads back the new pixels") {
  ScratchFolder dir("rewrite");
  ImageRGBA8 first = test_pattern(8, 8);
  steer::write_image(dir.path / "same.png", first);
  ImageRGBA8 second = first;
  for (auto& v : second.pixels) v = static_cast<uint8_t>(255 - v);
  steer::write_image(dir.path / "same.png", second);
  CHECK(steer::read_image(dir.path / "same.png").pixels == second.pixels);
  CHECK(!has_temporary_files(dir.path));
}

TEST_CASE("PNG text metadata is written as text chunks and reads back") {
  ScratchFolder dir("metadata");
  const std::string parameters =
      "a photo of sks dog\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 7, Seed: 42";
  steer::write_image(dir.path / "meta.png", test_pattern(16, 16), {{"parameters", parameters}, {"Software", "Steer Studio"}});

  auto input = OIIO::ImageInput::open((dir.path / "meta.png").string());
  REQUIRE(input != nullptr);
  CHECK_EQ(input->spec().get_string_attribute("parameters"), parameters);
  CHECK_EQ(input->spec().get_string_attribute("Software"), std::string("Steer Studio"));
  input->close();

  // Independent of OIIO's reader: a PNG text chunk starts with its keyword and a NUL.
  const std::string bytes = file_bytes(dir.path / "meta.png");
  const bool text_chunk = bytes.find(std::string("tEXtparameters\0", 15)) != std::string::npos ||
                          bytes.find(std::string("iTXtparameters\0", 15)) != std::string::npos ||
                          bytes.find(std::string("zTXtparameters\0", 15)) != std::string::npos;
  CHECK(text_chunk);
  CHECK(bytes.find("oiio:") == std::string::npos);  // no internal hint leaks into the file
}

// Writes `image` with an orientation tag through OpenImageIO directly (write_image has no
// orientation: Steer Studio writes pixels upright).
static void write_with_orientation(const fs::path& file, const ImageRGBA8& image, int orientation) {
  OIIO::ImageSpec spec(image.width, image.height, 4, OIIO::TypeDesc::UINT8);
  spec.alpha_channel = 3;
  spec.attribute("Orientation", orientation);
  auto out = OIIO::ImageOutput::create(file.string());
  REQUIRE(out && out->open(file.string(), spec));
  REQUIRE(out->write_image(OIIO::TypeDesc::UINT8, image.pixels.data()));
  out->close();
}

TEST_CASE("EXIF/TIFF orientation is applied as the EXIF specification defines it") {
  ScratchFolder dir("orientation");
  // Stored 3x2:  1 2 3 / 4 5 6 (in the red channel). Expected upright pixels follow
  // EXIF 2.3 (CIPA DC-008) Orientation; Pillow's exif_transpose gives the same. Not
  // compared with OIIO's ImageBufAlgo::reorient: OIIO 2.4 swaps 5 and 7 (fixed upstream
  // in OpenImageIO PR #5350).
  ImageRGBA8 stored(3, 2);
  for (int i = 0; i < 6; ++i) {
    stored.pixels[i * 4] = static_cast<uint8_t>(i + 1);
    stored.pixels[i * 4 + 3] = 255;
  }
  struct Expected {
    int width, height;
    std::vector<int> red;
  };
  const Expected expected[8] = {{3, 2, {1, 2, 3, 4, 5, 6}}, {3, 2, {3, 2, 1, 6, 5, 4}}, {3, 2, {6, 5, 4, 3, 2, 1}},
                                {3, 2, {4, 5, 6, 1, 2, 3}}, {2, 3, {1, 4, 2, 5, 3, 6}}, {2, 3, {4, 1, 5, 2, 6, 3}},
                                {2, 3, {6, 3, 5, 2, 4, 1}}, {2, 3, {3, 6, 2, 5, 1, 4}}};
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const fs::path file = dir.path / ("oriented" + std::to_string(orientation) + ".tif");
    write_with_orientation(file, stored, orientation);
    const ImageRGBA8 back = steer::read_image(file);
    const Expected& want = expected[orientation - 1];
    CHECK_EQ(back.width, want.width);
    CHECK_EQ(back.height, want.height);
    std::vector<int> red;
    for (size_t i = 0; i < back.pixels.size(); i += 4) red.push_back(back.pixels[i]);
    CHECK_MSG(red == want.red, "orientation " << orientation);
  }
}

TEST_CASE("JPEG EXIF orientation turns the image upright") {
  ScratchFolder dir("jpeg-orientation");
  // 32x16, left half black and right half white, stored "rotated": orientation 6 means
  // viewers turn it 90 degrees clockwise, so it shows 16x32 with black on top.
  ImageRGBA8 stored(32, 16);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 32; ++x) {
      uint8_t* p = stored.pixel(x, y);
      p[0] = p[1] = p[2] = x < 16 ? 0 : 255;
      p[3] = 255;
    }
  const fs::path file = dir.path / "rotated.jpg";
  write_with_orientation(file, stored, 6);
  const ImageRGBA8 back = steer::read_image(file);
  REQUIRE(back.width == 16 && back.height == 32);
  CHECK(back.pixel(8, 4)[0] < 40);
  CHECK(back.pixel(8, 28)[0] > 215);
}

TEST_CASE("Grey images become RGB with opaque alpha") {
  ScratchFolder dir("grey");
  const fs::path file = dir.path / "grey.png";
  const uint8_t grey[6] = {0, 50, 100, 150, 200, 250};
  {
    OIIO::ImageSpec spec(3, 2, 1, OIIO::TypeDesc::UINT8);
    auto out = OIIO::ImageOutput::create(file.string());
    REQUIRE(out && out->open(file.string(), spec));
    REQUIRE(out->write_image(OIIO::TypeDesc::UINT8, grey));
    out->close();
  }
  const ImageRGBA8 back = steer::read_image(file);
  REQUIRE(back.width == 3 && back.height == 2);
  bool same = true;
  for (int i = 0; i < 6; ++i) {
    const uint8_t* p = back.pixels.data() + i * 4;
    same = same && p[0] == grey[i] && p[1] == grey[i] && p[2] == grey[i] && p[3] == 255;
  }
  CHECK(same);
}

TEST_CASE("Errors name the path and leave no temporary file") {
  ScratchFolder dir("errors");
  const ImageRGBA8 image = test_pattern(4, 4);

  const std::string missing_folder = (dir.path / "no-such-folder" / "out.png").string();
  CHECK_THROWS_WITH(steer::write_image(missing_folder, image), missing_folder.c_str());

  const std::string unknown_format = (dir.path / "out.notaformat").string();
  CHECK_THROWS_WITH(steer::write_image(unknown_format, image), unknown_format.c_str());

  // Encoding succeeds but the final rename cannot replace a non-empty folder: the
  // temporary must be cleaned up.
  const std::string blocked = (dir.path / "blocked.png").string();
  fs::create_directories(fs::path(blocked) / "child");
  CHECK_THROWS_WITH(steer::write_image(blocked, image), blocked.c_str());
  CHECK(!has_temporary_files(dir.path));

  const std::string absent = (dir.path / "absent.png").string();
  CHECK_THROWS_WITH(steer::read_image(absent), absent.c_str());
  bool input_error = false;
  try {
    steer::read_image(absent);
  } catch (const steer::InputError&) {
    input_error = true;
  }
  CHECK(input_error);

  ImageRGBA8 inconsistent(4, 4);
  inconsistent.pixels.pop_back();
  CHECK_THROWS_WITH(steer::write_image(dir.path / "bad.png", inconsistent), "bad.png");
  CHECK(!has_temporary_files(dir.path));
}

STEER_TEST_MAIN()
