// Test-only access to the golden files in test/fixtures/manifest/ (keys, manifests, history,
// bundle). Included by lib/manifest's *_test.cc and by later components' tests.
//
//   Manifest m = LoadFixtureManifest("example.json");
//   crypto::PrivateKey alice = LoadFixturePrivateKey("owner-alice.key.pem");
//   std::string text = ReadFixture("example.canonical.json");
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>

#include "lib/base/strings.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/parse.h"
#include "test/support/test_env.h"

namespace c8s::manifest::testing {

inline std::string FixturePath(std::string_view name) {
  return c8s::testing::SourcePath(StrCat("test/fixtures/manifest/", name));
}

inline std::string ReadFixture(std::string_view name) {
  return c8s::testing::ReadTestFile(FixturePath(name));
}

inline Manifest LoadFixtureManifest(std::string_view name) {
  auto m = ParseManifest(ReadFixture(name));
  INFO(name << ": " << m.status().ToString());
  REQUIRE(m.ok());
  return *m;
}

inline crypto::PrivateKey LoadFixturePrivateKey(std::string_view name) {
  auto key = crypto::PrivateKey::FromPem(ReadFixture(name));
  INFO(name << ": " << key.status().ToString());
  REQUIRE(key.ok());
  return *key;
}

inline crypto::PublicKey LoadFixturePublicKey(std::string_view name) {
  auto key = crypto::PublicKey::FromPem(ReadFixture(name));
  INFO(name << ": " << key.status().ToString());
  REQUIRE(key.ok());
  return *key;
}

}  // namespace c8s::manifest::testing
