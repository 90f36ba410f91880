#pragma once
// CLIP's byte-level BPE tokenizer, giving the ids of transformers' CLIPTokenizer (the
// `tokenizers`-backed class of transformers 5) for the same vocab.json / merges.txt.
//
// The pipeline, as transformers 5.24 builds it (models/clip/tokenization_clip.py):
//  1. Special tokens (bos/eos/unk/pad and added_tokens_decoder entries) are cut out of the
//     raw text, leftmost-longest. SD2's pad token "!" is one of them, so every "!" becomes
//     id 0 on its own instead of joining a punctuation run.
//  2. Each remaining piece: NFC, whitespace runs to " ", per-character lowercase (no
//     final-sigma rule). Special tokens marked "normalized": true are cut out here.
//  3. Split with <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
//     keeping the matches (whitespace is dropped), then the GPT-2 split of the ByteLevel
//     pre-tokenizer on each match (it cuts "<|endoftext|>" into "<|", "endoftext", "|>").
//  4. Byte-level mapping, "</w>" on the last symbol, BPE by merge rank.
// There is no ftfy and no html unescaping in transformers' tokenizer; neither is here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace steer {

class ClipTokenizer {
 public:
  // Reads vocab.json, merges.txt, and (if present) tokenizer_config.json /
  // special_tokens_map.json for pad/bos/eos tokens and model_max_length (default 77).
  // Throws steer::InputError naming the file and what is wrong.
  static ClipTokenizer from_folder(const std::filesystem::path& tokenizer_dir);

  ClipTokenizer(ClipTokenizer&&) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&&) noexcept;
  ~ClipTokenizer();

  // No special tokens, no truncation. Safe to call from several threads at once.
  std::vector<int32_t> encode(std::string_view text) const;
  // tokenizer(text, padding="max_length", max_length=model_max_length, truncation=True).input_ids
  std::vector<int32_t> encode_padded(std::string_view text) const;
  // tokenizer.decode(ids): byte-level decode, "</w>" to spaces, stripped. For display/debugging.
  std::string decode(const std::vector<int32_t>& ids) const;

  int32_t bos_id() const;
  int32_t eos_id() const;
  int32_t pad_id() const;
  int max_length() const;
  size_t vocab_size() const;
  std::string pad_token() const;

  // The id of a vocabulary entry (byte-level form, e.g. ",</w>"), or -1.
  int32_t token_id(std::string_view token) const;

  struct Impl;  // opaque: defined in clip_tokenizer.cpp

 private:
  explicit ClipTokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace steer
