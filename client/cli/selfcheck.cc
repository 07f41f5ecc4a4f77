#include "client/cli/selfcheck.h"

#include <filesystem>

#include "client/cli/selfcheck_keys.h"
#include "lib/base/bytes.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/jcs.h"
#include "lib/crypto/x509.h"

namespace c8s::cli {
namespace {

using crypto::Certificate;
using crypto::CertificateAuthority;
using crypto::PrivateKey;

CheckResult Pass(std::string name, std::string detail) { return {std::move(name), true, detail}; }
CheckResult Fail(std::string name, std::string detail) { return {std::move(name), false, detail}; }
CheckResult Fail(std::string name, const absl::Status& st) {
  return Fail(std::move(name), StatusText(st));
}

// Issues a node certificate carrying c8s claims and checks that it chains to the CA and
// carries the claims back unchanged; then that a foreign CA does not accept it.
void CheckCertificates(const SelfCheckKeys& keys, std::vector<CheckResult>& out) {
  if (!keys.ca.ok()) {
    out.push_back(Fail("cert.issue", Annotate(keys.ca.status(), "CA key")));
    return;
  }
  const CertificateAuthority& ca = *keys.ca;
  absl::Time now = Clock::Real().Now();
  crypto::C8sClaimsExtension claims;
  claims.platform = "simulated-sev-snp";
  claims.measurement_hex = HexEncode(crypto::Sha384(AsBytes("c8s selfcheck launch image")));
  claims.node_name = "selfcheck-node";
  claims.assurance_level = "simulated";
  claims.manifest_generation = 1;
  auto issued = [&]() -> absl::StatusOr<Certificate> {
    ASSIGN_OR_RETURN(PrivateKey node_key, PrivateKey::Generate(crypto::KeyType::kP256));
    crypto::IssueOptions options =
        crypto::LeafOptions(crypto::Name("selfcheck-node"), now, absl::Hours(24));
    options.client_auth = options.server_auth = true;
    RETURN_IF_ERROR(crypto::AddC8sClaims(claims, options));
    return ca.Issue(node_key.GetPublicKey(), options);
  }();
  if (!issued.ok()) {
    out.push_back(Fail("cert.issue", issued.status()));
    return;
  }
  out.push_back(Pass("cert.issue", StrCat("subject=", issued->Subject(), " serial=",
                                          issued->SerialHex(), " issuer=", issued->Issuer())));

  absl::Status chain = crypto::VerifyChain(*issued, {}, {ca.certificate()}, now);
  auto read_back = crypto::ReadC8sClaims(*issued);
  if (!chain.ok()) {
    out.push_back(Fail("cert.verify", Annotate(chain, "chain to the c8s CA")));
  } else if (!read_back.ok()) {
    out.push_back(Fail("cert.verify", Annotate(read_back.status(), "c8s extensions")));
  } else if (!(*read_back == claims)) {
    out.push_back(Fail("cert.verify", "c8s extensions read back differ from those issued"));
  } else {
    std::string shown;
    for (const auto& [name, value] : crypto::DescribeC8sClaims(*read_back)) {
      shown += StrCat(" ", name, "=", value.size() > 24 ? value.substr(0, 24) + "…" : value);
    }
    out.push_back(Pass("cert.verify", StrCat("chain ok at ", FormatRfc3339(now), ";", shown)));
  }

  auto foreign = [&]() -> absl::StatusOr<CertificateAuthority> {
    ASSIGN_OR_RETURN(PrivateKey k, PrivateKey::Generate(crypto::KeyType::kP256));
    return CertificateAuthority::CreateSelfSigned(k, crypto::Name("foreign CA"), now,
                                                  now + absl::Hours(1));
  }();
  if (!foreign.ok()) {
    out.push_back(Fail("cert.reject-foreign-ca", foreign.status()));
    return;
  }
  absl::Status wrong = crypto::VerifyChain(*issued, {}, {foreign->certificate()}, now);
  if (wrong.ok()) {
    out.push_back(Fail("cert.reject-foreign-ca", "a foreign CA accepted the certificate"));
  } else {
    out.push_back(Pass("cert.reject-foreign-ca", StrCat("refused: ", StatusText(wrong))));
  }
}

void CheckHpke(const SelfCheckKeys& keys, std::vector<CheckResult>& out) {
  if (!keys.recipient.ok()) {
    out.push_back(Fail("hpke.seal-open", Annotate(keys.recipient.status(), "recipient key")));
    return;
  }
  const crypto::hpke::Suite suite{crypto::hpke::Aead::kAes128Gcm};
  const Bytes info = ToBytes("c8s/secret/v1 selfcheck");
  const Bytes aad = ToBytes("shop/db-password#1");
  const std::string secret = "correct horse battery staple";
  auto sealed = crypto::hpke::Seal(suite, keys.recipient->public_key, info, aad, AsBytes(secret));
  if (!sealed.ok()) {
    out.push_back(Fail("hpke.seal-open", Annotate(sealed.status(), "seal")));
    return;
  }
  auto opened = crypto::hpke::Open(suite, keys.recipient->private_key, sealed->enc, info, aad,
                                   sealed->ciphertext);
  if (!opened.ok()) {
    out.push_back(Fail("hpke.seal-open", Annotate(opened.status(), "open")));
    return;
  }
  if (AsChars(*opened) != secret) {
    out.push_back(Fail("hpke.seal-open", "opened plaintext differs from the sealed one"));
    return;
  }
  out.push_back(Pass("hpke.seal-open",
                     StrCat(suite.Name(), " enc=", HexEncode(sealed->enc).substr(0, 16),
                            "… ciphertext=", sealed->ciphertext.size(), " bytes, round trip ok")));

  Bytes tampered = sealed->ciphertext;
  tampered[tampered.size() / 2] ^= 0x01;
  auto refused = crypto::hpke::Open(suite, keys.recipient->private_key, sealed->enc, info, aad,
                                    tampered);
  auto wrong_aad = crypto::hpke::Open(suite, keys.recipient->private_key, sealed->enc, info,
                                      AsBytes("shop/db-password#2"), sealed->ciphertext);
  if (refused.ok() || wrong_aad.ok()) {
    out.push_back(Fail("hpke.reject-tampered", "a tampered ciphertext or wrong AAD was opened"));
  } else {
    out.push_back(Pass("hpke.reject-tampered",
                       StrCat("flipped byte ", tampered.size() / 2, ": ",
                              StatusText(refused.status()))));
  }
}

}  // namespace

std::vector<CheckResult> RunSelfChecks(const SelfCheckInputs& inputs) {
  std::vector<CheckResult> out;
  SelfCheckKeys keys = LoadSelfCheckKeys(inputs.keys_dir);
  CheckCertificates(keys, out);
  CheckHpke(keys, out);
  CheckManifest(keys, inputs, out);
  return out;
}

std::string FormatCheckResults(const std::vector<CheckResult>& results) {
  std::string text;
  for (const CheckResult& r : results) {
    text += StrCat(r.passed ? "PASS " : "FAIL ", r.name, ": ", r.detail, "\n");
  }
  return text;
}

}  // namespace c8s::cli
