#pragma once
// A sweep: a grid over method × λ × ω (or ω schedule) × seed × prompt around one base
// request (docs/guidance.md, "What a designer compares"). Torch-free: it only enumerates cells.
#include <string>
#include <vector>

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
    size_t index = 0;
    std::vector<size_t> position;  // one entry per axis of axes()
    GenerationRequest request;
  };

  // The axes with more than one value, in grid order (ω first: the columns), or the seed
  // axis alone when nothing varies.
  std::vector<Axis> axes() const;
  // Every cell in row-major order of axes(). A cell whose method ignores ω (cfg, ag)
  // carries the base ω; identical requests may repeat and are computed once by the runner.
  std::vector<Cell> cells() const;
  // Validates every cell's request before any work starts (InputError names the cell's
  // setting), and that each axis value parses.
  void validate() const;

  // A sweep file: {"methods": [...], "lambdas": [...], "omegas": [...], "seeds": [...],
  // "prompts": [...]} plus any base setting ("negative", "steps", "sampler", "width",
  // "height", "karras", "eta", "weak", "rescale", "interval", "clip_skip"). An unknown key is
  // refused with the list of known keys (a typo must not silently do nothing).
  static SweepPlan from_json(const json::Value& file, const std::string& file_name, GenerationRequest base);
};

}  // namespace steer
