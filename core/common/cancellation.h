#pragma once
// The one way a job is cancelled (docs/architecture.md, "A job's life"): the client sets an
// std::atomic<bool>; the job polls it between units of work (sampling steps, sweep cells,
// training steps) and, for jobs that return a result, throws JobCancelled. Nothing a
// cancelled job was writing is left half-written.
#include <atomic>
#include <stdexcept>

namespace steer {

class JobCancelled : public std::runtime_error {
 public:
  JobCancelled() : std::runtime_error("cancelled") {}
};

inline bool cancel_requested(const std::atomic<bool>* cancel) { return cancel && cancel->load(); }
inline void throw_if_cancelled(const std::atomic<bool>* cancel) {
  if (cancel_requested(cancel)) throw JobCancelled();
}

}  // namespace steer
