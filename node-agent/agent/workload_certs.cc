#include "node-agent/agent/workload_certs.h"

#include <set>

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {

void WorkloadCerts::Sync(const std::vector<admission::Admission>& admissions) {
  std::map<std::string, std::pair<std::string, std::string>> wanted;  // uid -> (pod, identity)
  for (const admission::Admission& a : admissions) {
    if (a.pod_uid.empty()) continue;
    wanted[a.pod_uid] = {StrCat(a.pod_namespace, "/", a.pod_name), a.identity};
  }
  std::optional<crypto::TlsIdentity> node = node_->Current();
  std::map<std::string, std::pair<std::string, std::string>> due;
  {
    std::lock_guard lock(mu_);
    for (auto it = by_pod_.begin(); it != by_pod_.end();) {
      auto w = wanted.find(it->first);
      if (w == wanted.end() || w->second.second != it->second.identity) {
        log::Info("workload certificate removed",
                  {{"pod", it->second.pod_ref}, {"identity", it->second.identity}});
        it = by_pod_.erase(it);
      } else {
        ++it;
      }
    }
    absl::Time now = clock_.Now();
    for (const auto& [uid, w] : wanted) {
      Entry& e = by_pod_[uid];
      e.pod_ref = w.first;
      e.identity = w.second;
      if (!node || now < e.next_attempt || (e.tls && now < e.renew_at)) continue;
      due[uid] = w;
    }
  }
  for (const auto& [uid, w] : due) {
    Result r = Issue(w.first, w.second, *node);
    metrics_->Inc("c8s_agent_workload_certificates_total",
                  {{"result", r.status.ok() ? "issued" : "failed"}});
    std::lock_guard lock(mu_);
    auto it = by_pod_.find(uid);
    if (it == by_pod_.end() || it->second.identity != w.second) continue;  // gone meanwhile
    Entry& e = it->second;
    absl::Time now = clock_.Now();
    if (r.status.ok()) {
      const crypto::Certificate& cert = r.tls->chain[0];
      e.tls = r.tls;
      e.renew_at = RenewalTime(now, cert.NotBefore(), cert.NotAfter());
      e.backoff.Reset();
      e.next_attempt = absl::InfinitePast();
      absl::StatusOr<crypto::SubjectAltNames> sans = cert.Sans();
      log::Info("workload certificate issued",
                {{"pod", e.pod_ref},
                 {"pod_uid", uid},
                 {"identity", e.identity},
                 {"uri", sans.ok() && !sans->uris.empty() ? sans->uris[0] : ""},
                 {"serial", cert.SerialHex()},
                 {"renew_at", FormatRfc3339(e.renew_at)}});
    } else {
      absl::Duration retry = e.backoff.Next();
      e.next_attempt = now + retry;
      log::Error("workload certificate refused",
                 {{"pod", e.pod_ref},
                  {"identity", e.identity},
                  {"reason", StatusText(r.status)},
                  {"retry_in_ms", absl::ToInt64Milliseconds(retry)}});
    }
  }
}

WorkloadCerts::Result WorkloadCerts::Issue(const std::string& pod_ref, const std::string& identity,
                                           const crypto::TlsIdentity& node) {
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  if (!key.ok()) return {key.status(), std::nullopt};
  absl::StatusOr<crypto::CertificateRequest> csr =
      crypto::CertificateRequest::Create(*key, {identity}, {});
  if (!csr.ok()) return {csr.status(), std::nullopt};
  absl::StatusOr<IssuedCertificate> issued =
      cds_->IssueWorkload(node, csr->ToDer(), identity, pod_ref);
  if (!issued.ok()) return {issued.status(), std::nullopt};
  return {absl::OkStatus(), crypto::TlsIdentity{{issued->certificate}, *key}};
}

std::optional<crypto::TlsIdentity> WorkloadCerts::ForPod(const std::string& pod_uid) const {
  std::lock_guard lock(mu_);
  auto it = by_pod_.find(pod_uid);
  if (it == by_pod_.end() || !it->second.tls) return std::nullopt;
  if (clock_.Now() >= it->second.tls->chain[0].NotAfter()) return std::nullopt;
  return it->second.tls;
}

size_t WorkloadCerts::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [uid, e] : by_pod_) n += e.tls.has_value();
  return n;
}

}  // namespace c8s::agent
