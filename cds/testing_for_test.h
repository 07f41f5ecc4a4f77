// Test-only world for the CDS unit tests: a Cds on memory storage with a FakeClock, the
// example manifest with a simulated node policy, owner keys, and simulated SEV-SNP nodes.
//
//   World w;  w.ClaimOrDie();
//   NodeJoinInput in = w.Join("node-1");               // fresh key, challenge, evidence
//   auto cert = w.cds->IssueNode(in, {});
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <memory>
#include <string>

#include "cds/cds.h"
#include "cds/runtime.h"
#include "lib/attest/report_data.h"
#include "lib/attest/simulated_snp.h"
#include "lib/crypto/hash.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/sealing.h"
#include "lib/manifest/serialize.h"

namespace c8s::cds::testing {

// Simulated SNP platforms, created once per process (RSA key generation is slow).
inline attest::SimulatedSnp& Sim(int which = 0) {
  static std::unique_ptr<attest::SimulatedSnp> sims[3];
  if (!sims[which]) {
    attest::SimulatedSnpConfig c;
    if (which == 1) c.policy |= 1ull << 19;  // debug guest
    if (which == 2) c.tcb.microcode = 100;   // below minTcb
    auto s = attest::SimulatedSnp::Create(c);
    REQUIRE(s.ok());
    sims[which] = std::move(*s);
  }
  return *sims[which];
}

// `p` accepts exactly what Sim(0) reports: measurement 0x5a * 48, its TCB and product.
inline void AcceptSim0(manifest::AttestationPolicy& p, bool allow_simulated = true) {
  p.allow_simulated = allow_simulated;
  p.snp->measurements = {HexEncode(Bytes(48, 0x5a))};
  p.snp->min_tcb = {3, 0, 8, 115, 0};
  p.snp->products = {"Milan"};
  p.snp->host_data = {};
  p.snp->chip_ids = {};
  p.snp->min_abi = {0, 0};
}

// example.json with the node role accepting Sim(0) (simulated evidence allowed or not).
inline manifest::Manifest NodeManifest(bool allow_simulated = true) {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  AcceptSim0(m.attestation_policies[m.roles.nodes], allow_simulated);
  return m;
}

inline std::string Json(const manifest::Manifest& m) { return *manifest::CanonicalBytes(m); }

// `m` without identity `ref` and every reference to it (allowFrom, ingress routes, releaseTo).
inline manifest::Manifest WithoutIdentity(manifest::Manifest m, const std::string& ref) {
  std::erase_if(m.identities, [&](const manifest::Identity& i) { return i.ref == ref; });
  for (manifest::Identity& i : m.identities) std::erase(i.allow_from, ref);
  for (manifest::Ingress& g : m.ingresses) {
    std::erase_if(g.routes, [&](const manifest::IngressRoute& r) { return r.identity == ref; });
  }
  for (manifest::Secret& s : m.secrets) std::erase(s.release_to, ref);
  std::erase_if(m.secrets, [](const manifest::Secret& s) { return s.release_to.empty(); });
  return m;
}

struct NodeIdentity {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

struct World {
  FakeClock clock{absl::FromUnixSeconds(1'790'000'000)};
  MemoryStorage storage;
  Bytes seed = crypto::RandomBytes(32);
  crypto::PrivateKey alice = manifest::testing::LoadFixturePrivateKey("owner-alice.key.pem");
  crypto::PrivateKey bob = manifest::testing::LoadFixturePrivateKey("owner-bob.key.pem");
  manifest::Manifest m1 = NodeManifest();
  std::unique_ptr<Cds> cds;

  // Unit tests join many nodes at one fake instant: no rate limits unless asked for.
  static CdsOptions Unlimited() {
    CdsOptions o;
    o.issue_node_limit = {};
    o.challenge_limit = {};
    return o;
  }
  CdsOptions options;
  explicit World(CdsOptions o = Unlimited()) : options(std::move(o)) {
    for (int i = 0; i < 3; ++i) options.simulated_roots.push_back(ToBytes(Sim(i).ArkPem()));
    auto c = Cds::Open(seed, &storage, options, clock, nullptr);
    INFO(c.status().ToString());
    REQUIRE(c.ok());
    cds = std::move(*c);
  }
  std::string cluster() { return cds->Attestation().cluster; }

  manifest::ApprovalStatement Next(const manifest::Manifest& m) {
    AttestationInfo info = cds->Attestation();
    return {info.cluster, info.generation + 1, info.head_hash, *manifest::ManifestHash(m)};
  }
  static std::string Text(const manifest::ApprovalStatement& st) {
    return *manifest::CanonicalBytes(st);
  }
  Bytes Sign(const manifest::ApprovalStatement& st, const crypto::PrivateKey& key) {
    return *manifest::SignApproval(st, key);
  }
  void ClaimOrDie() {
    manifest::ApprovalStatement st = Next(m1);
    auto a = cds->Claim(Json(m1), Text(st), "alice", Sign(st, alice));
    INFO(a.status().ToString());
    REQUIRE(a.ok());
  }

  // Proposes `next` and approves it with alice's key.
  void ApproveOrDie(const manifest::Manifest& next) {
    auto p = cds->Propose(Json(next));
    INFO(p.status().ToString());
    REQUIRE(p.ok());
    manifest::ApprovalStatement st = Next(next);
    auto a = cds->Approve(Text(st), "alice", Sign(st, alice));
    INFO(a.status().ToString());
    REQUIRE(a.ok());
  }

  // The example secret sealed to this CDS's sealing key.
  manifest::Manifest WithSealedSecret(manifest::Manifest m, std::string_view value) {
    AttestationInfo info = cds->Attestation();
    auto pub = crypto::PublicKey::FromSpkiDer(info.sealing_public_key_der);
    REQUIRE(pub.ok());
    manifest::Secret& s = m.secrets.at(0);
    auto sealed = manifest::SealSecret(*pub, info.cluster, s.ref, s.version, AsBytes(value));
    REQUIRE(sealed.ok());
    s.sealed = *sealed;
    return m;
  }

  NodeIdentity JoinOrDie(const std::string& name) {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    REQUIRE(key.ok());
    auto csr = crypto::CertificateRequest::Create(*key, {name}, {});
    Challenge c = *cds->NewChallenge();
    auto ev = Sim().GetEvidence(attest::NodeReportData(c.token, key->GetPublicKey().SpkiDer()));
    ev->platform = attest::Platform::kSimulatedSevSnp;
    auto cert = cds->IssueNode({csr->ToDer(), *ev, c.token, name}, {"10.0.0.11", 15443});
    INFO(cert.status().ToString());
    REQUIRE(cert.ok());
    return {*key, cert->certificate};
  }

  crypto::Certificate WorkloadOrDie(const NodeIdentity& node, const std::string& identity) {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto csr = crypto::CertificateRequest::Create(*key, {"w"}, {});
    auto cert = cds->IssueWorkload(csr->ToDer(), identity, identity + "-0", node.cert);
    INFO(cert.status().ToString());
    REQUIRE(cert.ok());
    return cert->certificate;
  }

  // A fresh P-256 key, a CSR, a challenge, and evidence from `sim` bound to both (or to
  // `bind_key` when given: evidence bound to another key).
  NodeJoinInput Join(std::string name, int sim = 0, const crypto::PrivateKey* bind_key = nullptr) {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto csr = crypto::CertificateRequest::Create(*key, {name}, {});
    Challenge c = *cds->NewChallenge();
    Bytes spki = (bind_key ? *bind_key : *key).GetPublicKey().SpkiDer();
    auto ev = Sim(sim).GetEvidence(attest::NodeReportData(c.token, spki));
    REQUIRE(ev.ok());
    ev->platform = attest::Platform::kSimulatedSevSnp;
    return NodeJoinInput{csr->ToDer(), *ev, c.token, name};
  }
};

// A CdsRuntime with a seed store the test can read, and simulated own evidence on Sim(0).
class FixedSeed : public SeedStore {
 public:
  absl::StatusOr<std::optional<Bytes>> Load() override { return seed; }
  absl::Status Save(ByteSpan s) override {
    seed = Bytes(s.begin(), s.end());
    return absl::OkStatus();
  }
  void Clear() override { seed.reset(); }
  std::string Describe() const override { return "test"; }
  std::optional<Bytes> seed;
};

struct RuntimeWorld {
  FakeClock clock{absl::FromUnixSeconds(1'790'000'000)};
  FixedSeed seeds;
  SimulatedOwnEvidence evidence;
  std::unique_ptr<CdsRuntime> rt;

  RuntimeWorld(Storage* storage, bool may_create)
      : evidence(attest::SimulatedSnp::FromParts({}, Sim().Parts()).value(),
                 "sha256:" + std::string(64, 'c'), "c8s-system/cds-0") {
    RuntimeConfig c;
    c.storage = storage;
    c.options = World::Unlimited();
    c.clock = &clock;
    c.seed_store = &seeds;
    c.evidence = &evidence;
    c.may_create = may_create;
    auto r = CdsRuntime::Start(std::move(c));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    rt = std::move(*r);
  }
};

}  // namespace c8s::cds::testing
