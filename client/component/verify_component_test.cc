// Acceptance 4 of the CDS issue: `c8sctl verify` against a real c8s-cds with simulated
// evidence passes only when the expected values match, and prints why not otherwise.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <catch2/catch_test_macros.hpp>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "client/component/processes.h"
#include "lib/base/fd.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509_testing.h"
#include "test/support/test_env.h"

namespace c8s::testing {
namespace {

namespace v1 = ::c8s::cds::v1;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

class AnyPeer : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no certificate");
    auto leaf = crypto::Certificate::FromDer(chain[0]);
    if (!leaf.ok()) return leaf.status();
    return crypto::VerifiedPeer{*leaf, {*leaf}, "", {}};
  }
};

// A man in the middle with its own TLS certificate that forwards GetAttestation to the real
// CDS, optionally rewriting the answer.
class Relay final : public v1::Attestation::Service {
 public:
  Relay(const std::string& upstream, std::function<void(v1::GetAttestationResponse&)> rewrite)
      : rewrite_(std::move(rewrite)) {
    stub_ = v1::Attestation::NewStub(grpc::CreateChannel(
        upstream, crypto::MakeGrpcChannelCredentials(std::nullopt, std::make_shared<AnyPeer>())));
    crypto::CertificateAuthority ca = crypto::testing::MakeCa("mitm CA");
    auto opt = crypto::LeafOptions({"c8s-cds"}, absl::Now(), absl::Hours(1));
    opt.server_auth = true;
    opt.sans.dns = {"localhost"};
    opt.sans.ips = {"127.0.0.1"};
    crypto::testing::Leaf leaf = crypto::testing::IssueLeaf(ca, "c8s-cds", opt);
    grpc::ServerBuilder b;
    namespace gx = grpc::experimental;
    gx::TlsServerCredentialsOptions tls(
        std::make_shared<gx::StaticDataCertificateProvider>(std::vector<gx::IdentityKeyCertPair>{
            {leaf.key.ToPem(), leaf.cert.ToPem() + ca.certificate().ToPem()}}));
    tls.watch_identity_key_cert_pairs();
    b.AddListeningPort("127.0.0.1:0", gx::TlsServerCredentials(tls), &port_);
    b.RegisterService(this);
    server_ = b.BuildAndStart();
    REQUIRE(port_ != 0);
  }
  ~Relay() override { server_->Shutdown(); }
  grpc::Status GetAttestation(grpc::ServerContext*, const v1::GetAttestationRequest* req,
                              v1::GetAttestationResponse* resp) override {
    grpc::ClientContext c;
    grpc::Status st = stub_->GetAttestation(&c, *req, resp);
    if (st.ok() && rewrite_) rewrite_(*resp);
    return st;
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::function<void(v1::GetAttestationResponse&)> rewrite_;
  std::unique_ptr<v1::Attestation::Stub> stub_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

struct World {
  TempDir dir;
  CdsProcess cds{dir.Path("cds")};
  std::vector<std::string> Verify(const std::string& target, const std::string& state,
                                  std::vector<std::string> extra) {
    std::vector<std::string> args = {"verify", "--cds", target, "--state-dir", dir.Path(state)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::vector<std::string> Good() const {
    return {"--measurement", SimulatedMeasurementHex(), "--allow-simulated", "--image",
            kCdsImage,       "--simulated-root",        cds.root_pem()};
  }
};

TEST_CASE("c8sctl verify passes with matching values and pins the CA", "[component]") {
  World w;
  Ctl r = RunCtl(w.Verify(w.cds.target(), "s", w.Good()));
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(Has(r.out, "CDS " + w.cds.target() + ": verified"));
  CHECK(Has(r.out, "assurance:    simulated: SIMULATED evidence"));
  CHECK(Has(r.out, "state:        UNCLAIMED"));
  CHECK(Has(r.out, "image " + kCdsImage + ", pod c8s-system/cds-0"));
  CHECK(Has(r.err, "[1/4] attestation from"));
  CHECK(Has(r.err, "WARNING: the CDS's evidence is SIMULATED"));
  auto ca = crypto::Certificate::FromPem(ReadFile(w.dir.Path("s/ca.pem")).value_or(""));
  REQUIRE(ca.ok());
  CHECK(ca->IsCa());
  CHECK(ReadFile(w.dir.Path("s/sealing-key.pem")).ok());

  // The same values from a reference file, with the pod pinned too.
  std::string ref = w.dir.Path("ref.json");
  REQUIRE(WriteFile(ref, R"({"node": {"allowSimulated": true, "snp": {"measurements": [")" +
                             SimulatedMeasurementHex() + R"("]}}, "images": [")" + kCdsImage +
                             R"("], "podRefs": ["c8s-system/cds-0"]})")
              .ok());
  Ctl f = RunCtl(w.Verify(
      w.cds.target(), "s",
      {"--reference", ref, "--simulated-root", w.cds.root_pem(), "--expect", "unclaimed"}));
  INFO(f.out << f.err);
  CHECK(f.code == 0);
}

TEST_CASE("c8sctl verify refuses and says which check failed", "[component]") {
  World w;
  std::string other(96, '6');
  struct Case {
    std::string name;
    std::vector<std::string> flags;
    std::string want;
  } cases[] = {
      {"wrong measurement",
       {"--measurement", other, "--allow-simulated", "--image", kCdsImage, "--simulated-root",
        w.cds.root_pem()},
       "REFUSED (policy): node policy: snp.measurement: got 5a5a5a5a"},
      {"wrong image",
       {"--measurement", SimulatedMeasurementHex(), "--allow-simulated", "--image",
        "sha256:" + std::string(64, '1'), "--simulated-root", w.cds.root_pem()},
       "REFUSED (policy): image: the CDS runs image " + kCdsImage + ", want one of [sha256:111"},
      {"simulated evidence, non-simulated policy",
       {"--measurement", SimulatedMeasurementHex(), "--image", kCdsImage, "--simulated-root",
        w.cds.root_pem()},
       "REFUSED (simulated): evidence: the CDS sent simulated-sev-snp evidence, but no reference "
       "policy allows simulated evidence"},
      {"simulated root not trusted",
       {"--measurement", SimulatedMeasurementHex(), "--allow-simulated", "--image", kCdsImage},
       "REFUSED (chain): evidence: "},
      {"expected claimed",
       {"--measurement", SimulatedMeasurementHex(), "--allow-simulated", "--image", kCdsImage,
        "--simulated-root", w.cds.root_pem(), "--expect", "claimed"},
       "REFUSED: expected a claimed CDS, but it is unclaimed"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Ctl r = RunCtl(w.Verify(w.cds.target(), "s-" + std::to_string(&c - cases), c.flags));
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(Has(r.err, "c8sctl verify: " + c.want));
    CHECK(r.out.empty());
    CHECK_FALSE(ReadFile(w.dir.Path("s-" + std::to_string(&c - cases) + "/cds.json")).ok());
  }
  Ctl usage = RunCtl(w.Verify(w.cds.target(), "u", {"--image", kCdsImage}));
  CHECK(usage.code == 2);
  CHECK(Has(usage.err,
            "exactly one of --reference FILE, --reference-manifest FILE or "
            "--measurement HEX"));
}

TEST_CASE("c8sctl verify refuses a relayed or rewritten attestation", "[component]") {
  World w;
  auto attacker = crypto::hpke::GenerateKeyPair();
  auto attacker_key = crypto::PublicKey::FromRawX25519(attacker.public_key);
  Relay swap_key(w.cds.target(), [&](v1::GetAttestationResponse& r) {
    Bytes der = attacker_key->SpkiDer();
    r.set_sealing_public_key_der(std::string(der.begin(), der.end()));
  });
  Ctl swapped = RunCtl(w.Verify(swap_key.target(), "a", w.Good()));
  INFO(swapped.err);
  CHECK(swapped.code == 1);
  CHECK(Has(swapped.err, "c8sctl verify: REFUSED (report-data): report data: evidence carries "));

  Relay relay(w.cds.target(), nullptr);  // forwards the genuine answer over its own TLS
  Ctl relayed = RunCtl(w.Verify(relay.target(), "b", w.Good()));
  INFO(relayed.err);
  CHECK(relayed.code == 1);
  CHECK(Has(relayed.err,
            "REFUSED (certificate): tls: the server certificate of this connection "
            "(CN=c8s-cds,O=c8s) was not issued by the attested CA"));
}

TEST_CASE("c8sctl verify keeps the pinned CA: another cluster is refused", "[component]") {
  World w;
  REQUIRE(RunCtl(w.Verify(w.cds.target(), "s", w.Good())).code == 0);
  CdsProcess other(w.dir.Path("other"));
  Ctl r = RunCtl(w.Verify(other.target(), "s",
                          {"--measurement", SimulatedMeasurementHex(), "--allow-simulated",
                           "--image", kCdsImage, "--simulated-root", other.root_pem()}));
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(Has(r.err, "REFUSED: pinned CA mismatch: "));
}

}  // namespace
}  // namespace c8s::testing
