#include "node-agent/nri/runner.h"

#include <sys/stat.h>

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/ttrpc/unix_socket.h"

namespace c8s::nri {
namespace {

std::string_view ModeName(Mode m) { return m == Mode::kPreLaunched ? "pre-launched" : "external"; }

}  // namespace

absl::StatusOr<RunnerOptions> PreLaunchedFromEnvironment(
    const std::function<const char*(const char*)>& getenv) {
  const char* fd_text = getenv("NRI_PLUGIN_SOCKET");
  if (fd_text == nullptr) {
    return absl::NotFoundError(
        "NRI_PLUGIN_SOCKET is not set: not started by containerd (pass --socket to connect to "
        "the runtime's NRI socket instead)");
  }
  std::string_view fd_sv(fd_text);
  int fd = 0;
  bool digits = !fd_sv.empty() && fd_sv.size() <= 6;
  for (char c : fd_sv) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) fd = fd * 10 + (c - '0');
  }
  if (!digits) {
    return absl::InvalidArgumentError(
        StrCat("NRI_PLUGIN_SOCKET=\"", fd_sv, "\" is not an fd number"));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return absl::InvalidArgumentError(StrCat("NRI_PLUGIN_SOCKET=", fd, " is not an open socket"));
  }
  RunnerOptions options;
  options.mode = Mode::kPreLaunched;
  options.socket_fd = fd;
  options.plugin.mode = "pre-launched";
  const char* name = getenv("NRI_PLUGIN_NAME");
  const char* idx = getenv("NRI_PLUGIN_IDX");
  // containerd uses the file name's values whatever we send (note §3.3); send them anyway.
  if (name != nullptr && *name != '\0') options.plugin.name = name;
  if (idx != nullptr) {
    std::string_view i(idx);
    if (i.size() != 2 || i[0] < '0' || i[0] > '9' || i[1] < '0' || i[1] > '9') {
      return absl::InvalidArgumentError(StrCat("NRI_PLUGIN_IDX=\"", i, "\" is not two digits"));
    }
    options.plugin.index = std::string(i);
  }
  return options;
}

PluginRunner::PluginRunner(RunnerOptions options, admission::Decider& decider,
                           admission::AdmissionStore& store)
    : options_(std::move(options)), decider_(decider), store_(store) {
  options_.plugin.mode = std::string(ModeName(options_.mode));
}

absl::Status PluginRunner::Serve(UniqueFd fd, bool* configured) {
  PluginConnection conn(std::move(fd), decider_, store_, options_.plugin);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::CancelledError("stopping");
    current_ = &conn;
    ++connections_;
  }
  absl::Status st = conn.Run();
  if (configured != nullptr) *configured = conn.configured();
  std::lock_guard lock(mu_);
  current_ = nullptr;
  return st;
}

absl::Status PluginRunner::Run() {
  log::Info("nri: plugin starting",
            {{"mode", ModeName(options_.mode)},
             {"plugin", options_.plugin.name},
             {"index", options_.plugin.index},
             {"socket", options_.mode == Mode::kPreLaunched ? StrCat("fd ", options_.socket_fd)
                                                            : options_.socket_path},
             {"policy_generation", decider_.enforced_generation()}});
  if (options_.mode == Mode::kPreLaunched) {
    bool served = false;
    absl::Status st = Serve(UniqueFd(options_.socket_fd), &served);
    std::lock_guard lock(mu_);
    if (stopping_) return absl::OkStatus();
    log::Warn("nri: runtime connection ended; a pre-launched plugin is not reused, exiting",
              {{"reason", StatusText(st)}, {"was_configured", served}});
    // The end of a configured connection is a pre-launched plugin's normal end (containerd
    // stopped or dropped it); failing before that is an error.
    return served ? absl::OkStatus() : st;
  }
  Backoff backoff(options_.backoff);
  while (true) {
    absl::StatusOr<UniqueFd> fd = ttrpc::ConnectUnix(options_.socket_path);
    absl::Status st;
    if (fd.ok()) {
      absl::Time start = absl::Now();
      st = Serve(*std::move(fd));
      // A connection that served for a while resets the backoff.
      if (absl::Now() - start > absl::Seconds(10)) backoff.Reset();
    } else {
      st = fd.status();
    }
    absl::Duration delay = backoff.Next();
    {
      std::lock_guard lock(mu_);
      if (stopping_) return absl::OkStatus();
    }
    log::Warn("nri: not connected to the runtime, retrying",
              {{"socket", options_.socket_path},
               {"reason", StatusText(st)},
               {"retry_in", absl::FormatDuration(delay)},
               {"attempt", backoff.attempts()}});
    if (!Sleep(delay)) return absl::OkStatus();
  }
}

bool PluginRunner::Sleep(absl::Duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, absl::ToChronoNanoseconds(d), [this] { return stopping_; });
}

void PluginRunner::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  if (current_ != nullptr) current_->Close();
  cv_.notify_all();
}

bool PluginRunner::connected() const {
  std::lock_guard lock(mu_);
  return current_ != nullptr && current_->configured();
}

int PluginRunner::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

}  // namespace c8s::nri
