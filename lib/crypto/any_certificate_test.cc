#include "lib/crypto/any_certificate.h"

#include <catch2/catch_test_macros.hpp>

#include "absl/time/clock.h"

namespace c8s::crypto {
namespace {

TEST_CASE("the any-certificate verifier reports the leaf and refuses what is no certificate",
          "[unit]") {
  AnyCertificateVerifier verifier;
  auto none = verifier.Verify({});
  CHECK(absl::IsUnauthenticated(none.status()));
  CHECK(none.status().message() == "no certificate");
  CHECK_FALSE(verifier.Verify({Bytes{0x30, 0x03, 0x02, 0x01, 0x00}}).ok());

  absl::Time now = absl::Now();
  auto ca = CertificateAuthority::CreateSelfSigned(PrivateKey::Generate(KeyType::kP256).value(),
                                                   {"any"}, now, now + absl::Hours(1));
  REQUIRE(ca.ok());
  auto peer = verifier.Verify({ca->certificate().ToDer()});
  REQUIRE(peer.ok());
  CHECK(peer->leaf.ToDer() == ca->certificate().ToDer());
  CHECK(peer->chain.size() == 1);
  CHECK(peer->uri_identity.empty());
}

}  // namespace
}  // namespace c8s::crypto
