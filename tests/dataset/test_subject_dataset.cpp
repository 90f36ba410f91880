// Subject datasets: decoding every kind of photo a designer drops in, captions, crops,
// buckets, flips, and the refusals and warnings they see.
#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "core/common/error.h"
#include "core/dataset/image_ops.h"
#include "core/dataset/subject_dataset.h"
#include "core/imageio/image_file.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
namespace fs = std::filesystem;
using steer::testing::TempFolder;

namespace {

// A distinct, textured image: the pattern index changes the colours and the stripe layout
// so no two test images are near-duplicates of each other.
ImageRGBA8 pattern(int w, int h, int index) {
  ImageRGBA8 img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.pixel(x, y);
      p[0] = static_cast<uint8_t>((x * 255 / std::max(1, w - 1) + index * 70) % 256);
      p[1] = static_cast<uint8_t>((y * 255 / std::max(1, h - 1) * (index % 2 ? 1 : -1) + 512) % 256);
      p[2] = static_cast<uint8_t>(((x / (4 + index)) + (y / (3 + index))) % 2 ? 220 : 30);
      p[3] = 255;
    }
  return img;
}

ImageRGBA8 solid(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  ImageRGBA8 img(w, h);
  for (int i = 0; i < w * h; ++i) {
    uint8_t* p = img.pixels.data() + static_cast<size_t>(i) * 4;
    p[0] = r, p[1] = g, p[2] = b, p[3] = a;
  }
  return img;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

// Writes raw samples (uint8, uint16 or float in memory) through OpenImageIO, stored as
// `type`, with an optional EXIF/TIFF orientation.
template <typename T>
void write_raw(const fs::path& p, int w, int h, int channels, OIIO::TypeDesc type, const std::vector<T>& data,
               int orientation = 0) {
  auto out = OIIO::ImageOutput::create(p.string());
  REQUIRE(out != nullptr);
  OIIO::ImageSpec spec(w, h, channels, type);
  if (orientation) spec.attribute("Orientation", orientation);
  REQUIRE(out->open(p.string(), spec));
  OIIO::TypeDesc memory = OIIO::TypeDesc::UINT8;
  if constexpr (std::is_same_v<T, uint16_t>) memory = OIIO::TypeDesc::UINT16;
  if constexpr (std::is_same_v<T, float>) memory = OIIO::TypeDesc::FLOAT;
  REQUIRE(out->write_image(memory, data.data()));
  REQUIRE(out->close());
}

bool near(int a, int b, int tol) { return std::abs(a - b) <= tol; }

SubjectDatasetOptions small_options() {
  SubjectDatasetOptions o;
  o.resolution = 64;
  o.instance_prompt = "a photo of sks mug";
  return o;
}

bool has_warning(const SubjectDataset& d, const std::vector<std::string>& fragments) {
  for (const auto& w : d.warnings) {
    bool all = true;
    for (const auto& f : fragments) all = all && w.find(f) != std::string::npos;
    if (all) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "[" + x + "] ";
  return s;
}

}  // namespace

TEST_CASE("captions come from sidecars, else the instance prompt") {
  TempFolder dir;
  for (int i = 0; i < 3; ++i) write_image(dir.path() / ("img" + std::to_string(i) + ".png"), pattern(80, 80, i));
  write_text(dir.path() / "img1.txt", "  a photo of sks mug on a table\n");
  const auto d = SubjectDataset::load(dir.path(), small_options());
  REQUIRE(d.examples.size() == 3);
  CHECK_EQ(d.examples[0].caption, "a photo of sks mug");
  CHECK_EQ(d.examples[1].caption, "a photo of sks mug on a table");
  CHECK_EQ(d.examples[2].caption, "a photo of sks mug");
  CHECK_EQ(d.examples[1].source.filename().string(), "img1.png");
  CHECK_MSG(d.warnings.empty(), joined(d.warnings));
  for (const auto& e : d.examples) {
    CHECK_EQ(e.image.width, 64);
    CHECK_EQ(e.image.height, 64);
    CHECK(!e.flipped);
  }
}

TEST_CASE("alpha is composited on the chosen background") {
  TempFolder dir;
  write_image(dir.path() / "a.png", solid(64, 64, 255, 0, 0, 0));    // fully transparent red
  write_image(dir.path() / "b.png", solid(64, 64, 255, 0, 0, 128));  // half transparent red
  write_image(dir.path() / "c.png", pattern(64, 64, 3));
  auto o = small_options();
  o.background[0] = 10, o.background[1] = 20, o.background[2] = 30;
  const auto d = SubjectDataset::load(dir.path(), o);
  REQUIRE(d.examples.size() == 3);
  const uint8_t* a = d.examples[0].image.pixel(10, 10);
  CHECK(a[0] == 10 && a[1] == 20 && a[2] == 30 && a[3] == 255);
  const uint8_t* b = d.examples[1].image.pixel(10, 10);
  CHECK_MSG(near(b[0], 133, 2) && near(b[1], 10, 2) && near(b[2], 15, 2) && b[3] == 255,
            int(b[0]) << "," << int(b[1]) << "," << int(b[2]));
  // Default background is white.
  const auto w = SubjectDataset::load(dir.path(), small_options());
  const uint8_t* wa = w.examples[0].image.pixel(0, 0);
  CHECK(wa[0] == 255 && wa[1] == 255 && wa[2] == 255);
}

TEST_CASE("16-bit TIFF is scaled and float EXR is tone mapped") {
  TempFolder dir;
  std::vector<uint16_t> deep(64 * 64 * 3);
  for (size_t i = 0; i < deep.size(); i += 3) deep[i] = 65535, deep[i + 1] = 32768, deep[i + 2] = 0;
  write_raw(dir.path() / "deep.tif", 64, 64, 3, OIIO::TypeDesc::UINT16, deep);
  std::vector<float> hdr(64 * 64 * 3);
  for (size_t i = 0; i < hdr.size(); i += 3) hdr[i] = 1.0f, hdr[i + 1] = 0.0f, hdr[i + 2] = 8.0f;
  write_raw(dir.path() / "light.exr", 64, 64, 3, OIIO::TypeDesc::HALF, std::vector<float>(hdr));
  write_image(dir.path() / "other.png", pattern(64, 64, 1));
  const auto d = SubjectDataset::load(dir.path(), small_options());
  REQUIRE(d.examples.size() == 3);
  // Sorted by name: deep.tif, light.exr, other.png.
  const uint8_t* t = d.examples[0].image.pixel(5, 5);
  CHECK_MSG(t[0] == 255 && near(t[1], 128, 1) && t[2] == 0, int(t[0]) << "," << int(t[1]) << "," << int(t[2]));
  // Reinhard 1/(1+1) = 0.5 -> sRGB 0.7354 -> 188; 8/9 -> sRGB 0.9497 -> 242; 0 -> 0.
  const uint8_t* e = d.examples[1].image.pixel(5, 5);
  CHECK_MSG(near(e[0], 188, 1) && e[1] == 0 && near(e[2], 242, 1), int(e[0]) << "," << int(e[1]) << "," << int(e[2]));
}

TEST_CASE("EXR alpha is premultiplied: unassociated, tone mapped, then composited") {
  TempFolder dir;
  std::vector<float> rgba(32 * 32 * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) rgba[i] = 0.5f, rgba[i + 1] = 0.0f, rgba[i + 2] = 0.0f, rgba[i + 3] = 0.5f;
  write_raw(dir.path() / "cutout.exr", 32, 32, 4, OIIO::TypeDesc::HALF, rgba);
  auto o = small_options();
  o.minimum_images = 1;
  const auto d = SubjectDataset::load(dir.path(), o);
  REQUIRE(d.examples.size() == 1);
  // Colour 1.0 -> 188; half over white: (188 * 128 + 255 * 127) / 255 = 221, 0 -> 127.
  const uint8_t* p = d.examples[0].image.pixel(3, 3);
  CHECK_MSG(near(p[0], 221, 1) && near(p[1], 127, 1) && near(p[2], 127, 1) && p[3] == 255,
            int(p[0]) << "," << int(p[1]) << "," << int(p[2]));
  CHECK_MSG(has_warning(d, {"cutout.exr", "32x32"}), joined(d.warnings));
}

TEST_CASE("JPEG EXIF orientation is honoured and picks a portrait bucket") {
  TempFolder dir;
  // Stored 128x64: left half red, right half blue. Orientation 6 shows it rotated 90
  // degrees clockwise: 64x128, red on top, blue at the bottom.
  std::vector<uint8_t> px(128 * 64 * 3);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 128; ++x) {
      uint8_t* p = px.data() + (y * 128 + x) * 3;
      p[0] = x < 64 ? 230 : 20, p[1] = 20, p[2] = x < 64 ? 20 : 230;
    }
  write_raw(dir.path() / "rotated.jpg", 128, 64, 3, OIIO::TypeDesc::UINT8, px, 6);
  write_image(dir.path() / "x1.png", pattern(64, 64, 1));
  write_image(dir.path() / "x2.png", pattern(64, 64, 2));
  auto o = small_options();
  o.buckets = true;
  const auto d = SubjectDataset::load(dir.path(), o);
  REQUIRE(d.examples.size() == 3);
  const auto& r = d.examples[0].image;
  CHECK_EQ(r.width, 48);   // 384 * 64 / 512
  CHECK_EQ(r.height, 80);  // 640 * 64 / 512
  const uint8_t* top = r.pixel(24, 5);
  const uint8_t* bottom = r.pixel(24, 74);
  CHECK_MSG(top[0] > 180 && top[2] < 70, int(top[0]) << "," << int(top[2]));
  CHECK_MSG(bottom[2] > 180 && bottom[0] < 70, int(bottom[0]) << "," << int(bottom[2]));
  CHECK_EQ(d.examples[1].image.width, 64);  // square images get the square bucket
}

TEST_CASE("buckets scale with the resolution and the nearest aspect wins") {
  const auto b = subject_buckets(512);
  REQUIRE(b.size() == 5);
  CHECK(std::find(b.begin(), b.end(), std::pair<int, int>{576, 448}) != b.end());
  CHECK(nearest_bucket(1920, 1080, 512) == (std::pair<int, int>{640, 384}));
  CHECK(nearest_bucket(1000, 1000, 512) == (std::pair<int, int>{512, 512}));
  CHECK(nearest_bucket(3000, 4000, 512) == (std::pair<int, int>{448, 576}));
  CHECK(nearest_bucket(1024, 1024, 1024) == (std::pair<int, int>{1024, 1024}));
  CHECK(nearest_bucket(1920, 1080, 1024) == (std::pair<int, int>{1280, 768}));
  for (const auto& [w, h] : subject_buckets(768)) CHECK(w % 8 == 0 && h % 8 == 0);
}

TEST_CASE("center crop keeps the middle; random crop is seeded") {
  TempFolder dir;
  // 192x64: red | green | blue thirds. A center square crop is all green.
  ImageRGBA8 thirds(192, 64);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 192; ++x) {
      uint8_t* p = thirds.pixel(x, y);
      p[0] = x < 64 ? 255 : 0, p[1] = (x >= 64 && x < 128) ? 255 : 0, p[2] = x >= 128 ? 255 : 0, p[3] = 255;
    }
  write_image(dir.path() / "a.png", thirds);
  write_image(dir.path() / "b.png", pattern(300, 100, 1));
  write_image(dir.path() / "c.png", pattern(100, 300, 2));
  auto o = small_options();
  const auto d = SubjectDataset::load(dir.path(), o);
  REQUIRE(d.examples.size() == 3);
  for (int x = 0; x < 64; x += 7) {
    const uint8_t* p = d.examples[0].image.pixel(x, 32);
    CHECK_MSG(p[0] == 0 && p[1] == 255 && p[2] == 0, "x=" << x);
  }
  o.center_crop = false;
  o.seed = 7;
  const auto r1 = SubjectDataset::load(dir.path(), o);
  const auto r2 = SubjectDataset::load(dir.path(), o);
  bool any_differs_from_center = false;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(r1.examples[i].image.pixels == r2.examples[i].image.pixels);
    any_differs_from_center = any_differs_from_center || r1.examples[i].image.pixels != d.examples[i].image.pixels;
  }
  CHECK(any_differs_from_center);
  bool seeds_differ = false;
  for (uint64_t s = 8; s < 12 && !seeds_differ; ++s) {
    o.seed = s;
    const auto r3 = SubjectDataset::load(dir.path(), o);
    for (size_t i = 0; i < 3; ++i) seeds_differ = seeds_differ || r3.examples[i].image.pixels != r1.examples[i].image.pixels;
  }
  CHECK(seeds_differ);
}

TEST_CASE("flip mirrors some examples, seeded") {
  TempFolder dir;
  for (int i = 0; i < 12; ++i) write_image(dir.path() / ("p" + std::to_string(10 + i) + ".png"), pattern(64, 64, i));
  auto o = small_options();
  const auto plain = SubjectDataset::load(dir.path(), o);
  o.flip = true;
  o.seed = 3;
  const auto flipped = SubjectDataset::load(dir.path(), o);
  REQUIRE(flipped.examples.size() == 12);
  int n = 0;
  for (size_t i = 0; i < 12; ++i) {
    const auto& e = flipped.examples[i];
    if (e.flipped) {
      ++n;
      CHECK(e.image.pixels == dataset::flip_horizontal(plain.examples[i].image).pixels);
    } else {
      CHECK(e.image.pixels == plain.examples[i].image.pixels);
    }
  }
  CHECK_MSG(n > 0 && n < 12, n);
}

TEST_CASE("downscaling averages areas; enlarging interpolates") {
  ImageRGBA8 checker(256, 256);
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) {
      const uint8_t v = (x + y) % 2 ? 255 : 0;
      uint8_t* p = checker.pixel(x, y);
      p[0] = p[1] = p[2] = v, p[3] = 255;
    }
  const ImageRGBA8 small = dataset::resize(checker, 64, 64);
  for (int i = 0; i < 64 * 64; ++i) CHECK(near(small.pixels[static_cast<size_t>(i) * 4], 128, 2));
  ImageRGBA8 two(2, 1);
  two.pixel(0, 0)[0] = 0, two.pixel(1, 0)[0] = 200;
  const ImageRGBA8 big = dataset::resize(two, 8, 1);
  CHECK_EQ(int(big.pixel(0, 0)[0]), 0);
  CHECK_EQ(int(big.pixel(7, 0)[0]), 200);
  for (int x = 1; x < 8; ++x) CHECK(big.pixel(x, 0)[0] >= big.pixel(x - 1, 0)[0]);
}

TEST_CASE("an image list names files relative to itself") {
  TempFolder dir;
  fs::create_directories(dir.path() / "shots");
  for (int i = 0; i < 3; ++i) write_image(dir.path() / "shots" / ("s" + std::to_string(i) + ".png"), pattern(64, 64, i));
  write_text(dir.path() / "list.txt",
             "# my subject\nshots/s2.png\n\nshots/s0.png\n" + (dir.path() / "shots" / "s1.png").string() + "\n");
  const auto d = SubjectDataset::load(dir.path() / "list.txt", small_options());
  REQUIRE(d.examples.size() == 3);
  CHECK_EQ(d.examples[0].source.filename().string(), "s2.png");
  CHECK_EQ(d.examples[1].source.filename().string(), "s0.png");
  CHECK_EQ(d.examples[2].source.filename().string(), "s1.png");
}

TEST_CASE("refuses an empty folder, naming it and the formats") {
  TempFolder dir;
  write_text(dir.path() / "notes.txt", "no images here");
  CHECK_THROWS_WITH(SubjectDataset::load(dir.path(), small_options()), dir.path().string(), ".png", ".jpg", ".exr", "No images");
  try {
    SubjectDataset::load(dir.path(), small_options());
  } catch (const InputError&) {
  } catch (...) {
    CHECK_MSG(false, "not an InputError");
  }
  CHECK_THROWS_WITH(SubjectDataset::load(dir.path() / "missing", small_options()), "does not exist");
}

TEST_CASE("refuses unreadable files, naming every one") {
  TempFolder dir;
  for (int i = 0; i < 3; ++i) write_image(dir.path() / ("ok" + std::to_string(i) + ".png"), pattern(64, 64, i));
  write_text(dir.path() / "broken.png", "this is not a png");
  write_text(dir.path() / "truncated.jpg", std::string("\xFF\xD8\xFF\xE0 garbage", 13));
  CHECK_THROWS_WITH(SubjectDataset::load(dir.path(), small_options()), "broken.png", "truncated.jpg", "Could not read 2 of 5");
}

TEST_CASE("refuses fewer images than the minimum") {
  TempFolder dir;
  for (int i = 0; i < 2; ++i) write_image(dir.path() / ("ok" + std::to_string(i) + ".png"), pattern(64, 64, i));
  CHECK_THROWS_WITH(SubjectDataset::load(dir.path(), small_options()), "Found 2 images", "at least 3");
  auto o = small_options();
  o.minimum_images = 2;
  CHECK_EQ(SubjectDataset::load(dir.path(), o).examples.size(), size_t{2});
  o.instance_prompt.clear();
  CHECK_THROWS_WITH(SubjectDataset::load(dir.path(), o), "No caption", "ok0.png", "instance prompt");
}

TEST_CASE("warns about small images and duplicates") {
  TempFolder dir;
  write_image(dir.path() / "a.png", pattern(96, 96, 1));
  write_image(dir.path() / "b.png", pattern(96, 96, 1));  // exact copy of a
  ImageRGBA8 nearly = pattern(96, 96, 4);
  write_image(dir.path() / "c.png", nearly);
  nearly.pixel(40, 40)[0] ^= 0x10;  // one pixel nudged
  write_image(dir.path() / "d.png", nearly);
  write_image(dir.path() / "tiny.png", pattern(16, 24, 2));
  const auto d = SubjectDataset::load(dir.path(), small_options());
  CHECK_EQ(d.examples.size(), size_t{5});  // warnings do not drop anything
  CHECK_MSG(has_warning(d, {"b.png", "exact duplicate", "a.png"}), joined(d.warnings));
  CHECK_MSG(has_warning(d, {"d.png", "nearly identical", "c.png"}), joined(d.warnings));
  CHECK_MSG(has_warning(d, {"tiny.png", "16x24", "64x64"}), joined(d.warnings));
  CHECK_EQ(d.warnings.size(), size_t{3});
  const auto& tiny = d.examples[4].image;
  CHECK(tiny.width == 64 && tiny.height == 64);
}

STEER_TEST_MAIN()
