#include "core/text/clip_tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <queue>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/text/unicode_support.h"

namespace steer {
namespace {

namespace fs = std::filesystem;

constexpr int kDefaultMaxLength = 77;
constexpr int kLargestMaxLength = 1 << 20;
constexpr size_t kCacheCapacity = 1 << 16;
constexpr size_t kLongestCachedWord = 256;  // bytes

std::string quote_text(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string read_file(const fs::path& path, bool required, bool* found = nullptr) {
  std::ifstream in(path, std::ios::binary);
  if (found) *found = static_cast<bool>(in);
  if (!in) {
    if (!required) return {};
    throw InputError("CLIP tokenizer: " + path.string() +
                     " is missing or unreadable. A tokenizer folder needs vocab.json and merges.txt "
                     "(in a diffusers model they are in tokenizer/ or tokenizer_2/).");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::Value parse_json_file(const fs::path& path, std::string_view text, bool reject_duplicates) {
  json::ParseOptions options;
  options.reject_duplicate_keys = reject_duplicates;
  try {
    return json::parse(text, options);
  } catch (const json::ParseError& e) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < e.offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw InputError(path.string() + ": not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                     " (" + e.what() + "). Replace the file with the one of the original tokenizer.");
  }
}

// Bytes to the printable characters that stand for them (GPT-2/CLIP bytes_to_unicode):
// '!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves; the other 68 bytes, in increasing
// order, take U+0100, U+0101, ...
std::array<char32_t, 256> bytes_to_unicode() {
  std::array<char32_t, 256> map{};
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    map[static_cast<size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
  }
  return map;
}

bool starts_with(std::u32string_view s, size_t i, std::u32string_view prefix) {
  return s.size() - i >= prefix.size() && s.compare(i, prefix.size(), prefix) == 0;
}

// Length of the contraction ('s 't 're 've 'm 'll 'd) at s[i], or 0.
size_t contraction_length(std::u32string_view s, size_t i) {
  if (s[i] != U'\'' || i + 1 >= s.size()) return 0;
  const char32_t a = s[i + 1];
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (i + 2 >= s.size()) return 0;
  const char32_t b = s[i + 2];
  if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return 3;
  return 0;
}

size_t run_length(std::u32string_view s, size_t i, bool (*pred)(char32_t)) {
  size_t j = i;
  while (j < s.size() && pred(s[j])) ++j;
  return j - i;
}

bool is_other(char32_t c) { return !unicode::is_whitespace(c) && !unicode::is_letter(c) && !unicode::is_number(c); }

// Python's str.isspace, for decode()'s strip().
bool is_python_space(char32_t c) { return unicode::is_whitespace(c) || (c >= 0x1C && c <= 0x1F); }

struct SpecialToken {
  std::u32string content;  // as matched: normalized when `normalized`
  int32_t id;
  bool normalized;
};

// Leftmost-longest search of special tokens (what tokenizers' added-vocabulary
// Aho-Corasick does). Calls on_text for the text between matches, on_special for each match.
template <typename OnText, typename OnSpecial>
void split_on_specials(std::u32string_view text, const std::vector<SpecialToken>& specials, OnText&& on_text,
                       OnSpecial&& on_special) {
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    const SpecialToken* best = nullptr;
    for (const auto& t : specials)
      if (!t.content.empty() && starts_with(text, i, t.content) && (!best || t.content.size() > best->content.size())) best = &t;
    if (!best) {
      ++i;
      continue;
    }
    if (i > start) on_text(text.substr(start, i - start));
    on_special(best->id);
    i += best->content.size();
    start = i;
  }
  if (start < text.size()) on_text(text.substr(start));
}

}  // namespace

struct ClipTokenizer::Impl {
  std::unordered_map<std::string, int32_t> vocab;
  std::unordered_map<int32_t, std::string> id_to_token;
  // (left id, right id) -> (rank, merged id)
  std::unordered_map<uint64_t, std::pair<uint32_t, int32_t>> merges;
  std::array<int32_t, 256> byte_id{};      // vocab id of that character, or -1
  std::array<int32_t, 256> byte_end_id{};  // vocab id of that character + "</w>", or -1
  std::unordered_map<char32_t, uint8_t> symbol_to_byte;

  std::vector<SpecialToken> raw_specials;         // matched on the raw text
  std::vector<SpecialToken> normalized_specials;  // matched on the normalized text
  int32_t bos = 0, eos = 0, unk = 0, pad = 0;
  std::string pad_text;
  int max_length = kDefaultMaxLength;

  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache;

  static uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }

  std::u32string normalize(std::u32string_view piece) const {
    // NFC, then Replace(\s+ -> " "), then per-character lowercase.
    const std::u32string composed = unicode::nfc(piece);
    std::u32string out;
    out.reserve(composed.size());
    for (size_t i = 0; i < composed.size();) {
      if (unicode::is_whitespace(composed[i])) {
        out.push_back(U' ');
        while (i < composed.size() && unicode::is_whitespace(composed[i])) ++i;
        continue;
      }
      unicode::append_lowercase(composed[i], out);
      ++i;
    }
    return out;
  }

  void encode_piece(std::u32string_view piece, std::vector<int32_t>& out) const {
    const std::u32string normalized = normalize(piece);
    split_on_specials(
        normalized, normalized_specials, [&](std::u32string_view text) { pre_tokenize(text, out); },
        [&](int32_t id) { out.push_back(id); });
  }

  // CLIP's split (matches kept, whitespace dropped), then the GPT-2 split of the ByteLevel
  // pre-tokenizer on each match.
  void pre_tokenize(std::u32string_view s, std::vector<int32_t>& out) const {
    for (size_t i = 0; i < s.size();) {
      const char32_t c = s[i];
      if (unicode::is_whitespace(c)) {
        ++i;
        continue;
      }
      size_t n;
      if (starts_with(s, i, U"<|startoftext|>")) {
        n = 15;
      } else if (starts_with(s, i, U"<|endoftext|>")) {
        n = 13;
      } else if (size_t k = contraction_length(s, i); k != 0) {
        n = k;
      } else if (unicode::is_letter(c)) {
        n = run_length(s, i, unicode::is_letter);
      } else if (unicode::is_number(c)) {
        n = 1;
      } else {
        n = run_length(s, i, is_other);
      }
      byte_level_split(s.substr(i, n), out);
      i += n;
    }
  }

  // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ on a piece
  // without whitespace.
  void byte_level_split(std::u32string_view s, std::vector<int32_t>& out) const {
    for (size_t i = 0; i < s.size();) {
      size_t n = contraction_length(s, i);
      if (n == 0) {
        const char32_t c = s[i];
        if (unicode::is_letter(c))
          n = run_length(s, i, unicode::is_letter);
        else if (unicode::is_number(c))
          n = run_length(s, i, unicode::is_number);
        else
          n = std::max<size_t>(1, run_length(s, i, is_other));
      }
      bpe(unicode::encode_utf8(s.substr(i, n)), out);
      i += n;
    }
  }

  void bpe(const std::string& word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    const bool cacheable = word.size() <= kLongestCachedWord;
    if (cacheable) {
      std::lock_guard<std::mutex> lock(cache_mutex);
      if (auto it = cache.find(word); it != cache.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
    std::vector<int32_t> ids = merge_word(word);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
      std::lock_guard<std::mutex> lock(cache_mutex);
      if (cache.size() >= kCacheCapacity) cache.clear();
      cache.emplace(word, std::move(ids));
    }
  }

  // tokenizers' Word::merge_all: a heap of (rank, position); the lowest rank merges first,
  // the leftmost on ties; stale entries are skipped.
  std::vector<int32_t> merge_word(const std::string& word) const {
    struct Symbol {
      int32_t id;
      int prev, next;
      size_t len;
    };
    struct Merge {
      uint32_t rank;
      int pos;
      int32_t new_id;
      bool operator>(const Merge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
      const auto b = static_cast<unsigned char>(word[i]);
      int32_t id = i + 1 == word.size() ? byte_end_id[b] : byte_id[b];
      if (id < 0) id = unk;
      const int pos = static_cast<int>(i);
      symbols.push_back({id, pos - 1, i + 1 == word.size() ? -1 : pos + 1, 1});
    }
    std::priority_queue<Merge, std::vector<Merge>, std::greater<Merge>> queue;
    auto push_pair = [&](int pos) {
      const int next = symbols[static_cast<size_t>(pos)].next;
      if (next < 0) return;
      auto it = merges.find(pair_key(symbols[static_cast<size_t>(pos)].id, symbols[static_cast<size_t>(next)].id));
      if (it != merges.end()) queue.push({it->second.first, pos, it->second.second});
    };
    for (size_t i = 0; i + 1 < symbols.size(); ++i) push_pair(static_cast<int>(i));
    while (!queue.empty()) {
      const Merge top = queue.top();
      queue.pop();
      Symbol& left = symbols[static_cast<size_t>(top.pos)];
      if (left.len == 0 || left.next < 0) continue;
      Symbol& right = symbols[static_cast<size_t>(left.next)];
      auto it = merges.find(pair_key(left.id, right.id));
      if (it == merges.end() || it->second.second != top.new_id) continue;
      left.id = top.new_id;
      left.len += right.len;
      left.next = right.next;
      right.len = 0;
      if (left.next >= 0) symbols[static_cast<size_t>(left.next)].prev = top.pos;
      if (left.prev >= 0) push_pair(left.prev);
      push_pair(top.pos);
    }
    std::vector<int32_t> ids;
    for (int i = 0; i >= 0 && !symbols.empty(); i = symbols[static_cast<size_t>(i)].next)
      ids.push_back(symbols[static_cast<size_t>(i)].id);
    return ids;
  }
};

namespace {

void load_vocab(ClipTokenizer::Impl& impl, const fs::path& path) {
  const std::string text = read_file(path, true);
  // Duplicates are checked below with a hash map (the parser's check is quadratic).
  const json::Value root = parse_json_file(path, text, false);
  if (!root.is_object())
    throw InputError(path.string() + ": expected a JSON object mapping tokens to ids, found " + root.dump().substr(0, 40) +
                     ". Replace the file with the one of the original tokenizer.");
  const auto& entries = root.as_object();
  impl.vocab.reserve(entries.size());
  for (const auto& [token, value] : entries) {
    int64_t id = -1;
    try {
      id = value.as_int();
    } catch (const json::TypeError&) {
    }
    if (id < 0 || id > INT32_MAX)
      throw InputError(path.string() + ": the token " + quote_text(token) + " has the id " + value.dump() +
                       "; ids must be integers from 0 to 2^31-1. Replace the file with the one of the original "
                       "tokenizer.");
    if (!impl.vocab.emplace(token, static_cast<int32_t>(id)).second)
      throw InputError(path.string() + ": the token " + quote_text(token) +
                       " appears twice. Replace the file with the one of the original tokenizer.");
    impl.id_to_token[static_cast<int32_t>(id)] = token;
  }
  if (impl.vocab.empty())
    throw InputError(path.string() + ": the vocabulary is empty. Replace the file with the one of the original tokenizer.");
}

void load_merges(ClipTokenizer::Impl& impl, const fs::path& path) {
  const std::string text = read_file(path, true);
  // As tokenizers' BPE::read_file: lines beginning "#version" are skipped, every other line
  // is two symbols separated by one space; the rank is the line's index among the merges.
  uint32_t rank = 0;
  size_t line_number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    const size_t next = end == std::string::npos ? text.size() : end + 1;
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    start = next;
    if (line.substr(0, 8) == "#version") continue;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos)
      throw InputError(path.string() + " line " + std::to_string(line_number) +
                       ": expected two symbols separated by one space, found " + quote_text(line) +
                       ". Replace the file with the one of the original tokenizer.");
    const std::string a(line.substr(0, space)), b(line.substr(space + 1));
    const std::string merged = a + b;
    for (const std::string* s : {&a, &b, &merged}) {
      if (!impl.vocab.count(*s))
        throw InputError(path.string() + " line " + std::to_string(line_number) + ": the merge " + quote_text(line) +
                         " needs the token " + quote_text(*s) +
                         ", which vocab.json lacks. vocab.json and merges.txt must come from the same tokenizer.");
    }
    // Later lines replace earlier ones for the same pair, as in tokenizers.
    impl.merges[ClipTokenizer::Impl::pair_key(impl.vocab.at(a), impl.vocab.at(b))] = {rank, impl.vocab.at(merged)};
    ++rank;
  }
}

struct TokenSpec {
  std::string content;
  std::optional<bool> normalized;
};

// A special token value: "text" or {"content": "text", "normalized": bool, ...}.
std::optional<TokenSpec> token_spec(const json::Value& root, std::string_view key, const fs::path& path) {
  const json::Value* v = root.find(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return TokenSpec{v->as_string(), std::nullopt};
  if (v->is_object()) {
    const json::Value* content = v->find("content");
    if (content && content->is_string()) {
      TokenSpec spec{content->as_string(), std::nullopt};
      if (const json::Value* n = v->find("normalized"); n && n->is_bool()) spec.normalized = n->as_bool();
      return spec;
    }
  }
  throw InputError(path.string() + ": \"" + std::string(key) + "\" is " + v->dump().substr(0, 60) +
                   "; expected a string or an object with a string \"content\". Fix that key or remove it.");
}

std::optional<json::Value> read_optional_json(const fs::path& path) {
  bool found = false;
  const std::string text = read_file(path, false, &found);
  if (!found) return std::nullopt;
  json::Value v = parse_json_file(path, text, true);
  if (!v.is_object())
    throw InputError(path.string() + ": expected a JSON object, found " + v.dump().substr(0, 40) +
                     ". Fix the file or remove it.");
  return v;
}

void load_special_tokens(ClipTokenizer::Impl& impl, const fs::path& dir) {
  const fs::path config_path = dir / "tokenizer_config.json";
  const fs::path map_path = dir / "special_tokens_map.json";
  const std::optional<json::Value> config = read_optional_json(config_path);
  const std::optional<json::Value> map = read_optional_json(map_path);

  struct Named {
    std::string content;
    bool normalized = false;
  };
  std::vector<Named> specials;  // in order of appearance, unique by content
  auto add = [&](const TokenSpec& spec) {
    auto it = std::find_if(specials.begin(), specials.end(), [&](const Named& n) { return n.content == spec.content; });
    if (it == specials.end()) {
      specials.push_back({spec.content, spec.normalized.value_or(false)});
    } else if (spec.normalized) {
      it->normalized = *spec.normalized;
    }
  };

  // transformers' CLIPTokenizer defaults; special_tokens_map.json wins over tokenizer_config.json
  // for the roles, and every token either file names becomes a special token.
  const char* roles[] = {"bos_token", "eos_token", "unk_token", "pad_token"};
  std::string chosen[4] = {"<|startoftext|>", "<|endoftext|>", "<|endoftext|>", "<|endoftext|>"};
  std::string chosen_from[4] = {"(default)", "(default)", "(default)", "(default)"};
  for (int r = 0; r < 4; ++r) {
    std::optional<TokenSpec> from_config, from_map;
    if (config) from_config = token_spec(*config, roles[r], config_path);
    if (map) from_map = token_spec(*map, roles[r], map_path);
    if (from_config) {
      add(*from_config);
      chosen[r] = from_config->content;
      chosen_from[r] = config_path.string();
    }
    if (from_map) {
      add(*from_map);
      chosen[r] = from_map->content;
      chosen_from[r] = map_path.string();
    }
    if (!from_config && !from_map) add(TokenSpec{chosen[r], std::nullopt});
  }
  // Newer configs list their added tokens with their flags.
  if (config) {
    if (const json::Value* decoder = config->find("added_tokens_decoder"); decoder && decoder->is_object()) {
      for (const auto& [id_text, entry] : decoder->as_object()) {
        if (std::optional<TokenSpec> spec = token_spec(*decoder, id_text, config_path)) add(*spec);
      }
    }
  }

  auto id_of = [&](const std::string& content, const std::string& where, const char* role) {
    auto it = impl.vocab.find(content);
    if (it == impl.vocab.end())
      throw InputError(where + ": the " + std::string(role ? role : "special token") + " " + quote_text(content) +
                       " is not in vocab.json. Use a token of the vocabulary (CLIP: \"<|startoftext|>\", "
                       "\"<|endoftext|>\", or \"!\" as SD2's pad token).");
    return it->second;
  };
  impl.bos = id_of(chosen[0], chosen_from[0], roles[0]);
  impl.eos = id_of(chosen[1], chosen_from[1], roles[1]);
  impl.unk = id_of(chosen[2], chosen_from[2], roles[2]);
  impl.pad = id_of(chosen[3], chosen_from[3], roles[3]);
  impl.pad_text = chosen[3];

  for (const Named& n : specials) {
    const int32_t id = id_of(n.content, config_path.string(), nullptr);
    const std::u32string content = unicode::decode_utf8(n.content);
    if (n.normalized)
      impl.normalized_specials.push_back({impl.normalize(content), id, true});
    else
      impl.raw_specials.push_back({content, id, false});
  }

  if (config) {
    if (const json::Value* v = config->find("model_max_length"); v && !v->is_null()) {
      const double d = v->is_number() ? v->as_number() : -1;
      if (!(d >= 2 && d <= kLargestMaxLength && d == static_cast<double>(static_cast<int64_t>(d))))
        throw InputError(config_path.string() + ": \"model_max_length\" is " + v->dump() + "; expected an integer from 2 to " +
                         std::to_string(kLargestMaxLength) + ". CLIP text encoders take 77 tokens: set it to 77.");
      impl.max_length = static_cast<int>(d);
    }
  }
}

}  // namespace

ClipTokenizer::ClipTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;
ClipTokenizer::~ClipTokenizer() = default;

ClipTokenizer ClipTokenizer::from_folder(const std::filesystem::path& tokenizer_dir) {
  auto impl = std::make_unique<Impl>();
  load_vocab(*impl, tokenizer_dir / "vocab.json");
  load_merges(*impl, tokenizer_dir / "merges.txt");

  const std::array<char32_t, 256> symbols = bytes_to_unicode();
  for (size_t b = 0; b < 256; ++b) {
    std::string s;
    unicode::append_utf8(symbols[b], s);
    impl->symbol_to_byte[symbols[b]] = static_cast<uint8_t>(b);
    auto it = impl->vocab.find(s);
    impl->byte_id[b] = it == impl->vocab.end() ? -1 : it->second;
    it = impl->vocab.find(s + "</w>");
    impl->byte_end_id[b] = it == impl->vocab.end() ? -1 : it->second;
  }
  load_special_tokens(*impl, tokenizer_dir);
  return ClipTokenizer(std::move(impl));
}

std::vector<int32_t> ClipTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> out;
  const std::u32string codepoints = unicode::decode_utf8(text);
  split_on_specials(
      codepoints, impl_->raw_specials, [&](std::u32string_view piece) { impl_->encode_piece(piece, out); },
      [&](int32_t id) { out.push_back(id); });
  return out;
}

std::vector<int32_t> ClipTokenizer::encode_padded(std::string_view text) const {
  std::vector<int32_t> tokens = encode(text);
  const size_t room = static_cast<size_t>(impl_->max_length) - 2;
  if (tokens.size() > room) tokens.resize(room);
  std::vector<int32_t> ids;
  ids.reserve(static_cast<size_t>(impl_->max_length));
  ids.push_back(impl_->bos);
  ids.insert(ids.end(), tokens.begin(), tokens.end());
  ids.push_back(impl_->eos);
  ids.resize(static_cast<size_t>(impl_->max_length), impl_->pad);
  return ids;
}

std::string ClipTokenizer::decode(const std::vector<int32_t>& ids) const {
  // tokenizers' ByteLevel decoder: a token whose characters all stand for bytes gives those
  // bytes, any other token its own UTF-8; the bytes are read as lossy UTF-8.
  std::string bytes;
  for (int32_t id : ids) {
    auto it = impl_->id_to_token.find(id);
    if (it == impl_->id_to_token.end()) continue;
    const std::u32string chars = unicode::decode_utf8(it->second);
    std::string mapped;
    bool all = true;
    for (char32_t c : chars) {
      auto b = impl_->symbol_to_byte.find(c);
      if (b == impl_->symbol_to_byte.end()) {
        all = false;
        break;
      }
      mapped.push_back(static_cast<char>(b->second));
    }
    bytes += all ? mapped : it->second;
  }
  std::u32string text = unicode::decode_utf8(bytes);
  // CLIPTokenizer's wrapper: "</w>" -> " ", then strip().
  std::u32string replaced;
  const std::u32string_view suffix = U"</w>";
  for (size_t i = 0; i < text.size();) {
    if (starts_with(text, i, suffix)) {
      replaced.push_back(U' ');
      i += suffix.size();
    } else {
      replaced.push_back(text[i++]);
    }
  }
  size_t first = 0, last = replaced.size();
  while (first < last && is_python_space(replaced[first])) ++first;
  while (last > first && is_python_space(replaced[last - 1])) --last;
  return unicode::encode_utf8(std::u32string_view(replaced).substr(first, last - first));
}

int32_t ClipTokenizer::bos_id() const { return impl_->bos; }
int32_t ClipTokenizer::eos_id() const { return impl_->eos; }
int32_t ClipTokenizer::pad_id() const { return impl_->pad; }
int ClipTokenizer::max_length() const { return impl_->max_length; }
size_t ClipTokenizer::vocab_size() const { return impl_->vocab.size(); }
std::string ClipTokenizer::pad_token() const { return impl_->pad_text; }

int32_t ClipTokenizer::token_id(std::string_view token) const {
  auto it = impl_->vocab.find(std::string(token));
  return it == impl_->vocab.end() ? -1 : it->second;
}

}  // namespace steer
