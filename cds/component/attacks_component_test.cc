// Issue #4's attacks against real c8s-cds processes on loopback: each one refused with its
// exact reason, and nothing issued, stored or activated (metrics, the files of the directory
// storage and the history head compared before and after; only the refusal counter of that
// reason moves, by one). One claimed CDS serves every step in order; a second CDS (another
// seed, a non-simulated node policy, 2 s challenges) provides foreign and expired nonces.
#include "cds/component/refusals_for_test.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/sealing.h"

namespace c8s::cds::testing {
namespace {

using grpc::StatusCode;

constexpr char kSecretValue[] = "correct horse";

// The owner's approval of `statement` for `manifest_json`, signed by `signer` under `owner`'s
// name (empty signature when `signer` is null).
v1::ApproveRequest ApprovalRequest(World& keys, const std::string& manifest_json,
                                   const manifest::ApprovalStatement& statement,
                                   const std::string& owner, const crypto::PrivateKey* signer) {
  v1::ApproveRequest req;
  req.set_manifest_json(manifest_json);
  req.set_statement_json(World::Text(statement));
  req.set_owner(owner);
  if (signer != nullptr) {
    Bytes sig = keys.Sign(statement, *signer);
    req.set_signature(std::string(sig.begin(), sig.end()));
  }
  return req;
}

grpc::Status Claim(v1::Manifest::Stub& manifests, const v1::ApproveRequest& req) {
  grpc::ClientContext c;
  v1::ApproveResponse r;
  return manifests.Claim(&c, req, &r);
}

grpc::Status Approve(v1::Manifest::Stub& manifests, const v1::ApproveRequest& req) {
  grpc::ClientContext c;
  v1::ApproveResponse r;
  return manifests.Approve(&c, req, &r);
}

v1::GetPendingResponse Propose(v1::Manifest::Stub& manifests, const manifest::Manifest& m) {
  v1::ProposeRequest prop;
  prop.set_manifest_json(Json(m));
  v1::ProposeResponse presp;
  grpc::ClientContext pc;
  REQUIRE(manifests.Propose(&pc, prop, &presp).ok());
  v1::GetPendingRequest preq;
  preq.set_manifest_hash(presp.manifest_hash());
  v1::GetPendingResponse pending;
  grpc::ClientContext gc;
  REQUIRE(manifests.GetPending(&gc, preq, &pending).ok());
  return pending;
}

manifest::ApprovalStatement StatementFor(const v1::GetPendingResponse& pending) {
  return {pending.cluster(), static_cast<int64_t>(pending.next_generation()),
          pending.previous_entry_hash(), pending.manifest_hash()};
}

// NodeManifest with three sealed secrets for shop/api: one it may receive, one that expired,
// and one whose policy wants another measurement than the nodes have.
manifest::Manifest SecretsManifest(const v1::GetAttestationResponse& att) {
  manifest::Manifest m = NodeManifest();
  auto ca = crypto::Certificate::FromDer(AsBytes(att.ca_certificate_der()));
  REQUIRE(ca.ok());
  std::string cluster = manifest::ClusterId(*ca->GetPublicKey());
  auto sealing = crypto::PublicKey::FromSpkiDer(AsBytes(att.sealing_public_key_der()));
  REQUIRE(sealing.ok());
  manifest::AttestationPolicy other = m.attestation_policies.at(m.roles.nodes);
  other.snp->measurements = {HexEncode(Bytes(48, 0x11))};
  m.attestation_policies["secrets-other-measurement"] = other;
  manifest::Secret base = m.secrets.at(0);
  base.not_after = "2099-01-01T00:00:00Z";
  manifest::Secret expired = base;
  expired.ref = "shop/expired";
  expired.not_after = "2020-01-01T00:00:00Z";
  manifest::Secret measured = base;
  measured.ref = "shop/other-measurement";
  measured.policy = "secrets-other-measurement";
  m.secrets = {base, expired, measured};
  for (manifest::Secret& s : m.secrets) {
    auto sealed = manifest::SealSecret(*sealing, cluster, s.ref, s.version, AsBytes(kSecretValue));
    REQUIRE(sealed.ok());
    s.sealed = *sealed;
  }
  return m;
}

struct IssuedNode {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

IssuedNode JoinOrDie(v1::Identity::Stub& identity, const std::string& name) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  REQUIRE(key.ok());
  grpc::Status st;
  v1::IssueNodeRequest req = NodeJoinRequest(identity, name, *key, &st);
  REQUIRE(st.ok());
  grpc::ClientContext c;
  v1::IssueNodeResponse resp;
  st = identity.IssueNode(&c, req, &resp);
  INFO(st.error_message());
  REQUIRE(st.ok());
  auto cert = crypto::Certificate::FromDer(AsBytes(resp.certificate_der()));
  REQUIRE(cert.ok());
  return {*key, *cert};
}

crypto::TlsIdentity WorkloadOrDie(int port, const IssuedNode& node, const std::string& identity) {
  auto stub = v1::Identity::NewStub(Channel(port, crypto::TlsIdentity{{node.cert}, node.key}));
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto csr = crypto::CertificateRequest::Create(*key, {"w"}, {});
  Bytes der = csr->ToDer();
  v1::IssueWorkloadRequest req;
  req.set_csr_der(std::string(der.begin(), der.end()));
  req.set_identity(identity);
  req.set_pod_ref(identity + "-0");
  grpc::ClientContext c;
  v1::IssueWorkloadResponse resp;
  grpc::Status st = stub->IssueWorkload(&c, req, &resp);
  INFO(st.error_message());
  REQUIRE(st.ok());
  auto cert = crypto::Certificate::FromDer(AsBytes(resp.certificate_der()));
  REQUIRE(cert.ok());
  return crypto::TlsIdentity{{*cert}, *key};
}

grpc::Status Release(int port, const crypto::TlsIdentity& caller, const std::string& ref,
                     v1::ReleaseResponse* out = nullptr) {
  auto secrets = v1::Secrets::NewStub(Channel(port, caller));
  v1::ReleaseRequest req;
  req.set_ref(ref);
  grpc::ClientContext c;
  v1::ReleaseResponse resp;
  grpc::Status st = secrets->Release(&c, req, &resp);
  if (out != nullptr) *out = resp;
  return st;
}

grpc::Status IssueNode(v1::Identity::Stub& identity, const v1::IssueNodeRequest& req) {
  grpc::ClientContext c;
  v1::IssueNodeResponse r;
  return identity.IssueNode(&c, req, &r);
}

// --simulated-root flags for Sim(0..2), their ARKs written into `dir`.
std::vector<std::string> SimulatedRootFlags(const c8s::testing::TempDir& dir) {
  std::vector<std::string> flags;
  for (int i = 0; i < 3; ++i) {
    flags.insert(flags.end(), {"--simulated-root", dir.Path(StrCat("sim", i, ".pem"))});
    REQUIRE(WriteFile(flags.back(), Sim(i).ArkPem()).ok());
  }
  return flags;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Two CDS processes on loopback: `cds`, attacked throughout, and `other`, another cluster
// (another seed, a non-simulated node policy, 2 s challenges) whose challenges are foreign to
// `cds` and expire soon.
struct Scene {
  c8s::testing::TempDir dir;
  std::vector<std::string> roots = SimulatedRootFlags(dir);
  // GetAttestation serves the sealing key the owner seals secrets to.
  CdsProcess cds{dir.Path("a"), Concat(roots, {"--simulate-own-evidence"})};
  CdsProcess other{dir.Path("b"), {roots[0], roots[1], "--challenge-lifetime", "2"}};
  std::shared_ptr<grpc::Channel> channel = Channel(cds.port());
  std::unique_ptr<v1::Identity::Stub> identity = v1::Identity::NewStub(channel);
  std::unique_ptr<v1::Manifest::Stub> manifests = v1::Manifest::NewStub(channel);
  std::unique_ptr<v1::Identity::Stub> other_identity = v1::Identity::NewStub(Channel(other.port()));
  World keys;                                   // owner keys only
  manifest::Manifest m1;                        // claimed: generation 1
  manifest::ApprovalStatement claim_statement;  // alice's, with `claim`
  v1::ApproveRequest claim;
};

// Approvals, joins and claims that must not activate or issue anything; then the claim.
void RefusedBeforeTheClaim(Scene& s) {
  grpc::Status st;
  v1::GetAttestationResponse att;
  {
    auto attestation = v1::Attestation::NewStub(s.channel);
    v1::GetAttestationRequest req;
    req.set_nonce(std::string(32, 'n'));
    grpc::ClientContext c;
    st = attestation->GetAttestation(&c, req, &att);
    INFO(st.error_message());
    REQUIRE(st.ok());
  }
  s.m1 = SecretsManifest(att);
  {
    // Automatic approval takes effect only once an owner-approved manifest enables it.
    manifest::Manifest automatic = s.m1;
    automatic.approval = manifest::ApprovalMode::kAutomatic;
    CdsSnapshot before = TakeSnapshot(s.cds);
    v1::ProposeRequest prop;
    prop.set_manifest_json(Json(automatic));
    v1::ProposeResponse presp;
    grpc::ClientContext c;
    st = s.manifests->Propose(&c, prop, &presp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    CHECK(presp.state() == "PendingApproval");
    CHECK(presp.generation() == 0);
    CdsSnapshot after = TakeSnapshot(s.cds);
    CHECK(after.generation == 0);
    CHECK(after.metrics.at("c8s_cds_claimed") == 0);
    CHECK(after.metrics.count("c8s_cds_activations_total{event=\"propose\"}") == 0);
    CHECK(MetricChanges(before, after) ==
          StrCat("c8s_cds_state_version: ", before.metrics.at("c8s_cds_state_version"), " -> ",
                 before.metrics.at("c8s_cds_state_version") + 1, "\n"));
  }
  v1::GetPendingResponse pending1 = Propose(*s.manifests, s.m1);
  s.claim_statement = StatementFor(pending1);
  CHECK(s.claim_statement.generation == 1);
  s.claim =
      ApprovalRequest(s.keys, pending1.manifest_json(), s.claim_statement, "alice", &s.keys.alice);

  CheckRefused(s.cds,
               {StatusCode::FAILED_PRECONDITION,
                "approval refused: the CDS is not claimed yet (use Claim with the first manifest)",
                false, "approve"},
               [&] { return Approve(*s.manifests, s.claim); });
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*s.identity, "early", *key, &st);
    REQUIRE(st.ok());
    CheckRefused(
        s.cds,
        {StatusCode::FAILED_PRECONDITION,
         "not claimed: the CDS issues no certificate before the claim", false, "issue-node"},
        [&] { return IssueNode(*s.identity, req); });
  }
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: unknown owner \"bob\" (owners: [alice])", false, "claim"},
               [&] {
                 return Claim(*s.manifests, ApprovalRequest(s.keys, pending1.manifest_json(),
                                                            s.claim_statement, "bob", &s.keys.bob));
               });
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: bad approval signature by owner \"alice\": Ed25519 signature "
                "verification failed over ",
                true, "claim"},
               [&] {
                 return Claim(*s.manifests, ApprovalRequest(s.keys, pending1.manifest_json(),
                                                            s.claim_statement, "alice", nullptr));
               });
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: bad approval signature by owner \"alice\": Ed25519 signature "
                "verification failed over ",
                true, "claim"},
               [&] {
                 return Claim(*s.manifests,
                              ApprovalRequest(s.keys, pending1.manifest_json(), s.claim_statement,
                                              "alice", &s.keys.bob));
               });
  st = Claim(*s.manifests, s.claim);
  INFO(st.error_message());
  REQUIRE(st.ok());
  {
    grpc::ClientContext c;
    v1::GetPendingRequest claimed;
    claimed.set_manifest_hash(pending1.manifest_hash());
    v1::GetPendingResponse none;
    CHECK(s.manifests->GetPending(&c, claimed, &none).error_message() ==
          "no pending proposal with hash " + pending1.manifest_hash());
  }
}

// History rewrites, badly signed, misdirected and replayed approvals; then generation 2.
void RefusedManifestChanges(Scene& s) {
  grpc::Status st;
  CheckRefused(s.cds,
               {StatusCode::FAILED_PRECONDITION,
                "claim refused: already claimed (generation 1 active)", false, "claim"},
               [&] { return Claim(*s.manifests, s.claim); });
  manifest::Manifest m2 = s.m1;
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  v1::GetPendingResponse pending2 = Propose(*s.manifests, m2);
  manifest::ApprovalStatement next = StatementFor(pending2);
  REQUIRE(next.generation == 2);
  auto approve_with = [&](const manifest::ApprovalStatement& statement,
                          const crypto::PrivateKey* signer) {
    return Approve(*s.manifests, ApprovalRequest(s.keys, "", statement, "alice", signer));
  };
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "approval refused: bad approval signature by owner \"alice\": Ed25519 signature "
                "verification failed over ",
                true, "approve"},
               [&] { return approve_with(next, nullptr); });
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "approval refused: bad approval signature by owner \"alice\": Ed25519 signature "
                "verification failed over ",
                true, "approve"},
               [&] { return approve_with(next, &s.keys.bob); });
  {
    manifest::ApprovalStatement bad = next;
    bad.cluster = "sha256:" + std::string(64, 'a');
    CheckRefused(s.cds,
                 {StatusCode::PERMISSION_DENIED,
                  StrCat("approval refused: approval for cluster ", bad.cluster,
                         " but this cluster is ", next.cluster),
                  false, "approve"},
                 [&] { return approve_with(bad, &s.keys.alice); });
  }
  {
    manifest::ApprovalStatement bad = next;
    bad.generation = 3;
    CheckRefused(
        s.cds,
        {StatusCode::PERMISSION_DENIED,
         "approval refused: approval is for generation 3, next generation is 2", false, "approve"},
        [&] { return approve_with(bad, &s.keys.alice); });
  }
  {
    manifest::ApprovalStatement bad = next;
    bad.previous_entry_hash = std::string(manifest::kZeroEntryHash);
    CheckRefused(s.cds,
                 {StatusCode::PERMISSION_DENIED,
                  StrCat("approval refused: approval names predecessor ", bad.previous_entry_hash,
                         " but the active history entry is ", next.previous_entry_hash),
                  false, "approve"},
                 [&] { return approve_with(bad, &s.keys.alice); });
  }
  // The claim's statement and signature sent again as an approval: its manifest is active.
  CheckRefused(
      s.cds,
      {StatusCode::NOT_FOUND,
       StrCat("approval refused: no pending proposal with hash ", s.claim_statement.manifest_hash),
       false, "approve"},
      [&] { return Approve(*s.manifests, s.claim); });
  st = approve_with(next, &s.keys.alice);
  INFO(st.error_message());
  REQUIRE(st.ok());
  // A rollback: s.m1 proposed again, with the owner's old (genuine) claim approval replayed.
  REQUIRE(Propose(*s.manifests, s.m1).next_generation() == 3);
  CheckRefused(
      s.cds,
      {StatusCode::PERMISSION_DENIED,
       "approval refused: approval is for generation 1, next generation is 3", false, "approve"},
      [&] { return Approve(*s.manifests, s.claim); });
}

// Replayed, misbound, foreign and policy-violating node evidence.
void RefusedNodeJoins(Scene& s) {
  grpc::Status st;
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*s.identity, "node-1", *key, &st);
    REQUIRE(st.ok());
    REQUIRE(IssueNode(*s.identity, req).ok());
    CheckRefused(s.cds,
                 {StatusCode::ALREADY_EXISTS, "challenge already used: evidence replayed", false,
                  "issue-node"},
                 [&] { return IssueNode(*s.identity, req); });
  }
  struct JoinAttack {
    std::string name;
    attest::SimulatedSnp* platform;
    bool bind_other_key;
    v1::Identity::Stub* challenger;
    Refusal want;
  };
  attest::SimulatedSnpConfig measured_config;
  measured_config.measurement = Bytes(48, 0x11);
  auto other_measurement = attest::SimulatedSnp::FromParts(measured_config, Sim().Parts());
  REQUIRE(other_measurement.ok());
  std::vector<JoinAttack> joins = {
      {"evidence bound to another key",
       &Sim(),
       true,
       s.identity.get(),
       {StatusCode::PERMISSION_DENIED, "report data mismatch: evidence carries ", true,
        "issue-node"}},
      {"foreign nonce",
       &Sim(),
       false,
       s.other_identity.get(),
       {StatusCode::PERMISSION_DENIED, "challenge MAC mismatch: not issued by this cluster", false,
        "issue-node"}},
      {"debug guest",
       &Sim(1),
       false,
       s.identity.get(),
       {StatusCode::PERMISSION_DENIED,
        "node policy \"nodes-prod\": snp.allowDebug: got debug enabled (guest policy bit 19), "
        "want disabled",
        false, "issue-node"}},
      {"TCB below minimum",
       &Sim(2),
       false,
       s.identity.get(),
       {StatusCode::PERMISSION_DENIED,
        "node policy \"nodes-prod\": snp.minTcb.microcode: got 100, want >= 115", false,
        "issue-node"}},
      {"measurement not in policy",
       other_measurement->get(),
       false,
       s.identity.get(),
       {StatusCode::PERMISSION_DENIED,
        "node policy \"nodes-prod\": snp.measurement: got 11111111…, want one of [5a5a5a5a…]",
        false, "issue-node"}},
  };
  for (const JoinAttack& a : joins) {
    INFO(a.name);
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    auto bound = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*a.challenger, "node-2", *key, &st, *a.platform,
                                               a.bind_other_key ? &*bound : nullptr);
    REQUIRE(st.ok());
    CheckRefused(s.cds, a.want, [&] { return IssueNode(*s.identity, req); });
  }
}

// Secrets.Release by the wrong identity, measurement and after expiry; an undefined
// identity. A released secret first shows the conditions can hold.
void RefusedWorkloadsAndSecrets(Scene& s) {
  grpc::Status st;
  IssuedNode node = JoinOrDie(*s.identity, "node-3");
  crypto::TlsIdentity api = WorkloadOrDie(s.cds.port(), node, "shop/api");
  crypto::TlsIdentity web = WorkloadOrDie(s.cds.port(), node, "shop/web");
  {
    v1::ReleaseResponse released;
    st = Release(s.cds.port(), api, "shop/db-password", &released);
    INFO(st.error_message());
    REQUIRE(st.ok());
    CHECK(released.value() == kSecretValue);
  }
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "releaseTo: identity shop/web may not receive secret shop/db-password "
                "(releaseTo: [shop/api])",
                false, "release"},
               [&] { return Release(s.cds.port(), web, "shop/db-password"); });
  CheckRefused(s.cds,
               {StatusCode::PERMISSION_DENIED,
                "secret policy \"secrets-other-measurement\": snp.measurement: got 5a5a5a5a…, "
                "want one of [11111111…]",
                false, "release"},
               [&] { return Release(s.cds.port(), api, "shop/other-measurement"); });
  CheckRefused(
      s.cds,
      {StatusCode::PERMISSION_DENIED,
       "notAfter: secret shop/expired expired at 2020-01-01T00:00:00Z, now ", true, "release"},
      [&] { return Release(s.cds.port(), api, "shop/expired"); });
  {
    auto node_stub =
        v1::Identity::NewStub(Channel(s.cds.port(), crypto::TlsIdentity{{node.cert}, node.key}));
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    Bytes der = crypto::CertificateRequest::Create(*key, {"w"}, {})->ToDer();
    v1::IssueWorkloadRequest req;
    req.set_csr_der(std::string(der.begin(), der.end()));
    req.set_identity("shop/nope");
    req.set_pod_ref("shop/nope-0");
    CheckRefused(s.cds,
                 {StatusCode::PERMISSION_DENIED,
                  "identity \"shop/nope\" is not defined by the active manifest (generation 2)",
                  false, "issue-workload"},
                 [&] {
                   grpc::ClientContext c;
                   v1::IssueWorkloadResponse r;
                   return node_stub->IssueWorkload(&c, req, &r);
                 });
  }
}

// Bytes that do not decode never reach the CDS (gRPC 1.51's callback API answers
// UNIMPLEMENTED with no message: server_callback_handlers.h); decodable requests with
// malformed content are refused by the CDS with the field named; malformed HTTPS gets a 4xx
// with the reason. The process keeps serving.
void RefusedMalformedRequests(Scene& s) {
  grpc::Status st;
  for (const char* method : {"/c8s.cds.v1.Identity/IssueNode", "/c8s.cds.v1.Manifest/Claim",
                             "/c8s.cds.v1.Manifest/Approve", "/c8s.cds.v1.Manifest/Propose",
                             "/c8s.cds.v1.Secrets/Release"}) {
    INFO(method);
    CheckRefused(s.cds, {StatusCode::UNIMPLEMENTED, "", false, ""}, [&] {
      return CallRaw(s.channel, method, std::string("\xff\xff\xff\xff\x0f", 5));
    });
  }
  {
    v1::IssueNodeRequest req;
    req.set_node_name("node-5");
    req.set_csr_der("not der");
    req.mutable_evidence()->set_platform("simulated-sev-snp");
    CheckRefused(s.cds, {StatusCode::INVALID_ARGUMENT, "csr: ", true, "issue-node"}, [&] {
      return CallRaw(s.channel, "/c8s.cds.v1.Identity/IssueNode", req.SerializeAsString());
    });
    v1::ProposeRequest prop;
    prop.set_manifest_json("{\"apiVersion\": ");
    CheckRefused(s.cds, {StatusCode::INVALID_ARGUMENT, "manifest: ", true, "propose"}, [&] {
      return CallRaw(s.channel, "/c8s.cds.v1.Manifest/Propose", prop.SerializeAsString());
    });
    v1::ApproveRequest approve;
    approve.set_statement_json("[]");
    approve.set_owner("alice");
    CheckRefused(
        s.cds, {StatusCode::INVALID_ARGUMENT, "approval statement: ", true, "approve"}, [&] {
          return CallRaw(s.channel, "/c8s.cds.v1.Manifest/Approve", approve.SerializeAsString());
        });
  }
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*s.identity, "node-4", *key, &st);
    REQUIRE(st.ok());
    CHECK(IssueNode(*s.identity, req).ok());
  }

  // --- Malformed HTTP: 4xx with the reason, nothing counted, the process keeps serving ---
  {
    CdsSnapshot before = TakeSnapshot(s.cds);
    struct HttpAttack {
      std::string method, path, body;
      int status;
      std::string error;
    };
    std::vector<HttpAttack> attacks = {
        {"GET", "/v1/attestation?nonce=zz", "", 400,
         "nonce: 2 characters, want 64 hex digits (32 bytes)"},
        {"GET", "/v1/attestation?nonce=" + std::string(64, 'g'), "", 400, "nonce: not hex"},
        {"GET", "/v1/attestation", "", 400, "nonce: missing (want ?nonce=<64 hex digits>)"},
        {"GET", "/v1/attestation?nonce=" + std::string(64, 'a') + "&nonce=" + std::string(64, 'b'),
         "", 400, "query parameter \"nonce\" given twice"},
        {"GET", "/v1/manifest/history?from=-1", "", 400, "from: want a generation number"},
        {"GET", "/v1/nope", "", 404, "no such endpoint: /v1/nope"},
        {"POST", "/v1/manifest", "{}", 405,
         "method POST not allowed: the CDS HTTP endpoints are GET only"},
    };
    for (const HttpAttack& a : attacks) {
      INFO(a.method << " " << a.path);
      HttpReply r = Https(s.cds.http_port(), a.method, a.path, a.body);
      CHECK(r.status == a.status);
      nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
      CHECK(body.value("error", "") == a.error);
    }
    CHECK(Https(s.cds.http_port(), "POST", "/v1/manifest", std::string(64 << 10, 'x')).status ==
          413);
    // Not TLS at all: the server ends the connection without an HTTP answer.
    CHECK(RawTcp(s.cds.http_port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/") ==
          std::string::npos);
    CHECK(RawTcp(s.cds.http_port(), std::string(70000, '\x16')).find("HTTP/") == std::string::npos);
    CdsSnapshot after = TakeSnapshot(s.cds);
    CHECK(MetricChanges(before, after).empty());
    CHECK(after.objects == before.objects);
    CHECK(Https(s.cds.http_port(), "GET", "/healthz").status == 200);
  }
}

// The other CDS, claimed with a node policy that refuses simulated evidence: Sim(0)'s evidence
// is refused there, and its own challenge taken at `expired_from` has expired. Expiry is
// kept in whole seconds (rounded down), so a 2 s challenge lives more than 1 s and at most 2 s:
// long enough for a request sent at once, and surely over 2 s after it was taken.
void RefusedByTheOtherCluster(Scene& s, const v1::IssueNodeRequest& expired,
                              std::chrono::steady_clock::time_point expired_from) {
  grpc::Status st;
  auto other_manifests = v1::Manifest::NewStub(Channel(s.other.port()));
  st = ProposeAndApprove(*other_manifests, s.keys, NodeManifest(false), true);
  INFO(st.error_message());
  REQUIRE(st.ok());
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  v1::IssueNodeRequest req = NodeJoinRequest(*s.other_identity, "node-1", *key, &st);
  REQUIRE(st.ok());
  CheckRefused(s.other,
               {StatusCode::PERMISSION_DENIED,
                "node policy \"nodes-prod\": allowSimulated: evidence is simulated-sev-snp but "
                "the policy does not allow simulated evidence",
                false, "issue-node"},
               [&] { return IssueNode(*s.other_identity, req); });
  std::this_thread::sleep_until(expired_from + std::chrono::milliseconds(2050));
  CheckRefused(s.other,
               {StatusCode::DEADLINE_EXCEEDED, "challenge expired at ", true, "issue-node"},
               [&] { return IssueNode(*s.other_identity, expired); });
}

TEST_CASE("c8s-cds process: every attack is refused with its reason; nothing issued or stored",
          "[component]") {
  Scene s;
  // A challenge of the other CDS, used after it expired at the end.
  auto late_key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  grpc::Status st;
  v1::IssueNodeRequest expired = NodeJoinRequest(*s.other_identity, "late", *late_key, &st);
  REQUIRE(st.ok());
  auto expired_from = std::chrono::steady_clock::now();

  RefusedBeforeTheClaim(s);
  RefusedManifestChanges(s);
  RefusedNodeJoins(s);
  RefusedWorkloadsAndSecrets(s);
  RefusedMalformedRequests(s);
  RefusedByTheOtherCluster(s, expired, expired_from);
}

}  // namespace
}  // namespace c8s::cds::testing
