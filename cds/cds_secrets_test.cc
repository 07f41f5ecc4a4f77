#include <catch2/catch_test_macros.hpp>

#include "cds/testing_for_test.h"

namespace c8s::cds {
namespace {

using testing::World;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

// A Vault stand-in at the SecretStore seam (the component test uses a fake Vault server).
class FakeStore : public SecretStore {
 public:
  absl::StatusOr<KvValue> Read(std::string_view path, std::string_view key,
                               int64_t version) override {
    calls++;
    if (path != "kv/data/shop/db" || key != "password") return absl::NotFoundError("no such");
    if (version == 0 || version == 7) return KvValue{ToBytes("v7-secret"), 7};
    if (version == 6) return KvValue{ToBytes("v6-secret"), 6};
    return absl::NotFoundError(StrCat("vault kv/data/shop/db version ", version, ": not found"));
  }
  int calls = 0;
};

TEST_CASE("secrets: an owner-sealed secret is released only when all three conditions hold",
          "[unit]") {
  World w;
  manifest::Manifest m = w.WithSealedSecret(w.m1, "correct horse");
  // Two more policies: one pins another measurement, one pins host data (not carried in
  // certificates, and not guaranteed by the node policy).
  manifest::AttestationPolicy other = m.attestation_policies.at("nodes-prod");
  other.snp->measurements = {HexEncode(Bytes(48, 0x11))};
  m.attestation_policies["secrets-other-measurement"] = other;
  manifest::AttestationPolicy hostdata = m.attestation_policies.at("nodes-prod");
  hostdata.snp->host_data = {HexEncode(Bytes(32, 0))};
  m.attestation_policies["secrets-hostdata"] = hostdata;
  w.m1 = m;
  w.ClaimOrDie();
  testing::NodeIdentity node = w.JoinOrDie("node-1");
  crypto::Certificate api = w.WorkloadOrDie(node, "shop/api");
  crypto::Certificate web = w.WorkloadOrDie(node, "shop/web");

  auto ok = w.cds->Release("shop/db-password", 0, api);
  INFO(ok.status().ToString());
  REQUIRE(ok.ok());
  CHECK(AsChars(ok->value) == "correct horse");
  CHECK(ok->version == 3);
  CHECK(ok->source == "sealed");
  CHECK(w.cds->Release("shop/db-password", 3, api).ok());
  CHECK(w.cds->metrics().Get("c8s_cds_released_total", {{"source", "sealed"}}) == 2);

  struct Case {
    std::string name;
    std::function<absl::Status()> attempt;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"wrong identity", [&] { return w.cds->Release("shop/db-password", 0, web).status(); },
       "releaseTo: identity shop/web may not receive secret shop/db-password (releaseTo: "
       "[shop/api])"},
      {"node certificate as caller",
       [&] { return w.cds->Release("shop/db-password", 0, node.cert).status(); },
       "caller certificate is not a workload certificate (no workload identity claim)"},
      {"unknown secret", [&] { return w.cds->Release("shop/nope", 0, api).status(); },
       "secret shop/nope is not defined by the active manifest (generation 1)"},
      {"version not sealed", [&] { return w.cds->Release("shop/db-password", 2, api).status(); },
       "secret shop/db-password version 2 is not available (the active manifest seals version "
       "3)"},
      {"after expiry",
       [&] {
         w.clock.Advance(absl::Hours(24 * 120));
         return w.cds->Release("shop/db-password", 0, api).status();
       },
       "notAfter: secret shop/db-password expired at 2027-01-01T00:00:00Z, now "},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto before = w.storage.objects();
      absl::Status st = c.attempt();
      INFO(st.ToString());
      CHECK(Msg(st).rfind(c.reason, 0) == 0);
      CHECK(w.cds->metrics().Get("c8s_cds_released_total", {{"source", "sealed"}}) == 2);
      CHECK(w.storage.objects() == before);
      CHECK(w.cds->audit().recent().back().find("\"event\":\"release\",\"outcome\":\"refused\"") !=
            std::string::npos);
    }
  }

  SECTION("wrong measurement, and what the certificate cannot prove") {
    manifest::Manifest m2 = w.m1;
    m2.secrets[0].policy = "secrets-other-measurement";
    w.ApproveOrDie(m2);
    crypto::Certificate api2 = w.WorkloadOrDie(node, "shop/api");
    CHECK(Msg(w.cds->Release("shop/db-password", 0, api2).status()) ==
          "secret policy \"secrets-other-measurement\": snp.measurement: got "
          "5a5a5a5a…, want one of [11111111…]");
    manifest::Manifest m3 = w.m1;
    m3.secrets[0].policy = "secrets-hostdata";
    w.ApproveOrDie(m3);
    crypto::Certificate api3 = w.WorkloadOrDie(node, "shop/api");
    CHECK(Msg(w.cds->Release("shop/db-password", 0, api3).status()) ==
          "secret policy \"secrets-hostdata\": snp.hostData: not carried by the certificate and "
          "not guaranteed by node policy \"nodes-prod\" of generation 3");
  }
}

TEST_CASE("secrets: Vault KV v2 secrets are released with the version Vault names", "[unit]") {
  FakeStore store;
  CdsOptions o = World::Unlimited();
  o.secret_store = &store;
  World w(o);
  manifest::Secret& s = w.m1.secrets.at(0);
  s.sealed.reset();
  s.vault = manifest::VaultSource{"kv/data/shop/db", "password"};
  w.ClaimOrDie();
  testing::NodeIdentity node = w.JoinOrDie("node-1");
  crypto::Certificate api = w.WorkloadOrDie(node, "shop/api");
  auto v = w.cds->Release("shop/db-password", 0, api);
  REQUIRE(v.ok());
  CHECK(AsChars(v->value) == "v7-secret");
  CHECK(v->version == 7);
  CHECK(v->source == "vault");
  auto old = w.cds->Release("shop/db-password", 6, api);
  REQUIRE(old.ok());
  CHECK(old->version == 6);
  CHECK(Msg(w.cds->Release("shop/db-password", 5, api).status()) ==
        "shop/db-password: vault kv/data/shop/db version 5: not found");
  // The conditions come first: a refused caller never reaches Vault.
  int calls = store.calls;
  crypto::Certificate web = w.WorkloadOrDie(node, "shop/web");
  CHECK(!w.cds->Release("shop/db-password", 0, web).ok());
  CHECK(store.calls == calls);
}

TEST_CASE("revocation: removed identities and nodes that fail a new policy lose their "
          "certificates",
          "[unit]") {
  World w;
  w.m1 = w.WithSealedSecret(w.m1, "s");
  w.ClaimOrDie();
  testing::NodeIdentity node = w.JoinOrDie("node-1");
  crypto::Certificate api = w.WorkloadOrDie(node, "shop/api");
  crypto::Certificate web = w.WorkloadOrDie(node, "shop/web");
  auto crl_serials = [&] {
    auto der = w.cds->CrlDer();
    REQUIRE(der.ok());
    auto crl = crypto::Crl::FromDer(*der);
    REQUIRE(crl.ok());
    REQUIRE(crl->VerifySignature(w.cds->ca_certificate()).ok());
    return crl->RevokedSerials();
  };
  CHECK(crl_serials().empty());

  SECTION("identity removed") {
    w.ApproveOrDie(testing::WithoutIdentity(w.m1, "shop/web"));
    CHECK(crl_serials() == std::vector<std::string>{web.SerialHex()});
    CHECK(w.cds->Revoked().at(0).reason == "identity shop/web removed from the manifest");
    CHECK(w.cds->metrics().Get("c8s_cds_revocations_total") == 1);
    // The node and its other workloads keep working.
    CHECK(w.cds->Release("shop/db-password", 0, api).ok());
    w.WorkloadOrDie(node, "shop/api");
    // Persisted: a restarted CDS still lists it.
    auto again = Cds::Open(w.seed, &w.storage, World::Unlimited(), w.clock, nullptr);
    REQUIRE(again.ok());
    CHECK((*again)->Revoked().size() == 1);
  }
  SECTION("node no longer satisfies the node policy") {
    manifest::Manifest m2 = w.m1;
    m2.attestation_policies["nodes-prod"].snp->min_tcb.microcode = 200;
    w.ApproveOrDie(m2);
    std::vector<std::string> revoked = crl_serials();
    std::sort(revoked.begin(), revoked.end());
    std::vector<std::string> want = {node.cert.SerialHex(), api.SerialHex(), web.SerialHex()};
    std::sort(want.begin(), want.end());
    CHECK(revoked == want);
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto csr = crypto::CertificateRequest::Create(*key, {"w"}, {});
    CHECK(Msg(w.cds->IssueWorkload(csr->ToDer(), "shop/api", "p", node.cert).status()) ==
          StrCat("node certificate ", node.cert.SerialHex(), " is revoked"));
    CHECK(Msg(w.cds->Release("shop/db-password", 0, api).status()) ==
          StrCat("certificate ", api.SerialHex(), " is revoked"));
  }
  SECTION("a node admitted under a looser policy must re-join even when not tracked") {
    // A fresh CDS on the same state does not know the node (the registry is per process),
    // yet refuses its workload requests once the node policy demands what the node
    // certificate cannot prove.
    manifest::Manifest m2 = w.m1;
    m2.attestation_policies["nodes-prod"].snp->host_data = {HexEncode(Bytes(32, 0))};
    auto restarted = Cds::Open(w.seed, &w.storage, w.options, w.clock, nullptr);
    REQUIRE(restarted.ok());
    w.cds = std::move(*restarted);
    w.ApproveOrDie(m2);
    CHECK(w.cds->Revoked().empty());
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto csr = crypto::CertificateRequest::Create(*key, {"w"}, {});
    CHECK(Msg(w.cds->IssueWorkload(csr->ToDer(), "shop/api", "p", node.cert).status()) ==
          "node node-1 no longer satisfies node policy \"nodes-prod\" (re-join with fresh "
          "evidence): snp.hostData: not carried by the certificate and not guaranteed by the "
          "node policy of generation 1 (the node's admission)");
    // After a fresh join (the simulated node's host data is zero) it works again.
    testing::NodeIdentity rejoined = w.JoinOrDie("node-1");
    w.WorkloadOrDie(rejoined, "shop/api");
  }
}

}  // namespace
}  // namespace c8s::cds
