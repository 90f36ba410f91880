#include "core/export/a1111_parameters.h"

#include <cctype>
#include <utility>
#include <vector>

namespace steer {
namespace {

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }
bool is_key_byte(unsigned char c) { return is_word_byte(c) || c == ' ' || c == '-' || c == '/'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string upper_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A1111's infotext_utils.quote: values with ',', ':' or a newline become JSON strings.
std::string quote(const std::string& value) {
  if (value.find_first_of(",:\n") == std::string::npos) return value;
  return json::Value(value).dump();
}

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    try {
      const json::Value v = json::parse(value);
      if (v.is_string()) return v.as_string();
    } catch (const std::exception&) {
    }
  }
  return std::string(value);
}

// One "Key: value" match of A1111's re_param at `pos` (its regex:
// \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)); advances pos past it.
bool match_pair(std::string_view line, size_t& pos, std::string& key, std::string& value) {
  size_t i = pos;
  while (i < line.size() && is_space(line[i])) ++i;
  const size_t key_start = i;
  if (i >= line.size() || !is_word_byte(static_cast<unsigned char>(line[i]))) return false;
  ++i;
  while (i < line.size() && is_key_byte(static_cast<unsigned char>(line[i]))) ++i;
  if (i - key_start < 2 || i >= line.size() || line[i] != ':') return false;
  key.assign(line.substr(key_start, i - key_start));
  ++i;
  while (i < line.size() && is_space(line[i])) ++i;
  const size_t value_start = i;
  if (i < line.size() && line[i] == '"') {
    // The quoted alternative: at least one char, backslash escapes, then ',' or the end.
    size_t j = i + 1;
    while (j < line.size() && line[j] != '"') j += (line[j] == '\\' && j + 1 < line.size()) ? 2 : 1;
    if (j < line.size() && j > i + 1 && (j + 1 == line.size() || line[j + 1] == ',')) {
      value = unquote(line.substr(value_start, j + 1 - value_start));
      pos = j + 1 < line.size() ? j + 2 : j + 1;
      return true;
    }
  }
  size_t j = i;
  while (j < line.size() && line[j] != ',') ++j;
  value.assign(trim(line.substr(value_start, j - value_start)));
  pos = j < line.size() ? j + 1 : j;
  return true;
}

std::vector<std::pair<std::string, std::string>> find_pairs(std::string_view line) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t pos = 0;
  std::string key, value;
  while (pos < line.size()) {
    size_t at = pos;
    if (match_pair(line, at, key, value)) {
      pairs.emplace_back(key, value);
      pos = at;
    } else {
      ++pos;  // like re.findall: try again one character further
    }
  }
  return pairs;
}

}  // namespace

std::string a1111_sampler_name(std::string_view sampler) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"euler", "Euler"},
      {"euler_a", "Euler a"},
      {"euler_ancestral", "Euler a"},
      {"heun", "Heun"},
      {"lms", "LMS"},
      {"dpm2", "DPM2"},
      {"dpm2_a", "DPM2 a"},
      {"dpm2_ancestral", "DPM2 a"},
      {"dpmpp_2s_a", "DPM++ 2S a"},
      {"dpmpp_2s_ancestral", "DPM++ 2S a"},
      {"dpmpp_2m", "DPM++ 2M"},
      {"dpmpp_sde", "DPM++ SDE"},
      {"dpmpp_2m_sde", "DPM++ 2M SDE"},
      {"dpmpp_3m_sde", "DPM++ 3M SDE"},
      {"ddim", "DDIM"},
      {"ddpm", "DDPM"},
      {"plms", "PLMS"},
      {"pndm", "PLMS"},
      {"unipc", "UniPC"},
      {"lcm", "LCM"},
  };
  const std::string key = lower_ascii(sampler);
  for (const auto& [ours, theirs] : kNames)
    if (key == ours) return theirs;
  return std::string(sampler);
}

std::string a1111_parameters(const CellSettings& s) {
  std::vector<std::pair<std::string, std::string>> params;
  auto add = [&](const char* key, std::string value) { params.emplace_back(key, std::move(value)); };

  // A1111's own keys, in the order its create_infotext writes them.
  add("Steps", std::to_string(s.steps));
  add("Sampler", a1111_sampler_name(s.sampler));
  add("Schedule type", s.karras ? "Karras" : "Automatic");
  add("CFG scale", format_number(s.lambda));
  add("Seed", std::to_string(s.seed));
  add("Size", std::to_string(s.width) + "x" + std::to_string(s.height));
  if (!s.model_hash.empty()) add("Model hash", s.model_hash);
  if (!s.model_name.empty()) add("Model", s.model_name);
  // A1111's "RNG" says where the initial noise was drawn: CPU, GPU (its default), NV.
  const std::string device = lower_ascii(s.noise_device);
  if (device == "cpu")
    add("RNG", "CPU");
  else if (!device.empty())
    add("RNG", "GPU");
  if (s.eta != 0) add(lower_ascii(s.sampler) == "ddim" ? "Eta DDIM" : "Eta", format_number(s.eta));
  if (!s.subject_name.empty() && !s.subject_hash.empty()) add("Lora hashes", s.subject_name + ": " + s.subject_hash);

  // Steer Studio's keys, where A1111 puts the keys extensions add.
  if (!s.method.empty()) add("Guidance", upper_ascii(s.method));
  if (!s.omega.empty()) add("PG omega", s.omega);
  if (!s.weak_model.empty()) add("AG weak model", s.weak_model);
  if (s.guidance_rescale != 0) add("Guidance rescale", format_number(s.guidance_rescale));
  if (!s.guidance_interval.empty()) add("Guidance interval", s.guidance_interval);
  if (!s.guidance_modifier.empty()) add("Guidance modifier", s.guidance_modifier);
  if (!s.subject_name.empty()) {
    add("Subject", s.subject_name);
    add("Subject scale", format_number(s.subject_scale));
  }
  if (!s.software_version.empty()) add("Version", s.software_version);

  std::string line;
  for (const auto& [key, value] : params) {
    if (!line.empty()) line += ", ";
    line += key;
    line += ": ";
    line += quote(value);
  }
  std::string text = s.prompt;
  if (!s.negative_prompt.empty()) text += "\nNegative prompt: " + s.negative_prompt;
  text += "\n" + line;
  return std::string(trim(text));
}

std::map<std::string, std::string> parse_a1111_parameters(std::string_view text) {
  text = trim(text);
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::map<std::string, std::string> result;
  std::vector<std::pair<std::string, std::string>> pairs = find_pairs(lines.back());
  if (pairs.size() >= 3) {
    lines.pop_back();
  } else {
    pairs.clear();
  }

  std::string prompt, negative;
  bool in_negative = false;
  for (std::string_view line : lines) {
    line = trim(line);
    constexpr std::string_view kNegative = "Negative prompt:";
    if (line.substr(0, kNegative.size()) == kNegative) {
      in_negative = true;
      line = trim(line.substr(kNegative.size()));
    }
    std::string& target = in_negative ? negative : prompt;
    if (!target.empty()) target += '\n';
    target += line;
  }
  result["Prompt"] = prompt;
  if (in_negative) result["Negative prompt"] = negative;
  for (auto& [key, value] : pairs) result[key] = std::move(value);
  return result;
}

}  // namespace steer
