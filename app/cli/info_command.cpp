#include <iostream>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/engine/engine.h"

namespace steer::cli {

int run_info(int argc, char** argv) {
  if (argc != 1) {
    std::cerr << "usage: steer info <model-folder>\n";
    return 2;
  }
  const ModelSummary s = expect_finished(Engine::inspect_model(argv[0]));
  std::cout << "model        " << s.folder.string() << "\n"
            << "family       " << s.family << "\n"
            << "pipeline     " << s.pipeline_class << "\n"
            << "prediction   " << s.prediction_type << "\n"
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
