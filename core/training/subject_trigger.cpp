#include "core/training/subject_trigger.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <string_view>

#include "core/formats/json.h"
#include "core/formats/safetensors_header.h"

namespace steer {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool starts_with_word(const std::string& text, std::string_view prefix) {
  if (text.size() <= prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return text[prefix.size()] == ' ';
}

std::string drop_prefix(std::string text, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (starts_with_word(text, p)) return trim(text.substr(p.size()));
  return text;
}

std::optional<json::Value> parse_json(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<json::Value> read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return parse_json(std::string(std::istreambuf_iterator<char>(in), {}));
}

std::string instance_words(const json::Value& settings) {
  const json::Value* prompt = settings.find("instance_prompt");
  return prompt && prompt->is_string() ? trigger_from_instance_prompt(prompt->as_string()) : std::string();
}

// The "__metadata__" of a safetensors file; empty when it is not one.
std::vector<std::pair<std::string, std::string>> safetensors_metadata(const fs::path& file) {
  try {
    std::ifstream in(file, std::ios::binary);
    unsigned char first8[8];
    if (!in.read(reinterpret_cast<char*>(first8), 8)) return {};
    const uint64_t size = fs::file_size(file);
    const uint64_t n = safetensors::read_header_length(first8, size, file.string());
    std::string header(n, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(n))) return {};
    return safetensors::parse_header(header, size, file.string()).metadata;
  } catch (const std::exception&) {
    return {};
  }
}

// kohya's dataset folders are named "<repeats>_<words>", e.g. "10_sks dog".
std::string kohya_folder_words(const std::string& dataset_dirs) {
  const auto dirs = parse_json(dataset_dirs);
  if (!dirs || !dirs->is_object()) return {};
  for (const auto& [name, value] : dirs->as_object()) {
    const size_t underscore = name.find('_');
    if (underscore == std::string::npos || underscore == 0) continue;
    if (!std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(underscore),
                     [](unsigned char c) { return std::isdigit(c); }))
      continue;
    if (std::string words = trim(name.substr(underscore + 1)); !words.empty()) return words;
  }
  return {};
}

}  // namespace

std::string trigger_from_instance_prompt(const std::string& instance_prompt) {
  std::string text = trim(instance_prompt);
  // A caption may go on after a comma ("a photo of sks mug, on a table"): the subject comes first.
  if (const size_t comma = text.find(','); comma != std::string::npos) text = trim(text.substr(0, comma));
  text = drop_prefix(text, {"a photo of", "photo of", "a picture of", "a painting of", "an image of", "a rendering of"});
  text = drop_prefix(text, {"a", "an", "the"});
  while (!text.empty() && (text.back() == '.' || text.back() == ';')) text.pop_back();
  return trim(text);
}

std::optional<SubjectTrigger> find_subject_trigger(const fs::path& subject) {
  std::error_code ec;
  const bool folder = fs::is_directory(subject, ec);
  if (!folder && fs::is_regular_file(subject, ec)) {
    const auto metadata = safetensors_metadata(subject);
    for (const auto& [key, value] : metadata)
      if (key == "steer.training_settings")
        if (const auto settings = parse_json(value))
          if (std::string words = instance_words(*settings); !words.empty())
            return SubjectTrigger{words, "the LoRA's training settings"};
    for (const auto& [key, value] : metadata)
      if (key == "ss_dataset_dirs")
        if (std::string words = kohya_folder_words(value); !words.empty())
          return SubjectTrigger{words, "the LoRA's dataset folder name"};
  }
  // A run folder's training.json (training_run.h): beside a LoRA, inside or above a
  // fine-tuned folder.
  std::vector<fs::path> candidates;
  if (folder) candidates.push_back(subject / "training.json");
  candidates.push_back(subject.parent_path() / "training.json");
  for (const fs::path& file : candidates)
    if (const auto settings = read_json(file))
      if (std::string words = instance_words(*settings); !words.empty())
        return SubjectTrigger{words, "the training run's settings (" + file.filename().string() + ")"};
  return std::nullopt;
}

}  // namespace steer
