#include <iostream>
#include <string>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/engine/engine.h"

namespace steer::cli {
namespace {

void usage(std::ostream& out) {
  out << "usage: steer info <model-folder>\n\n"
      << "Loads every component of a diffusers model folder (the one holding model_index.json) on the CPU,\n"
      << "checks each weight against its architecture, and prints a summary: family, prediction type,\n"
      << "native size (the size it was trained at, which steer generate and steer sweep use by default)\n"
      << "and parameters per component.\n";
}

}  // namespace

int run_info(int argc, char** argv) {
  const Arguments args(argc, argv, {}, {"help"});
  if (args.has("help")) {
    usage(std::cout);
    return 0;
  }
  if (args.positional().size() != 1) {
    usage(std::cerr);
    return 2;
  }
  const ModelSummary s = expect_finished(Engine::inspect_model(args.positional()[0]));
  const std::string native =
      s.native_resolution > 0 ? std::to_string(s.native_resolution) + "x" + std::to_string(s.native_resolution) : "unknown";
  std::cout << "model        " << s.folder.string() << "\n"
            << "family       " << s.family << "\n"
            << "pipeline     " << s.pipeline_class << "\n"
            << "prediction   " << s.prediction_type << "\n"
            << "native size  " << native;
  if (s.native_resolution > 0) std::cout << " (the size it was trained at; steer generate's default)";
  std::cout << "\n"
            << "weights      " << (s.weights_variant.empty() ? "full precision files" : s.weights_variant + " variant") << "\n"
            << "parameters   " << format_parameter_count(s.total_parameters()) << " (" << s.total_parameters() << ")\n\n";
  for (const auto& c : s.components) {
    std::cout << c.name << " (" << c.class_name << ")\n";
    if (c.parameter_count > 0) {
      std::cout << "  parameters " << format_parameter_count(c.parameter_count) << " (" << c.parameter_count << ") in "
                << c.tensor_count << " tensors;";
      for (const auto& [dtype, n] : c.parameters_by_dtype) std::cout << " " << dtype << " " << format_parameter_count(n);
      std::cout << "\n";
    }
    std::cout << "  " << c.detail << "\n";
    for (const auto& f : c.weight_files) std::cout << "  file " << f.string() << "\n";
  }
  return 0;
}

}  // namespace steer::cli
