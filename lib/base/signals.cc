#include "lib/base/signals.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>

namespace c8s {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // private wake-up used by the destructor
  return set;
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  watcher_ = std::thread([this, set] {
    int sig = 0;
    while (sigwait(&set, &sig) == 0) {
      std::lock_guard lock(mu_);
      if (sig == SIGUSR2 && requested_) return;  // destructor's wake-up
      if (sig != SIGUSR2) {
        requested_ = true;
        signal_ = sig;
        cv_.notify_all();
      }
      if (requested_) return;
    }
  });
}

ShutdownSignal::~ShutdownSignal() {
  Trigger();
  pthread_kill(watcher_.native_handle(), SIGUSR2);
  watcher_.join();
  // A pending SIGUSR2 (the watcher had already returned) must not kill us once unblocked.
  sigset_t wake;
  sigemptyset(&wake);
  sigaddset(&wake, SIGUSR2);
  timespec zero{0, 0};
  while (sigtimedwait(&wake, nullptr, &zero) == SIGUSR2) {
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void ShutdownSignal::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return requested_; });
}

bool ShutdownSignal::WaitFor(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [this] { return requested_; });
}

bool ShutdownSignal::requested() const {
  std::lock_guard lock(mu_);
  return requested_;
}

void ShutdownSignal::Trigger() {
  std::lock_guard lock(mu_);
  requested_ = true;
  cv_.notify_all();
}

int ShutdownSignal::signal_number() const {
  std::lock_guard lock(mu_);
  return signal_;
}

}  // namespace c8s
