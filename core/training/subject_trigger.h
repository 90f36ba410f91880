#pragma once
// The words that call up a trained subject in a prompt ("sks emblem"), read from what its
// training left behind: the instance prompt ("a photo of sks emblem", training_settings.h)
// in the LoRA's metadata or in the run folder's training.json (training_run.h), or kohya's
// "N_words" dataset folder names. The app shows them beside the subject and puts them in
// its prompt placeholders (issue 11, item 6). Torch-free: reads JSON and a safetensors header.
#include <filesystem>
#include <optional>
#include <string>

namespace steer {

struct SubjectTrigger {
  std::string words;   // "sks emblem"
  std::string source;  // where they were found, for a tooltip: "the LoRA's training settings"
};

// "a photo of sks emblem" -> "sks emblem": drops a leading "a photo of" (or picture, image,
// painting) and an article; "" when nothing is left.
std::string trigger_from_instance_prompt(const std::string& instance_prompt);

// A LoRA file or a fine-tuned model folder. Looks, in order, at the LoRA's metadata
// ("steer.training_settings", then kohya's "ss_dataset_dirs"), then at training.json in the
// subject's folder and the folder above it. nullopt when none of them names the subject;
// a file that cannot be read is the same as one that says nothing (never throws).
std::optional<SubjectTrigger> find_subject_trigger(const std::filesystem::path& subject);

}  // namespace steer
