#include <catch2/catch_test_macros.hpp>
#include <set>

#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_testing.h"
#include "test/support/test_env.h"

namespace c8s::crypto {
namespace {

using testing::IssueWorkloadLeaf;
using testing::MakeCa;
using testing::RunCommand;

bool Contains(const absl::Status& st, std::string_view needle) {
  return StatusText(st).find(needle) != std::string::npos;
}

TEST_CASE("VerifyChain accepts a CA-issued leaf, also through an intermediate", "[unit]") {
  absl::Time now = absl::Now();
  CertificateAuthority root = MakeCa("root", now);
  PrivateKey ikey = PrivateKey::Generate(KeyType::kP256).value();
  IssueOptions iopts = LeafOptions({"intermediate"}, now, absl::Hours(24));
  iopts.is_ca = true;
  iopts.path_len = 0;
  CertificateAuthority inter =
      CertificateAuthority::Create(root.Issue(ikey.GetPublicKey(), iopts).value(), ikey).value();
  Certificate leaf = IssueWorkloadLeaf(inter, "w", "spiffe://t/ns/a/id/w", now).cert;

  CHECK(VerifyChain(leaf, {inter.certificate()}, {root.certificate()}, now).ok());
  absl::Status missing = VerifyChain(leaf, {}, {root.certificate()}, now);
  CHECK(Contains(missing, "depth 0"));
  CHECK(Contains(missing, "issuer mismatch"));
  CHECK(Contains(missing, "CN=intermediate"));
  // An intermediate is not a trust anchor on its own.
  CHECK(VerifyChain(leaf, {}, {inter.certificate()}, now).ok() == false);
}

TEST_CASE("each chain failure gives its own precise error", "[unit]") {
  absl::Time now = absl::FromUnixSeconds(1'790'000'000);
  CertificateAuthority ca = MakeCa("c8s CA", now);
  Certificate leaf = IssueWorkloadLeaf(ca, "node-1", "spiffe://t/node/1", now).cert;
  REQUIRE(VerifyChain(leaf, {}, {ca.certificate()}, now).ok());

  absl::Status expired = VerifyChain(leaf, {}, {ca.certificate()}, now + absl::Hours(2));
  CHECK(expired.code() == absl::StatusCode::kPermissionDenied);
  CHECK(Contains(expired, StrCat("depth 0 (CN=node-1,O=c8s, serial ", leaf.SerialHex(), ")")));
  CHECK(Contains(expired, StrCat("expired at ", FormatRfc3339(leaf.NotAfter()), ", checked at ",
                                 FormatRfc3339(now + absl::Hours(2)))));

  absl::Status early = VerifyChain(leaf, {}, {ca.certificate()}, now - absl::Minutes(30));
  CHECK(Contains(early, StrCat("not valid before ", FormatRfc3339(leaf.NotBefore()))));

  CertificateAuthority foreign = MakeCa("foreign CA", now);
  absl::Status wrong_ca = VerifyChain(leaf, {}, {foreign.certificate()}, now);
  CHECK(Contains(wrong_ca, "issuer mismatch: no trusted certificate named CN=c8s CA,O=c8s"));

  // Same issuer name, different key: the name matches but the signature does not.
  CertificateAuthority impostor = MakeCa("c8s CA", now);
  absl::Status wrong_key = VerifyChain(leaf, {}, {impostor.certificate()}, now);
  CHECK_FALSE(wrong_key.ok());

  Bytes der = leaf.ToDer();
  der[der.size() - 4] ^= 0x01;  // inside the signature value
  Certificate tampered = Certificate::FromDer(der).value();
  absl::Status bad_sig = VerifyChain(tampered, {}, {ca.certificate()}, now);
  CHECK(Contains(bad_sig, "signature does not verify with the key of issuer CN=c8s CA,O=c8s"));

  // Four distinct messages for four distinct failures.
  std::set<std::string> messages = {StatusText(expired), StatusText(early), StatusText(wrong_ca),
                                    StatusText(bad_sig)};
  CHECK(messages.size() == 4);
  CHECK_FALSE(VerifyChain(leaf, {}, {}, now).ok());
}

TEST_CASE("the openssl command line agrees with VerifyChain", "[unit]") {
  ::c8s::testing::TempDir dir;
  CertificateAuthority ca = MakeCa("c8s CA");
  Certificate leaf = IssueWorkloadLeaf(ca, "node-1", "spiffe://t/node/1").cert;
  CertificateAuthority foreign = MakeCa("foreign CA");
  REQUIRE(WriteFile(dir.Path("ca.pem"), ca.certificate().ToPem()).ok());
  REQUIRE(WriteFile(dir.Path("foreign.pem"), foreign.certificate().ToPem()).ok());
  REQUIRE(WriteFile(dir.Path("leaf.pem"), leaf.ToPem()).ok());

  testing::CommandResult ok =
      RunCommand(StrCat("openssl verify -CAfile ", dir.Path("ca.pem"), " ", dir.Path("leaf.pem")));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find(": OK") != std::string::npos);

  testing::CommandResult bad = RunCommand(
      StrCat("openssl verify -CAfile ", dir.Path("foreign.pem"), " ", dir.Path("leaf.pem")));
  INFO(bad.output);
  CHECK(bad.exit_code != 0);
}

}  // namespace
}  // namespace c8s::crypto
