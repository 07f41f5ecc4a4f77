// HPKE building blocks (RFC 9180 §4, §5.1, §7.1), shared by hpke*.cc and the test-vector tests.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/hpke.h"

namespace c8s::crypto::hpke::internal {

// "KEM" || I2OSP(kem_id, 2), for the KEM's own derivations.
Bytes KemSuiteId();
// "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2).
Bytes HpkeSuiteId(Aead aead);

// Extract("", ...) / Expand() with the "HPKE-v1" || suite_id || label prefixes of §4.
Bytes LabeledExtract(ByteSpan suite_id, ByteSpan salt, std::string_view label, ByteSpan ikm);
absl::StatusOr<Bytes> LabeledExpand(ByteSpan suite_id, ByteSpan prk, std::string_view label,
                                    ByteSpan info, size_t length);

// X25519(private, public); `what` names the pair in errors ("recipient public key").
absl::StatusOr<Bytes> X25519(ByteSpan private_key, ByteSpan public_key, std::string_view what);

struct Encapsulation {
  Bytes shared_secret;
  Bytes enc;
};
// Encap (kBase) or AuthEncap (kAuth, with `sender_private`), with the ephemeral key given.
absl::StatusOr<Encapsulation> Encap(Mode mode, ByteSpan recipient_public,
                                    ByteSpan ephemeral_private, ByteSpan sender_private);
// Decap (kBase) or AuthDecap (kAuth, with `sender_public`).
absl::StatusOr<Bytes> Decap(Mode mode, ByteSpan enc, ByteSpan recipient_private,
                            ByteSpan sender_public);

struct Schedule {
  Bytes key_schedule_context;
  Bytes secret;
  Bytes key;
  Bytes base_nonce;
  Bytes exporter_secret;
};
// KeySchedule of §5.1 without a PSK (modes base and auth).
absl::StatusOr<Schedule> KeySchedule(Aead aead, Mode mode, ByteSpan shared_secret, ByteSpan info);

// base_nonce XOR I2OSP(seq, Nn) (§5.2).
Bytes ComputeNonce(ByteSpan base_nonce, uint64_t seq);

// The sender setup with a caller-chosen ephemeral key: RFC test vectors and deterministic tests.
absl::StatusOr<SenderSetup> SetupSenderWithEphemeral(const Suite& suite, Mode mode,
                                                     ByteSpan recipient_public, ByteSpan info,
                                                     ByteSpan ephemeral_private,
                                                     ByteSpan sender_private);

// Checks that `key` is exactly 32 bytes: "hpke: <what> must be 32 bytes, got N".
absl::Status CheckKeySize(ByteSpan key, std::string_view what);

}  // namespace c8s::crypto::hpke::internal
