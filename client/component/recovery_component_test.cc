// Acceptance 3 of the CDS issue and the owner-sealed secret path, with the real c8sctl and
// real c8s-cds processes: the owner seals a secret to the attested sealing key, a simulated
// node and workload obtain it from the CDS; then every replica is lost, a fresh CDS starts
// sealed on the same encrypted storage, `c8sctl recover` hands it the seed with a recovery
// key, and the CA, the history and the secret are the same as before.
#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "client/component/processes.h"
#include "lib/attest/report_data.h"
#include "lib/attest/simulated_snp.h"
#include "lib/base/fd.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/tls.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"
#include "test/support/test_env.h"

namespace c8s::testing {
namespace {

namespace v1 = ::c8s::cds::v1;
using manifest::testing::FixturePath;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// example.json whose node policy accepts this test's simulated nodes.
manifest::Manifest NodeManifest() {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  manifest::AttestationPolicy& p = m.attestation_policies[m.roles.nodes];
  p.allow_simulated = true;
  p.snp->measurements = {SimulatedMeasurementHex()};
  p.snp->min_tcb = {3, 0, 8, 115, 0};
  p.snp->products = {"Milan"};
  p.snp->host_data = {};
  p.snp->chip_ids = {};
  p.snp->min_abi = {0, 0};
  return m;
}

attest::SimulatedSnp& Node() {
  static std::unique_ptr<attest::SimulatedSnp> sim = [] {
    auto s = attest::SimulatedSnp::Create({});
    REQUIRE(s.ok());
    return std::move(*s);
  }();
  return *sim;
}

std::shared_ptr<grpc::Channel> Pinned(const std::string& target, const crypto::Certificate& ca,
                                      std::optional<crypto::TlsIdentity> id = std::nullopt) {
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(ca, Clock::Real());
  return grpc::CreateChannel(target, crypto::MakeGrpcChannelCredentials(id, verifier));
}

// A simulated node joins, gets a workload certificate for shop/api and asks for `ref`.
absl::StatusOr<std::string> Release(const std::string& target, const crypto::Certificate& ca,
                                    const std::string& ref) {
  auto plain = v1::Identity::NewStub(Pinned(target, ca));
  grpc::ClientContext c1;
  v1::ChallengeResponse ch;
  if (grpc::Status st = plain->Challenge(&c1, {}, &ch); !st.ok()) {
    return absl::UnavailableError(st.error_message());
  }
  auto key = *crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto csr = *crypto::CertificateRequest::Create(key, {"node-1"}, {});
  auto ev = Node().GetEvidence(
      attest::NodeReportData(AsBytes(ch.challenge()), key.GetPublicKey().SpkiDer()));
  v1::IssueNodeRequest req;
  Bytes der = csr.ToDer();
  req.set_csr_der(std::string(der.begin(), der.end()));
  req.mutable_evidence()->set_platform("simulated-sev-snp");
  req.mutable_evidence()->set_report(std::string(ev->report.begin(), ev->report.end()));
  for (const Bytes& c : ev->certs) req.mutable_evidence()->add_certificates(ToString(c));
  req.set_challenge(ch.challenge());
  req.set_node_name("node-1");
  req.set_node_address("10.0.0.11");
  req.set_mesh_port(15443);
  grpc::ClientContext c2;
  v1::IssueNodeResponse node;
  if (grpc::Status st = plain->IssueNode(&c2, req, &node); !st.ok()) {
    return absl::PermissionDeniedError("IssueNode: " + st.error_message());
  }
  auto node_cert = *crypto::Certificate::FromDer(AsBytes(node.certificate_der()));
  auto node_id = v1::Identity::NewStub(Pinned(target, ca, crypto::TlsIdentity{{node_cert}, key}));
  auto wkey = *crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto wcsr = *crypto::CertificateRequest::Create(wkey, {"api"}, {});
  v1::IssueWorkloadRequest wreq;
  Bytes wder = wcsr.ToDer();
  wreq.set_csr_der(std::string(wder.begin(), wder.end()));
  wreq.set_identity("shop/api");
  wreq.set_pod_ref("shop/api-0");
  grpc::ClientContext c3;
  v1::IssueWorkloadResponse wl;
  if (grpc::Status st = node_id->IssueWorkload(&c3, wreq, &wl); !st.ok()) {
    return absl::PermissionDeniedError("IssueWorkload: " + st.error_message());
  }
  auto wcert = *crypto::Certificate::FromDer(AsBytes(wl.certificate_der()));
  auto secrets = v1::Secrets::NewStub(Pinned(target, ca, crypto::TlsIdentity{{wcert}, wkey}));
  v1::ReleaseRequest rreq;
  rreq.set_ref(ref);
  grpc::ClientContext c4;
  v1::ReleaseResponse value;
  if (grpc::Status st = secrets->Release(&c4, rreq, &value); !st.ok()) {
    return absl::PermissionDeniedError("Release: " + st.error_message());
  }
  return value.value();
}

struct Cluster {
  TempDir dir;
  std::string node_root = dir.Path("node-root.pem");
  std::string state = dir.Path("owner");
  std::unique_ptr<CdsProcess> cds;

  Cluster() {
    REQUIRE(WriteFile(node_root, Node().ArkPem()).ok());
    Start(false);
  }
  // Cluster mode: the seed only in memory; `sealed_start` never creates a cluster.
  void Start(bool sealed_start) {
    std::vector<std::string> flags = {"--simulated-root", node_root, "--seed-in-memory"};
    if (sealed_start) flags.push_back("--no-create");
    cds = std::make_unique<CdsProcess>(dir.Path("cds"), flags);
  }
  std::vector<std::string> Reference() const {
    return {
        "--measurement",    SimulatedMeasurementHex(), "--allow-simulated", "--image", kCdsImage,
        "--simulated-root", cds->root_pem(),           "--state-dir",       state};
  }
  Ctl Run(std::vector<std::string> args) const {
    args.push_back("--state-dir");
    args.push_back(state);
    return RunCtl(args);
  }
  crypto::Certificate Ca() const {
    return *crypto::Certificate::FromPem(*ReadFile(state + "/ca.pem"));
  }
};

TEST_CASE("sealed secret released; total loss recovered with a recovery key", "[component]") {
  Cluster c;
  std::vector<std::string> verify = {"verify", "--cds", c.cds->target()};
  for (const std::string& f : c.Reference()) verify.push_back(f);
  Ctl v = RunCtl(verify);
  INFO(v.out << v.err);
  REQUIRE(v.code == 0);

  // Claim with a manifest whose recovery key is vault-1 and whose node policy admits the test
  // nodes.
  manifest::Manifest m1 = NodeManifest();
  std::string m1_path = c.dir.Path("m1.json");
  REQUIRE(WriteFile(m1_path, *manifest::CanonicalBytes(m1)).ok());
  std::string alice = FixturePath("owner-alice.key.pem");
  Ctl claim = c.Run({"claim", "--manifest", m1_path, "--key", alice, "--owner", "alice", "--yes"});
  INFO(claim.out << claim.err);
  REQUIRE(claim.code == 0);

  // The owner seals a secret to the attested sealing key; the operator proposes it.
  REQUIRE(WriteFile(c.dir.Path("value"), "correct horse battery staple").ok());
  Ctl seal = c.Run({"secret", "seal", "--ref", "shop/db-password", "--version", "4", "--value-file",
                    c.dir.Path("value")});
  INFO(seal.err);
  REQUIRE(seal.code == 0);
  nlohmann::json source = nlohmann::json::parse(seal.out);
  manifest::Manifest m2 = m1;
  m2.secrets[0].version = 4;
  m2.secrets[0].sealed = manifest::SealedSource{source["sealed"]["suite"], source["sealed"]["enc"],
                                                source["sealed"]["ciphertext"]};
  {
    v1::ProposeRequest req;
    req.set_manifest_json(*manifest::CanonicalBytes(m2));
    v1::ProposeResponse resp;
    grpc::ClientContext ctx;
    REQUIRE(v1::Manifest::NewStub(Pinned(c.cds->target(), c.Ca()))->Propose(&ctx, req, &resp).ok());
  }
  Ctl approve = c.Run({"manifest", "approve", "--key", alice, "--owner", "alice", "--yes"});
  INFO(approve.out << approve.err);
  REQUIRE(approve.code == 0);
  CHECK(Has(approve.out, "secrets[shop/db-password]"));

  auto released = Release(c.cds->target(), c.Ca(), "shop/db-password");
  INFO(released.status().ToString());
  REQUIRE(released.ok());
  CHECK(*released == "correct horse battery staple");

  Ctl backup = c.Run({"backup", "--out", c.dir.Path("backup.json")});
  INFO(backup.out << backup.err);
  REQUIRE(backup.code == 0);
  CHECK(Has(backup.out, "at generation 2"));
  std::string ca_before = *ReadFile(c.state + "/ca.pem");
  Ctl history_before = c.Run({"manifest", "history"});
  REQUIRE(history_before.code == 0);

  // Total loss of the replicas: the seed was only in their memory.
  c.cds->Stop();
  c.Start(/*sealed_start=*/true);
  std::vector<std::string> verify_sealed = {"verify", "--cds", c.cds->target()};
  for (const std::string& f : c.Reference()) verify_sealed.push_back(f);
  Ctl sealed = RunCtl(verify_sealed);
  INFO(sealed.err);
  CHECK(sealed.code == 2);
  CHECK(Has(sealed.err,
            "sealed: this CDS has no seed yet (waiting for a replica or "
            "Recovery.Recover)"));

  // A recovery key the manifest does not list opens nothing; nothing is sent.
  std::string stranger = c.dir.Path("stranger.key.pem");
  REQUIRE(RunCtl({"keygen", "--role", "recovery", "--out", stranger}).code == 0);
  Ctl wrong = c.Run({"recover", "--cds", c.cds->target(), "--recovery-key", stranger,
                     "--measurement", SimulatedMeasurementHex(), "--allow-simulated", "--image",
                     kCdsImage, "--simulated-root", c.cds->root_pem()});
  INFO(wrong.err);
  CHECK(wrong.code == 1);
  CHECK(Has(wrong.err,
            "c8sctl recover: REFUSED: recovery record: no envelope for this recovery "
            "key (envelopes for [vault-1])"));
  // A sealed CDS that is not what the owner expects gets no seed.
  Ctl unexpected =
      c.Run({"recover", "--cds", c.cds->target(), "--recovery-key",
             FixturePath("recovery-vault-1.key.pem"), "--measurement", std::string(96, '6'),
             "--allow-simulated", "--image", kCdsImage, "--simulated-root", c.cds->root_pem()});
  INFO(unexpected.err);
  CHECK(unexpected.code == 1);
  CHECK(Has(unexpected.err, "c8sctl recover: REFUSED (policy): "));
  CHECK_FALSE(Has(unexpected.err, "[3/5]"));

  Ctl recover =
      c.Run({"recover", "--cds", c.cds->target(), "--recovery-key",
             FixturePath("recovery-vault-1.key.pem"), "--measurement", SimulatedMeasurementHex(),
             "--allow-simulated", "--image", kCdsImage, "--simulated-root", c.cds->root_pem()});
  INFO(recover.out << recover.err);
  REQUIRE(recover.code == 0);
  CHECK(Has(recover.out, "(the pinned CA)"));
  CHECK(Has(recover.out, "history:   generation 2"));

  // The same CA, the same history, the same secret.
  CHECK(*ReadFile(c.state + "/ca.pem") == ca_before);
  Ctl history_after = c.Run({"manifest", "history"});
  INFO(history_after.err);
  REQUIRE(history_after.code == 0);
  CHECK(history_after.out == history_before.out);
  auto again = Release(c.cds->target(), c.Ca(), "shop/db-password");
  INFO(again.status().ToString());
  REQUIRE(again.ok());
  CHECK(*again == "correct horse battery staple");
  std::vector<std::string> verify_again = {"verify", "--cds", c.cds->target()};
  for (const std::string& f : c.Reference()) verify_again.push_back(f);
  CHECK(RunCtl(verify_again).code == 0);

  // The storage is lost too: a fresh CDS on empty storage, recovered from the owner's backup
  // (its recovery envelopes included).
  c.cds->Stop();
  std::filesystem::remove_all(c.dir.Path("cds/state"));
  c.Start(/*sealed_start=*/true);
  std::vector<std::string> from_backup = {"recover",
                                          "--cds",
                                          c.cds->target(),
                                          "--recovery-key",
                                          FixturePath("recovery-vault-1.key.pem"),
                                          "--measurement",
                                          SimulatedMeasurementHex(),
                                          "--allow-simulated",
                                          "--image",
                                          kCdsImage,
                                          "--simulated-root",
                                          c.cds->root_pem()};
  Ctl no_backup = c.Run(from_backup);
  INFO(no_backup.out << no_backup.err);
  CHECK(no_backup.code == 1);
  CHECK(Has(no_backup.err, "found no recovery envelopes in its storage (restore a backup"));

  std::string forged = *ReadFile(c.dir.Path("backup.json"));
  nlohmann::json doc = nlohmann::json::parse(forged);
  doc["cluster"] = "sha256:" + std::string(64, 'e');
  REQUIRE(WriteFile(c.dir.Path("other-backup.json"), doc.dump()).ok());
  std::vector<std::string> other = from_backup;
  other.insert(other.end(), {"--backup", c.dir.Path("other-backup.json")});
  Ctl foreign = c.Run(other);
  CHECK(foreign.code == 1);
  CHECK(Has(foreign.err, "is of cluster sha256:eeee"));

  from_backup.insert(from_backup.end(), {"--backup", c.dir.Path("backup.json")});
  Ctl restored = c.Run(from_backup);
  INFO(restored.out << restored.err);
  REQUIRE(restored.code == 0);
  CHECK(Has(restored.out, "(the pinned CA)"));
  CHECK(Has(restored.out, "history:   generation 2"));
  CHECK(Has(restored.out, "restored:  "));
  CHECK(*ReadFile(c.state + "/ca.pem") == ca_before);
  Ctl history_restored = c.Run({"manifest", "history"});
  REQUIRE(history_restored.code == 0);
  CHECK(history_restored.out == history_before.out);
  auto third = Release(c.cds->target(), c.Ca(), "shop/db-password");
  INFO(third.status().ToString());
  REQUIRE(third.ok());
  CHECK(*third == "correct horse battery staple");
}

}  // namespace
}  // namespace c8s::testing
