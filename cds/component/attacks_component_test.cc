// Issue #4's attacks against real c8s-cds processes on loopback: each one refused with its
// exact reason, and nothing issued, stored or activated (metrics, the files of the directory
// storage and the history head compared before and after; only the refusal counter of that
// reason moves, by one). One claimed CDS serves every step in order; a second CDS (another
// seed, a non-simulated node policy, 1 s challenges) provides foreign and expired nonces.
#include <grpcpp/generic/generic_stub.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

// Raw bytes as the request message of `method` (no protobuf encoding).
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& body) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&c, method, grpc::StubOptions(), &request, &response, [&](grpc::Status st) {
    std::lock_guard lock(mu);
    result = std::move(st);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

// Sends `bytes` over plain TCP to 127.0.0.1:`port` and reads until the server closes.
std::string RawTcp(int port, const std::string& bytes) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.get() >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0;) got.append(buf, n);
  return got;
}

TEST_CASE("c8s-cds process: every attack is refused with its reason; nothing issued or stored",
          "[component]") {
  c8s::testing::TempDir dir;
  std::vector<std::string> roots;
  for (int i = 0; i < 3; ++i) {
    roots.insert(roots.end(), {"--simulated-root", dir.Path(StrCat("sim", i, ".pem"))});
    REQUIRE(WriteFile(roots.back(), Sim(i).ArkPem()).ok());
  }
  std::vector<std::string> flags = roots;
  flags.push_back("--simulate-own-evidence");  // GetAttestation serves the sealing key
  CdsProcess cds(dir.Path("a"), flags);
  // Another cluster: its challenges are foreign to `cds`, and expire after 1 s.
  CdsProcess other(dir.Path("b"), {roots[0], roots[1], "--challenge-lifetime", "1"});
  auto channel = Channel(cds.port());
  auto identity = v1::Identity::NewStub(channel);
  auto manifests = v1::Manifest::NewStub(channel);
  auto other_identity = v1::Identity::NewStub(Channel(other.port()));
  World keys;  // owner keys only

  // A challenge of the other CDS, used after it expired at the end.
  auto late_key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  grpc::Status st;
  v1::IssueNodeRequest expired_req = NodeJoinRequest(*other_identity, "late", *late_key, &st);
  REQUIRE(st.ok());
  auto expired_from = std::chrono::steady_clock::now();

  v1::GetAttestationResponse att;
  {
    auto attestation = v1::Attestation::NewStub(channel);
    v1::GetAttestationRequest req;
    req.set_nonce(std::string(32, 'n'));
    grpc::ClientContext c;
    st = attestation->GetAttestation(&c, req, &att);
    INFO(st.error_message());
    REQUIRE(st.ok());
  }
  manifest::Manifest m1 = SecretsManifest(att);
  v1::GetPendingResponse pending1 = Propose(*manifests, m1);
  manifest::ApprovalStatement claim_statement = StatementFor(pending1);
  CHECK(claim_statement.generation == 1);
  v1::ApproveRequest claim =
      ApprovalRequest(keys, pending1.manifest_json(), claim_statement, "alice", &keys.alice);

  // --- Before the claim: nothing is issued or activated ---
  CheckRefused(cds,
               {StatusCode::FAILED_PRECONDITION,
                "approval refused: the CDS is not claimed yet (use Claim with the first manifest)",
                false, "approve"},
               [&] { return Approve(*manifests, claim); });
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*identity, "early", *key, &st);
    REQUIRE(st.ok());
    CheckRefused(
        cds,
        {StatusCode::FAILED_PRECONDITION,
         "not claimed: the CDS issues no certificate before the claim", false, "issue-node"},
        [&] { return IssueNode(*identity, req); });
  }
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: unknown owner \"bob\" (owners: [alice])", false, "claim"},
               [&] {
                 return Claim(*manifests, ApprovalRequest(keys, pending1.manifest_json(),
                                                          claim_statement, "bob", &keys.bob));
               });
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: bad approval signature by owner "
                "\"alice\": ",
                true, "claim"},
               [&] {
                 return Claim(*manifests, ApprovalRequest(keys, pending1.manifest_json(),
                                                          claim_statement, "alice", nullptr));
               });
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "claim refused: bad approval signature by owner "
                "\"alice\": ",
                true, "claim"},
               [&] {
                 return Claim(*manifests, ApprovalRequest(keys, pending1.manifest_json(),
                                                          claim_statement, "alice", &keys.bob));
               });
  st = Claim(*manifests, claim);
  INFO(st.error_message());
  REQUIRE(st.ok());
  {
    grpc::ClientContext c;
    v1::GetPendingResponse none;
    CHECK(manifests->GetPending(&c, {}, &none).error_message() == "no pending proposal");
  }

  // --- History rewrites and bad approvals ---
  CheckRefused(cds,
               {StatusCode::FAILED_PRECONDITION,
                "claim refused: already claimed (generation 1 active)", false, "claim"},
               [&] { return Claim(*manifests, claim); });
  manifest::Manifest m2 = m1;
  m2.identities[0].dns_names.push_back("api2.shop.svc");
  v1::GetPendingResponse pending2 = Propose(*manifests, m2);
  manifest::ApprovalStatement next = StatementFor(pending2);
  REQUIRE(next.generation == 2);
  auto approve_with = [&](manifest::ApprovalStatement s, const crypto::PrivateKey* signer) {
    return Approve(*manifests, ApprovalRequest(keys, "", s, "alice", signer));
  };
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "approval refused: bad approval signature by owner \"alice\": ", true, "approve"},
               [&] { return approve_with(next, nullptr); });
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "approval refused: bad approval signature by owner \"alice\": ", true, "approve"},
               [&] { return approve_with(next, &keys.bob); });
  {
    manifest::ApprovalStatement s = next;
    s.cluster = "sha256:" + std::string(64, 'a');
    CheckRefused(cds,
                 {StatusCode::PERMISSION_DENIED,
                  StrCat("approval refused: approval for cluster ", s.cluster,
                         " but this cluster is ", next.cluster),
                  false, "approve"},
                 [&] { return approve_with(s, &keys.alice); });
  }
  {
    manifest::ApprovalStatement s = next;
    s.generation = 3;
    CheckRefused(
        cds,
        {StatusCode::PERMISSION_DENIED,
         "approval refused: approval is for generation 3, next generation is 2", false, "approve"},
        [&] { return approve_with(s, &keys.alice); });
  }
  {
    manifest::ApprovalStatement s = next;
    s.previous_entry_hash = std::string(manifest::kZeroEntryHash);
    CheckRefused(cds,
                 {StatusCode::PERMISSION_DENIED,
                  StrCat("approval refused: approval names predecessor ", s.previous_entry_hash,
                         " but the active history entry is ", next.previous_entry_hash),
                  false, "approve"},
                 [&] { return approve_with(s, &keys.alice); });
  }
  // The claim's statement and signature sent again as an approval: its manifest is active.
  CheckRefused(
      cds,
      {StatusCode::NOT_FOUND,
       StrCat("approval refused: no pending proposal with hash ", claim_statement.manifest_hash),
       false, "approve"},
      [&] { return Approve(*manifests, claim); });
  st = approve_with(next, &keys.alice);
  INFO(st.error_message());
  REQUIRE(st.ok());
  // A rollback: m1 proposed again, with the owner's old (genuine) claim approval replayed.
  REQUIRE(Propose(*manifests, m1).next_generation() == 3);
  CheckRefused(
      cds,
      {StatusCode::PERMISSION_DENIED,
       "approval refused: approval is for generation 1, next generation is 3", false, "approve"},
      [&] { return Approve(*manifests, claim); });

  // --- Node join ---
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*identity, "node-1", *key, &st);
    REQUIRE(st.ok());
    REQUIRE(IssueNode(*identity, req).ok());
    CheckRefused(cds,
                 {StatusCode::ALREADY_EXISTS, "challenge already used: evidence replayed", false,
                  "issue-node"},
                 [&] { return IssueNode(*identity, req); });
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
       identity.get(),
       {StatusCode::PERMISSION_DENIED, "report data mismatch: evidence carries ", true,
        "issue-node"}},
      {"foreign nonce",
       &Sim(),
       false,
       other_identity.get(),
       {StatusCode::PERMISSION_DENIED, "challenge MAC mismatch: not issued by this cluster", false,
        "issue-node"}},
      {"debug guest",
       &Sim(1),
       false,
       identity.get(),
       {StatusCode::PERMISSION_DENIED,
        "node policy \"nodes-prod\": snp.allowDebug: got debug enabled", true, "issue-node"}},
      {"TCB below minimum",
       &Sim(2),
       false,
       identity.get(),
       {StatusCode::PERMISSION_DENIED, "node policy \"nodes-prod\": snp.minTcb", true,
        "issue-node"}},
      {"measurement not in policy",
       other_measurement->get(),
       false,
       identity.get(),
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
    CheckRefused(cds, a.want, [&] { return IssueNode(*identity, req); });
  }

  // --- Workloads and secrets (mTLS) ---
  IssuedNode node = JoinOrDie(*identity, "node-3");
  crypto::TlsIdentity api = WorkloadOrDie(cds.port(), node, "shop/api");
  crypto::TlsIdentity web = WorkloadOrDie(cds.port(), node, "shop/web");
  {
    v1::ReleaseResponse released;
    st = Release(cds.port(), api, "shop/db-password", &released);
    INFO(st.error_message());
    REQUIRE(st.ok());
    CHECK(released.value() == kSecretValue);
  }
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "releaseTo: identity shop/web may not receive secret shop/db-password "
                "(releaseTo: [shop/api])",
                false, "release"},
               [&] { return Release(cds.port(), web, "shop/db-password"); });
  CheckRefused(cds,
               {StatusCode::PERMISSION_DENIED,
                "secret policy \"secrets-other-measurement\": snp.measurement: got 5a5a5a5a…, "
                "want one of [11111111…]",
                false, "release"},
               [&] { return Release(cds.port(), api, "shop/other-measurement"); });
  CheckRefused(
      cds,
      {StatusCode::PERMISSION_DENIED,
       "notAfter: secret shop/expired expired at 2020-01-01T00:00:00Z, now ", true, "release"},
      [&] { return Release(cds.port(), api, "shop/expired"); });
  {
    auto node_stub =
        v1::Identity::NewStub(Channel(cds.port(), crypto::TlsIdentity{{node.cert}, node.key}));
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    Bytes der = crypto::CertificateRequest::Create(*key, {"w"}, {})->ToDer();
    v1::IssueWorkloadRequest req;
    req.set_csr_der(std::string(der.begin(), der.end()));
    req.set_identity("shop/nope");
    req.set_pod_ref("shop/nope-0");
    CheckRefused(cds,
                 {StatusCode::PERMISSION_DENIED,
                  "identity \"shop/nope\" is not defined by the active manifest (generation 2)",
                  false, "issue-workload"},
                 [&] {
                   grpc::ClientContext c;
                   v1::IssueWorkloadResponse r;
                   return node_stub->IssueWorkload(&c, req, &r);
                 });
  }

  // --- Malformed protobuf: bytes that do not decode never reach the CDS (gRPC 1.51's
  // callback API answers UNIMPLEMENTED with no message, server_callback_handlers.h); decodable
  // requests with malformed content are refused by the CDS with the field named ---
  for (const char* method : {"/c8s.cds.v1.Identity/IssueNode", "/c8s.cds.v1.Manifest/Claim",
                             "/c8s.cds.v1.Manifest/Approve", "/c8s.cds.v1.Manifest/Propose",
                             "/c8s.cds.v1.Secrets/Release"}) {
    INFO(method);
    CheckRefused(cds, {StatusCode::UNIMPLEMENTED, "", false, ""},
                 [&] { return CallRaw(channel, method, std::string("\xff\xff\xff\xff\x0f", 5)); });
  }
  {
    v1::IssueNodeRequest req;
    req.set_node_name("node-5");
    req.set_csr_der("not der");
    req.mutable_evidence()->set_platform("simulated-sev-snp");
    CheckRefused(cds, {StatusCode::INVALID_ARGUMENT, "csr: ", true, "issue-node"}, [&] {
      return CallRaw(channel, "/c8s.cds.v1.Identity/IssueNode", req.SerializeAsString());
    });
    v1::ProposeRequest prop;
    prop.set_manifest_json("{\"apiVersion\": ");
    CheckRefused(cds, {StatusCode::INVALID_ARGUMENT, "manifest: ", true, "propose"}, [&] {
      return CallRaw(channel, "/c8s.cds.v1.Manifest/Propose", prop.SerializeAsString());
    });
    v1::ApproveRequest approve;
    approve.set_statement_json("[]");
    approve.set_owner("alice");
    CheckRefused(cds, {StatusCode::INVALID_ARGUMENT, "approval statement: ", true, "approve"}, [&] {
      return CallRaw(channel, "/c8s.cds.v1.Manifest/Approve", approve.SerializeAsString());
    });
  }
  {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*identity, "node-4", *key, &st);
    REQUIRE(st.ok());
    CHECK(IssueNode(*identity, req).ok());
  }

  // --- Malformed HTTP: 4xx with the reason, nothing counted, the process keeps serving ---
  {
    CdsSnapshot before = TakeSnapshot(cds);
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
      HttpReply r = Https(cds.http_port(), a.method, a.path, a.body);
      CHECK(r.status == a.status);
      nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
      CHECK(body.value("error", "") == a.error);
    }
    CHECK(Https(cds.http_port(), "POST", "/v1/manifest", std::string(64 << 10, 'x')).status == 413);
    // Not TLS at all: the server ends the connection without an HTTP answer.
    CHECK(RawTcp(cds.http_port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/") ==
          std::string::npos);
    CHECK(RawTcp(cds.http_port(), std::string(70000, '\x16')).find("HTTP/") == std::string::npos);
    CdsSnapshot after = TakeSnapshot(cds);
    CHECK(MetricChanges(before, after).empty());
    CHECK(after.objects == before.objects);
    CHECK(Https(cds.http_port(), "GET", "/healthz").status == 200);
  }

  // --- The other CDS: simulated evidence against its non-simulated policy, expired nonce ---
  {
    auto other_manifests = v1::Manifest::NewStub(Channel(other.port()));
    st = ProposeAndApprove(*other_manifests, keys, NodeManifest(false), true);
    INFO(st.error_message());
    REQUIRE(st.ok());
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    v1::IssueNodeRequest req = NodeJoinRequest(*other_identity, "node-1", *key, &st);
    REQUIRE(st.ok());
    CheckRefused(other,
                 {StatusCode::PERMISSION_DENIED,
                  "node policy \"nodes-prod\": allowSimulated: evidence is simulated-sev-snp but "
                  "the policy does not allow simulated evidence",
                  false, "issue-node"},
                 [&] { return IssueNode(*other_identity, req); });
    std::this_thread::sleep_until(expired_from + std::chrono::milliseconds(1100));
    CheckRefused(other,
                 {StatusCode::DEADLINE_EXCEEDED, "challenge expired at ", true, "issue-node"},
                 [&] { return IssueNode(*other_identity, expired_req); });
  }
}

}  // namespace
}  // namespace c8s::cds::testing
