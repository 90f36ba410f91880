// The embedded demo's toy world (issue 6): deterministic scenes and captions, the demo
// subject, the procedural scorers (the toy world's CLIP-T and DINO counterparts) and the
// demo tokenizer's files as steer's CLIP tokenizer reads them.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/demo/demo_subject.h"
#include "core/demo/toy_palette.h"
#include "core/demo/toy_random.h"
#include "core/demo/toy_renderer.h"
#include "core/demo/toy_sampler.h"
#include "core/demo/toy_scene_analysis.h"
#include "core/demo/toy_scorers.h"
#include "core/demo/toy_vocabulary.h"
#include "core/demo/toy_world.h"
#include "core/text/clip_tokenizer.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
using namespace steer::demo;

namespace {

constexpr int kSampledScenes = 200;

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001B3ULL;
  }
  return h;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::vector<ToyScene> sampled_scenes(uint64_t seed, double subject_probability = 0) {
  ToySamplerOptions options;
  options.subject_probability = subject_probability;
  ToySceneSampler sampler(seed, options);
  std::vector<ToyScene> scenes;
  for (int i = 0; i < kSampledScenes; ++i) scenes.push_back(sampler.next());
  return scenes;
}

size_t word_count(const std::string& text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    if (c == ' ') {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++n;
    }
  }
  return n;
}

// A photo-like degradation: grain of +-amplitude and a 3 x 3 box blur.
ImageRGBA8 degraded(const ImageRGBA8& image, double amplitude, uint64_t seed) {
  ImageRGBA8 noisy = image;
  ToyRandom random(seed);
  for (size_t i = 0; i < noisy.pixels.size(); i += 4)
    for (size_t c = 0; c < 3; ++c)
      noisy.pixels[i + c] =
          static_cast<uint8_t>(std::clamp(noisy.pixels[i + c] + random.uniform(-amplitude, amplitude), 0.0, 255.0));
  ImageRGBA8 out = noisy;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int sx = x + dx, sy = y + dy;
            if (sx < 0 || sy < 0 || sx >= image.width || sy >= image.height) continue;
            sum += noisy.pixel(sx, sy)[c];
            ++n;
          }
        out.pixel(x, y)[c] = static_cast<uint8_t>(sum / n);
      }
  return out;
}

}  // namespace

// ------------------------------------------------------------------ determinism

TEST_CASE("sampler: a seed gives the same scenes, in any order of drawing") {
  ToySceneSampler a(7), b(7), other(8);
  std::vector<ToyScene> drawn;
  for (int i = 0; i < 50; ++i) drawn.push_back(a.next());
  for (int i = 49; i >= 0; --i) CHECK(b.scene(static_cast<uint64_t>(i)) == drawn[static_cast<size_t>(i)]);
  int differing = 0;
  for (int i = 0; i < 50; ++i) differing += !(other.scene(static_cast<uint64_t>(i)) == drawn[static_cast<size_t>(i)]);
  CHECK(differing > 40);
}

TEST_CASE("renderer: the same scene gives the same pixels; a stored hash catches drift across platforms") {
  ToyScene scene;
  scene.background = {ToyBackgroundKind::Striped, ToyColour::Blue, ToyColour::Blue};
  ToyObject star;
  star.shape = ToyShape::Star;
  star.colour = ToyColour::Yellow;
  star.size = ToySize::Large;
  star.position = ToyPosition::TopLeft;
  star.jitter = {0.02, -0.01, 1.05, 7.5};
  ToyObject ring;
  ring.shape = ToyShape::Ring;
  ring.colour = ToyColour::White;
  ring.size = ToySize::Small;
  ring.position = ToyPosition::BottomRight;
  scene.objects = {star, ring};
  CHECK_EQ(scene.caption(),
           std::string("a large yellow star at the top left and a small white ring at the bottom right on a striped "
                       "blue background"));
  const ImageRGBA8 image = render_toy_scene(scene);
  CHECK_EQ(image.width, 64);
  CHECK(image.pixels == render_toy_scene(scene).pixels);
  // The same bytes with GCC 12 and Clang 14, at -O0 and -O3 -march=native (FMA-capable);
  // a fused multiply-add would change them, which is why steer_demo has -ffp-contract=off.
  CHECK_EQ(hex(fnv1a(image.pixels)), std::string("76d2258ae1c831c7"));
  const ImageRGBA8 photo = render_subject_photo(3).image;
  CHECK_EQ(hex(fnv1a(photo.pixels)), std::string("9ee900a5a3681338"));
  CHECK_EQ(hex(fnv1a(render_toy_scene(ToySceneSampler(2024).scene(0)).pixels)), std::string("238c9eb2d8329efd"));
}

TEST_CASE("renderer: any size from 8 up; under 8 is refused") {
  const ToyScene scene = ToySceneSampler(3).scene(1);
  for (int size : {8, 32, 96}) {
    const ImageRGBA8 image = render_toy_scene(scene, size);
    CHECK_EQ(image.width, size);
    CHECK_EQ(image.height, size);
  }
  CHECK_THROWS_WITH(render_toy_scene(scene, 7), "7");
}

// ------------------------------------------------------------------ captions

TEST_CASE("captions: caption and parse round-trip over 200 sampled scenes, subject scenes included") {
  for (const ToyScene& scene : sampled_scenes(11, 0.3)) {
    const std::string caption = scene.caption();
    const ToyScene parsed = parse_toy_caption(caption);
    CHECK_MSG(parsed.same_description(scene), caption);
    CHECK_EQ(parsed.caption(), caption);
  }
}

TEST_CASE("captions: the grammar's phrases") {
  ToyScene scene = parse_toy_caption("A photo of sks emblem in the center on a vertical white to black gradient background");
  REQUIRE(scene.objects.size() == 1);
  CHECK(scene.objects[0].is_subject());
  CHECK(scene.objects[0].position == ToyPosition::Center);
  CHECK(scene.background.kind == ToyBackgroundKind::VerticalGradient);
  CHECK(scene.background.first == ToyColour::White);
  CHECK(scene.background.second == ToyColour::Black);
  CHECK_EQ(scene.caption(), std::string("a photo of sks emblem in the center on a vertical white to black gradient background"));
  scene = parse_toy_caption("a  photo of a small red circle at the top left on a green background");
  CHECK_EQ(scene.caption(), std::string("a small red circle at the top left on a green background"));
  CHECK_EQ(std::string(kSubjectInstanceCaption), std::string("a photo of sks emblem"));
}

TEST_CASE("captions: unknown words and misplaced words are named") {
  CHECK_THROWS_WITH(parse_toy_caption("a small red circel at the top left on a blue background"), "\"circel\"", "word 4",
                    "not a word of the toy world");
  CHECK_THROWS_WITH(parse_toy_caption("a small circle red at the top left on a blue background"), "expected a colour",
                    "after \"small\"", "found \"circle\"");
  CHECK_THROWS_WITH(parse_toy_caption("a small red circle on a blue background"), "expected a position", "after \"circle\"");
  CHECK_THROWS_WITH(parse_toy_caption("a small red circle at the top left on a blue"), "\"background\"",
                    "the end of the caption");
  CHECK_THROWS_WITH(parse_toy_caption("sks dog at the top left on a blue background"), "\"dog\"");
  CHECK_THROWS_WITH(parse_toy_caption(""), "empty");
}

// ------------------------------------------------------------------ text fidelity

// Thresholds the tests hold the scorers to (measured values in the comments, from this
// machine; the scores are deterministic, so any platform measures the same).
constexpr double kOwnCaptionMean = 0.95;             // measured 1.000 (every one of 200 scenes)
constexpr double kDegradedOwnCaptionMean = 0.95;     // measured 0.979 with grain +-12 and a 3x3 blur
constexpr double kSubjectPhotoScore = 0.85;          // measured 0.900 .. 0.916
constexpr double kSubjectSceneScore = 0.80;          // lowest of 50 measured 0.846 (emblem at the large size)
constexpr double kDegradedSubjectPhotoScore = 0.60;  // measured 0.657 .. 0.732
constexpr double kRandomSceneSubjectMean = 0.10;     // measured 0.041
constexpr double kRandomSceneSubjectHighest = 0.35;  // measured 0.237 (a purple circle: purple is near magenta)

TEST_CASE("text fidelity: 200 sampled scenes score 1 against their own captions") {
  double sum = 0, lowest = 1;
  for (const ToyScene& scene : sampled_scenes(21, 0.2)) {
    const TextFidelity t = text_fidelity(render_toy_scene(scene), scene);
    sum += t.score;
    lowest = std::min(lowest, t.score);
    if (t.score < 1) {
      std::string misses;
      for (const auto& m : t.misses) misses += m + "; ";
      std::cout << "  own caption below 1: " << scene.caption() << " -> " << misses << "\n";
    }
  }
  const double mean = sum / kSampledScenes;
  std::cout << "  own caption: mean " << mean << ", lowest " << lowest << "\n";
  CHECK(mean >= kOwnCaptionMean);
}

TEST_CASE("text fidelity: the scene read back from pixels is the scene") {
  for (const ToyScene& scene : sampled_scenes(22)) {
    const ToySceneAnalysis a = analyse_toy_image(render_toy_scene(scene));
    REQUIRE(a.objects.size() == scene.objects.size());
    CHECK(a.background.named.kind == scene.background.kind);
    CHECK(a.background.named.first == scene.background.first);
    for (const ToyObject& o : scene.objects) {
      const bool found = std::any_of(a.objects.begin(), a.objects.end(), [&](const ObjectEstimate& e) {
        return e.shape == o.shape && e.colour_name == o.colour && e.size == o.size && e.position == o.position;
      });
      CHECK_MSG(found, scene.caption());
    }
  }
}

TEST_CASE("text fidelity: one wrong attribute in the prompt costs exactly its share") {
  int tried = 0;
  for (const ToyScene& scene : sampled_scenes(23)) {
    const ToySceneAnalysis image = analyse_toy_image(render_toy_scene(scene));
    const TextFidelity own = text_fidelity(image, scene);
    REQUIRE(own.score == 1.0);
    const ToyObject& first = scene.objects[0];

    std::vector<std::pair<ToyScene, std::string>> changed;
    ToyScene s = scene;
    s.objects[0].shape = static_cast<ToyShape>((static_cast<int>(first.shape) + 1) % kToyPlainShapeCount);
    changed.emplace_back(s, "object 1 shape");
    s = scene;
    s.objects[0].colour = static_cast<ToyColour>((static_cast<int>(first.colour) + 1) % kToyColourCount);
    changed.emplace_back(s, "object 1 colour");
    s = scene;
    s.objects[0].size = first.size == ToySize::Small ? ToySize::Large : ToySize::Small;
    changed.emplace_back(s, "object 1 size");
    s = scene;
    for (int p = 0; p < kToyPositionCount; ++p) {
      const auto position = static_cast<ToyPosition>(p);
      const bool taken =
          std::any_of(scene.objects.begin(), scene.objects.end(), [&](const ToyObject& o) { return o.position == position; });
      if (!taken) {
        s.objects[0].position = position;
        break;
      }
    }
    changed.emplace_back(s, "object 1 position");
    s = scene;
    for (int step = 1; s.background.first == scene.background.first || s.background.first == s.background.second; ++step)
      s.background.first = static_cast<ToyColour>((static_cast<int>(scene.background.first) + step) % kToyColourCount);
    changed.emplace_back(s, "background");
    if (scene.background.kind == ToyBackgroundKind::Solid) {
      s = scene;
      s.background.kind = ToyBackgroundKind::Striped;
      changed.emplace_back(s, "background kind");
    }

    for (const auto& [prompt, attribute] : changed) {
      const TextFidelity t = text_fidelity(image, prompt);
      CHECK_EQ(t.checked, own.checked);
      CHECK_MSG(t.correct == own.checked - 1, prompt.caption() << " scored " << t.correct << "/" << t.checked);
      CHECK_MSG(std::fabs(t.score - (own.checked - 1.0) / own.checked) < 1e-12, prompt.caption());
      REQUIRE(t.misses.size() == 1);
      CHECK_MSG(t.misses[0].rfind(attribute, 0) == 0, t.misses[0] << " should be about " << attribute);
      ++tried;
    }
  }
  CHECK(tried >= kSampledScenes * 5);
}

TEST_CASE("text fidelity: a missing object fails all its attributes; a subject is checked for position") {
  ToyScene scene = parse_toy_caption("a large red circle at the top left on a white background");
  const ImageRGBA8 image = render_toy_scene(scene);
  TextFidelity t = text_fidelity(image,
                                 "a large red circle at the top left and a small blue square at the bottom "
                                 "right on a white background");
  CHECK_EQ(t.checked, 10);
  CHECK_EQ(t.correct, 6);
  t = text_fidelity(image, "a photo of sks emblem at the top left on a white background");
  CHECK_EQ(t.checked, 3);
  CHECK_EQ(t.correct, 3);
  t = text_fidelity(image, "a photo of sks emblem at the bottom left on a white background");
  CHECK_EQ(t.correct, 2);
  t = text_fidelity(render_toy_scene(parse_toy_caption("a small red circle in the center on a white background")),
                    "a large red circle in the center on a vertical white to black gradient background");
  CHECK_EQ(t.checked, 7);
  CHECK_EQ(t.correct, 4);  // wrong: size, kind, and the second colour (a solid one is read as white twice)
}

TEST_CASE("text fidelity: robust to grain and blur") {
  double sum = 0;
  for (const ToyScene& scene : sampled_scenes(41, 0.2))
    sum += text_fidelity(degraded(render_toy_scene(scene), 12, 5), scene).score;
  std::cout << "  grain +-12 and blur: own caption mean " << sum / kSampledScenes << "\n";
  CHECK(sum / kSampledScenes >= kDegradedOwnCaptionMean);
}

TEST_CASE("text fidelity: other image sizes") {
  // Half the usual number of scenes per size, to keep the test quick.
  const std::vector<ToyScene> scenes = sampled_scenes(51, 0.2);
  for (int size : {32, 48, 96}) {
    double sum = 0;
    for (size_t i = 0; i < scenes.size(); i += 2) sum += text_fidelity(render_toy_scene(scenes[i], size), scenes[i]).score;
    const double mean = sum / (kSampledScenes / 2);
    std::cout << "  size " << size << ": own caption mean " << mean << "\n";
    CHECK(mean >= (size >= 48 ? kOwnCaptionMean : 0.9));  // 32 x 32 measured 0.98: small stars lose points
  }
}

// ------------------------------------------------------------------ subject fidelity

TEST_CASE("subject fidelity: each of the five photos scores high") {
  const std::vector<SubjectPhoto> photos = render_subject_photos();
  REQUIRE(photos.size() == static_cast<size_t>(kSubjectPhotoCount));
  for (int i = 0; i < kSubjectPhotoCount; ++i) {
    const SubjectPhoto& photo = photos[static_cast<size_t>(i)];
    CHECK_EQ(photo.caption, std::string(kSubjectInstanceCaption));
    CHECK(photo.image.pixels == render_subject_photo(i).image.pixels);
    const SubjectFidelity s = subject_fidelity(photo.image);
    std::cout << "  photo " << i << ": " << s.score << " (pattern " << s.pattern << ", roundness " << s.roundness << ")\n";
    CHECK(s.score >= kSubjectPhotoScore);
    const double degraded_score = subject_fidelity(degraded(photo.image, 12, 6 + static_cast<uint64_t>(i))).score;
    std::cout << "  photo " << i << " with grain +-12 and blur: " << degraded_score << "\n";
    CHECK(degraded_score >= kDegradedSubjectPhotoScore);
  }
  CHECK_THROWS_WITH(render_subject_photo(kSubjectPhotoCount), "photo 5");
}

TEST_CASE("subject fidelity: the emblem placed in scenes scores high and its scene's text fidelity is 1") {
  double lowest = 1;
  ToySamplerOptions options;
  options.subject_probability = 1;
  ToySceneSampler sampler(61, options);
  for (int i = 0; i < 50; ++i) {
    const ToyScene scene = sampler.next();
    const ImageRGBA8 image = render_toy_scene(scene);
    lowest = std::min(lowest, subject_fidelity(image).score);
    CHECK_MSG(text_fidelity(image, scene).score == 1.0, scene.caption());
  }
  std::cout << "  subject in scenes: lowest " << lowest << "\n";
  CHECK(lowest >= kSubjectSceneScore);
}

TEST_CASE("subject fidelity: 200 random scenes score low") {
  double sum = 0, highest = 0;
  for (const ToyScene& scene : sampled_scenes(31)) {
    const double s = subject_fidelity(render_toy_scene(scene)).score;
    sum += s;
    highest = std::max(highest, s);
  }
  std::cout << "  random scenes: mean " << sum / kSampledScenes << ", highest " << highest << "\n";
  CHECK(sum / kSampledScenes <= kRandomSceneSubjectMean);
  CHECK(highest <= kRandomSceneSubjectHighest);
  CHECK_EQ(subject_fidelity(render_toy_scene(parse_toy_caption("a small red circle at the top left on a white "
                                                               "background"),
                                             64))
               .object,
           0);
  ImageRGBA8 blank = render_toy_scene(parse_toy_caption("a small red circle at the top left on a white background"));
  for (size_t i = 0; i < blank.pixels.size(); ++i) blank.pixels[i] = 255;
  CHECK_EQ(subject_fidelity(blank).object, -1);
  CHECK_EQ(subject_fidelity(blank).score, 0.0);
}

// ------------------------------------------------------------------ tokenizer

TEST_CASE("tokenizer: steer's CLIP tokenizer reads the files; every caption word is one token") {
  testing::TempFolder folder;
  write_toy_tokenizer(folder.path());
  const ClipTokenizer tokenizer = ClipTokenizer::from_folder(folder.path());
  std::cout << "  vocabulary: " << tokenizer.vocab_size() << " tokens\n";
  CHECK(tokenizer.vocab_size() < 400);
  CHECK_EQ(tokenizer.max_length(), kToyTokenizerMaxLength);
  CHECK_EQ(tokenizer.bos_id(), tokenizer.token_id("<|startoftext|>"));
  CHECK_EQ(tokenizer.eos_id(), tokenizer.token_id("<|endoftext|>"));
  CHECK_EQ(tokenizer.pad_id(), tokenizer.eos_id());

  for (const std::string& word : toy_grammar_words()) {
    const int32_t id = tokenizer.token_id(word + "</w>");
    CHECK_MSG(id >= 0, word);
    CHECK_MSG(tokenizer.encode(word) == std::vector<int32_t>{id}, word);
  }

  size_t longest = 0;
  for (const ToyScene& scene : sampled_scenes(71, 0.3)) {
    const std::string caption = scene.caption();
    const std::vector<int32_t> ids = tokenizer.encode(caption);
    CHECK_MSG(ids.size() == word_count(caption), caption << " gave " << ids.size() << " tokens");
    CHECK_MSG(std::find(ids.begin(), ids.end(), tokenizer.eos_id()) == ids.end(), caption << " has an unknown piece");
    CHECK_EQ(tokenizer.decode(ids), caption);
    longest = std::max(longest, ids.size());
  }
  std::cout << "  longest sampled caption: " << longest << " tokens\n";
  CHECK(longest + 2 <= 32);
  CHECK_EQ(tokenizer.encode(kSubjectInstanceCaption).size(), static_cast<size_t>(5));

  // A word outside the grammar falls apart into letters; other characters are unknown.
  const std::vector<int32_t> dog = tokenizer.encode("dog");
  CHECK_EQ(dog.size(), static_cast<size_t>(3));
  CHECK(std::find(dog.begin(), dog.end(), tokenizer.eos_id()) == dog.end());
  CHECK(tokenizer.encode("4") == std::vector<int32_t>{tokenizer.eos_id()});
}

TEST_CASE("tokenizer: the files are the same on every build; the longest caption fits 32 positions") {
  const ToyTokenizerFiles a = build_toy_tokenizer(), b = build_toy_tokenizer();
  CHECK(a.vocab_json == b.vocab_json);
  CHECK(a.merges_txt == b.merges_txt);
  CHECK(a.merges_txt.rfind("#version: 0.2\n", 0) == 0);
  CHECK(build_toy_tokenizer(32).tokenizer_config_json.find("\"model_max_length\": 32") != std::string::npos);
  // The longest caption of one or two objects: the subject's "a photo of" prefix, a plain
  // object, a gradient.
  const ToyScene longest = parse_toy_caption(
      "a photo of sks emblem at the bottom right and a large yellow square at the bottom left on a horizontal "
      "orange to black gradient background");
  CHECK_EQ(word_count(longest.caption()), static_cast<size_t>(26));
  // The most frequent pair merges first; in the end each word is one symbol.
  const std::vector<BpeMerge> merges = learn_whole_word_merges({"green", "red"});
  CHECK(merges.front() == (BpeMerge{"r", "e"}));
  CHECK_EQ(merges.size(), static_cast<size_t>(5));  // r+e, e+n</w>, g+re, gre+en</w>, re+d</w>
}

STEER_TEST_MAIN()
