// The C++ CLIP tokenizer against transformers' CLIPTokenizer (the reference ids are made by
// tests/fixtures/make_tokenizer_reference.py), plus known ids and broken tokenizer folders.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/text/clip_tokenizer.h"
#include "tests/support/test_harness.h"

namespace fs = std::filesystem;
using steer::ClipTokenizer;

namespace {

fs::path fixture_dir() {
  const char* root = std::getenv("STEER_FIXTURES");
  if (!root) throw std::runtime_error("STEER_FIXTURES is not set: run this test through ctest");
  return fs::path(root) / "tokenizer";
}

const ClipTokenizer& sd1() {
  static ClipTokenizer t = ClipTokenizer::from_folder(fixture_dir() / "sd1");
  return t;
}
const ClipTokenizer& sd2() {
  static ClipTokenizer t = ClipTokenizer::from_folder(fixture_dir() / "sd2");
  return t;
}

const steer::json::Value& reference() {
  static steer::json::Value v = [] {
    std::ifstream in(fixture_dir() / "reference_ids.json", std::ios::binary);
    if (!in) throw std::runtime_error("reference_ids.json is missing: run the fixture make.fixtures.tokenizer");
    std::ostringstream ss;
    ss << in.rdbuf();
    return steer::json::parse(ss.str());
  }();
  return v;
}

std::vector<int32_t> ids_of(const steer::json::Value& array) {
  std::vector<int32_t> ids;
  for (const auto& v : array.as_array()) ids.push_back(static_cast<int32_t>(v.as_int()));
  return ids;
}

std::string show(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
  return s + "]";
}

// The prompt with control and non-ASCII bytes escaped, for failure messages.
std::string escaped(const std::string& text) {
  std::string s = "\"";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s + "\"";
}

std::string fnv1a(const std::vector<int32_t>& ids) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (int32_t id : ids) h = (h ^ static_cast<uint32_t>(id)) * 0x100000001B3ull;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

int mismatches_shown = 0;
void report_mismatch(const char* what, const std::string& text, const std::vector<int32_t>& expected,
                     const std::vector<int32_t>& got) {
  if (++mismatches_shown > 30) return;
  std::cerr << "  mismatch (" << what << ") for " << escaped(text) << "\n    transformers: " << show(expected)
            << "\n    ours:         " << show(got) << "\n";
}

// A scratch folder for broken tokenizer files.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path = fs::temp_directory_path() / ("steer_tok_" + name + "_" + std::to_string(std::rand()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& file, const std::string& text) const { std::ofstream(path / file, std::ios::binary) << text; }
};

const char* kSmallVocab = R"({"a": 0, "b": 1, "a</w>": 2, "b</w>": 3, "ab</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6})";
const char* kSmallMerges = "#version: 0.2\na b</w>\n";

// Checks that loading `dir` throws steer::InputError whose message holds every fragment.
void expect_input_error(const fs::path& dir, std::initializer_list<const char*> fragments) {
  try {
    (void)ClipTokenizer::from_folder(dir);
    CHECK_MSG(false, "from_folder(" << dir << ") did not throw");
  } catch (const steer::InputError& e) {
    const std::string msg = e.what();
    for (const char* f : fragments)
      CHECK_MSG(msg.find(f) != std::string::npos, "message \"" << msg << "\" lacks \"" << f << "\"");
  } catch (const std::exception& e) {
    CHECK_MSG(false, "from_folder threw a non-InputError: " << e.what());
  }
}

}  // namespace

TEST_CASE("corpus matches transformers exactly (sd1 and sd2, unpadded and padded)") {
  const auto& prompts = reference().at("prompts").as_array();
  REQUIRE(prompts.size() >= 220);
  int failures = 0;
  for (const auto& p : prompts) {
    const std::string& text = p.at("text").as_string();
    struct Case {
      const char* what;
      std::vector<int32_t> got;
      const char* key;
    } cases[] = {
        {"sd1 unpadded", sd1().encode(text), "sd1_ids"},
        {"sd2 unpadded", sd2().encode(text), "sd2_ids"},
        {"sd1 padded", sd1().encode_padded(text), "sd1_padded"},
        {"sd2 padded", sd2().encode_padded(text), "sd2_padded"},
    };
    for (auto& c : cases) {
      const std::vector<int32_t> expected = ids_of(p.at(c.key));
      if (expected != c.got) {
        ++failures;
        report_mismatch(c.what, text, expected, c.got);
      }
    }
  }
  CHECK_MSG(failures == 0, failures << " mismatches over " << prompts.size() << " prompts");
  std::cout << "  " << prompts.size() << " prompts compared (x4 id lists)\n";
}

TEST_CASE("decode matches transformers' decode on the corpus") {
  int failures = 0;
  for (const auto& p : reference().at("prompts").as_array()) {
    const std::string expected = p.at("sd1_decoded").as_string();
    const std::string got = sd1().decode(ids_of(p.at("sd1_ids")));
    if (got != expected && ++failures <= 10)
      std::cerr << "  decode mismatch for " << escaped(p.at("text").as_string()) << ": transformers " << escaped(expected)
                << ", ours " << escaped(got) << "\n";
  }
  CHECK_MSG(failures == 0, failures << " decode mismatches");
}

TEST_CASE("every Unicode code point tokenizes as transformers does (sweeps)") {
  const auto& sweeps = reference().at("sweeps").as_array();
  REQUIRE(sweeps.size() > 1000);
  int failures = 0;
  for (const auto& s : sweeps) {
    const std::string& text = s.at("text").as_string();
    for (auto [tok, prefix] : {std::pair{&sd1(), "sd1"}, std::pair{&sd2(), "sd2"}}) {
      const std::vector<int32_t> ids = tok->encode(text);
      const std::string key = prefix;
      const bool same =
          static_cast<int64_t>(ids.size()) == s.at(key + "_count").as_int() && fnv1a(ids) == s.at(key + "_hash").as_string();
      if (!same && ++failures <= 10) std::cerr << "  sweep mismatch (" << prefix << "): " << s.at("label").as_string() << "\n";
    }
  }
  CHECK_MSG(failures == 0, failures << " sweep chunks differ");
}

TEST_CASE("known ids") {
  const std::vector<int32_t> cat = {49406, 320, 1125, 539, 320, 2368, 49407};
  std::vector<int32_t> sd1_cat = cat, sd2_cat = cat;
  sd1_cat.resize(77, 49407);
  sd2_cat.resize(77, 0);
  CHECK(sd1().encode_padded("a photo of a cat") == sd1_cat);
  CHECK(sd2().encode_padded("a photo of a cat") == sd2_cat);
  CHECK(sd1().encode("a photo of a cat") == std::vector<int32_t>(cat.begin() + 1, cat.end() - 1));
  CHECK_EQ(sd1().token_id(",</w>"), 267);
  CHECK_EQ(sd1().token_id("!"), 0);
  CHECK(sd1().encode(",") == std::vector<int32_t>{267});
  CHECK_EQ(sd1().bos_id(), 49406);
  CHECK_EQ(sd1().eos_id(), 49407);
  CHECK_EQ(sd1().pad_id(), 49407);
  CHECK_EQ(sd2().pad_id(), 0);
  CHECK_EQ(sd1().pad_token(), std::string("<|endoftext|>"));
  CHECK_EQ(sd2().pad_token(), std::string("!"));
  CHECK_EQ(sd1().max_length(), 77);
  CHECK_EQ(sd1().vocab_size(), size_t{49408});
  CHECK(sd1().encode("").empty());
  CHECK(sd1().encode("<|endoftext|>") == std::vector<int32_t>{49407});
  // SD2's pad token "!" is a special token: "!!" is two of them, not one "!!" token.
  CHECK(sd2().encode("!!") == (std::vector<int32_t>{0, 0}));
  CHECK(sd1().encode("!!").size() == 1);

  // Truncation: 75 tokens, then EOS at index 76.
  std::string long_prompt;
  for (int i = 0; i < 120; ++i) long_prompt += "cat ";
  for (const ClipTokenizer* t : {&sd1(), &sd2()}) {
    const std::vector<int32_t> ids = t->encode_padded(long_prompt);
    REQUIRE(ids.size() == 77);
    CHECK_EQ(ids[0], 49406);
    CHECK_EQ(ids[75], 2368);
    CHECK_EQ(ids[76], 49407);
    CHECK(t->encode(long_prompt).size() == 120);
  }
  CHECK_EQ(sd1().decode(sd1().encode_padded("a photo of a cat")).substr(0, 32), std::string("<|startoftext|>a photo of a cat "));
}

TEST_CASE("invalid UTF-8 input becomes U+FFFD") {
  CHECK(sd1().encode("a\xff b") == sd1().encode("a\xef\xbf\xbd b"));
  CHECK(sd1().encode("\xe2\x82") == sd1().encode("\xef\xbf\xbd"));                              // truncated sequence: one U+FFFD
  CHECK(sd1().encode("\xed\xa0\x80") == sd1().encode("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));  // surrogate
}

TEST_CASE("encode is safe from several threads") {
  const auto& prompts = reference().at("prompts").as_array();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < prompts.size() * 2; i += 3) {
        const auto& p = prompts[i % prompts.size()];
        const auto& tok = (i + static_cast<size_t>(t)) % 2 ? sd1() : sd2();
        const char* key = &tok == &sd1() ? "sd1_ids" : "sd2_ids";
        if (tok.encode(p.at("text").as_string()) != ids_of(p.at(key))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK_EQ(failures.load(), 0);
}

TEST_CASE("a small valid folder loads") {
  TempDir dir("valid");
  dir.write("vocab.json", kSmallVocab);
  dir.write("merges.txt", kSmallMerges);
  const ClipTokenizer t = ClipTokenizer::from_folder(dir.path);
  CHECK(t.encode("ab") == std::vector<int32_t>{4});
  CHECK(t.encode("ba") == (std::vector<int32_t>{1, 2}));
  CHECK_EQ(t.bos_id(), 5);
  CHECK_EQ(t.pad_id(), 6);
  CHECK_EQ(t.max_length(), 77);
}

TEST_CASE("bad tokenizer folders throw InputError naming the file") {
  {
    TempDir dir("no_vocab");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"vocab.json", "missing"});
  }
  {
    TempDir dir("no_merges");
    dir.write("vocab.json", kSmallVocab);
    expect_input_error(dir.path, {"merges.txt", "missing"});
  }
  {
    TempDir dir("vocab_not_json");
    dir.write("vocab.json", "{\"a\": 0,\n \"b\": 1,\n oops}");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"vocab.json", "not valid JSON", "line 3"});
  }
  {
    TempDir dir("vocab_not_object");
    dir.write("vocab.json", "[1, 2, 3]");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"vocab.json", "expected a JSON object"});
  }
  {
    TempDir dir("vocab_bad_id");
    dir.write("vocab.json", R"({"a": "zero"})");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"vocab.json", "\"a\"", "\"zero\""});
  }
  {
    TempDir dir("merges_malformed");
    dir.write("vocab.json", kSmallVocab);
    dir.write("merges.txt", "#version: 0.2\na b</w>\nthis line has three\n");
    expect_input_error(dir.path, {"merges.txt", "line 3", "two symbols", "this line has three"});
  }
  {
    TempDir dir("merges_blank_line");
    dir.write("vocab.json", kSmallVocab);
    dir.write("merges.txt", "#version: 0.2\n\na b</w>\n");
    expect_input_error(dir.path, {"merges.txt", "line 2"});
  }
  {
    TempDir dir("merge_not_in_vocab");
    dir.write("vocab.json", R"({"a": 0, "b": 1, "b</w>": 3, "<|startoftext|>": 5, "<|endoftext|>": 6})");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"merges.txt", "line 2", "\"ab</w>\"", "vocab.json lacks"});
  }
  {
    TempDir dir("special_not_in_vocab");
    dir.write("vocab.json", R"({"a": 0, "b": 1, "a</w>": 2, "b</w>": 3, "ab</w>": 4})");
    dir.write("merges.txt", kSmallMerges);
    expect_input_error(dir.path, {"bos_token", "<|startoftext|>", "not in vocab.json"});
  }
  {
    TempDir dir("config_not_json");
    dir.write("vocab.json", kSmallVocab);
    dir.write("merges.txt", kSmallMerges);
    dir.write("tokenizer_config.json", "{\"pad_token\": }");
    expect_input_error(dir.path, {"tokenizer_config.json", "not valid JSON", "line 1"});
  }
  {
    TempDir dir("config_bad_length");
    dir.write("vocab.json", kSmallVocab);
    dir.write("merges.txt", kSmallMerges);
    dir.write("tokenizer_config.json", R"({"model_max_length": 1e30})");
    expect_input_error(dir.path, {"tokenizer_config.json", "model_max_length", "77"});
  }
  {
    TempDir dir("config_bad_token");
    dir.write("vocab.json", kSmallVocab);
    dir.write("merges.txt", kSmallMerges);
    dir.write("special_tokens_map.json", R"({"pad_token": 5})");
    expect_input_error(dir.path, {"special_tokens_map.json", "pad_token"});
  }
}

STEER_TEST_MAIN()
