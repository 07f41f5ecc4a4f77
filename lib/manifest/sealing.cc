#include "lib/manifest/sealing.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"

namespace c8s::manifest {

Bytes SecretSealInfo(std::string_view cluster, std::string_view ref, int64_t version) {
  Bytes info = ToBytes(kSecretInfoLabel);
  Append(info, cluster);
  Append(info, ref);
  uint64_t v = static_cast<uint64_t>(version);
  for (int i = 7; i >= 0; --i) info.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return info;
}

Bytes SeedEnvelopeInfo(std::string_view cluster) {
  Bytes info = ToBytes(kSeedInfoLabel);
  Append(info, cluster);
  return info;
}

absl::StatusOr<SealedSource> SealSecret(const crypto::PublicKey& sealing_key,
                                        std::string_view cluster, std::string_view ref,
                                        int64_t version, ByteSpan value) {
  ASSIGN_OR_RETURN(crypto::hpke::Suite suite, crypto::hpke::Suite::Parse(kSealSuite));
  ASSIGN_OR_RETURN(
      crypto::hpke::Sealed box,
      crypto::hpke::Seal(suite, sealing_key, SecretSealInfo(cluster, ref, version), {}, value));
  return SealedSource{std::string(kSealSuite), Base64Encode(box.enc), Base64Encode(box.ciphertext)};
}

absl::StatusOr<Bytes> OpenSealedSecret(const crypto::PrivateKey& sealing_key,
                                       std::string_view cluster, const Secret& secret) {
  std::string what = StrCat("secret ", secret.ref, " version ", secret.version);
  if (!secret.sealed.has_value()) {
    return absl::InvalidArgumentError(StrCat(what, ": not an owner-sealed secret"));
  }
  absl::StatusOr<crypto::hpke::Suite> suite = crypto::hpke::Suite::Parse(secret.sealed->suite);
  if (!suite.ok()) return Annotate(suite.status(), what);
  absl::StatusOr<Bytes> enc = Base64Decode(secret.sealed->enc);
  absl::StatusOr<Bytes> ct = Base64Decode(secret.sealed->ciphertext);
  if (!enc.ok() || !ct.ok()) return absl::InvalidArgumentError(StrCat(what, ": bad base64"));
  absl::StatusOr<Bytes> value = crypto::hpke::Open(
      *suite, sealing_key, *enc, SecretSealInfo(cluster, secret.ref, secret.version), {}, *ct);
  if (!value.ok()) {
    return absl::PermissionDeniedError(
        StrCat(what, ": cannot be opened with this CDS's sealing key (sealed to another key, ",
               "another cluster, ref or version, or tampered): ", StatusText(value.status())));
  }
  return value;
}

}  // namespace c8s::manifest
