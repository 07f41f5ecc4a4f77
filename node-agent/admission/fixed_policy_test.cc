#include "node-agent/admission/fixed_policy.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/crypto/x509_testing.h"
#include "node-agent/admission/bundle_builder.h"
#include "test/support/test_env.h"

namespace c8s::admission {
namespace {

TEST_CASE("LoadVerifiedBundle accepts the CA's signature and nothing else", "[unit]") {
  c8s::testing::TempDir dir;
  crypto::CertificateAuthority ca = crypto::testing::MakeCa("c8s CA");
  crypto::CertificateAuthority other = crypto::testing::MakeCa("other CA");
  REQUIRE(WriteFile(dir.Path("ca.pem"), ca.certificate().ToPem()).ok());
  REQUIRE(WriteFile(dir.Path("other.pem"), other.certificate().ToPem()).ok());
  manifest::PolicyBundle bundle =
      BundleBuilder(3).Identity("shop/api", {{"app", "api"}}, {Image("ghcr.io/a/b", 1)}).Build();
  auto wire = manifest::SignBundle(bundle, ca.key());
  REQUIRE(wire.ok());
  REQUIRE(WriteFile(dir.Path("bundle.json"), *wire).ok());

  auto got = LoadVerifiedBundle(dir.Path("bundle.json"), dir.Path("ca.pem"), "");
  INFO(got.status().ToString());
  REQUIRE(got.ok());
  CHECK(*got == bundle);
  CHECK(LoadVerifiedBundle(dir.Path("bundle.json"), dir.Path("ca.pem"), "prod.example.com").ok());

  auto domain = LoadVerifiedBundle(dir.Path("bundle.json"), dir.Path("ca.pem"), "dev.example.com");
  REQUIRE_FALSE(domain.ok());
  CHECK(std::string(domain.status().message()).find("trust domain prod.example.com") !=
        std::string::npos);
  auto wrong_ca = LoadVerifiedBundle(dir.Path("bundle.json"), dir.Path("other.pem"), "");
  REQUIRE_FALSE(wrong_ca.ok());
  CHECK(std::string(wrong_ca.status().message()).find("bad CA signature") != std::string::npos);
  std::string tampered = *wire;
  tampered.replace(tampered.find("shop/api"), 8, "shop/apx");
  REQUIRE(WriteFile(dir.Path("tampered.json"), tampered).ok());
  CHECK_FALSE(LoadVerifiedBundle(dir.Path("tampered.json"), dir.Path("ca.pem"), "").ok());
  auto missing = LoadVerifiedBundle(dir.Path("nope.json"), dir.Path("ca.pem"), "");
  CHECK(absl::IsNotFound(missing.status()));
  REQUIRE(WriteFile(dir.Path("garbage.pem"), "not a certificate").ok());
  auto garbage = LoadVerifiedBundle(dir.Path("bundle.json"), dir.Path("garbage.pem"), "");
  REQUIRE_FALSE(garbage.ok());
  CHECK(std::string(garbage.status().message()).find("CA certificate") == 0);
}

}  // namespace
}  // namespace c8s::admission
