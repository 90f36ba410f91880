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

// Which image sides the command line (or a sweep file) set; the others follow the model.
struct SizeGiven {
  bool width = false, height = false;
};
SizeGiven size_given(const Arguments& args);

// Once the model is loaded (its size is not known before): the sides not given take the
// model's native size, a side that is not whole latent cells of this model is refused
// (InputError naming the nearest valid sides), and a size far from the native one prints a
// one-line warning on stderr (core/generation/image_size.h).
void fit_size_to_model(GenerationRequest& request, SizeGiven given, const ModelSummary& model);

// Help text for the shared options, less the lines for `listed_elsewhere` (options the verb's
// own help describes, so that no option is listed twice).
std::string generation_options_help(const std::set<std::string>& listed_elsewhere = {});

}  // namespace steer::cli
