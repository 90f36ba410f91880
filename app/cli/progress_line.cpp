#include "app/cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace steer::cli {

ProgressLine::ProgressLine(std::string label) : label_(std::move(label)), terminal_(isatty(STDERR_FILENO) != 0) {}

void ProgressLine::update(const StepEvent& e) {
  const double rate = e.elapsed_seconds > 0 ? e.step / e.elapsed_seconds : 0.0;
  const double eta = rate > 0 ? (e.steps - e.step) / rate : 0.0;
  char line[256];
  std::snprintf(line, sizeof line, "%s step %d/%d  %.2f it/s  ETA %.0f s  (t=%.0f, sigma=%.3f%s)", label_.c_str(), e.step,
                e.steps, rate, eta, e.timestep, e.sigma, e.guided ? "" : ", unguided");
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    const int decile = e.step * 10 / e.steps;
    if (decile == last_decile_) return;
    last_decile_ = decile;
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

void ProgressLine::finish(const std::string& message) {
  if (terminal_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s %s\n", label_.c_str(), message.c_str());
}

}  // namespace steer::cli
