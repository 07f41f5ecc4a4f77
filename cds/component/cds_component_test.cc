// Starts a real c8s-cds process on loopback and drives it over gRPC + TLS.
#include "cds/component/processes_for_test.h"

namespace c8s::cds {
namespace {

namespace v1 = ::c8s::cds::v1;

using testing::CdsProcess;
using testing::Channel;
using testing::ToProto;

TEST_CASE("c8s-cds process: claim, node join, workload, watch, and refusals", "[component]") {
  c8s::testing::TempDir dir;
  std::string root = dir.Path("sim_ark.pem");
  REQUIRE(WriteFile(root, testing::Sim().ArkPem()).ok());
  CdsProcess cds(dir.Path("state"), {"--simulated-root", root});
  auto channel = Channel(cds.port());
  auto identity = v1::Identity::NewStub(channel);
  auto manifests = v1::Manifest::NewStub(channel);

  auto join = [&](const std::string& name, crypto::PrivateKey& key, bool bind_other,
                  v1::IssueNodeResponse* resp, v1::IssueNodeRequest* keep = nullptr) {
    grpc::ClientContext cc;
    v1::ChallengeResponse ch;
    REQUIRE(identity->Challenge(&cc, {}, &ch).ok());
    auto csr = crypto::CertificateRequest::Create(key, {name}, {});
    auto other = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    Bytes spki = (bind_other ? *other : key).GetPublicKey().SpkiDer();
    auto ev = testing::Sim().GetEvidence(attest::NodeReportData(AsBytes(ch.challenge()), spki));
    v1::IssueNodeRequest req;
    Bytes der = csr->ToDer();
    req.set_csr_der(std::string(der.begin(), der.end()));
    ToProto(*ev, req.mutable_evidence());
    req.set_challenge(ch.challenge());
    req.set_node_name(name);
    req.set_node_address("10.0.0.11");
    req.set_mesh_port(15443);
    if (keep) *keep = req;
    grpc::ClientContext c2;
    return identity->IssueNode(&c2, req, resp);
  };

  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  v1::IssueNodeResponse node;
  grpc::Status unclaimed = join("node-1", *key, false, &node);
  CHECK(unclaimed.error_message() == "not claimed: the CDS issues no certificate before the claim");

  // Claim with alice over the wire.
  testing::World local;  // only for keys and the manifest
  grpc::ClientContext ac;
  v1::GetAttestationResponse att;
  auto attestation = v1::Attestation::NewStub(channel);
  v1::GetAttestationRequest areq;
  areq.set_nonce(std::string(32, 'n'));
  grpc::Status no_evidence = attestation->GetAttestation(&ac, areq, &att);
  CHECK(no_evidence.error_message() == "this CDS has no evidence provider configured");
  // The cluster id comes from the served CA (history and bundles are signed by it).
  grpc::ClientContext pc;
  v1::GetPendingResponse pending;
  v1::ProposeRequest prop;
  prop.set_manifest_json(testing::Json(local.m1));
  v1::ProposeResponse presp;
  REQUIRE(manifests->Propose(&pc, prop, &presp).ok());
  CHECK(presp.state() == "PendingApproval");
  grpc::ClientContext gc;
  REQUIRE(manifests->GetPending(&gc, {}, &pending).ok());
  manifest::ApprovalStatement st{pending.cluster(), 1, std::string(manifest::kZeroEntryHash),
                                 pending.manifest_hash()};
  Bytes sig = local.Sign(st, local.alice);
  v1::ApproveRequest claim;
  claim.set_manifest_json(pending.manifest_json());
  claim.set_statement_json(testing::World::Text(st));
  claim.set_owner("alice");
  claim.set_signature(std::string(sig.begin(), sig.end()));
  {
    v1::ApproveRequest by_bob = claim;
    Bytes bob_sig = local.Sign(st, local.bob);
    by_bob.set_owner("bob");
    by_bob.set_signature(std::string(bob_sig.begin(), bob_sig.end()));
    grpc::ClientContext c;
    v1::ApproveResponse r;
    grpc::Status s = manifests->Claim(&c, by_bob, &r);
    CHECK(s.error_message() == "claim refused: unknown owner \"bob\" (owners: [alice])");
  }
  grpc::ClientContext cc;
  v1::ApproveResponse claimed;
  grpc::Status cs = manifests->Claim(&cc, claim, &claimed);
  INFO(cs.error_message());
  REQUIRE(cs.ok());
  CHECK(claimed.generation() == 1);

  v1::IssueNodeRequest sent;
  grpc::Status ok = join("node-1", *key, false, &node, &sent);
  INFO(ok.error_message());
  REQUIRE(ok.ok());
  auto node_cert = crypto::Certificate::FromDer(AsBytes(node.certificate_der()));
  REQUIRE(node_cert.ok());
  CHECK(node_cert->CommonName() == "node-1");
  {
    grpc::ClientContext c;
    v1::IssueNodeResponse r;
    CHECK(identity->IssueNode(&c, sent, &r).error_message() ==
          "challenge already used: evidence replayed");
  }
  {
    v1::IssueNodeResponse r;
    grpc::Status s = join("node-2", *key, true, &r);
    CHECK(s.error_message().rfind("report data mismatch: ", 0) == 0);
  }

  // Workload certificate over mTLS with the node certificate.
  auto ca = crypto::Certificate::FromDer(AsBytes(node.chain_der(0)));
  auto mtls = Channel(cds.port(), crypto::TlsIdentity{{*node_cert}, *key});
  auto identity_mtls = v1::Identity::NewStub(mtls);
  auto wkey = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto wcsr = crypto::CertificateRequest::Create(*wkey, {"api"}, {});
  Bytes wder = wcsr->ToDer();
  v1::IssueWorkloadRequest wreq;
  wreq.set_csr_der(std::string(wder.begin(), wder.end()));
  wreq.set_identity("shop/api");
  wreq.set_pod_ref("shop/api-0");
  {
    grpc::ClientContext c;
    v1::IssueWorkloadResponse r;
    grpc::Status s = identity_mtls->IssueWorkload(&c, wreq, &r);
    INFO(s.error_message());
    REQUIRE(s.ok());
    auto wl = crypto::Certificate::FromDer(AsBytes(r.certificate_der()));
    CHECK(wl->Sans()->uris[0] == "spiffe://prod.example.com/ns/shop/id/api");
  }
  {
    grpc::ClientContext c;
    v1::IssueWorkloadResponse r;
    CHECK(identity->IssueWorkload(&c, wreq, &r).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }

  // Policy.Watch delivers the signed bundle with this node.
  auto policy = v1::Policy::NewStub(mtls);
  grpc::ClientContext wc;
  auto reader = policy->Watch(&wc, {});
  v1::SignedBundle bundle;
  REQUIRE(reader->Read(&bundle));
  CHECK(bundle.generation() == 1);
  auto verified = manifest::VerifyBundle(bundle.signed_bundle_json(), *ca->GetPublicKey(),
                                         "prod.example.com", 1);
  INFO(verified.status().ToString());
  REQUIRE(verified.ok());
  REQUIRE(verified->nodes.size() == 1);
  CHECK(verified->nodes[0].address == "10.0.0.11");
  wc.TryCancel();
}

}  // namespace
}  // namespace c8s::cds
