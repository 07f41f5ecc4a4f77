#include "client/cli/selfcheck_keys.h"

#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cli {
namespace {

using crypto::CertificateAuthority;
using crypto::KeyType;
using crypto::PrivateKey;
using crypto::PublicKey;

absl::StatusOr<std::string> Read(const std::string& dir, const char* name) {
  return ReadFile(dir + "/" + name, 1 << 20);
}

absl::StatusOr<CertificateAuthority> FreshCa() {
  ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate(KeyType::kP256));
  absl::Time now = Clock::Real().Now();
  return CertificateAuthority::CreateSelfSigned(key, crypto::Name("c8s selfcheck CA"),
                                                now - absl::Minutes(5), now + absl::Hours(24));
}

absl::StatusOr<CertificateAuthority> LoadCa(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string key_pem, Read(dir, "ca.key"));
  ASSIGN_OR_RETURN(std::string cert_pem, Read(dir, "ca.pem"));
  ASSIGN_OR_RETURN(PrivateKey key, Annotate(PrivateKey::FromPem(key_pem), "ca.key"));
  ASSIGN_OR_RETURN(crypto::Certificate cert,
                   Annotate(crypto::Certificate::FromPem(cert_pem), "ca.pem"));
  return Annotate(CertificateAuthority::Create(cert, key), "ca.key does not match ca.pem");
}

absl::StatusOr<crypto::hpke::KeyPair> LoadRecipient(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string key_pem, Read(dir, "recipient.key"));
  ASSIGN_OR_RETURN(std::string pub_pem, Read(dir, "recipient.pub"));
  ASSIGN_OR_RETURN(PrivateKey key, Annotate(PrivateKey::FromPem(key_pem), "recipient.key"));
  ASSIGN_OR_RETURN(PublicKey pub, Annotate(PublicKey::FromPem(pub_pem), "recipient.pub"));
  if (key.type() != KeyType::kX25519 || pub.type() != KeyType::kX25519) {
    return absl::InvalidArgumentError("recipient keys must be X25519");
  }
  crypto::hpke::KeyPair pair;
  ASSIGN_OR_RETURN(pair.private_key, key.RawBytes());
  ASSIGN_OR_RETURN(pair.public_key, pub.RawBytes());
  return pair;
}

}  // namespace

SelfCheckKeys LoadSelfCheckKeys(const std::string& dir) {
  SelfCheckKeys keys;
  if (dir.empty()) {
    keys.ca = FreshCa();
    keys.owner_key = PrivateKey::Generate(KeyType::kP256);
    if (keys.owner_key.ok()) keys.owner_public = keys.owner_key->GetPublicKey();
    keys.recipient = crypto::hpke::GenerateKeyPair();
    return keys;
  }
  keys.ca = LoadCa(dir);
  keys.owner_key = [&]() -> absl::StatusOr<PrivateKey> {
    ASSIGN_OR_RETURN(std::string pem, Read(dir, "owner.key"));
    return Annotate(PrivateKey::FromPem(pem), "owner.key");
  }();
  keys.owner_public = [&]() -> absl::StatusOr<PublicKey> {
    ASSIGN_OR_RETURN(std::string pem, Read(dir, "owner.pub"));
    return Annotate(PublicKey::FromPem(pem), "owner.pub");
  }();
  keys.recipient = LoadRecipient(dir);
  return keys;
}

absl::Status WriteSelfCheckKeys(const std::string& dir) {
  ASSIGN_OR_RETURN(CertificateAuthority ca, FreshCa());
  ASSIGN_OR_RETURN(PrivateKey owner, PrivateKey::Generate(KeyType::kP256));
  crypto::hpke::KeyPair recipient = crypto::hpke::GenerateKeyPair();
  ASSIGN_OR_RETURN(PrivateKey recipient_key, PrivateKey::FromRawX25519(recipient.private_key));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ca.key", ca.key().ToPem(), 0600));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ca.pem", ca.certificate().ToPem(), 0644));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/owner.key", owner.ToPem(), 0600));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/owner.pub", owner.GetPublicKey().ToPem(), 0644));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/recipient.key", recipient_key.ToPem(), 0600));
  RETURN_IF_ERROR(
      WriteFileAtomic(dir + "/recipient.pub", recipient_key.GetPublicKey().ToPem(), 0644));
  return absl::OkStatus();
}

}  // namespace c8s::cli
