// HPKE suites, context setup and single-shot Seal/Open (RFC 9180 §5.1.1, §5.1.3, §6.1).
#include "lib/crypto/hpke.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke_internal.h"

namespace c8s::crypto::hpke {
namespace {

constexpr std::string_view kKemKdfName = "X25519-HKDF-SHA256";

SenderSetup MakeSender(Aead aead, internal::Schedule s, Bytes enc) {
  return SenderSetup{std::move(enc), SenderContext(aead, std::move(s.key),
                                                   std::move(s.base_nonce),
                                                   std::move(s.exporter_secret))};
}

absl::StatusOr<RecipientContext> SetupRecipient(const Suite& suite, Mode mode, ByteSpan enc,
                                                ByteSpan recipient_private, ByteSpan info,
                                                ByteSpan sender_public) {
  ASSIGN_OR_RETURN(Bytes shared_secret,
                   internal::Decap(mode, enc, recipient_private, sender_public));
  ASSIGN_OR_RETURN(internal::Schedule s,
                   internal::KeySchedule(suite.aead, mode, shared_secret, info));
  return RecipientContext(suite.aead, std::move(s.key), std::move(s.base_nonce),
                          std::move(s.exporter_secret));
}

absl::StatusOr<Sealed> SealWith(absl::StatusOr<SenderSetup> setup, ByteSpan aad,
                                ByteSpan plaintext) {
  if (!setup.ok()) return setup.status();
  ASSIGN_OR_RETURN(Bytes ciphertext, setup->context.Seal(aad, plaintext));
  return Sealed{std::move(setup->enc), std::move(ciphertext)};
}

}  // namespace

absl::StatusOr<Suite> Suite::Parse(std::string_view name) {
  for (Aead aead : {Aead::kAes128Gcm, Aead::kChaCha20Poly1305}) {
    if (name == Suite{aead}.Name()) return Suite{aead};
  }
  return absl::InvalidArgumentError(
      StrCat("hpke: unknown suite \"", name, "\" (supported: ", Suite{Aead::kAes128Gcm}.Name(),
             ", ", Suite{Aead::kChaCha20Poly1305}.Name(), ")"));
}

std::string Suite::Name() const {
  return StrCat(kKemKdfName, "/",
                aead == Aead::kAes128Gcm ? "AES-128-GCM" : "ChaCha20-Poly1305");
}

size_t Suite::KeySize() const { return aead == Aead::kAes128Gcm ? 16 : 32; }

namespace internal {

absl::StatusOr<SenderSetup> SetupSenderWithEphemeral(const Suite& suite, Mode mode,
                                                     ByteSpan recipient_public, ByteSpan info,
                                                     ByteSpan ephemeral_private,
                                                     ByteSpan sender_private) {
  ASSIGN_OR_RETURN(Encapsulation encap,
                   Encap(mode, recipient_public, ephemeral_private, sender_private));
  ASSIGN_OR_RETURN(Schedule s, KeySchedule(suite.aead, mode, encap.shared_secret, info));
  return MakeSender(suite.aead, std::move(s), std::move(encap.enc));
}

}  // namespace internal

absl::StatusOr<SenderSetup> SetupBaseSender(const Suite& suite, ByteSpan recipient_public,
                                            ByteSpan info) {
  const KeyPair ephemeral = GenerateKeyPair();
  return internal::SetupSenderWithEphemeral(suite, Mode::kBase, recipient_public, info,
                                            ephemeral.private_key, {});
}

absl::StatusOr<SenderSetup> SetupAuthSender(const Suite& suite, ByteSpan recipient_public,
                                            ByteSpan info, ByteSpan sender_private) {
  RETURN_IF_ERROR(internal::CheckKeySize(sender_private, "sender private key"));
  const KeyPair ephemeral = GenerateKeyPair();
  return internal::SetupSenderWithEphemeral(suite, Mode::kAuth, recipient_public, info,
                                            ephemeral.private_key, sender_private);
}

absl::StatusOr<RecipientContext> SetupBaseRecipient(const Suite& suite, ByteSpan enc,
                                                    ByteSpan recipient_private, ByteSpan info) {
  return SetupRecipient(suite, Mode::kBase, enc, recipient_private, info, {});
}

absl::StatusOr<RecipientContext> SetupAuthRecipient(const Suite& suite, ByteSpan enc,
                                                    ByteSpan recipient_private, ByteSpan info,
                                                    ByteSpan sender_public) {
  RETURN_IF_ERROR(internal::CheckKeySize(sender_public, "sender public key"));
  return SetupRecipient(suite, Mode::kAuth, enc, recipient_private, info, sender_public);
}

absl::StatusOr<Sealed> Seal(const Suite& suite, ByteSpan recipient_public, ByteSpan info,
                            ByteSpan aad, ByteSpan plaintext) {
  return SealWith(SetupBaseSender(suite, recipient_public, info), aad, plaintext);
}

absl::StatusOr<Sealed> SealAuth(const Suite& suite, ByteSpan recipient_public, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext, ByteSpan sender_private) {
  return SealWith(SetupAuthSender(suite, recipient_public, info, sender_private), aad, plaintext);
}

absl::StatusOr<Bytes> Open(const Suite& suite, ByteSpan recipient_private, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext) {
  ASSIGN_OR_RETURN(RecipientContext ctx, SetupBaseRecipient(suite, enc, recipient_private, info));
  return ctx.Open(aad, ciphertext);
}

absl::StatusOr<Bytes> OpenAuth(const Suite& suite, ByteSpan recipient_private, ByteSpan enc,
                               ByteSpan info, ByteSpan aad, ByteSpan ciphertext,
                               ByteSpan sender_public) {
  ASSIGN_OR_RETURN(RecipientContext ctx, SetupAuthRecipient(suite, enc, recipient_private, info,
                                                            sender_public));
  return ctx.Open(aad, ciphertext);
}

}  // namespace c8s::crypto::hpke
