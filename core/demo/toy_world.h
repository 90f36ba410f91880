#pragma once
// The toy world: small scenes of one or two flat objects on a simple background, each with
// a caption from a fixed grammar, so that a tiny text-to-image model can be trained on it
// here and its images scored exactly (toy_scorers.h). A scene is plain data; rendering is
// in toy_renderer.h, random scenes in toy_sampler.h, the demo subject in demo_subject.h.
//
// The grammar (every caption() is accepted by parse_toy_caption(), and back):
//   caption    := ["a photo of"] object ("and" object)* "on" ("a" | "an") background
//   object     := "a" size colour shape position  |  "sks emblem" position
//   position   := "at the top left" | "at the top right" | "at the bottom left"
//               | "at the bottom right" | "in the center"
//   background := colour "background" | "striped" colour "background"
//               | ("vertical" | "horizontal") colour "to" colour "gradient background"
// e.g. "a small red circle at the top left on a striped blue background". caption()
// writes the "a photo of" prefix exactly when the scene holds the demo subject, so that
// prompts with the subject begin like its instance caption ("a photo of sks emblem"), and
// "an" before "orange".
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace steer::demo {

enum class ToyColour : uint8_t { Red, Orange, Yellow, Green, Blue, Purple, White, Black };
inline constexpr int kToyColourCount = 8;

// Subject is the demo subject (demo_subject.h): drawn by its own pattern, named by its
// token; its colour and size are not part of the grammar.
enum class ToyShape : uint8_t { Circle, Square, Triangle, Ring, Cross, Star, Subject };
inline constexpr int kToyPlainShapeCount = 6;  // the shapes before Subject

enum class ToySize : uint8_t { Small, Large };
enum class ToyPosition : uint8_t { TopLeft, TopRight, BottomLeft, BottomRight, Center };
inline constexpr int kToyPositionCount = 5;

// Gradients run from `first` (top / left) to `second` (bottom / right); stripes alternate
// `first` with a greyed partner of it (toy_palette.h).
enum class ToyBackgroundKind : uint8_t { Solid, Striped, VerticalGradient, HorizontalGradient };

// How a drawn object departs from its nominal place, in fractions of the image size; the
// caption does not see it. Datasets jitter it so that a model learns the words, not pixels.
struct ToyJitter {
  double dx = 0, dy = 0;
  double scale = 1;
  double rotation_degrees = 0;
  bool operator==(const ToyJitter&) const = default;
};

struct ToyObject {
  ToyShape shape = ToyShape::Circle;
  ToyColour colour = ToyColour::Red;  // unused by the subject
  ToySize size = ToySize::Small;      // unused by the subject
  ToyPosition position = ToyPosition::Center;
  ToyJitter jitter;

  bool is_subject() const { return shape == ToyShape::Subject; }
  bool operator==(const ToyObject&) const = default;
};

struct ToyBackground {
  ToyBackgroundKind kind = ToyBackgroundKind::Solid;
  ToyColour first = ToyColour::White;
  ToyColour second = ToyColour::White;  // gradients only
  bool operator==(const ToyBackground&) const = default;
};

struct ToyScene {
  std::vector<ToyObject> objects;  // drawn in order, later ones on top
  ToyBackground background;

  std::string caption() const;
  // Equal as captions describe them: jitter, and the colour and size of a subject, ignored.
  bool same_description(const ToyScene& other) const;
  bool operator==(const ToyScene&) const = default;
};

// Parses a caption of the grammar above (ASCII case and runs of spaces are forgiven).
// Throws steer::InputError naming the caption and the offending word: a word outside the
// toy world's vocabulary, or a known word where the grammar expects something else.
// Jitter is zero; a subject gets ToyColour::Red and ToySize::Large as placeholders.
ToyScene parse_toy_caption(std::string_view caption);

// Names as captions write them: "red", "triangle", "small", "top left", "striped".
std::string_view toy_name(ToyColour colour);
std::string_view toy_name(ToyShape shape);  // Subject: "sks emblem"
std::string_view toy_name(ToySize size);
std::string_view toy_name(ToyPosition position);        // "top left", ..., "center"
std::string_view toy_name(ToyBackgroundKind kind);      // "solid", "striped", "vertical gradient", ...
std::string toy_position_phrase(ToyPosition position);  // "at the top left", "in the center"

// Every word a caption can contain, each once, in a fixed order: the vocabulary the demo
// tokenizer is built from (toy_vocabulary.h).
std::vector<std::string> toy_grammar_words();

}  // namespace steer::demo
