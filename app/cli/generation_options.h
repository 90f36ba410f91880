#pragma once
// The generation settings `steer generate` and `steer sweep` share, read from flags.
#include <set>
#include <string>

#include "app/cli/arguments.h"
#include "core/engine/engine.h"
#include "core/generation/generation_request.h"

namespace steer::cli {

std::set<std::string> generation_options();   // --model --lora --prompt ... (take a value)
std::set<std::string> generation_switches();  // --karras --device-noise --two-call

// The model folder, device and dtype; InputError for unknown devices or dtypes.
std::string model_folder_from(const Arguments& args);
EngineOptions engine_options_from(const Arguments& args);
SubjectSpec subject_from(const Arguments& args);
// Everything else; validated by the caller (GenerationRequest::validate) before work starts.
GenerationRequest request_from(const Arguments& args);

// Help text for the shared options.
std::string generation_options_help();

}  // namespace steer::cli
