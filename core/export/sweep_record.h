#pragma once
// What the engine hands the exporter for each cell of a sweep: plain values, no torch, no
// Qt. A cell's CellSettings is everything needed to reproduce its image; the sidecar JSON
// stores every field, and the PNG "parameters" chunk carries them in A1111's format.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/formats/json.h"

namespace steer {

struct CellSettings {      // everything needed to reproduce one image
  std::string method;      // "cfg" | "ag" | "pg"
  double lambda = 7.5;     // guidance scale λ
  std::string omega;       // PG ω as text: "0.5" or a schedule "linear:0.2->0.8", "cosine:0.2->1",
                           // "interval:0.5@0.2-0.8"; "" when not PG (null in JSON: not applicable)
  std::string weak_model;  // AG's weak model ("base", a checkpoint path, "omega:0.5"); "" otherwise (null in JSON)
  int64_t seed = 0;
  std::string prompt, negative_prompt;
  int width = 512, height = 512, steps = 30;
  std::string sampler = "euler";
  bool karras = false;
  double eta = 0;
  double guidance_rescale = 0;
  std::string guidance_interval;           // "" or "sigma:0.28-5.42"
  std::string guidance_modifier;           // "" or a modifier's canonical text, e.g. "apg:eta=0,norm_threshold=15,momentum=-0.5"
  std::string model_name, model_hash;      // model folder name and a content hash
  std::string subject_name, subject_hash;  // LoRA / fine-tuned subject; "" if none
  double subject_scale = 1.0;
  std::string noise_device = "cpu";  // where noise was drawn
  std::string software_version;      // "Steer Studio 0.1.0"

  bool operator==(const CellSettings&) const = default;
};

// A cell's position along an axis whose setting does not change its image (ω for CFG: the
// method declares no ω, core/guidance/guidance_method.h). The one cell stands for every
// value along that axis: it is computed and exported once, and the index, sidecars and
// grid say ω does not apply (null, an empty CSV field, one tile spanning the columns).
inline constexpr size_t kAxisNotApplicable = static_cast<size_t>(-1);

struct SweepCell {
  size_t index = 0;                   // the cell's number in the sweep (unique)
  std::vector<size_t> axis_position;  // one label index per SweepAxis, in axis order; only the
                                      // first axis (the grid's columns) may be kAxisNotApplicable
  CellSettings settings;
  // The request in its one JSON form (core/generation/request_json.h), written into the
  // sidecar as "request"; null leaves it out.
  json::Value request;
  ImageRGBA8 image;
  double seconds = 0;  // generation time
};

struct SweepAxis {
  std::string name;                 // "method", "lambda", "omega", "seed", "prompt"
  std::vector<std::string> labels;  // one per value along the axis, as shown to the user
};

struct SweepExportOptions {
  std::filesystem::path parent_folder;  // the set becomes <parent_folder>/<set_name>[-N]
  std::string set_name = "sweep";
  std::string name_template = "{index}_{method}_l{lambda}_w{omega}_s{seed}";
  std::string image_extension = ".png";  // any format write_image knows: ".png", ".jpg", ".tif", ...
  bool write_grid = true;                // grid.png with row/column labels
  bool write_sidecars = true;            // <name>.json next to each image
  int grid_max_cell_side = 0;            // 0 keeps images at full size in the grid; otherwise
                                         // larger cells are scaled down to fit this many pixels
  // Whole-number enlargement of the images in the grids (nearest neighbour: sharp pixels).
  // 0: automatic, images under 256 px enlarged to at least 256 px (grid_upscale_factor);
  // 1: as they are; N: N times.
  int grid_upscale = 0;
  // Called with each file's path just before the file is written; whatever it throws
  // fails that write exactly like a real I/O error (tests use it to simulate a full disk).
  std::function<void(const std::filesystem::path&)> before_write;
};

// Compact decimal text of a number: the shortest text that reads back as the same double,
// without a trailing ".0" (7.5 -> "7.5", 7.0 -> "7", 0.25 -> "0.25").
std::string format_number(double value);

// Every CellSettings field as a JSON object (keys are the field names). Seeds beyond 2^53,
// which a JSON number cannot hold exactly, are written as decimal strings. A method's own
// setting it does not have (ω for CFG and AG, the weak model for CFG and PG) is null: not
// applicable, rather than a value that looks like one.
json::Value settings_to_json(const CellSettings& settings);
// The inverse. Absent and null keys keep their defaults (files from older versions, which
// wrote "" for ω where it did not apply, still read); a key of the wrong type throws
// steer::InputError naming the key.
CellSettings settings_from_json(const json::Value& object);

}  // namespace steer
