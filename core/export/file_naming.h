#pragma once
// File names for exported images, from a template such as
// "{index}_{method}_l{lambda}_w{omega}_s{seed}".
//
// Tokens:
//   {index}    the cell's index, zero-padded to the width of the largest index in the set
//   {method}   cfg | ag | pg
//   {lambda}   the guidance scale, compact (7.5, 0.25, 12)
//   {omega}    PG's omega: "0.5"; a schedule "linear:0.2->0.8" becomes "linear-0.2to0.8",
//              "interval:0.5@0.2-0.8" becomes "interval-0.5at0.2-0.8"; "none" when not PG
//   {seed}     the seed
//   {prompt}   the prompt as a slug: lowercase ASCII letters, digits and '-', at most 40
//              characters (accented Latin letters lose their accents); "none" when empty
//   {sampler}  the sampler name
//   {steps}    the step count
// Any other {token}, or a '{' without its '}', is a steer::InputError naming the token and
// listing the allowed ones. Text outside tokens is kept; the finished name is then made
// safe for every common file system (see safe_file_stem).
#include <cstddef>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/export/sweep_record.h"

namespace steer {

// The allowed tokens, in the order error messages list them.
const std::vector<std::string>& name_template_tokens();

// Throws steer::InputError if the template has an unknown token or an unclosed '{'.
void validate_name_template(std::string_view name_template);

// Lowercase ASCII slug of free text: [a-z0-9] runs joined by single '-', no '-' at either
// end, at most max_length characters.
std::string slug(std::string_view text, size_t max_length = 40);

// A name every common file system accepts, without extension: only [A-Za-z0-9._-] (each
// run of other characters, including non-ASCII, becomes one '-'), no leading '.', '-' or
// space, no trailing '.' or space, not a reserved Windows device name (CON, NUL, COM1, ...),
// at most 150 bytes; "image" when nothing is left.
std::string safe_file_stem(std::string_view name);

// The template filled in for one cell, made safe but not yet made unique. `index_width` is
// the zero-padding of {index}.
std::string expand_name_template(std::string_view name_template, const CellSettings& settings, size_t index, size_t index_width);

// The number of digits of the largest index in a set of `count` cells numbered from 0.
size_t index_width_for(size_t count);

// Hands out unique names: a name already given (compared case-insensitively, for macOS and
// Windows) gets "-2", "-3", ... appended. "index" and "grid" are reserved for the set's own
// index.json/index.csv and grid.png.
class UniqueNamer {
 public:
  std::string claim(const std::string& stem);

 private:
  std::set<std::string> taken_{"index", "grid"};
};

// The image file names an export would produce for these cells (index = position in the
// list), for showing a live example while the user edits the template. Throws like
// validate_name_template.
std::vector<std::string> preview_names(std::string_view name_template, std::span<const CellSettings> cells,
                                       std::string_view extension = ".png");

}  // namespace steer
