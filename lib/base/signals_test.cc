// ShutdownSignal: a real SIGTERM/SIGINT sent to the process ends Wait(); Trigger() does the
// same without a signal; destruction without any signal returns promptly.
#include "lib/base/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

TEST_CASE("a SIGTERM or SIGINT sent to the process requests shutdown", "[unit]") {
  for (int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    ShutdownSignal shutdown;
    CHECK_FALSE(shutdown.requested());
    CHECK_FALSE(shutdown.WaitFor(absl::Milliseconds(20)));
    // Process-directed, as `kill` and systemd send it: only the watcher thread takes it.
    REQUIRE(::kill(::getpid(), sig) == 0);
    CHECK(shutdown.WaitFor(absl::Seconds(10)));
    CHECK(shutdown.requested());
    CHECK(shutdown.signal_number() == sig);
    shutdown.Wait();  // returns at once once requested
  }
}

TEST_CASE("Trigger requests shutdown without a signal; destruction joins the watcher", "[unit]") {
  {
    ShutdownSignal shutdown;
    shutdown.Trigger();
    CHECK(shutdown.WaitFor(absl::Seconds(1)));
    CHECK(shutdown.signal_number() == 0);
  }
  // A fresh watcher after the first was destroyed still receives signals.
  ShutdownSignal again;
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  CHECK(again.WaitFor(absl::Seconds(10)));
  CHECK(again.signal_number() == SIGTERM);
}

TEST_CASE("destruction restores the signal mask the constructing thread had", "[unit]") {
  auto blocked = [](int sig) {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, nullptr, &now);
    return sigismember(&now, sig) == 1;
  };
  REQUIRE_FALSE(blocked(SIGTERM));
  {
    ShutdownSignal shutdown;
    CHECK(blocked(SIGTERM));
    CHECK(blocked(SIGINT));
  }
  CHECK_FALSE(blocked(SIGTERM));
  CHECK_FALSE(blocked(SIGINT));
  CHECK_FALSE(blocked(SIGUSR2));
}

}  // namespace
}  // namespace c8s
