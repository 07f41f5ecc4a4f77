#include "node-agent/agent/node_identity.h"

#include "lib/attest/report_data.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {

absl::Time RenewalTime(absl::Time received, absl::Time not_before, absl::Time not_after) {
  absl::Time start = std::max(received, not_before);
  if (not_after <= start) return start;
  return start + (not_after - start) * 2 / 3;
}

absl::Status NodeIdentity::Join() {
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(crypto::CertificateRequest csr,
                   crypto::CertificateRequest::Create(key, {options_.node_name}, {}));
  ASSIGN_OR_RETURN(CdsChallenge challenge, cds_->Challenge());
  attest::ReportData rd = attest::NodeReportData(challenge.token, key.GetPublicKey().SpkiDer());
  NodeJoinRequest req;
  {
    std::lock_guard lock(evidence_mu_);
    absl::StatusOr<attest::Evidence> ev = evidence_->GetEvidence(rd);
    if (!ev.ok()) return Annotate(ev.status(), StrCat("evidence from ", evidence_->Name()));
    req.evidence = *std::move(ev);
  }
  req.csr_der = csr.ToDer();
  req.challenge = challenge.token;
  req.node_name = options_.node_name;
  req.node_address = options_.node_address;
  req.mesh_port = options_.mesh_port;
  ASSIGN_OR_RETURN(IssuedCertificate issued, cds_->IssueNode(req));
  ASSIGN_OR_RETURN(crypto::PublicKey cert_key, issued.certificate.GetPublicKey());
  if (cert_key.SpkiDer() != key.GetPublicKey().SpkiDer()) {
    return absl::InternalError("CDS returned a node certificate for another key");
  }
  absl::Time now = clock_.Now();
  absl::Time renew =
      RenewalTime(now, issued.certificate.NotBefore(), issued.certificate.NotAfter());
  crypto::TlsIdentity identity{{issued.certificate}, key};
  std::vector<std::function<void(const crypto::TlsIdentity&)>> listeners;
  {
    std::lock_guard lock(mu_);
    current_ = identity;
    renew_at_ = renew;
    ++issued_;
    listeners = listeners_;
  }
  metrics_->Inc("c8s_agent_node_certificates_total", {{"result", "issued"}});
  log::Info("node certificate issued", {{"node", options_.node_name},
                                        {"serial", issued.certificate.SerialHex()},
                                        {"not_after", FormatRfc3339(issued.certificate.NotAfter())},
                                        {"renew_at", FormatRfc3339(renew)},
                                        {"approval", issued.approval_mode},
                                        {"evidence", std::string(evidence_->Name())}});
  if (issued.approval_mode == "Automatic") {
    log::Warn("the CDS runs an Automatic-approval manifest (development only)",
              {{"node", options_.node_name}});
  }
  for (const auto& l : listeners) l(identity);
  return absl::OkStatus();
}

void NodeIdentity::Run(StopFlag* stop) {
  Backoff backoff(options_.backoff);
  while (!stop->stopped()) {
    absl::Duration wait = renew_at() - clock_.Now();
    if (wait > absl::ZeroDuration()) {
      if (stop->WaitFor(std::min(wait, absl::Seconds(30)))) return;
      continue;
    }
    absl::Status st = Join();
    if (st.ok()) {
      backoff.Reset();
      continue;
    }
    absl::Duration retry = backoff.Next();
    metrics_->Inc("c8s_agent_node_certificates_total", {{"result", "refused"}});
    log::Error("node join failed", {{"node", options_.node_name},
                                    {"reason", StatusText(st)},
                                    {"retry_in_ms", absl::ToInt64Milliseconds(retry)},
                                    {"attempt", backoff.attempts()}});
    if (stop->WaitFor(retry)) return;
  }
}

std::optional<crypto::TlsIdentity> NodeIdentity::Current() const {
  std::lock_guard lock(mu_);
  if (!current_ || clock_.Now() >= current_->chain[0].NotAfter()) return std::nullopt;
  return current_;
}

absl::Time NodeIdentity::renew_at() const {
  std::lock_guard lock(mu_);
  return renew_at_;
}

int64_t NodeIdentity::renewals() const {
  std::lock_guard lock(mu_);
  return issued_ > 0 ? issued_ - 1 : 0;
}

void NodeIdentity::AddListener(std::function<void(const crypto::TlsIdentity&)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace c8s::agent
