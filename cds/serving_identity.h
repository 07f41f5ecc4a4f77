// The TLS identity the CDS serves with: a key born in this process and a certificate from the
// cluster CA (clients pin the CA after `c8sctl verify`); while sealed there is no CA, so a
// self-signed one (clients of a sealed CDS rely on its evidence, never on its TLS identity).
//
//   ASSIGN_OR_RETURN(crypto::TlsIdentity id, ServingIdentity(runtime.cds().get(), sans));
#pragma once

#include "absl/status/statusor.h"
#include "cds/cds.h"
#include "lib/crypto/tls.h"

namespace c8s::cds {

// `cds` null: the sealed, self-signed identity.
absl::StatusOr<crypto::TlsIdentity> ServingIdentity(Cds* cds, const crypto::SubjectAltNames& sans);

}  // namespace c8s::cds
