// Recovery after the loss of every CDS replica (ARCHITECTURE.md §3.1 step 6): a new CDS starts
// sealed on the (intact or restored) encrypted storage and proves itself with agent-mediated
// evidence bound to c8s/recover/v1(nonce, H(recipient key)); the owner opens their recovery
// envelope (the seed HPKE-sealed to their recovery key, info c8s/seed/v1 || cluster) and seals
// the seed to the key the new CDS proved it holds.
//
//   ASSIGN_OR_RETURN(RecoveryChallenge ch, client.GetRecoveryChallenge(nonce));
//   ASSIGN_OR_RETURN(VerifiedRecoveryTarget t, VerifyRecoveryChallenge(nonce, ch, ref, opt));
//   ASSIGN_OR_RETURN(Bytes seed, OpenRecoveryEnvelope(ch, recovery_key, pinned_cluster));
//   ASSIGN_OR_RETURN(crypto::hpke::Sealed box, SealSeedTo(t, seed, pinned_cluster));
//   ASSIGN_OR_RETURN(RecoverResult r, client.Recover(box.enc, box.ciphertext, {}));
//
// The seed never goes to anything but an attested CDS; a forged envelope (the recovery public
// key is public) yields a seed that opens no state, and `c8sctl verify` afterwards refuses any
// CA other than the pinned one.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "client/sdk/cds_client.h"
#include "client/sdk/pod_evidence.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/keys.h"

namespace c8s::client {

struct VerifiedRecoveryTarget {
  Bytes recipient_public_key;  // raw X25519, proven by the evidence
  attest::Claims claims;
  std::string image_digest;
  std::string pod_ref;
};

// The sealed CDS's evidence: c8s/pod/v1 wrapping c8s/recover/v1(nonce, H(recipient key)),
// checked like the CDS's own attestation (VerifyPodEvidence).
absl::StatusOr<VerifiedRecoveryTarget> VerifyRecoveryChallenge(ByteSpan nonce,
                                                               const RecoveryChallenge& challenge,
                                                               const CdsReferenceValues& ref,
                                                               const VerifyCdsOptions& options);

// The seed from the envelope sealed to `recovery_key` (matched by public key) for `cluster`
// (the pinned one; a challenge naming another cluster is refused).
absl::StatusOr<Bytes> OpenRecoveryEnvelope(const RecoveryChallenge& challenge,
                                           const crypto::PrivateKey& recovery_key,
                                           std::string_view cluster);

// The seed sealed to the verified recipient (info c8s/seed/v1 || cluster), for Recover.
absl::StatusOr<crypto::hpke::Sealed> SealSeedForRecovery(ByteSpan seed,
                                                         const VerifiedRecoveryTarget& target,
                                                         std::string_view cluster);

}  // namespace c8s::client
