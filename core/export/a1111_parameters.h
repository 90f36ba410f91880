#pragma once
// The "parameters" text AUTOMATIC1111's web UI writes into PNGs (its "infotext"), so that
// tools that read A1111 metadata (A1111's PNG Info tab, image browsers, civitai) show a
// Steer Studio image's settings:
//
//   <prompt>
//   Negative prompt: <negative prompt>            (only when there is one)
//   Steps: 30, Sampler: Euler, Schedule type: Karras, CFG scale: 7.5, Seed: 123,
//   Size: 512x512, Model hash: abcd1234, Model: name, RNG: CPU, Eta: 0.5,
//   Lora hashes: "subject: 0123abcd", Guidance: PG, PG omega: 0.5, ..., Version: Steer Studio 0.1.0
//
// The last line is one line of "Key: value" pairs separated by ", ". Keys A1111 knows come
// first, in A1111's order and with its names; Steer Studio's own keys follow, before
// "Version" (where A1111 puts extensions' keys). A value containing ',', ':' or a newline
// is written as a JSON string in double quotes, as A1111 does.
//
// Steer-specific keys: "Guidance" (CFG | AG | PG), "PG omega", "AG weak model",
// "Guidance rescale", "Guidance interval", "Subject", "Subject scale".
#include <map>
#include <string>
#include <string_view>

#include "core/export/sweep_record.h"

namespace steer {

std::string a1111_parameters(const CellSettings& settings);

// Reads A1111 infotext back into key -> value: "Prompt", "Negative prompt" (absent when
// none) and every "Key: value" of the last line, quoted values unquoted. Like A1111, the
// last line counts as parameters only when it holds at least three "Key: value" pairs;
// otherwise everything is prompt.
std::map<std::string, std::string> parse_a1111_parameters(std::string_view text);

// A1111's display name of a sampler ("euler" -> "Euler", "euler_a" -> "Euler a",
// "dpmpp_2m" -> "DPM++ 2M"); an unknown name is returned unchanged.
std::string a1111_sampler_name(std::string_view sampler);

}  // namespace steer
