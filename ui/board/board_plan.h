#pragma once
// The compare board's settings as plain values: the axis lists a designer types, the
// SweepPlan they make, and the JSON a project stores them in. Neither Qt nor torch.
#include <string>
#include <vector>

#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"

namespace steer::ui {

// What the axis fields hold. Lists are comma-separated ("cfg, pg", "3, 5, 7.5",
// "0, linear:0.2->0.8, 1", "1, 2, 3"); prompts are one per entry since a prompt may hold
// commas. An empty field keeps the base request's value (methods: the base method).
struct BoardAxisTexts {
  std::string methods, lambdas, omegas, seeds;
  std::vector<std::string> prompts;
  bool operator==(const BoardAxisTexts&) const = default;
};

// Comma-separated entries, trimmed; empty entries are refused by the parsers below.
std::vector<std::string> split_axis_list(const std::string& text);

// The plan the fields describe around `base`. Throws steer::InputError naming the field
// and the entry ("λ values: \"abc\" is not a number ...") for text that does not parse;
// the plan itself is not validated here (SweepPlan::validate names the cell's setting).
SweepPlan plan_from_axis_texts(const GenerationRequest& base, const BoardAxisTexts& texts);

// A one-cell plan that regenerates exactly `request` (re-running one board cell).
SweepPlan single_cell_plan(const GenerationRequest& request);

// A plan's axis lists and base request ({"base": ..., "methods": [...], "lambdas": [...],
// "omegas": [...], "seeds": [...], "prompts": [...]}; the base in the core request form,
// core/generation/request_json.h), and back. steer::InputError names the member that is
// wrong.
json::Value plan_to_json(const SweepPlan& plan);
SweepPlan plan_from_json(const json::Value& object);

json::Value axis_texts_to_json(const BoardAxisTexts& texts);
BoardAxisTexts axis_texts_from_json(const json::Value& object);

}  // namespace steer::ui
