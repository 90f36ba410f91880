#include "core/demo_model/demo_scores.h"

#include <cstdio>

#include "core/common/number_text.h"
#include "core/demo/toy_scene_analysis.h"
#include "core/demo/toy_scorers.h"
#include "core/formats/json.h"
#include "core/io/atomic_write.h"

namespace steer::demo {

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

FidelityPair score_demo_image(const ImageRGBA8& image, const ToyScene& prompt) {
  const ToySceneAnalysis analysis = analyse_toy_image(image);
  return FidelityPair{text_fidelity(analysis, prompt).score, subject_fidelity(image, analysis).score};
}

std::string score_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", value);
  return buf;
}

void write_scores_csv(const std::filesystem::path& file, const std::vector<ImageScore>& scores) {
  write_file_atomically(file, [&](std::ostream& out) {
    out << "file,method,lambda,omega,seed,prompt,text_fidelity,subject_fidelity\n";
    for (const auto& s : scores)
      out << csv_field(s.file) << ',' << s.method << ',' << number_text(s.lambda) << ',' << csv_field(s.omega) << ',' << s.seed
          << ',' << csv_field(s.prompt) << ',' << score_text(s.text) << ',' << score_text(s.subject) << '\n';
  });
}

void write_scores_json(const std::filesystem::path& file, const std::vector<ImageScore>& scores) {
  json::Array images;
  for (const auto& s : scores) {
    json::Value v{json::Object{}};
    v.set("file", s.file);
    v.set("method", s.method);
    v.set("lambda", s.lambda);
    v.set("omega", s.omega.empty() ? json::Value() : json::Value(s.omega));
    v.set("seed", s.seed);
    v.set("prompt", s.prompt);
    v.set("text_fidelity", s.text);
    v.set("subject_fidelity", s.subject);
    images.push_back(std::move(v));
  }
  json::Value root{json::Object{}};
  root.set("text_fidelity", "share of the prompt's attributes the image shows (toy-world counterpart of CLIP-T)");
  root.set("subject_fidelity", "agreement of the best object with the demo emblem's pattern (counterpart of DINO / CLIP-I)");
  root.set("images", std::move(images));
  write_file_atomically(file, [&](std::ostream& out) { out << root.dump(2) << "\n"; });
}

}  // namespace steer::demo
