// Table tests of the small decision helpers: certificate-carried claims, rate limits, the
// Vault KV v2 response parser, peer addresses.
#include <catch2/catch_test_macros.hpp>

#include "cds/carried_claims.h"
#include "cds/rate_limit.h"
#include "cds/vault_client.h"
#include "lib/base/bytes.h"

namespace c8s::cds {
namespace {

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

crypto::C8sClaimsExtension NodeClaims() {
  crypto::C8sClaimsExtension c;
  c.platform = "simulated-sev-snp";
  c.measurement_hex = HexEncode(Bytes(48, 0x5a));
  c.tcb = "bl=3,tee=0,snp=8,ucode=115";
  c.node_name = "n1";
  return c;
}

attest::AttestationPolicy Policy() {
  attest::AttestationPolicy p;
  p.allow_simulated = true;
  attest::SnpPolicy s;
  s.measurements = {Bytes(48, 0x5a)};
  s.min_tcb.microcode = 115;
  p.snp = s;
  return p;
}

TEST_CASE("carried claims: parsed from the certificate, checked, and implied", "[unit]") {
  auto c = ClaimsFromCertificate(NodeClaims());
  REQUIRE(c.ok());
  CHECK(c->platform == attest::Platform::kSimulatedSevSnp);
  CHECK(c->reported_tcb.microcode == 115);
  for (const char* bad : {"bl=3,tee=0,snp=8", "bl=3,tee=0,snp=8,ucode=x", "bl=3;tee=0",
                          "bl=3,tee=0,snp=8,ucode=999", ""}) {
    crypto::C8sClaimsExtension e = NodeClaims();
    e.tcb = bad;
    CHECK(!ClaimsFromCertificate(e).ok());
  }
  crypto::C8sClaimsExtension none;
  CHECK(Msg(ClaimsFromCertificate(none).status()) ==
        "certificate carries no node claims (platform, measurement, tcb)");

  attest::AttestationPolicy p = Policy();
  attest::AttestationPolicy admitted = Policy();
  CHECK(EvaluateCarried(p, NodeClaims(), &admitted, "adm").ok);
  p.snp->min_tcb.microcode = 116;
  auto low = EvaluateCarried(p, NodeClaims(), &admitted, "adm");
  REQUIRE(low.failures.size() == 1);
  CHECK(low.failures[0] == "snp.minTcb.microcode: got 115, want >= 116");
  p = Policy();
  p.snp->products = std::vector<std::string>{"Milan"};
  CHECK(EvaluateCarried(p, NodeClaims(), &admitted, "adm").failures ==
        std::vector<std::string>{
            "snp.products: not carried by the certificate and not guaranteed by adm"});
  admitted.snp->products = std::vector<std::string>{"Milan"};
  CHECK(EvaluateCarried(p, NodeClaims(), &admitted, "adm").ok);
  admitted.snp->products = std::vector<std::string>{"Milan", "Genoa"};
  CHECK(!EvaluateCarried(p, NodeClaims(), &admitted, "adm").ok);
  admitted = Policy();
  admitted.snp->allow_debug = true;
  CHECK(EvaluateCarried(Policy(), NodeClaims(), &admitted, "adm").failures ==
        std::vector<std::string>{
            "snp.allowDebug: not carried by the certificate and not guaranteed by adm"});
  CHECK(!EvaluateCarried(Policy(), NodeClaims(), nullptr, "nothing").ok);
  attest::AttestationPolicy strict = Policy();
  strict.allow_simulated = false;
  CHECK(EvaluateCarried(strict, NodeClaims(), &admitted, "adm").failures.front().rfind(
            "allowSimulated: ", 0) == 0);
}

TEST_CASE("rate limit: global and per-peer buckets refill with time", "[unit]") {
  FakeClock clock(absl::FromUnixSeconds(1000));
  RateLimiter limiter({10, 3, 1, 2}, clock);
  CHECK(limiter.Admit("IssueNode", "10.0.0.1").ok());
  CHECK(limiter.Admit("IssueNode", "10.0.0.1").ok());
  CHECK(Msg(limiter.Admit("IssueNode", "10.0.0.1")) ==
        "rate limit: IssueNode over 1/s from 10.0.0.1 (burst 2)");
  CHECK(limiter.Admit("IssueNode", "10.0.0.2").ok());
  CHECK(Msg(limiter.Admit("IssueNode", "10.0.0.3")) ==
        "rate limit: IssueNode over 10/s for all callers (burst 3)");
  clock.Advance(absl::Seconds(1));
  CHECK(limiter.Admit("IssueNode", "10.0.0.1").ok());
  RateLimiter unlimited({}, clock);
  for (int i = 0; i < 1000; ++i) REQUIRE(unlimited.Admit("x", "p").ok());
  CHECK(PeerAddress("ipv4:10.0.0.7:51234") == "10.0.0.7");
  CHECK(PeerAddress("ipv6:[::1]:5000") == "::1");
  CHECK(PeerAddress("unix:/run/x.sock") == "/run/x.sock");
}

TEST_CASE("vault: KV v2 responses are parsed strictly", "[unit]") {
  auto ok = ParseKv2Response(
      R"({"data":{"data":{"password":"p1"},"metadata":{"version":4,"deletion_time":"","destroyed":false}}})",
      "kv/data/a", "password");
  REQUIRE(ok.ok());
  CHECK(AsChars(ok->value) == "p1");
  CHECK(ok->version == 4);
  struct Case {
    std::string body, reason;
  };
  std::vector<Case> cases = {
      {"not json", "vault kv/data/a: response is not a KV v2 read (no data object)"},
      {R"({"data":{"data":{"password":"p"}}})", "vault kv/data/a: response has no data.metadata.version"},
      {R"({"data":{"data":{"other":"p"},"metadata":{"version":1}}})",
       "vault kv/data/a: no string key \"password\" in data.data"},
      {R"({"data":{"data":{"password":5},"metadata":{"version":1}}})",
       "vault kv/data/a: no string key \"password\" in data.data"},
      {R"({"data":{"data":null,"metadata":{"version":2,"deletion_time":"2026-01-01T00:00:00Z"}}})",
       "vault kv/data/a version 2 is deleted or destroyed"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    CHECK(Msg(ParseKv2Response(c.body, "kv/data/a", "password").status()) == c.reason);
  }
  CHECK(CheckVaultPath("kv/data/shop/db").ok());
  for (const char* bad : {"", "/kv/data", "kv/../x", "kv//x", "kv/da ta", "kv/data?x=1"}) {
    CHECK(!CheckVaultPath(bad).ok());
  }
}

}  // namespace
}  // namespace c8s::cds
