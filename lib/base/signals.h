// Clean shutdown on SIGINT/SIGTERM for long-running binaries.
//
//   ShutdownSignal shutdown;                 // blocks SIGINT/SIGTERM, installs the watcher
//   server.Start();
//   shutdown.Wait();                         // returns when a signal arrives (or Trigger())
//   server.Stop();
#pragma once

#include <signal.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace c8s {

class ShutdownSignal {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread (construct it in main before starting
  // threads, so they inherit the mask) and waits for them on a dedicated thread.
  ShutdownSignal();
  // Restores the calling thread's signal mask from before construction (destroy it on the
  // thread that created it).
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  void Wait();
  // Returns true if shutdown was requested within `timeout`.
  bool WaitFor(absl::Duration timeout);
  bool requested() const;
  // Requests shutdown as if a signal had arrived (tests, fatal errors).
  void Trigger();
  int signal_number() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  int signal_ = 0;
  sigset_t previous_mask_;
  std::thread watcher_;
};

}  // namespace c8s
