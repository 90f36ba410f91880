#pragma once
// Procedural fidelity scores for the toy world, the counterparts of the metrics papers on
// personalization report for real images:
//  - text fidelity  ~ CLIP-T (how well the image follows the prompt): the share of the
//    prompt's attributes that the image shows, read from pixels by toy_scene_analysis.h;
//  - subject fidelity ~ DINO / CLIP-I (how much the image's object looks like the user's
//    subject): the best agreement of any object in the image with the demo emblem's
//    pattern (demo_subject.h).
// Unlike CLIP and DINO they are exact on clean renders: a scene scores 1 against its own
// caption, and each wrong attribute costs exactly its share.
#include <string>
#include <string_view>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/demo/toy_scene_analysis.h"
#include "core/demo/toy_world.h"

namespace steer::demo {

// Attributes checked: background kind and colour (a gradient's two colours count as two);
// per plain object its shape, colour, size and position; per subject object its position
// only (how much it looks like the subject is subject_fidelity's business). Prompt objects
// are paired with found objects so that the most attributes are right; a prompt object
// with no partner scores 0 on its attributes. Extra objects in the image cost nothing.
struct TextFidelity {
  double score = 0;  // correct / checked, in [0, 1]
  int checked = 0;
  int correct = 0;
  std::vector<std::string> misses;  // e.g. "object 1 colour: asked red, found blue"
};

TextFidelity text_fidelity(const ImageRGBA8& image, const ToyScene& prompt);
TextFidelity text_fidelity(const ToySceneAnalysis& analysis, const ToyScene& prompt);
// Parses the caption first (parse_toy_caption; throws steer::InputError).
TextFidelity text_fidelity(const ImageRGBA8& image, std::string_view prompt_caption);

// For each found object, the emblem is drawn as the renderer draws it, at the object's
// centroid, at the radius its area implies for a disc, and turned by -30..30 degrees; each
// pixel wholly inside that disc scores max(0, 1 - RGB distance / 120) against the drawing
// (after matching overall brightness within 0.8..1.25x). The dots weigh 30%, the two halves
// 70%. That pattern score times how disc-like the object is (intersection over union with
// the disc) is the object's score; the image's is its best object's, 0 with none.
struct SubjectFidelity {
  double score = 0;  // in [0, 1]
  int object = -1;   // index into the analysis' objects, -1 when none was found
  double pattern = 0;
  double roundness = 0;
};

SubjectFidelity subject_fidelity(const ImageRGBA8& image);
SubjectFidelity subject_fidelity(const ImageRGBA8& image, const ToySceneAnalysis& analysis);

}  // namespace steer::demo
