#pragma once
// The one JSON form of a generation request and of a subject: projects (project.json), compare
// boards, image sidecars (the "request" member) and sweep files (their "request" member) all
// read and write these, so a setting has one name everywhere. Torch-free.
//
// Every GenerationRequest field, by name. Doubles keep all their digits; the seed is written
// as a number while it is exact in a double and as a decimal string beyond 2^53; σ_high = ∞
// (no interval) is written as null; modifiers as their canonical texts ("apg:eta=0,...").
// Readers keep the default for an absent or null member and refuse a member of the wrong type
// with an InputError naming `where` and the member ("project.json: \"request.steps\" must be
// an integer").
#include <filesystem>
#include <string>

#include "core/formats/json.h"
#include "core/generation/generation_request.h"

namespace steer {

json::Value request_to_json(const GenerationRequest& request);
GenerationRequest request_from_json(const json::Value& value, const std::string& where = "the request");

// Paths are stored absolute and, when `base_folder` is given, also relative to it (a project
// moved together with its subject still finds it).
json::Value subject_to_json(const SubjectSpec& subject, const std::filesystem::path& base_folder = {});
SubjectSpec subject_from_json(const json::Value& value, const std::filesystem::path& base_folder = {},
                              const std::string& where = "the subject");

const char* subject_kind_name(SubjectSpec::Kind kind);  // "none", "lora", "fine_tuned"

}  // namespace steer
