#pragma once
// A sweep: a grid over method × λ × ω (or ω schedule) × seed × prompt around one base
// request (docs/guidance.md, "What a designer compares"). Torch-free: it only enumerates cells.
#include <string>
#include <vector>

#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/generation/generation_request.h"

namespace steer {

struct SweepPlan {
  GenerationRequest base;
  std::vector<std::string> methods{"cfg"};
  std::vector<double> lambdas;       // empty: the base λ
  std::vector<std::string> omegas;   // ω or schedule texts; empty: the base ω
  std::vector<int64_t> seeds;        // empty: the base seed
  std::vector<std::string> prompts;  // empty: the base prompt

  struct Axis {
    std::string name;  // "omega", "lambda", "method", "seed", "prompt"
    std::vector<std::string> labels;
  };
  struct Cell {
    size_t index = 0;              // 0, 1, 2, ... in the order of cells()
    std::vector<size_t> position;  // one entry per axis of axes(); kAxisNotApplicable
                                   // (core/export/sweep_record.h) on the first axis when
                                   // its values do not change this cell's image
    GenerationRequest request;
  };

  // The axes with more than one value, in grid order (ω first: the columns), or the seed
  // axis alone when nothing varies.
  std::vector<Axis> axes() const;
  // Every cell in row-major order of axes(). Axes that do not apply are not repeated: where
  // the first axis's values leave a cell's image unchanged (ω for a method whose declared
  // parameters hold no ω, GuidanceMethodRule::parameters: CFG, and AG, whose weak model
  // carries its own ω), there is one cell for all of them, at kAxisNotApplicable along that
  // axis, carrying the base request's value. Other axes (λ, method, seed, prompt) change
  // every built-in method's image.
  std::vector<Cell> cells() const;
  // How many cells the full grid of axes() would have (the product of the axes' sizes):
  // cells() has fewer when an axis does not apply to some of them.
  size_t full_grid_size() const;
  // Validates every cell's request before any work starts (InputError names the cell's
  // setting), and that each axis value parses.
  void validate() const;

  // A sweep file: {"methods": [...], "lambdas": [...], "omegas": [...], "seeds": [...],
  // "prompts": [...]} plus any base setting ("negative", "steps", "sampler", "width",
  // "height", "karras", "eta", "weak", "rescale", "interval", "clip_skip"). An unknown key is
  // refused with the list of known keys (a typo must not silently do nothing).
  static SweepPlan from_json(const json::Value& file, const std::string& file_name, GenerationRequest base);
};

// The settings that decide a cell's image, as text: equal keys, equal images. A method's own
// settings count only as its rule declares them (GuidanceMethodRule::parameters): ω for pg,
// the weak model for ag.
std::string reproducibility_key(const GenerationRequest& request);

}  // namespace steer
