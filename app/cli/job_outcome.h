#pragma once
// How the CLI meets the engine's jobs (core/engine/job.h): a job that did not finish becomes
// the exit status main() reports — failed input 1, internal error 3, cancelled 130 — and
// Ctrl-C cancels the running job through its JobControl, the same way the app's Cancel does.
#include <atomic>
#include <stdexcept>
#include <utility>

#include "core/engine/job.h"

namespace steer::cli {

// Thrown by expect_finished for a job that was cancelled or failed; main() prints and exits.
class JobDidNotFinish : public std::runtime_error {
 public:
  explicit JobDidNotFinish(JobOutcome outcome) : std::runtime_error(outcome.message), outcome_(std::move(outcome)) {}
  const JobOutcome& outcome() const { return outcome_; }

 private:
  JobOutcome outcome_;
};

inline void expect_finished(const JobOutcome& outcome) {
  if (!outcome.finished()) throw JobDidNotFinish(outcome);
}

template <class T>
T expect_finished(JobResult<T>&& result) {
  expect_finished(result.outcome);
  return std::move(*result.value);
}

// While alive, SIGINT (Ctrl-C) or SIGTERM requests cancellation of `control`'s job instead of killing the
// process; a second Ctrl-C kills it as usual.
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(JobControl& control);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

}  // namespace steer::cli
