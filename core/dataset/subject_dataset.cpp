#include "core/dataset/subject_dataset.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/dataset/hdr_reader.h"
#include "core/dataset/image_ops.h"
#include "core/formats/sha256.h"
#include "core/imageio/image_file.h"

namespace steer {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_image_name(const fs::path& p) {
  const auto& exts = subject_image_extensions();
  return std::find(exts.begin(), exts.end(), lower(p.extension().string())) != exts.end();
}

std::string extension_list() {
  std::string out;
  for (const auto& e : subject_image_extensions()) out += (out.empty() ? "" : " ") + e;
  return out;
}

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// The image paths named by a folder, a list file or a single image.
std::vector<fs::path> gather(const fs::path& source) {
  std::error_code ec;
  if (fs::is_directory(source, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source, ec)) {
      const fs::path& p = entry.path();
      if (p.filename().string().starts_with(".")) continue;
      if (!entry.is_regular_file(ec)) continue;
      if (is_image_name(p)) files.push_back(p);
    }
    if (ec) throw InputError("Could not list the subject folder " + source.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty())
      throw InputError("No images found in the subject folder " + source.string() + " (looked for " + extension_list() + ")");
    return files;
  }
  if (!fs::exists(source, ec)) throw InputError("The subject folder or image list " + source.string() + " does not exist");
  if (is_image_name(source)) return {source};
  // A list of image paths, one per line.
  std::ifstream in(source);
  if (!in) throw InputError("Could not read the image list " + source.string());
  std::vector<fs::path> files;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    fs::path p(line);
    if (p.is_relative()) p = source.parent_path() / p;
    files.push_back(p);
  }
  if (files.empty())
    throw InputError("No images found in the image list " + source.string() +
                     " (it names no files; expected one image path per line, formats " + extension_list() + ")");
  return files;
}

std::string read_caption(const fs::path& image_path) {
  fs::path sidecar = image_path;
  sidecar.replace_extension(".txt");
  std::error_code ec;
  if (!fs::is_regular_file(sidecar, ec)) return {};
  std::ifstream in(sidecar);
  if (!in) throw InputError("Could not read the caption file " + sidecar.string());
  std::stringstream ss;
  ss << in.rdbuf();
  // Captions are one line; newlines inside become spaces.
  std::string text = trim(ss.str());
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

ImageRGBA8 decode(const fs::path& path) {
  if (auto hdr = dataset::read_float_image_tone_mapped(path)) return std::move(*hdr);
  return read_image(path);
}

std::string pixel_hash(const ImageRGBA8& image) {
  Sha256 h;
  const int32_t dims[2] = {image.width, image.height};
  h.update(dims, sizeof dims);
  h.update(image.pixels.data(), image.pixels.size());
  return h.hex_digest();
}

// What the duplicate checks keep of each image once its example is made: the full
// decoded image is dropped straight away (20 phone photos would otherwise hold gigabytes).
struct Fingerprint {
  std::string sha256;    // of the composited pixels and size
  uint64_t dhash = 0;    // difference hash
  ImageRGBA8 thumbnail;  // 16x16
};

}  // namespace

const std::vector<std::string>& subject_image_extensions() {
  static const std::vector<std::string> exts = {".png",  ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".tif", ".tiff", ".bmp",
                                                ".gif",  ".tga", ".exr",  ".hdr", ".psd",  ".jp2",  ".j2k", ".heic", ".heif",
                                                ".avif", ".dpx", ".ppm",  ".pgm", ".pnm",  ".dds",  ".ico", ".sgi",  ".rgb"};
  return exts;
}

std::vector<std::pair<int, int>> subject_buckets(int resolution) {
  static const int base[5][2] = {{512, 512}, {576, 448}, {448, 576}, {640, 384}, {384, 640}};
  std::vector<std::pair<int, int>> out;
  for (const auto& b : base) {
    auto side = [&](int v) {
      const int scaled = static_cast<int>(std::lround(v * static_cast<double>(resolution) / 512.0 / 8.0)) * 8;
      return std::max(8, scaled);
    };
    out.emplace_back(side(b[0]), side(b[1]));
  }
  return out;
}

std::pair<int, int> nearest_bucket(int width, int height, int resolution) {
  const double aspect = std::log(static_cast<double>(width) / height);
  std::pair<int, int> best{resolution, resolution};
  double best_d = 1e30;
  for (const auto& b : subject_buckets(resolution)) {
    const double d = std::abs(std::log(static_cast<double>(b.first) / b.second) - aspect);
    if (d < best_d) best_d = d, best = b;
  }
  return best;
}

SubjectDataset SubjectDataset::load(const fs::path& source, const SubjectDatasetOptions& options) {
  if (options.resolution < 8)
    throw InputError("The training resolution must be at least 8 pixels (got " + std::to_string(options.resolution) + ")");
  const std::vector<fs::path> files = gather(source);

  SubjectDataset out;
  std::vector<std::string> unreadable;
  std::vector<Fingerprint> prints;
  std::vector<std::string> size_warnings;
  for (size_t i = 0; i < files.size(); ++i) {
    const fs::path& path = files[i];
    ImageRGBA8 image;
    try {
      image = dataset::composite_on(decode(path), options.background);
    } catch (const std::exception& e) {
      unreadable.push_back(e.what());
      continue;
    }
    if (!unreadable.empty()) continue;  // the load fails anyway; only keep looking for bad files

    prints.push_back({pixel_hash(image), dataset::difference_hash(image), dataset::resize(image, 16, 16)});

    const int w = image.width, h = image.height;
    const auto [tw, th] =
        options.buckets ? nearest_bucket(w, h, options.resolution) : std::pair<int, int>{options.resolution, options.resolution};
    // The largest window of the target aspect inside the image.
    int cw = w, ch = static_cast<int>(std::lround(static_cast<double>(w) * th / tw));
    if (ch > h) {
      ch = h;
      cw = std::min(w, static_cast<int>(std::lround(static_cast<double>(h) * tw / th)));
    }
    cw = std::max(1, cw);
    ch = std::max(1, ch);
    if (cw < tw || ch < th)
      size_warnings.push_back(path.filename().string() + " is " + size_text(w, h) + ", smaller than the " + size_text(tw, th) +
                              " training size; it will be enlarged and look soft");
    // A generator per image, so one image's crop and flip do not depend on the others.
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + i + 1);
    int x = (w - cw) / 2, y = (h - ch) / 2;
    if (!options.center_crop) {
      x = std::uniform_int_distribution<int>(0, w - cw)(rng);
      y = std::uniform_int_distribution<int>(0, h - ch)(rng);
    }
    SubjectExample ex;
    ex.source = path;
    ex.image = dataset::resize(dataset::crop(image, x, y, cw, ch), tw, th);
    if (options.flip && std::bernoulli_distribution(0.5)(rng)) {
      ex.image = dataset::flip_horizontal(ex.image);
      ex.flipped = true;
    }
    out.examples.push_back(std::move(ex));
  }
  if (!unreadable.empty()) {
    std::string msg =
        "Could not read " + std::to_string(unreadable.size()) + " of " + std::to_string(files.size()) + " subject images:";
    for (const auto& u : unreadable) msg += "\n  " + u;
    throw InputError(msg);
  }
  if (static_cast<int>(out.examples.size()) < options.minimum_images)
    throw InputError("Found " + std::to_string(out.examples.size()) + " image" + (out.examples.size() == 1 ? "" : "s") + " in " +
                     source.string() + ", but at least " + std::to_string(options.minimum_images) +
                     " are needed to train a subject");

  const std::string prompt = trim(options.instance_prompt);
  std::vector<std::string> uncaptioned;
  for (auto& ex : out.examples) {
    ex.caption = read_caption(ex.source);
    if (ex.caption.empty()) ex.caption = prompt;
    if (ex.caption.empty()) uncaptioned.push_back(ex.source.filename().string());
  }
  if (!uncaptioned.empty()) {
    std::string msg = "No caption for " + std::to_string(uncaptioned.size()) +
                      " image(s) and no instance prompt (such as \"a photo of sks mug\") was given:";
    for (const auto& u : uncaptioned) msg += " " + u;
    throw InputError(msg);
  }

  // Duplicates: identical pixels (SHA-256), and near-duplicates (difference hash within a
  // few bits and similar 16x16 thumbnails), judged on the whole decoded images.
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < prints.size(); ++i) {
    const std::string name = out.examples[i].source.filename().string();
    auto [it, inserted] = seen.emplace(prints[i].sha256, i);
    if (!inserted) {
      out.warnings.push_back(name + " is an exact duplicate of " + out.examples[it->second].source.filename().string());
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (prints[j].sha256 == prints[i].sha256) continue;
      if (std::popcount(prints[i].dhash ^ prints[j].dhash) <= 4 &&
          dataset::thumbnail_distance(prints[i].thumbnail, prints[j].thumbnail) < 6.0) {
        out.warnings.push_back(name + " is nearly identical to " + out.examples[j].source.filename().string());
        break;
      }
    }
  }
  out.warnings.insert(out.warnings.end(), size_warnings.begin(), size_warnings.end());
  return out;
}

}  // namespace steer
