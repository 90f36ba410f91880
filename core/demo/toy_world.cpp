#include "core/demo/toy_world.h"

#include <algorithm>
#include <optional>

#include "core/common/error.h"
#include "core/demo/demo_subject.h"

namespace steer::demo {
namespace {

constexpr std::array<std::string_view, kToyColourCount> kColourNames = {"red",  "orange", "yellow", "green",
                                                                        "blue", "purple", "white",  "black"};
constexpr std::array<std::string_view, kToyPlainShapeCount> kShapeNames = {"circle", "square", "triangle",
                                                                           "ring",   "cross",  "star"};
constexpr std::array<std::string_view, 2> kSizeNames = {"small", "large"};
constexpr std::array<std::string_view, kToyPositionCount> kPositionNames = {"top left", "top right", "bottom left",
                                                                            "bottom right", "center"};

// The connecting words of the grammar, in the order toy_grammar_words() lists them.
constexpr std::array<std::string_view, 16> kGrammarWords = {
    "a", "an", "photo", "of", "and", "at", "the", "in", "on", "to", "top", "bottom", "left", "right", "background", "gradient"};

template <size_t N>
std::optional<size_t> index_of(const std::array<std::string_view, N>& names, std::string_view word) {
  const auto it = std::find(names.begin(), names.end(), word);
  if (it == names.end()) return std::nullopt;
  return static_cast<size_t>(it - names.begin());
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

template <size_t N>
std::string listed(const std::array<std::string_view, N>& names) {
  std::string out;
  for (size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

std::string object_phrase(const ToyObject& object) {
  const std::string where = toy_position_phrase(object.position);
  if (object.is_subject()) return std::string(toy_name(ToyShape::Subject)) + " " + where;
  return "a " + std::string(toy_name(object.size)) + " " + std::string(toy_name(object.colour)) + " " +
         std::string(toy_name(object.shape)) + " " + where;
}

// "a red background", "an orange background", "a striped ... background": the article
// goes with the word after it.
std::string background_phrase(const ToyBackground& background) {
  const std::string first(toy_name(background.first));
  switch (background.kind) {
    case ToyBackgroundKind::Solid:
      return (first[0] == 'o' ? "an " : "a ") + first + " background";
    case ToyBackgroundKind::Striped:
      return "a striped " + first + " background";
    case ToyBackgroundKind::VerticalGradient:
    case ToyBackgroundKind::HorizontalGradient:
      return std::string(background.kind == ToyBackgroundKind::VerticalGradient ? "a vertical " : "a horizontal ") + first +
             " to " + std::string(toy_name(background.second)) + " gradient background";
  }
  return "a " + first + " background";
}

bool same_object_description(const ToyObject& a, const ToyObject& b) {
  if (a.shape != b.shape || a.position != b.position) return false;
  return a.is_subject() || (a.colour == b.colour && a.size == b.size);
}

// Reads a caption word by word, with errors that quote the caption and name the word.
class CaptionReader {
 public:
  explicit CaptionReader(std::string_view caption) : caption_(caption) {
    std::string word;
    for (char c : caption) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!word.empty()) words_.push_back(std::move(word));
        word.clear();
      } else {
        word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    }
    if (!word.empty()) words_.push_back(std::move(word));
    if (words_.empty()) throw InputError("toy caption " + quoted(caption_) + ": the caption is empty.");
    const std::vector<std::string> known = toy_grammar_words();
    for (size_t i = 0; i < words_.size(); ++i) {
      if (std::find(known.begin(), known.end(), words_[i]) == known.end())
        throw InputError("toy caption " + quoted(caption_) + ": word " + std::to_string(i + 1) + ", " + quoted(words_[i]) +
                         ", is not a word of the toy world. Its words are: " + joined(known) + ".");
    }
  }

  bool done() const { return next_ >= words_.size(); }
  std::string_view peek(size_t ahead = 0) const {
    return next_ + ahead < words_.size() ? std::string_view(words_[next_ + ahead]) : std::string_view();
  }
  bool accept(std::string_view word) {
    if (peek() != word) return false;
    ++next_;
    return true;
  }
  void expect(std::string_view word, std::string_view where) {
    if (!accept(word)) fail(quoted(word) + " " + std::string(where));
  }
  // Takes the next word if it is one of `names`, else fails saying what was expected.
  template <size_t N>
  size_t expect_one_of(const std::array<std::string_view, N>& names, std::string_view what) {
    if (auto i = index_of(names, peek())) {
      ++next_;
      return *i;
    }
    fail(std::string(what) + " (" + listed(names) + ")");
  }

  [[noreturn]] void fail(const std::string& expected) const {
    const std::string after = next_ == 0 ? "at the start" : "after " + quoted(words_[next_ - 1]);
    const std::string found = done() ? "the end of the caption" : quoted(words_[next_]);
    throw InputError("toy caption " + quoted(caption_) + ": expected " + expected + " " + after + ", found " + found + ".");
  }

 private:
  static std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
    return out;
  }

  std::string caption_;
  std::vector<std::string> words_;
  size_t next_ = 0;
};

ToyPosition read_position(CaptionReader& in) {
  if (in.accept("in")) {
    in.expect("the", "(as in \"in the center\")");
    in.expect("center", "(as in \"in the center\")");
    return ToyPosition::Center;
  }
  if (!in.accept("at")) in.fail("a position (\"at the top left\", ..., \"in the center\")");
  in.expect("the", "(as in \"at the top left\")");
  constexpr std::array<std::string_view, 2> vertical = {"top", "bottom"};
  constexpr std::array<std::string_view, 2> horizontal = {"left", "right"};
  const size_t v = in.expect_one_of(vertical, "top or bottom");
  const size_t h = in.expect_one_of(horizontal, "left or right");
  return static_cast<ToyPosition>(v * 2 + h);
}

ToyObject read_object(CaptionReader& in) {
  ToyObject object;
  if (in.accept(kSubjectToken)) {
    in.expect(kSubjectClassNoun,
              "(the demo subject is \"" + std::string(kSubjectToken) + " " + std::string(kSubjectClassNoun) + "\")");
    object.shape = ToyShape::Subject;
    object.size = ToySize::Large;
    object.position = read_position(in);
    return object;
  }
  if (!in.accept("a")) in.fail("an object (\"a small red circle ...\" or \"sks emblem ...\")");
  object.size = static_cast<ToySize>(in.expect_one_of(kSizeNames, "a size"));
  object.colour = static_cast<ToyColour>(in.expect_one_of(kColourNames, "a colour"));
  object.shape = static_cast<ToyShape>(in.expect_one_of(kShapeNames, "a shape"));
  object.position = read_position(in);
  return object;
}

ToyBackground read_background(CaptionReader& in) {
  ToyBackground background;
  if (in.accept("striped")) {
    background.kind = ToyBackgroundKind::Striped;
  } else if (in.accept("vertical")) {
    background.kind = ToyBackgroundKind::VerticalGradient;
  } else if (in.accept("horizontal")) {
    background.kind = ToyBackgroundKind::HorizontalGradient;
  }
  background.first = static_cast<ToyColour>(in.expect_one_of(kColourNames, "a background colour"));
  background.second = background.first;
  if (background.kind == ToyBackgroundKind::VerticalGradient || background.kind == ToyBackgroundKind::HorizontalGradient) {
    in.expect("to", "(as in \"vertical red to blue gradient\")");
    background.second = static_cast<ToyColour>(in.expect_one_of(kColourNames, "the gradient's second colour"));
    in.expect("gradient", "(as in \"vertical red to blue gradient background\")");
  }
  in.expect("background", "to end the caption");
  return background;
}

}  // namespace

std::string_view toy_name(ToyColour colour) { return kColourNames[static_cast<size_t>(colour)]; }

std::string_view toy_name(ToyShape shape) {
  if (shape == ToyShape::Subject) return kSubjectName;
  return kShapeNames[static_cast<size_t>(shape)];
}

std::string_view toy_name(ToySize size) { return kSizeNames[static_cast<size_t>(size)]; }
std::string_view toy_name(ToyPosition position) { return kPositionNames[static_cast<size_t>(position)]; }

std::string_view toy_name(ToyBackgroundKind kind) {
  switch (kind) {
    case ToyBackgroundKind::Solid:
      return "solid";
    case ToyBackgroundKind::Striped:
      return "striped";
    case ToyBackgroundKind::VerticalGradient:
      return "vertical gradient";
    case ToyBackgroundKind::HorizontalGradient:
      return "horizontal gradient";
  }
  return "solid";
}

std::string toy_position_phrase(ToyPosition position) {
  if (position == ToyPosition::Center) return "in the center";
  return "at the " + std::string(toy_name(position));
}

std::vector<std::string> toy_grammar_words() {
  std::vector<std::string> words;
  auto add = [&](std::string_view w) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.emplace_back(w);
  };
  for (auto w : kGrammarWords) add(w);
  for (auto w : kSizeNames) add(w);
  for (auto w : kColourNames) add(w);
  for (auto w : kShapeNames) add(w);
  add("center");
  add("striped");
  add("vertical");
  add("horizontal");
  add(kSubjectToken);
  add(kSubjectClassNoun);
  return words;
}

std::string ToyScene::caption() const {
  const bool has_subject = std::any_of(objects.begin(), objects.end(), [](const ToyObject& o) { return o.is_subject(); });
  std::string out = has_subject ? "a photo of " : "";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? " and " : "") + object_phrase(objects[i]);
  return out + " on " + background_phrase(background);
}

bool ToyScene::same_description(const ToyScene& other) const {
  if (objects.size() != other.objects.size()) return false;
  for (size_t i = 0; i < objects.size(); ++i)
    if (!same_object_description(objects[i], other.objects[i])) return false;
  const bool gradient =
      background.kind == ToyBackgroundKind::VerticalGradient || background.kind == ToyBackgroundKind::HorizontalGradient;
  return background.kind == other.background.kind && background.first == other.background.first &&
         (!gradient || background.second == other.background.second);
}

ToyScene parse_toy_caption(std::string_view caption) {
  CaptionReader in(caption);
  ToyScene scene;
  if (in.peek() == "a" && in.peek(1) == "photo") {
    in.accept("a");
    in.accept("photo");
    in.expect("of", "(as in \"a photo of ...\")");
  }
  do {
    scene.objects.push_back(read_object(in));
  } while (in.accept("and"));
  in.expect("on", "before the background (\"on a ... background\")");
  // "a" or "an", whichever the next word takes; both are forgiven.
  if (!in.accept("a") && !in.accept("an")) in.fail("\"a\" or \"an\" (as in \"on a blue background\")");
  scene.background = read_background(in);
  if (!in.done()) in.fail("nothing more");
  return scene;
}

}  // namespace steer::demo
