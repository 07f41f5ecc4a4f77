#include "operator/operator.h"

#include <httplib.h>

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::op {

Operator::Operator(kube::Client* client, CdsClient* cds, OperatorOptions options)
    : client_(client), cds_(cds), options_(std::move(options)) {}

Operator::~Operator() {
  StopLeading();
  if (http_) http_->stop();
  if (http_thread_.joinable()) http_thread_.join();
}

absl::Status Operator::StartHttp(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(StrCat("listen address ", listen, ": want host:port"));
  }
  std::string host = listen.substr(0, colon);
  int port = std::atoi(listen.substr(colon + 1).c_str());
  http_ = std::make_unique<httplib::Server>();
  http_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  http_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    bool ok = ready();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok\n" : "caches not synced\n", "text/plain");
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsText(), "text/plain; version=0.0.4");
  });
  http_port_ =
      port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (http_port_ <= 0) return absl::UnavailableError(StrCat("cannot listen on ", listen));
  http_thread_ = std::thread([this] { http_->listen_after_bind(); });
  return absl::OkStatus();
}

bool Operator::ready() const {
  if (!leading_) return true;
  std::lock_guard<std::mutex> lock(mu_);
  return controllers_ != nullptr && controllers_->synced();
}

std::string Operator::MetricsText() const {
  double synced = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    synced = controllers_ != nullptr && controllers_->synced() ? 1 : 0;
  }
  return metrics_.Render(
      {{"c8s_operator_leader", leading_ ? 1 : 0}, {"c8s_operator_caches_synced", synced}});
}

int64_t Operator::proposals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return past_proposals_ + (controllers_ ? controllers_->manifest().proposals() : 0);
}

int64_t Operator::cds_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return past_cds_calls_ + (controllers_ ? controllers_->manifest().cds_calls() : 0);
}

std::vector<double> Operator::ReconcileLatenciesMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> out = past_latencies_;
  if (controllers_) {
    std::vector<double> now = controllers_->manifest().LatenciesMs();
    out.insert(out.end(), now.begin(), now.end());
  }
  return out;
}

void Operator::StartLeading() {
  log::Info("leading: starting controllers", {{"identity", options_.lease.identity}});
  auto c = std::make_unique<Controllers>(client_, cds_, &metrics_, options_.controllers);
  c->Start();
  std::lock_guard<std::mutex> lock(mu_);
  controllers_ = std::move(c);
  leading_ = true;
}

void Operator::StopLeading() {
  std::unique_ptr<Controllers> c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c = std::move(controllers_);
  }
  if (c == nullptr) return;
  log::Info("stopping controllers", {{"identity", options_.lease.identity}});
  c->Stop();
  leading_ = false;
  std::lock_guard<std::mutex> lock(mu_);
  past_proposals_ += c->manifest().proposals();
  past_cds_calls_ += c->manifest().cds_calls();
  std::vector<double> l = c->manifest().LatenciesMs();
  past_latencies_.insert(past_latencies_.end(), l.begin(), l.end());
}

void Operator::Run(const std::atomic<bool>* stop) {
  if (!options_.leader_elect) {
    StartLeading();
    while (!stop->load()) absl::SleepFor(absl::Milliseconds(50));
    StopLeading();
    return;
  }
  kube::LeaderElector elector(client_, options_.lease);
  elector.Run(
      stop, [this] { StartLeading(); },
      [this, stop] {
        if (!stop->load()) log::Warn("lost the lease", {{"identity", options_.lease.identity}});
        StopLeading();
      });
  StopLeading();
}

}  // namespace c8s::op
