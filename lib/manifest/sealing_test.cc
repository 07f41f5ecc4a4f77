#include "lib/manifest/sealing.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/manifest/fixtures_for_test.h"

namespace c8s::manifest {
namespace {

const std::string kCluster = "sha256:" + std::string(64, 'a');

TEST_CASE("sealing: info bytes are fixed-width at both ends", "[unit]") {
  CHECK(SecretSealInfo(kCluster, "a/b1", 2) != SecretSealInfo(kCluster, "a/b", 12));
  Bytes info = SecretSealInfo(kCluster, "shop/db", 3);
  CHECK(info.size() == 13 + 71 + 7 + 8);
  CHECK(info.back() == 3);
  CHECK(AsChars(SeedEnvelopeInfo(kCluster)) == "c8s/seed/v1" + kCluster);
}

TEST_CASE("sealing: a sealed secret opens only for its cluster, ref, version and key", "[unit]") {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kX25519).value();
  Secret s;
  s.ref = "shop/db";
  s.version = 3;
  s.sealed = SealSecret(key.GetPublicKey(), kCluster, s.ref, s.version, AsBytes("hunter2")).value();
  CHECK(s.sealed->suite == "X25519-HKDF-SHA256/AES-128-GCM");
  auto opened = OpenSealedSecret(key, kCluster, s);
  REQUIRE(opened.ok());
  CHECK(AsChars(*opened) == "hunter2");

  Secret other_version = s;
  other_version.version = 4;
  CHECK(OpenSealedSecret(key, kCluster, other_version)
            .status()
            .message()
            .rfind("secret shop/db version 4: cannot be opened with this CDS's sealing key", 0) ==
        0);
  CHECK(!OpenSealedSecret(key, "sha256:" + std::string(64, 'b'), s).ok());
  Secret other_ref = s;
  other_ref.ref = "shop/db2";
  CHECK(!OpenSealedSecret(key, kCluster, other_ref).ok());
  auto wrong = crypto::PrivateKey::Generate(crypto::KeyType::kX25519).value();
  CHECK(OpenSealedSecret(wrong, kCluster, s).status().code() ==
        absl::StatusCode::kPermissionDenied);
  Secret vault = s;
  vault.sealed.reset();
  CHECK(OpenSealedSecret(key, kCluster, vault).status().message() ==
        "secret shop/db version 3: not an owner-sealed secret");
}

}  // namespace
}  // namespace c8s::manifest
