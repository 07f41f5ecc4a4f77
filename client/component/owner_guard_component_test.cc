// The owner's commands talk only to the CDS they verified (nothing is sent before `c8sctl
// verify`, nor to a CDS of another CA), and an Automatic approval mode is never silent: the
// claim summary, `c8sctl verify` and `c8sctl manifest history` say so loudly.
#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "client/component/processes.h"
#include "lib/base/fd.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"
#include "test/support/test_env.h"

namespace c8s::testing {
namespace {

namespace v1 = ::c8s::cds::v1;
using manifest::testing::FixturePath;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::vector<std::string> VerifyArgs(const CdsProcess& cds, const std::string& state,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"verify",
                                   "--cds",
                                   cds.target(),
                                   "--measurement",
                                   SimulatedMeasurementHex(),
                                   "--allow-simulated",
                                   "--image",
                                   kCdsImage,
                                   "--simulated-root",
                                   cds.root_pem(),
                                   "--state-dir",
                                   state};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> ClaimArgs(const std::string& state, const std::string& manifest) {
  return {"claim",   "--manifest", manifest, "--key",       FixturePath("owner-alice.key.pem"),
          "--owner", "alice",      "--yes",  "--state-dir", state};
}

TEST_CASE("owner commands send nothing to a CDS they did not verify", "[component]") {
  TempDir dir;
  CdsProcess cds(dir.Path("cds"));
  CdsProcess other(dir.Path("other"));

  // No verified CDS in the state directory: nothing is sent anywhere.
  Ctl blind = RunCtl(ClaimArgs(dir.Path("none"), FixturePath("example.json")));
  INFO(blind.err);
  CHECK(blind.code == 1);
  CHECK(Has(blind.err, "run `c8sctl verify --cds HOST:PORT ...` first"));
  CHECK_FALSE(Has(blind.err, "sending the claim"));

  // Verified `cds`, pointed at `other`: the channel pinned to cds's CA refuses other's TLS
  // certificate before the claim leaves.
  REQUIRE(RunCtl(VerifyArgs(cds, dir.Path("s"))).code == 0);
  std::vector<std::string> redirected = ClaimArgs(dir.Path("s"), FixturePath("example.json"));
  redirected.insert(redirected.end(), {"--cds", other.target()});
  Ctl wrong = RunCtl(redirected);
  INFO(wrong.err);
  CHECK(wrong.code == 1);
  CHECK(Has(wrong.err,
            "c8sctl claim: REFUSED: CDS " + other.target() + " History: not the pinned CDS: "));
  CHECK_FALSE(Has(wrong.err, "sending the claim"));
  CHECK_FALSE(Has(wrong.out, "claimed: generation"));

  // Both CDSs are still unclaimed.
  CHECK(RunCtl(VerifyArgs(cds, dir.Path("s"), {"--expect", "unclaimed"})).code == 0);
  CHECK(RunCtl(VerifyArgs(other, dir.Path("o"), {"--expect", "unclaimed"})).code == 0);
}

TEST_CASE("Automatic approval is announced by claim and verify and history", "[component]") {
  TempDir dir;
  CdsProcess cds(dir.Path("cds"));
  std::string state = dir.Path("owner");
  REQUIRE(RunCtl(VerifyArgs(cds, state)).code == 0);

  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  m.approval = manifest::ApprovalMode::kAutomatic;
  REQUIRE(WriteFile(dir.Path("auto.json"), *manifest::CanonicalBytes(m)).ok());
  Ctl claim = RunCtl(ClaimArgs(state, dir.Path("auto.json")));
  INFO(claim.out << claim.err);
  REQUIRE(claim.code == 0);
  CHECK(Has(claim.out,
            "approval:      Automatic (DEVELOPMENT ONLY: proposals activate without "
            "an owner)"));

  // The operator's proposal activates at once, without an owner.
  auto ca = crypto::Certificate::FromPem(*ReadFile(state + "/ca.pem"));
  REQUIRE(ca.ok());
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(*ca, Clock::Real());
  auto stub = v1::Manifest::NewStub(grpc::CreateChannel(
      cds.target(), crypto::MakeGrpcChannelCredentials(std::nullopt, verifier)));
  manifest::Manifest m2 = manifest::testing::LoadFixtureManifest("example-v2.json");
  m2.approval = manifest::ApprovalMode::kAutomatic;
  v1::ProposeRequest req;
  req.set_manifest_json(*manifest::CanonicalBytes(m2));
  v1::ProposeResponse resp;
  grpc::ClientContext c;
  grpc::Status st = stub->Propose(&c, req, &resp);
  INFO(st.error_message());
  REQUIRE(st.ok());
  CHECK(resp.state() == "Active");

  Ctl v = RunCtl(VerifyArgs(cds, state, {"--expect", "claimed"}));
  INFO(v.out << v.err);
  REQUIRE(v.code == 0);
  CHECK(Has(v.err, "WARNING: APPROVAL MODE IS AUTOMATIC (development only)."));
  CHECK(Has(v.err, "WITHOUT an\nWARNING: owner's approval"));
  CHECK(Has(v.out, "state:        claimed, generation 2"));

  Ctl h = RunCtl({"manifest", "history", "--state-dir", state});
  INFO(h.out << h.err);
  REQUIRE(h.code == 0);
  CHECK(Has(h.out, "Automatic  " + *manifest::ManifestHash(m2) +
                       "  activated WITHOUT owner approval (Automatic mode, development only, as "
                       "the manifest in force allows)"));
  CHECK(Has(h.err, "WARNING: the active manifest's approval mode is AUTOMATIC"));
}

}  // namespace
}  // namespace c8s::testing
