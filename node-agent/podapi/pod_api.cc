#include "node-agent/podapi/pod_api.h"

#include <algorithm>

#include "lib/attest/report_data.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::podapi {
namespace {

// A Kubernetes object name or namespace (RFC 1123 subdomain).
bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return s.front() != '-' && s.front() != '.' && s.back() != '-' && s.back() != '.';
}

}  // namespace

bool PodApi::TakeToken(const std::string& pod_uid) {
  absl::Time now = clock_.Now();
  Bucket& b = buckets_[pod_uid];
  if (b.last == absl::Time()) b = {options_.evidence_burst, now};
  b.tokens = std::min(options_.evidence_burst, b.tokens + absl::ToDoubleSeconds(now - b.last) *
                                                              options_.evidence_per_second);
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

absl::StatusOr<PodEvidence> PodApi::GetEvidence(const Caller& caller, ByteSpan role_binding_hash) {
  const admission::Admission& a = caller.admission;
  if (role_binding_hash.size() != 32) {
    return absl::InvalidArgumentError(
        StrCat("role_binding_hash: ", role_binding_hash.size(), " bytes, want 32 (SHA-256)"));
  }
  PodEvidence out;
  out.image_digest = a.image_digest;
  out.pod_ref = caller.pod_ref();
  attest::ReportData rd =
      attest::PodReportDataFromHash(out.image_digest, out.pod_ref, role_binding_hash);
  {
    std::lock_guard lock(mu_);
    if (!TakeToken(a.pod_uid)) {
      metrics_->Inc("c8s_agent_pod_evidence_total", {{"result", "rate_limited"}});
      return absl::ResourceExhaustedError(StrCat("evidence for pod ", out.pod_ref, ": more than ",
                                                 options_.evidence_per_second,
                                                 " requests per second"));
    }
    absl::StatusOr<attest::Evidence> ev = evidence_->GetEvidence(rd);
    if (!ev.ok()) {
      metrics_->Inc("c8s_agent_pod_evidence_total", {{"result", "error"}});
      return Annotate(ev.status(), StrCat("evidence from ", evidence_->Name()));
    }
    out.evidence = *std::move(ev);
  }
  metrics_->Inc("c8s_agent_pod_evidence_total", {{"result", "ok"}});
  log::Info("pod evidence", {{"pod", out.pod_ref},
                             {"identity", a.identity},
                             {"image", out.image_digest},
                             {"provider", evidence_->Name()}});
  return out;
}

absl::StatusOr<SecretValue> PodApi::GetSecret(const Caller& caller, std::string_view name) {
  std::string ref;
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    ref = StrCat(caller.admission.pod_namespace, "/", name);
  } else {
    ref = std::string(name);
  }
  size_t s = ref.find('/');
  if (s == std::string::npos || !IsName(std::string_view(ref).substr(0, s)) ||
      !IsName(std::string_view(ref).substr(s + 1))) {
    return absl::InvalidArgumentError(
        StrCat("secret name \"", name, "\": want \"name\" or \"namespace/name\""));
  }
  absl::StatusOr<SecretValue> v = secrets_->Release(caller.admission, ref);
  metrics_->Inc("c8s_agent_pod_secrets_total", {{"result", v.ok() ? "ok" : "refused"}});
  if (!v.ok()) {
    log::Warn("secret not released",
              {{"pod", caller.pod_ref()}, {"secret", ref}, {"error", StatusText(v.status())}});
    return v.status();
  }
  log::Info("secret released", {{"pod", caller.pod_ref()},
                                {"identity", caller.admission.identity},
                                {"secret", ref},
                                {"version", v->version}});
  return v;
}

}  // namespace c8s::podapi
