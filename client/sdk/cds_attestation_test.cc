#include "client/sdk/cds_attestation.h"

#include <catch2/catch_test_macros.hpp>

#include "client/sdk/testing_for_test.h"
#include "lib/attest/simulated_tdx.h"
#include "lib/attest/verify_error.h"
#include "lib/manifest/approval.h"
#include "test/support/test_env.h"

namespace c8s::client {
namespace {

using testing::FakeCds;

Bytes Nonce() { return crypto::RandomBytes(32); }

// The status must be a refusal of `kind` whose message starts with `prefix`.
void ExpectRefused(const absl::StatusOr<VerifiedCds>& r, attest::VerifyErrorKind kind,
                   std::string_view prefix) {
  INFO(r.status().ToString());
  REQUIRE_FALSE(r.ok());
  CHECK(attest::GetVerifyErrorKind(r.status()) == kind);
  CHECK(std::string(r.status().message()).rfind(prefix, 0) == 0);
}

TEST_CASE("a simulated CDS with matching reference values verifies", "[unit]") {
  FakeCds cds;
  Bytes nonce = Nonce();
  auto v = VerifyCdsAttestation(nonce, cds.Attest(nonce), FakeCds::Reference(), FakeCds::Options());
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  CHECK(v->ca.ToDer() == cds.ca.certificate().ToDer());
  CHECK(v->cluster == manifest::ClusterId(*cds.ca.certificate().GetPublicKey()));
  CHECK(v->sealing_key.SpkiDer() == cds.sealing.GetPublicKey().SpkiDer());
  CHECK(v->claims.platform == attest::Platform::kSimulatedSevSnp);
  CHECK(v->claims.assurance == attest::AssuranceLevel::kSimulated);
  CHECK(v->image_digest == testing::kImage);
  CHECK_FALSE(v->state.claimed);
}

TEST_CASE("evidence for another nonce, CA or sealing key is refused as report data", "[unit]") {
  FakeCds cds, other;
  Bytes nonce = Nonce();
  ExpectRefused(
      VerifyCdsAttestation(Nonce(), cds.Attest(nonce), FakeCds::Reference(), FakeCds::Options()),
      attest::VerifyErrorKind::kReportData, "report data: evidence carries ");
  CdsAttestation swapped_ca = cds.Attest(nonce);
  swapped_ca.ca_certificate_der = other.ca.certificate().ToDer();
  ExpectRefused(VerifyCdsAttestation(nonce, swapped_ca, FakeCds::Reference(), FakeCds::Options()),
                attest::VerifyErrorKind::kReportData, "report data: ");
  CdsAttestation swapped_key = cds.Attest(nonce);
  swapped_key.sealing_public_key_der = other.sealing.GetPublicKey().SpkiDer();
  ExpectRefused(VerifyCdsAttestation(nonce, swapped_key, FakeCds::Reference(), FakeCds::Options()),
                attest::VerifyErrorKind::kReportData, "report data: ");
  CdsAttestation swapped_image = cds.Attest(nonce);
  swapped_image.image_digest = "sha256:" + std::string(64, 'd');
  ExpectRefused(
      VerifyCdsAttestation(nonce, swapped_image, FakeCds::Reference(), FakeCds::Options()),
      attest::VerifyErrorKind::kReportData, "report data: ");
}

TEST_CASE("the CDS image and pod must be the expected ones", "[unit]") {
  FakeCds cds;
  Bytes nonce = Nonce();
  std::string image = "sha256:" + std::string(64, 'e');
  auto r = VerifyCdsAttestation(nonce, cds.Attest(nonce, image), FakeCds::Reference(),
                                FakeCds::Options());
  ExpectRefused(r, attest::VerifyErrorKind::kPolicy, "image: the CDS runs image sha256:eee");
  CHECK(std::string(r.status().message()).find("want one of [sha256:ccc") != std::string::npos);
  ExpectRefused(VerifyCdsAttestation(nonce, cds.Attest(nonce, "latest"), FakeCds::Reference(),
                                     FakeCds::Options()),
                attest::VerifyErrorKind::kPolicy, "image: image digest \"latest\"");
  CdsReferenceValues pods = FakeCds::Reference();
  pods.pod_refs = std::vector<std::string>{"c8s-system/cds-1"};
  ExpectRefused(VerifyCdsAttestation(nonce, cds.Attest(nonce), pods, FakeCds::Options()),
                attest::VerifyErrorKind::kPolicy,
                "pod: the CDS runs as pod \"c8s-system/cds-0\", want one of [c8s-system/cds-1]");
}

TEST_CASE("hardware reference values: measurement, simulated, missing roots", "[unit]") {
  FakeCds cds;
  cds.sim = 1;  // measurement 0x66…
  Bytes nonce = Nonce();
  auto r = VerifyCdsAttestation(nonce, cds.Attest(nonce), FakeCds::Reference(), FakeCds::Options());
  ExpectRefused(r, attest::VerifyErrorKind::kPolicy, "node policy: snp.measurement");
  CHECK(std::string(r.status().message()).find("66666666") != std::string::npos);

  CdsReferenceValues cds_role = FakeCds::Reference();
  cds_role.cds = cds_role.node;
  cds_role.node.reset();
  ExpectRefused(VerifyCdsAttestation(nonce, cds.Attest(nonce), cds_role, FakeCds::Options()),
                attest::VerifyErrorKind::kPolicy, "cds policy: snp.measurement");

  FakeCds good;
  ExpectRefused(VerifyCdsAttestation(nonce, good.Attest(nonce), FakeCds::Reference(false),
                                     FakeCds::Options()),
                attest::VerifyErrorKind::kSimulated,
                "evidence: the CDS sent simulated-sev-snp evidence, but no reference policy "
                "allows simulated evidence");
  ExpectRefused(VerifyCdsAttestation(nonce, good.Attest(nonce), FakeCds::Reference(), {}),
                attest::VerifyErrorKind::kChain, "evidence: ");

  // Simulated evidence that claims to be real hardware.
  CdsAttestation lying = good.Attest(nonce);
  lying.evidence.platform = attest::Platform::kSevSnp;
  ExpectRefused(VerifyCdsAttestation(nonce, lying, FakeCds::Reference(), FakeCds::Options()),
                attest::VerifyErrorKind::kSimulated,
                "evidence: declared platform sev-snp but the chain proves simulated-sev-snp");
}

TEST_CASE("the attested CA and sealing key must be what they claim to be", "[unit]") {
  FakeCds cds;
  Bytes nonce = Nonce();
  CdsAttestation leaf = cds.Attest(nonce);
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  auto not_ca =
      cds.ca.Issue(key->GetPublicKey(), crypto::LeafOptions({"leaf"}, absl::Now(), absl::Hours(1)));
  REQUIRE(not_ca.ok());
  leaf.ca_certificate_der = not_ca->ToDer();
  ExpectRefused(
      VerifyCdsAttestation(nonce, cds.Sign(nonce, leaf), FakeCds::Reference(), FakeCds::Options()),
      attest::VerifyErrorKind::kCertificate, "ca certificate: CN=leaf is not a CA");

  CdsAttestation garbage = cds.Attest(nonce);
  garbage.ca_certificate_der = {1, 2, 3};
  ExpectRefused(VerifyCdsAttestation(nonce, cds.Sign(nonce, garbage), FakeCds::Reference(),
                                     FakeCds::Options()),
                attest::VerifyErrorKind::kCertificate, "ca certificate: ");

  CdsAttestation p256 = cds.Attest(nonce);
  p256.sealing_public_key_der = key->GetPublicKey().SpkiDer();
  ExpectRefused(
      VerifyCdsAttestation(nonce, cds.Sign(nonce, p256), FakeCds::Reference(), FakeCds::Options()),
      attest::VerifyErrorKind::kCertificate, "sealing key: P-256, want X25519");
}

TEST_CASE("inconsistent state claims are refused", "[unit]") {
  FakeCds cds;
  Bytes nonce = Nonce();
  CdsAttestation att = cds.Attest(nonce);
  att.claimed = true;
  ExpectRefused(VerifyCdsAttestation(nonce, att, FakeCds::Reference(), FakeCds::Options()),
                attest::VerifyErrorKind::kParse, "state: claimed=true with history generation 0");
  att = cds.Attest(nonce);
  att.approval_mode = "Yolo";
  ExpectRefused(VerifyCdsAttestation(nonce, att, FakeCds::Reference(), FakeCds::Options()),
                attest::VerifyErrorKind::kParse, "state: approval mode \"Yolo\"");
  att = cds.Attest(nonce);
  att.claimed = true;
  att.history_generation = 3;
  att.history_head_hash = "sha256:" + std::string(64, 'a');
  att.approval_mode = "Automatic";
  auto v = VerifyCdsAttestation(nonce, att, FakeCds::Reference(), FakeCds::Options());
  REQUIRE(v.ok());
  CHECK(v->state.generation == 3);
  CHECK(v->state.mode == manifest::ApprovalMode::kAutomatic);
  CHECK(VerifyCdsAttestation(Bytes(16, 1), att, FakeCds::Reference(), FakeCds::Options())
            .status()
            .message() == "nonce: 16 bytes, want 32");
}

TEST_CASE("a simulated TDX CDS verifies, with collateral read from a directory", "[unit]") {
  auto tdx = attest::SimulatedTdx::Create();
  REQUIRE(tdx.ok());
  FakeCds cds;
  Bytes nonce = Nonce();
  CdsAttestation att = cds.Attest(nonce);
  attest::SimulatedTdxFields fields;
  fields.report_data = attest::ToBytes(ExpectedCdsReportData(nonce, att));
  auto quote = tdx->Quote(fields);
  REQUIRE(quote.ok());
  att.evidence = attest::Evidence{attest::Platform::kSimulatedTdx, *quote, {}, {}};
  c8s::testing::TempDir dir;
  attest::SimulatedTdxCollateralOptions collateral;
  collateral.issue_date = absl::Now() - absl::Hours(24);
  REQUIRE(tdx->WriteDirectory(dir.path(), fields, collateral).ok());

  CdsReferenceValues ref = FakeCds::Reference();
  ref.node->snp.reset();
  ref.node->tdx = attest::TdxPolicy{};
  ref.node->tdx->mrtd = {Bytes(48, 0x11)};
  VerifyCdsOptions opt;
  opt.simulated_roots = {ToBytes(tdx->RootPem())};
  opt.tdx_collateral_dir = dir.Path("collateral");
  auto v = VerifyCdsAttestation(nonce, att, ref, opt);
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  CHECK(v->claims.platform == attest::Platform::kSimulatedTdx);
  CHECK(v->claims.tcb_status == "UpToDate");

  opt.tdx_collateral_dir.clear();  // without collateral the TCB status is unknown
  ExpectRefused(VerifyCdsAttestation(nonce, att, ref, opt), attest::VerifyErrorKind::kPolicy,
                "node policy: tdx.");
}

}  // namespace
}  // namespace c8s::client
