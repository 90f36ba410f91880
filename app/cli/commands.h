#pragma once
// One function per `steer` subcommand; each takes the arguments after the command name
// and returns the process exit code (0 ok, 1 bad input, 2 bad usage).
namespace steer::cli {

int run_info(int argc, char** argv);
int run_bench(int argc, char** argv);
// generate and sweep write images, so they exist only in builds with OpenImageIO.
int run_generate(int argc, char** argv);
int run_sweep(int argc, char** argv);
// train reads photos and writes samples through OpenImageIO as well.
int run_train(int argc, char** argv);
// The demo world (issue 6).
int run_train_base(int argc, char** argv);
int run_demo(int argc, char** argv);

}  // namespace steer::cli
