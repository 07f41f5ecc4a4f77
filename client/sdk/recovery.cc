#include "client/sdk/recovery.h"

#include "lib/attest/report_data.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/sealing.h"

namespace c8s::client {
namespace {

crypto::hpke::Suite SeedSuite() { return crypto::hpke::Suite{crypto::hpke::Aead::kAes128Gcm}; }

}  // namespace

absl::StatusOr<VerifiedRecoveryTarget> VerifyRecoveryChallenge(ByteSpan nonce,
                                                               const RecoveryChallenge& c,
                                                               const CdsReferenceValues& ref,
                                                               const VerifyCdsOptions& options) {
  if (nonce.size() != 32) {
    return absl::InvalidArgumentError(StrCat("nonce: ", nonce.size(), " bytes, want 32"));
  }
  if (!crypto::PublicKey::FromRawX25519(c.recipient_public_key).ok()) {
    return attest::VerifyError(attest::VerifyErrorKind::kParse,
                               StrCat("recipient key: ", c.recipient_public_key.size(),
                                      " bytes, want a raw X25519 public key (32)"));
  }
  attest::ReportData role = attest::RecoverRoleBinding(nonce, c.recipient_public_key);
  ASSIGN_OR_RETURN(
      attest::Claims claims,
      VerifyPodEvidence(c.evidence, c.image_digest, c.pod_ref, role,
                        "c8s/recover/v1 binding of nonce and recipient key", ref, options));
  return VerifiedRecoveryTarget{c.recipient_public_key, std::move(claims), c.image_digest,
                                c.pod_ref};
}

absl::StatusOr<Bytes> OpenRecoveryEnvelope(const RecoveryChallenge& c,
                                           const crypto::PrivateKey& recovery_key,
                                           std::string_view cluster) {
  if (recovery_key.type() != crypto::KeyType::kX25519) {
    return absl::InvalidArgumentError(StrCat("recovery key is ",
                                             crypto::KeyTypeName(recovery_key.type()),
                                             ", want X25519 (c8sctl keygen --role recovery)"));
  }
  if (!c.cluster.empty() && c.cluster != cluster) {
    return absl::PermissionDeniedError(StrCat("recovery record: names cluster ", c.cluster,
                                              ", but the pinned cluster is ", cluster));
  }
  Bytes mine = recovery_key.GetPublicKey().SpkiDer();
  std::string names;
  for (const RecoveryEnvelope& e : c.envelopes) {
    names += StrCat(names.empty() ? "" : ", ", e.key_name);
    absl::StatusOr<crypto::PublicKey> pub = crypto::PublicKey::FromPem(e.public_key_pem);
    if (!pub.ok() || pub->SpkiDer() != mine) continue;
    absl::StatusOr<Bytes> seed = crypto::hpke::Open(
        SeedSuite(), recovery_key, e.enc, manifest::SeedEnvelopeInfo(cluster), {}, e.ciphertext);
    if (!seed.ok()) {
      return absl::PermissionDeniedError(StrCat("recovery envelope for ", e.key_name,
                                                ": cannot open for cluster ", cluster,
                                                " with this key: ", seed.status().message()));
    }
    if (seed->size() != 32) {
      return absl::DataLossError(StrCat("recovery envelope for ", e.key_name, ": seed of ",
                                        seed->size(), " bytes, want 32"));
    }
    return seed;
  }
  if (c.envelopes.empty()) {
    return absl::FailedPreconditionError(
        "recovery record: the sealed CDS found no recovery envelopes in its storage (restore a "
        "backup with --backup)");
  }
  return absl::PermissionDeniedError(
      StrCat("recovery record: no envelope for this recovery key (envelopes for [", names, "])"));
}

absl::StatusOr<crypto::hpke::Sealed> SealSeedForRecovery(ByteSpan seed,
                                                         const VerifiedRecoveryTarget& target,
                                                         std::string_view cluster) {
  return crypto::hpke::Seal(SeedSuite(), target.recipient_public_key,
                            manifest::SeedEnvelopeInfo(cluster), {}, seed);
}

}  // namespace c8s::client
