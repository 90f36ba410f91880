#pragma once
// Scoring the demo's images with the toy world's procedural scorers (toy_scorers.h): text
// fidelity (the counterpart of CLIP-T) against the scene the prompt asks for, subject fidelity
// (the counterpart of DINO / CLIP-I) against the demo emblem, both read from one analysis of
// the image. And the per-image score files. Torch-free.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/demo/toy_world.h"

namespace steer::demo {

// The method name of the reference images: CFG on the base model, no subject attached.
inline constexpr const char* kBaseModelMethod = "base";

struct ImageScore {
  std::string file;    // relative to the demo's output folder, e.g. "sweep/003_pg_l5_w0.5_s1.png"
  std::string method;  // "cfg" | "ag" | "pg" | kBaseModelMethod
  double lambda = 0;
  std::string omega;  // PG's ω as text; "" for the other methods
  int64_t seed = 0;
  std::string prompt;
  double text = 0;     // text fidelity in [0, 1]
  double subject = 0;  // subject fidelity in [0, 1]
  // Equal for images with equal settings (a CFG cell repeated along the sweep's ω axis), so
  // averages count each distinct image once.
  std::string settings_key;
};

struct FidelityPair {
  double text = 0, subject = 0;
};

// Both scores from one ToySceneAnalysis of the image. Throws std::invalid_argument for an
// image the analysis refuses (empty or not square).
FidelityPair score_demo_image(const ImageRGBA8& image, const ToyScene& prompt);

// scores.csv: a header, then one row per image (file, method, lambda, omega, seed, prompt, text,
// subject), RFC 4180 quoting. scores.json: {"images": [{...the same keys...}, ...]}. Both are
// written atomically; steer::Error names the file that could not be written.
void write_scores_csv(const std::filesystem::path& file, const std::vector<ImageScore>& scores);
void write_scores_json(const std::filesystem::path& file, const std::vector<ImageScore>& scores);

// A score as the files write it: 4 decimals.
std::string score_text(double value);

}  // namespace steer::demo
