#pragma once
// The demo text encoder's tokenizer: CLIP's file format (vocab.json, merges.txt,
// tokenizer_config.json, special_tokens_map.json, read by steer::ClipTokenizer and by
// transformers' CLIPTokenizer), with a vocabulary made here from the toy grammar instead of
// CLIP's 49,408 entries. Byte-pair merges are learned on the grammar's words until each
// word is one symbol, so every word of every caption becomes exactly one token,
// "<word></w>". The whole vocabulary is the 26 lower-case letters (alone and word-final,
// so an unknown word still splits into letters), the merges' results, and
// <|startoftext|> / <|endoftext|>. Other characters (digits, punctuation) become the
// unknown token, <|endoftext|>, as in CLIP.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace steer::demo {

// CLIP's length. The longest caption the sampler draws (the subject's "a photo of", two
// objects, a gradient) is 26 tokens, 28 with <|startoftext|> and <|endoftext|>, so a demo
// text encoder may use 32 positions.
inline constexpr int kToyTokenizerMaxLength = 77;

struct BpeMerge {
  std::string left, right;
  bool operator==(const BpeMerge&) const = default;
};

// Learns merges on the words (each counted once): repeatedly the most frequent adjacent
// pair, ties to the alphabetically first, until every word is one symbol. Words are
// lower-case ASCII letters; symbols are letters with "</w>" on a word's last one.
std::vector<BpeMerge> learn_whole_word_merges(const std::vector<std::string>& words);

struct ToyTokenizerFiles {
  std::string vocab_json;
  std::string merges_txt;
  std::string tokenizer_config_json;
  std::string special_tokens_map_json;
};

// The tokenizer of toy_grammar_words(). Deterministic: the same bytes on every run.
ToyTokenizerFiles build_toy_tokenizer(int model_max_length = kToyTokenizerMaxLength);

// Writes the four files into `folder` (created if missing). Throws steer::Error naming a
// file that cannot be written.
void write_toy_tokenizer(const std::filesystem::path& folder, int model_max_length = kToyTokenizerMaxLength);

}  // namespace steer::demo
