// HPKE formats around the manifest (ARCHITECTURE.md §4): owner-sealed secrets and recovery
// envelopes, shared by the CDS (opening) and c8sctl (sealing, recovering) so that both build
// the same `info` bytes.
//
//   ASSIGN_OR_RETURN(SealedSource s, SealSecret(sealing_pub, cluster, "shop/db", 3, value));
//   ASSIGN_OR_RETURN(Bytes v, OpenSealedSecret(sealing_priv, cluster, secret));  // CDS
//   Bytes info = SeedEnvelopeInfo(cluster);    // recovery envelopes and seed hand-over
//
// Decisions: `info` = label || cluster || ref || version with the version as 8 bytes big
// endian (fixed width, so that ("a/b1", 2) and ("a/b", 12) differ); cluster is the
// "sha256:<64 hex>" text (fixed width). The AAD is empty: everything bound is in `info`.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

inline constexpr std::string_view kSecretInfoLabel = "c8s/secret/v1";
inline constexpr std::string_view kSeedInfoLabel = "c8s/seed/v1";
inline constexpr std::string_view kSealSuite = "X25519-HKDF-SHA256/AES-128-GCM";

// "c8s/secret/v1" || cluster || ref || u64be(version).
Bytes SecretSealInfo(std::string_view cluster, std::string_view ref, int64_t version);
// "c8s/seed/v1" || cluster.
Bytes SeedEnvelopeInfo(std::string_view cluster);

// Owner side: HPKE-seals `value` to the CDS sealing key (X25519) as a manifest `sealed` source.
absl::StatusOr<SealedSource> SealSecret(const crypto::PublicKey& sealing_key,
                                        std::string_view cluster, std::string_view ref,
                                        int64_t version, ByteSpan value);
// CDS side: opens the `sealed` source of `secret`. Errors name the secret and the version.
absl::StatusOr<Bytes> OpenSealedSecret(const crypto::PrivateKey& sealing_key,
                                       std::string_view cluster, const Secret& secret);

}  // namespace c8s::manifest
