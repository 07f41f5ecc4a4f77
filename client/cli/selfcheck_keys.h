// The keys `c8sctl selfcheck` works with: loaded from a directory, or fresh. Each key is a
// StatusOr so that a broken key fails exactly the checks that use it, with the reason.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "client/cli/selfcheck.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509.h"

namespace c8s::cli {

struct SelfCheckKeys {
  absl::StatusOr<crypto::CertificateAuthority> ca = absl::UnknownError("not loaded");
  // The owner's signing key and the public key the manifest lists for that owner.
  absl::StatusOr<crypto::PrivateKey> owner_key = absl::UnknownError("not loaded");
  absl::StatusOr<crypto::PublicKey> owner_public = absl::UnknownError("not loaded");
  // HPKE recipient (private from recipient.key, public from recipient.pub).
  absl::StatusOr<crypto::hpke::KeyPair> recipient = absl::UnknownError("not loaded");
};

// Loads ca.key + ca.pem, owner.key + owner.pub, recipient.key + recipient.pub from `dir`, or
// generates a consistent set when `dir` is empty.
SelfCheckKeys LoadSelfCheckKeys(const std::string& dir);

void CheckManifest(const SelfCheckKeys& keys, const SelfCheckInputs& inputs,
                   std::vector<CheckResult>& out);

}  // namespace c8s::cli
