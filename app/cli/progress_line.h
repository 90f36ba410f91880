#pragma once
// The progress line of `steer generate` / `steer sweep`: step, it/s and ETA, redrawn in
// place on a terminal, one line per 10 % otherwise (logs stay readable).
#include <string>

#include "core/generation/generation_request.h"

namespace steer::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::string label);
  void update(const StepEvent& event);
  void finish(const std::string& message);

 private:
  std::string label_;
  bool terminal_;
  int last_decile_ = -1;
};

}  // namespace steer::cli
