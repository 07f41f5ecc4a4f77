#include <catch2/catch_test_macros.hpp>

#include "cds/testing_for_test.h"

namespace c8s::cds {
namespace {

using testing::Json;
using testing::World;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

TEST_CASE("cds: a node with fresh simulated evidence gets a certificate with its claims",
          "[unit]") {
  World w;
  w.ClaimOrDie();
  auto cert = w.cds->IssueNode(w.Join("node-1"), {"10.0.0.11", 15443});
  INFO(cert.status().ToString());
  REQUIRE(cert.ok());
  CHECK(cert->certificate.CommonName() == "node-1");
  CHECK(crypto::VerifyChain(cert->certificate, {}, {w.cds->ca_certificate()}, w.clock.Now()).ok());
  CHECK(cert->certificate.NotAfter() - w.clock.Now() == absl::Hours(24));
  auto claims = crypto::ReadC8sClaims(cert->certificate);
  REQUIRE(claims.ok());
  CHECK(claims->platform == "simulated-sev-snp");
  CHECK(claims->measurement_hex == HexEncode(Bytes(48, 0x5a)));
  CHECK(claims->tcb == "bl=3,tee=0,snp=8,ucode=115");
  CHECK(claims->node_name == "node-1");
  CHECK(claims->manifest_generation == 1);
  CHECK(claims->approval_mode == crypto::ApprovalMode::kOwner);
  CHECK(w.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "node"}}) == 1);
  auto bundle = w.cds->CurrentBundle();
  REQUIRE(bundle.ok());
  CHECK(bundle->signed_json.find("\"address\":\"10.0.0.11\"") != std::string::npos);

  SECTION("workload certificate for an identity of the active manifest") {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto csr = crypto::CertificateRequest::Create(*key, {"api"}, {});
    auto wl = w.cds->IssueWorkload(csr->ToDer(), "shop/api", "shop/api-0", cert->certificate);
    INFO(wl.status().ToString());
    REQUIRE(wl.ok());
    auto sans = wl->certificate.Sans();
    REQUIRE(sans->uris.size() == 1);
    CHECK(sans->uris[0] == "spiffe://prod.example.com/ns/shop/id/api");
    CHECK(sans->dns == w.m1.FindIdentity("shop/api")->dns_names);
    CHECK(wl->certificate.NotAfter() - w.clock.Now() == absl::Hours(1));
    auto wc = crypto::ReadC8sClaims(wl->certificate);
    CHECK(wc->workload_identity == "shop/api");
    CHECK(wc->node_serial_hex == cert->certificate.SerialHex());
    CHECK(wc->measurement_hex == claims->measurement_hex);
    CHECK(wc->node_name == "node-1");

    auto unknown = w.cds->IssueWorkload(csr->ToDer(), "shop/nope", "p", cert->certificate);
    CHECK(Msg(unknown.status()) ==
          "identity \"shop/nope\" is not defined by the active manifest (generation 1)");
    auto as_workload = w.cds->IssueWorkload(csr->ToDer(), "shop/api", "p", wl->certificate);
    CHECK(Msg(as_workload.status()) ==
          "caller certificate is not a node certificate (no node claims)");
    CHECK(w.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "workload"}}) == 1);
  }
}

TEST_CASE("cds: IssueNode refusals name the failed check and issue nothing", "[unit]") {
  struct Case {
    std::string name;
    std::function<NodeJoinInput(World&)> input;
    std::string reason;  // prefix
    bool claim = true;
  };
  auto other_key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  std::vector<Case> cases = {
      {"unclaimed", [](World& w) { return w.Join("n1"); },
       "not claimed: the CDS issues no certificate before the claim", false},
      {"expired challenge",
       [](World& w) {
         NodeJoinInput in = w.Join("n1");
         w.clock.Advance(absl::Seconds(61));
         return in;
       },
       "challenge expired at "},
      {"foreign challenge",
       [](World& w) {
         World other;
         NodeJoinInput in = w.Join("n1");
         Challenge c = *other.cds->NewChallenge();
         auto csr = crypto::CertificateRequest::FromDer(in.csr_der);
         auto ev = testing::Sim().GetEvidence(
             attest::NodeReportData(c.token, csr->GetPublicKey()->SpkiDer()));
         in.evidence = *ev;
         in.evidence.platform = attest::Platform::kSimulatedSevSnp;
         in.challenge = c.token;
         return in;
       },
       "challenge MAC mismatch: not issued by this cluster"},
      {"evidence bound to another key", [&](World& w) { return w.Join("n1", 0, &*other_key); },
       "report data mismatch: "},
      {"evidence for another challenge",
       [](World& w) {
         NodeJoinInput in = w.Join("n1");
         in.challenge = w.cds->NewChallenge()->token;
         return in;
       },
       "report data mismatch: "},
      {"debug guest", [](World& w) { return w.Join("n1", 1); },
       "node policy \"nodes-prod\": snp.allowDebug: got debug enabled"},
      {"TCB below minimum", [](World& w) { return w.Join("n1", 2); },
       "node policy \"nodes-prod\": snp.minTcb"},
      {"corrupted report",
       [](World& w) {
         NodeJoinInput in = w.Join("n1");
         in.evidence.report[0x50] ^= 1;
         return in;
       },
       "evidence: "},
      {"bad node name", [](World& w) { return w.Join("Node_1"); }, "node name \"Node_1\""},
      {"garbage csr",
       [](World& w) {
         NodeJoinInput in = w.Join("n1");
         in.csr_der = ToBytes("not der");
         return in;
       },
       "csr: "},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      World w;
      if (c.claim) w.ClaimOrDie();
      NodeJoinInput in = c.input(w);
      auto before = w.storage.objects();
      auto cert = w.cds->IssueNode(in, {"10.0.0.1", 15443});
      INFO(cert.status().ToString());
      REQUIRE(!cert.ok());
      CHECK(Msg(cert.status()).rfind(c.reason, 0) == 0);
      CHECK(w.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "node"}}) == 0);
      CHECK(w.storage.objects() == before);
      CHECK(w.cds->audit().recent().back().find("\"outcome\":\"refused\"") != std::string::npos);
    }
  }
}

TEST_CASE("cds: policy decisions: measurement, simulated evidence, replay", "[unit]") {
  World w;
  SECTION("measurement not in policy") {
    w.m1.attestation_policies["nodes-prod"].snp->measurements = {HexEncode(Bytes(48, 0x11))};
    w.ClaimOrDie();
    auto cert = w.cds->IssueNode(w.Join("n1"), {});
    CHECK(Msg(cert.status()).rfind("node policy \"nodes-prod\": snp.measurement", 0) == 0);
  }
  SECTION("simulated evidence against a non-simulated policy") {
    w.m1 = testing::NodeManifest(/*allow_simulated=*/false);
    w.ClaimOrDie();
    auto cert = w.cds->IssueNode(w.Join("n1"), {});
    CHECK(Msg(cert.status()) ==
          "node policy \"nodes-prod\": allowSimulated: evidence is simulated-sev-snp but the "
          "policy does not allow simulated evidence");
  }
  SECTION("replayed evidence") {
    w.ClaimOrDie();
    NodeJoinInput in = w.Join("n1");
    REQUIRE(w.cds->IssueNode(in, {}).ok());
    auto again = w.cds->IssueNode(in, {});
    CHECK(Msg(again.status()) == "challenge already used: evidence replayed");
    CHECK(w.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "node"}}) == 1);
  }
  CHECK(w.cds->metrics().Get("c8s_cds_issued_total", {{"kind", "node"}}) <= 1);
}

}  // namespace
}  // namespace c8s::cds
