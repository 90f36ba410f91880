#include "core/export/file_naming.h"

#include <cctype>

#include "core/common/error.h"
#include "core/export/utf8_text.h"

namespace steer {
namespace {

using export_detail::next_code_point;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ASCII spellings of U+00C0..U+00FF (Latin-1 letters) for slugs; "" drops the character.
constexpr const char* kLatin1Ascii[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",   // C0-CF
    "D", "N", "O", "O", "O", "O", "O",  "x", "O", "U", "U", "U", "U", "Y", "TH", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0-FF
};

std::string template_error_suffix() {
  std::string allowed;
  for (const auto& token : name_template_tokens()) {
    if (!allowed.empty()) allowed += ", ";
    allowed += "{" + token + "}";
  }
  return ". Allowed tokens: " + allowed;
}

struct TemplatePiece {
  bool is_token = false;
  std::string text;  // literal text, or the token name
};

std::vector<TemplatePiece> parse_template(std::string_view name_template) {
  std::vector<TemplatePiece> pieces;
  size_t pos = 0;
  while (pos < name_template.size()) {
    const size_t open = name_template.find('{', pos);
    if (open != pos) {
      const size_t end = open == std::string_view::npos ? name_template.size() : open;
      pieces.push_back({false, std::string(name_template.substr(pos, end - pos))});
      pos = end;
      continue;
    }
    const size_t close = name_template.find('}', open);
    if (close == std::string_view::npos)
      throw InputError("The file name template \"" + std::string(name_template) + "\" has a \"{\" without a closing \"}\"" +
                       template_error_suffix());
    const std::string token(name_template.substr(open + 1, close - open - 1));
    bool known = false;
    for (const auto& allowed : name_template_tokens()) known = known || token == allowed;
    if (!known)
      throw InputError("Unknown token \"{" + token + "}\" in the file name template \"" + std::string(name_template) + "\"" +
                       template_error_suffix());
    pieces.push_back({true, token});
    pos = close + 1;
  }
  return pieces;
}

std::string omega_for_name(const std::string& omega) {
  if (omega.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < omega.size(); ++i) {
    if (omega.compare(i, 2, "->") == 0) {
      out += "to";
      ++i;
    } else if (omega[i] == '@') {
      out += "at";
    } else if (omega[i] == ':') {
      out += '-';
    } else {
      out += omega[i];
    }
  }
  return out;
}

bool is_reserved_windows_name(const std::string& stem) {
  std::string base = lower_ascii(stem.substr(0, stem.find('.')));
  static const char* kReserved[] = {"con", "prn", "aux", "nul"};
  for (const char* r : kReserved)
    if (base == r) return true;
  if (base.size() == 4 && (base.compare(0, 3, "com") == 0 || base.compare(0, 3, "lpt") == 0) && base[3] >= '1' && base[3] <= '9')
    return true;
  return false;
}

}  // namespace

const std::vector<std::string>& name_template_tokens() {
  static const std::vector<std::string> tokens = {"index", "method", "lambda", "omega", "seed", "prompt", "sampler", "steps"};
  return tokens;
}

void validate_name_template(std::string_view name_template) { (void)parse_template(name_template); }

std::string slug(std::string_view text, size_t max_length) {
  std::string ascii;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = next_code_point(text, pos);
    if (cp < 0x80) {
      ascii += static_cast<char>(cp);
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      ascii += kLatin1Ascii[cp - 0xC0];
    } else if (cp == 0x152 || cp == 0x153) {
      ascii += "oe";
    } else {
      ascii += ' ';
    }
  }
  std::string out;
  bool pending_dash = false;
  for (char ch : ascii) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      if (pending_dash && !out.empty()) out += '-';
      pending_dash = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending_dash = true;
    }
  }
  if (out.size() > max_length) {
    out.resize(max_length);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out;
}

std::string safe_file_stem(std::string_view name) {
  constexpr size_t kMaxBytes = 150;
  std::string out;
  bool last_was_replacement = false;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
      out += ch;
      last_was_replacement = false;
    } else if (!last_was_replacement) {
      out += '-';
      last_was_replacement = true;
    }
  }
  size_t first = 0;
  while (first < out.size() && (out[first] == '.' || out[first] == '-')) ++first;
  out.erase(0, first);
  if (out.size() > kMaxBytes) out.resize(kMaxBytes);
  while (!out.empty() && out.back() == '.') out.pop_back();
  if (out.empty()) return "image";
  if (is_reserved_windows_name(out)) out = "_" + out;
  return out;
}

size_t index_width_for(size_t count) {
  size_t largest = count > 0 ? count - 1 : 0;
  size_t digits = 1;
  while (largest >= 10) {
    largest /= 10;
    ++digits;
  }
  return digits;
}

std::string expand_name_template(std::string_view name_template, const CellSettings& s, size_t index, size_t index_width) {
  std::string name;
  for (const TemplatePiece& piece : parse_template(name_template)) {
    if (!piece.is_token) {
      name += piece.text;
      continue;
    }
    const std::string& t = piece.text;
    if (t == "index") {
      std::string digits = std::to_string(index);
      if (digits.size() < index_width) digits.insert(0, index_width - digits.size(), '0');
      name += digits;
    } else if (t == "method") {
      name += s.method.empty() ? "none" : lower_ascii(s.method);
    } else if (t == "lambda") {
      name += format_number(s.lambda);
    } else if (t == "omega") {
      name += omega_for_name(s.omega);
    } else if (t == "seed") {
      name += std::to_string(s.seed);
    } else if (t == "prompt") {
      const std::string p = slug(s.prompt);
      name += p.empty() ? "none" : p;
    } else if (t == "sampler") {
      name += s.sampler.empty() ? "none" : s.sampler;
    } else if (t == "steps") {
      name += std::to_string(s.steps);
    }
  }
  return safe_file_stem(name);
}

std::string UniqueNamer::claim(const std::string& stem) {
  if (taken_.insert(lower_ascii(stem)).second) return stem;
  for (size_t n = 2;; ++n) {
    std::string candidate = stem + "-" + std::to_string(n);
    if (taken_.insert(lower_ascii(candidate)).second) return candidate;
  }
}

std::vector<std::string> preview_names(std::string_view name_template, std::span<const CellSettings> cells,
                                       std::string_view extension) {
  validate_name_template(name_template);
  const size_t width = index_width_for(cells.size());
  UniqueNamer namer;
  std::vector<std::string> names;
  names.reserve(cells.size());
  for (size_t i = 0; i < cells.size(); ++i)
    names.push_back(namer.claim(expand_name_template(name_template, cells[i], i, width)) + std::string(extension));
  return names;
}

}  // namespace steer
