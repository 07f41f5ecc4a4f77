#include "cds/replica_policy.h"

#include "cds/node_policy.h"
#include "lib/attest/policy.h"
#include "lib/base/bytes.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

// "registry/repo@sha256:<hex>" -> "sha256:<hex>".
std::string_view DigestOf(std::string_view image) {
  size_t at = image.rfind('@');
  return at == std::string_view::npos ? image : image.substr(at + 1);
}

}  // namespace

absl::Status CheckReplicaPeer(const manifest::Manifest* active, const attest::Claims& peer,
                              std::string_view peer_image, const attest::Claims& own,
                              std::string_view own_image) {
  if (active == nullptr) {
    if (peer.platform != own.platform || peer.measurement != own.measurement) {
      return absl::PermissionDeniedError(StrCat(
          "replica peer: measurement ", attest::ShortHex(peer.measurement), " (",
          attest::PlatformName(peer.platform), ") differs from this CDS's ",
          attest::ShortHex(own.measurement), " (", attest::PlatformName(own.platform),
          "); before the claim only the same CDS build may join"));
    }
    if (peer_image != own_image) {
      return absl::PermissionDeniedError(StrCat("replica peer: image ", peer_image,
                                                " differs from this CDS's ", own_image,
                                                "; before the claim only the same image may join"));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<attest::AttestationPolicy> policy = RolePolicy(*active, active->roles.cds);
  if (!policy.ok()) return absl::PermissionDeniedError(StrCat("replica peer: ", policy.status().message()));
  attest::PolicyResult r = attest::EvaluatePolicy(*policy, peer);
  if (!r.ok) {
    std::string failures;
    for (const auto& f : r.failures) failures += (failures.empty() ? "" : "; ") + f;
    return absl::PermissionDeniedError(
        StrCat("replica peer: cds policy \"", active->roles.cds, "\": ", failures));
  }
  const manifest::Identity* cds = active->FindIdentity(kCdsIdentityRef);
  if (cds == nullptr) {
    if (peer_image != own_image) {
      return absl::PermissionDeniedError(StrCat(
          "replica peer: image ", peer_image, " differs from this CDS's ", own_image,
          " and the manifest approves no other (identity ", kCdsIdentityRef, ")"));
    }
    return absl::OkStatus();
  }
  std::string want;
  for (const manifest::Container& c : cds->containers) {
    if (DigestOf(c.image) == peer_image) return absl::OkStatus();
    want += (want.empty() ? "" : ", ") + std::string(DigestOf(c.image));
  }
  return absl::PermissionDeniedError(StrCat("replica peer: image ", peer_image,
                                            " is not approved for ", kCdsIdentityRef, " (want one of [",
                                            want, "])"));
}

}  // namespace c8s::cds
