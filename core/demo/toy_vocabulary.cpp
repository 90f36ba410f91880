#include "core/demo/toy_vocabulary.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

#include "core/common/error.h"
#include "core/demo/toy_world.h"
#include "core/formats/json.h"

namespace steer::demo {
namespace {

constexpr const char* kWordEnd = "</w>";
constexpr const char* kStartOfText = "<|startoftext|>";
constexpr const char* kEndOfText = "<|endoftext|>";

std::vector<std::string> initial_symbols(const std::string& word) {
  std::vector<std::string> symbols;
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (c < 'a' || c > 'z')
      throw std::invalid_argument("toy vocabulary: the word \"" + word + "\" has a character other than a-z");
    symbols.emplace_back(1, c);
  }
  if (!symbols.empty()) symbols.back() += kWordEnd;
  return symbols;
}

// Merges every occurrence of the pair, left to right, as BPE training (and encoding) does.
void apply_merge(std::vector<std::string>& symbols, const BpeMerge& merge) {
  std::vector<std::string> out;
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (i + 1 < symbols.size() && symbols[i] == merge.left && symbols[i + 1] == merge.right) {
      out.push_back(merge.left + merge.right);
      ++i;
    } else {
      out.push_back(symbols[i]);
    }
  }
  symbols = std::move(out);
}

}  // namespace

std::vector<BpeMerge> learn_whole_word_merges(const std::vector<std::string>& words) {
  std::vector<std::vector<std::string>> split;
  for (const std::string& w : words) split.push_back(initial_symbols(w));
  std::vector<BpeMerge> merges;
  for (;;) {
    // std::map orders pairs alphabetically, which settles ties between equal counts.
    std::map<std::pair<std::string, std::string>, int> counts;
    for (const auto& symbols : split)
      for (size_t i = 0; i + 1 < symbols.size(); ++i) ++counts[{symbols[i], symbols[i + 1]}];
    if (counts.empty()) break;
    auto best = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it)
      if (it->second > best->second) best = it;
    const BpeMerge merge{best->first.first, best->first.second};
    merges.push_back(merge);
    for (auto& symbols : split) apply_merge(symbols, merge);
  }
  return merges;
}

ToyTokenizerFiles build_toy_tokenizer(int model_max_length) {
  const std::vector<BpeMerge> merges = learn_whole_word_merges(toy_grammar_words());

  json::Object vocab;
  std::vector<std::string> seen;
  auto add = [&](const std::string& token) {
    if (std::find(seen.begin(), seen.end(), token) != seen.end()) return;
    vocab.emplace_back(token, json::Value(static_cast<int64_t>(seen.size())));
    seen.push_back(token);
  };
  // CLIP's order: the single symbols, the same word-final, one entry per merge, specials.
  for (char c = 'a'; c <= 'z'; ++c) add(std::string(1, c));
  for (char c = 'a'; c <= 'z'; ++c) add(std::string(1, c) + kWordEnd);
  for (const BpeMerge& m : merges) add(m.left + m.right);
  add(kStartOfText);
  add(kEndOfText);

  ToyTokenizerFiles files;
  files.vocab_json = json::Value(std::move(vocab)).dump();
  files.merges_txt = "#version: 0.2\n";
  for (const BpeMerge& m : merges) files.merges_txt += m.left + " " + m.right + "\n";

  json::Object special = {
      {"bos_token", kStartOfText}, {"eos_token", kEndOfText}, {"unk_token", kEndOfText}, {"pad_token", kEndOfText}};
  files.special_tokens_map_json = json::Value(special).dump(2) + "\n";
  json::Object config = special;
  config.emplace_back("model_max_length", json::Value(model_max_length));
  config.emplace_back("do_lower_case", json::Value(true));
  config.emplace_back("add_prefix_space", json::Value(false));
  config.emplace_back("errors", json::Value("replace"));
  config.emplace_back("tokenizer_class", json::Value("CLIPTokenizer"));
  files.tokenizer_config_json = json::Value(std::move(config)).dump(2) + "\n";
  return files;
}

void write_toy_tokenizer(const std::filesystem::path& folder, int model_max_length) {
  const ToyTokenizerFiles files = build_toy_tokenizer(model_max_length);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error("toy tokenizer: cannot create the folder " + folder.string() + ": " + ec.message());
  const std::pair<const char*, const std::string*> outputs[] = {{"vocab.json", &files.vocab_json},
                                                                {"merges.txt", &files.merges_txt},
                                                                {"tokenizer_config.json", &files.tokenizer_config_json},
                                                                {"special_tokens_map.json", &files.special_tokens_map_json}};
  for (const auto& [name, text] : outputs) {
    const std::filesystem::path path = folder / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << *text;
    out.close();
    if (!out) throw Error("toy tokenizer: cannot write " + path.string());
  }
}

}  // namespace steer::demo
