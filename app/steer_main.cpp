// steer: Steer Studio's command line. Each subcommand lives in app/cli/.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/job_outcome.h"
#include "core/common/closest_word.h"
#include "core/common/error.h"

namespace {

void print_usage(std::ostream& out) {
  out << "steer " << STEER_VERSION << ": personalised Stable Diffusion on your own GPU\n\n"
      << "usage: steer <command> [options]\n\n"
      << "commands:\n"
      << "  info <model-folder>     load a diffusers model folder and summarise it, native size included\n"
      << "  generate [options]      one image with CFG, AG or PG guidance (see steer generate --help)\n"
      << "  sweep [options]         a grid over method x lambda x omega x seed x prompt, exported (steer sweep --help)\n"
      << "  train [options]         train a LoRA or a full DreamBooth model on a subject's photos (steer train --help)\n"
      << "  train-base [options]    train the demo world's base model from scratch (steer train-base --help)\n"
      << "  demo [options]          the main job on the demo model: LoRA, CFG/AG/PG sweep, scores, trade-off (steer demo "
         "--help)\n"
      << "  bench [options]         time text encoding, one UNet step and a VAE decode (see steer bench --help)\n"
      << "  help                    this text\n";
}

const std::vector<std::string> kCommands = {"info", "generate", "sweep", "train", "train-base", "demo", "bench", "help"};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage(std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "info") return steer::cli::run_info(argc - 2, argv + 2);
    if (command == "bench") return steer::cli::run_bench(argc - 2, argv + 2);
#ifdef STEER_HAS_IMAGE_OUTPUT
    if (command == "generate") return steer::cli::run_generate(argc - 2, argv + 2);
    if (command == "sweep") return steer::cli::run_sweep(argc - 2, argv + 2);
    if (command == "train") return steer::cli::run_train(argc - 2, argv + 2);
    if (command == "train-base") return steer::cli::run_train_base(argc - 2, argv + 2);
    if (command == "demo") return steer::cli::run_demo(argc - 2, argv + 2);
#else
    if (command == "generate" || command == "sweep" || command == "train" || command == "train-base" || command == "demo") {
      std::cerr << "steer " << command << ": this build has no image output (it was built with STEER_ENGINE_ONLY)\n";
      return 2;
    }
#endif
  } catch (const steer::cli::UsageError& e) {
    std::cerr << "steer " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const steer::cli::JobDidNotFinish& e) {
    const steer::JobOutcome& outcome = e.outcome();
    if (outcome.cancelled()) {
      std::cerr << "steer " << command << ": cancelled\n";
      return 130;
    }
    std::cerr << "steer " << command << ": " << outcome.message << "\n";
    return outcome.internal_error ? 3 : 1;
  } catch (const steer::JobCancelled&) {
    std::cerr << "steer " << command << ": cancelled\n";
    return 130;
  } catch (const steer::Error& e) {
    std::cerr << "steer " << command << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "steer " << command << ": internal error: " << e.what() << "\n";
    return 3;
  }
  if (const auto guess = steer::closest_word(command, kCommands)) {
    std::cerr << "steer: unknown command \"" << command << "\"; did you mean '" << *guess << "'? (steer help lists them)\n";
    return 2;
  }
  std::cerr << "steer: unknown command \"" << command << "\"\n\n";
  print_usage(std::cerr);
  return 2;
}
