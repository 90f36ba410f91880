#include "app/cli/job_outcome.h"

#include <csignal>

namespace steer::cli {
namespace {

std::atomic<bool>* volatile interrupted_cancel = nullptr;

extern "C" void cancel_on_sigint(int) {
  if (interrupted_cancel) interrupted_cancel->store(true);  // lock-free atomic store: signal-safe
  std::signal(SIGINT, SIG_DFL);                             // the next Ctrl-C ends the process
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

CancelOnInterrupt::CancelOnInterrupt(JobControl& control) {
  interrupted_cancel = &control.cancel;
  std::signal(SIGINT, cancel_on_sigint);
  std::signal(SIGTERM, cancel_on_sigint);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  interrupted_cancel = nullptr;
}

}  // namespace steer::cli
