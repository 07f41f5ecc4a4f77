#include "node-agent/agent/policy_store.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "node-agent/agent/testing_for_test.h"
#include "test/support/test_env.h"

namespace c8s::agent {
namespace {

TEST_CASE("policy store: verify, enforce, persist, refuse rollback and strangers", "[unit]") {
  c8s::testing::TempDir dir;
  testing::TestCa ca;
  auto store = PolicyStore::Open({dir.Path("state"), "prod.example.com"});
  REQUIRE(store.ok());
  CHECK((*store)->Current() == nullptr);
  CHECK((*store)->Offer(ca.SignedBundle(1)).status().message() ==
        "no pinned CA yet: cannot verify a bundle");
  REQUIRE((*store)->PinCa(ca.cert()).ok());
  int changes = 0;
  (*store)->AddListener([&](const EnforcedPolicy& p) {
    ++changes;
    CHECK_FALSE(p.restored);
  });

  auto g2 = (*store)->Offer(ca.SignedBundle(2));
  REQUIRE(g2.ok());
  CHECK(*g2);
  CHECK((*store)->generation() == 2);
  CHECK_FALSE(*(*store)->Offer(ca.SignedBundle(2)));  // same bytes: nothing changes
  CHECK((*store)->Offer(ca.SignedBundle(1)).status().message() ==
        "policy bundle rollback: generation 1 is below the enforced generation 2");
  testing::TestCa other;
  CHECK((*store)
            ->Offer(other.SignedBundle(3))
            .status()
            .message()
            .rfind("policy bundle: bad CA signature", 0) == 0);
  CHECK((*store)->Offer(ca.SignedBundle(3, "other.example.com")).status().message() ==
        "policy bundle for trust domain other.example.com but this node is in prod.example.com");
  CHECK((*store)->PinCa(other.cert()).message().rfind("CA mismatch: the verified CDS has CA ", 0) ==
        0);
  CHECK((*store)->generation() == 2);
  CHECK(changes == 1);

  // A restarted agent enforces the persisted bundle at once, and still refuses rollbacks.
  auto again = PolicyStore::Open({dir.Path("state"), "prod.example.com"});
  REQUIRE(again.ok());
  bool restored = false;
  (*again)->AddListener([&](const EnforcedPolicy& p) { restored = p.restored; });
  REQUIRE((*again)->LoadPersisted().ok());
  CHECK(restored);
  REQUIRE((*again)->Current() != nullptr);
  CHECK((*again)->Current()->generation == 2);
  CHECK((*again)->pinned_ca()->ToDer() == ca.cert().ToDer());
  CHECK((*again)->Offer(ca.SignedBundle(1)).status().message() ==
        "policy bundle rollback: generation 1 is below the enforced generation 2");

  // A tampered persisted bundle is not enforced.
  std::string text = *ReadFile(dir.Path("state/bundle.json"));
  text.replace(text.find("\"generation\":2"), 14, "\"generation\":9");
  REQUIRE(WriteFile(dir.Path("state/bundle.json"), text).ok());
  auto tampered = PolicyStore::Open({dir.Path("state"), "prod.example.com"});
  CHECK((*tampered)->LoadPersisted().message().rfind("persisted bundle ", 0) == 0);
  CHECK((*tampered)->Current() == nullptr);
}

}  // namespace
}  // namespace c8s::agent
