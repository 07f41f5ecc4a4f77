// HPKE over keys.h key objects: unwraps X25519 keys to the raw bytes hpke.cc works on.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/keys.h"

namespace c8s::crypto::hpke {
namespace {

absl::Status CheckX25519(KeyType type, std::string_view what) {
  if (type == KeyType::kX25519) return absl::OkStatus();
  return absl::InvalidArgumentError(
      StrCat("hpke: ", what, " is a ", KeyTypeName(type), " key, want X25519"));
}

absl::StatusOr<Bytes> RawPublic(const PublicKey& key, std::string_view what) {
  RETURN_IF_ERROR(CheckX25519(key.type(), what));
  return key.RawBytes();
}

absl::StatusOr<Bytes> RawPrivate(const PrivateKey& key, std::string_view what) {
  RETURN_IF_ERROR(CheckX25519(key.type(), what));
  return Annotate(key.RawBytes(), StrCat("hpke: ", what));
}

}  // namespace

absl::StatusOr<Sealed> Seal(const Suite& suite, const PublicKey& recipient, ByteSpan info,
                            ByteSpan aad, ByteSpan plaintext) {
  ASSIGN_OR_RETURN(Bytes pk_r, RawPublic(recipient, "recipient public key"));
  return Seal(suite, pk_r, info, aad, plaintext);
}

absl::StatusOr<Sealed> SealAuth(const Suite& suite, const PublicKey& recipient, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext, const PrivateKey& sender) {
  ASSIGN_OR_RETURN(Bytes pk_r, RawPublic(recipient, "recipient public key"));
  ASSIGN_OR_RETURN(Bytes sk_s, RawPrivate(sender, "sender private key"));
  return SealAuth(suite, pk_r, info, aad, plaintext, sk_s);
}

absl::StatusOr<Bytes> Open(const Suite& suite, const PrivateKey& recipient, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext) {
  ASSIGN_OR_RETURN(Bytes sk_r, RawPrivate(recipient, "recipient private key"));
  return Open(suite, sk_r, enc, info, aad, ciphertext);
}

absl::StatusOr<Bytes> OpenAuth(const Suite& suite, const PrivateKey& recipient, ByteSpan enc,
                               ByteSpan info, ByteSpan aad, ByteSpan ciphertext,
                               const PublicKey& sender) {
  ASSIGN_OR_RETURN(Bytes sk_r, RawPrivate(recipient, "recipient private key"));
  ASSIGN_OR_RETURN(Bytes pk_s, RawPublic(sender, "sender public key"));
  return OpenAuth(suite, sk_r, enc, info, aad, ciphertext, pk_s);
}

}  // namespace c8s::crypto::hpke
