// Cds: Secrets.Release (ARCHITECTURE.md §3.6): the decision (secret_release.h), then the
// value from the owner-sealed ciphertext in the manifest or from Vault KV v2.
#include "cds/cds.h"
#include "cds/secret_release.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/sealing.h"

namespace c8s::cds {

absl::StatusOr<ReleasedSecret> Cds::Release(std::string_view ref, int64_t version,
                                            const crypto::Certificate& caller) {
  std::string serial = caller.SerialHex();
  nlohmann::json details = {{"secret", std::string(ref)}, {"serial", serial}};
  if (version < 0) {
    return Refuse("release", absl::InvalidArgumentError("version must be >= 0"), details);
  }
  absl::StatusOr<crypto::C8sClaimsExtension> claims = crypto::ReadC8sClaims(caller);
  if (!claims.ok()) return Refuse("release", claims.status(), details);
  if (claims->workload_identity) details["identity"] = *claims->workload_identity;
  manifest::Secret secret;
  std::string cluster;
  {
    std::lock_guard lock(mu_);
    const StoredManifest* active = log_->active();
    if (active == nullptr) {
      return Refuse(
          "release",
          absl::FailedPreconditionError("not claimed: the CDS releases no secret before the claim"),
          details);
    }
    for (const std::string& s : {serial, claims->node_serial_hex.value_or("")}) {
      if (revoked_set_.count(s) != 0) {
        return Refuse("release",
                      absl::PermissionDeniedError(StrCat("certificate ", s, " is revoked")),
                      details);
      }
    }
    // The manifest the certificate was issued under, as the certificate names it.
    const manifest::Manifest* issued_under = nullptr;
    int64_t g = claims->manifest_generation.value_or(0);
    const StoredManifest* at = log_->AtGeneration(g);
    if (at != nullptr && log_->history()[static_cast<size_t>(g - 1)].entry.manifest_hash ==
                             claims->manifest_hash.value_or("")) {
      issued_under = at->manifest.get();
    }
    absl::StatusOr<const manifest::Secret*> decided = DecideRelease(
        *active->manifest, log_->generation(), {ref, version}, *claims, issued_under, clock_.Now());
    if (!decided.ok()) return Refuse("release", decided.status(), details);
    secret = **decided;
    cluster = log_->cluster();
  }
  ReleasedSecret out;
  if (secret.sealed.has_value()) {
    absl::StatusOr<Bytes> value = manifest::OpenSealedSecret(*sealing_key_, cluster, secret);
    if (!value.ok()) return Refuse("release", value.status(), details);
    out = {std::move(*value), secret.version, "sealed"};
  } else if (secret.vault.has_value()) {
    if (options_.secret_store == nullptr) {
      return Refuse("release",
                    absl::FailedPreconditionError(StrCat("secret ", secret.ref,
                                                         " comes from Vault, but this CDS has no "
                                                         "Vault configured (--vault-address)")),
                    details);
    }
    absl::StatusOr<KvValue> kv =
        options_.secret_store->Read(secret.vault->path, secret.vault->key, version);
    if (!kv.ok()) return Refuse("release", Annotate(kv.status(), secret.ref), details);
    out = {std::move(kv->value), kv->version, "vault"};
  } else {
    return Refuse("release", absl::InternalError("secret without a source"), details);
  }
  details["version"] = out.version;
  details["source"] = out.source;
  audit_->Record("release", "released", "", details);
  metrics_.Inc("c8s_cds_released_total", {{"source", out.source}});
  return out;
}

}  // namespace c8s::cds
