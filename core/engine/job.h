#pragma once
// The one shape every engine job has (docs/architecture.md, "A job's life"): the client holds
// a JobControl (cancel, pause), receives progress events as plain values through callbacks on
// the engine's thread, and gets back one JobOutcome — finished, cancelled, or failed with a
// message written for the user. Torch-free.
#include <atomic>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "core/common/cancellation.h"
#include "core/common/error.h"

namespace steer {

// The handle a client keeps while a job runs; cancel() and pause() may be called from any thread.
struct JobControl {
  std::atomic<bool> cancel{false};
  std::atomic<bool> pause{false};  // honoured by jobs that can wait between steps (training)
  void request_cancel() { cancel.store(true); }
};

struct JobOutcome {
  enum class Status { Finished, Cancelled, Failed };
  Status status = Status::Finished;
  std::string message;  // Failed: what went wrong and what to do
  // True for a fault that is not about the user's input or files (a bug, out of memory, a
  // library error): the message says "internal error" and asks for a report.
  bool internal_error = false;

  bool finished() const { return status == Status::Finished; }
  bool cancelled() const { return status == Status::Cancelled; }
  bool failed() const { return status == Status::Failed; }
  static JobOutcome done() { return {}; }
  static JobOutcome was_cancelled() { return {Status::Cancelled, {}, false}; }
  static JobOutcome failure(std::string message, bool internal_error = false) {
    return {Status::Failed, std::move(message), internal_error};
  }
};

// A job's outcome and, when it finished, its value.
template <class T>
struct JobResult {
  JobOutcome outcome;
  std::optional<T> value;
  bool finished() const { return outcome.finished(); }
};

// Runs `body` and turns how it ended into a JobOutcome: JobCancelled -> Cancelled; steer::Error
// (messages written for users) -> Failed with that message; out of memory and any other
// exception -> Failed with a message that says so.
template <class F>
JobOutcome run_job(F&& body) {
  try {
    body();
    return JobOutcome::done();
  } catch (const JobCancelled&) {
    return JobOutcome::was_cancelled();
  } catch (const Error& e) {
    return JobOutcome::failure(e.what());
  } catch (const std::bad_alloc&) {
    return JobOutcome::failure("out of memory: close other programs, use a smaller size, or fp16/bf16", true);
  } catch (const std::exception& e) {
    return JobOutcome::failure(std::string("internal error: ") + e.what(), true);
  }
}

template <class T, class F>
JobResult<T> run_job_for(F&& body) {
  JobResult<T> result;
  result.outcome = run_job([&] { result.value = body(); });
  if (!result.outcome.finished()) result.value.reset();
  return result;
}

}  // namespace steer
