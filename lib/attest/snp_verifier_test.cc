// SEV-SNP verification against every real report in ../shared/vectors, and rejection of every
// single-byte change of the signed area, the signature and each certificate, with the error
// kind asserted per region. Times are pinned per MANIFEST.md (certificates expire).
#include "lib/attest/snp_verifier.h"

#include <atomic>
#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "lib/attest/snp_certs.h"
#include "lib/attest/snp_test_vectors.h"
#include "lib/attest/verify_error.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

using testing::Day;
using testing::ReadVectorFile;
using testing::RealSnpVectors;
using K = VerifyErrorKind;

std::string KindName(const absl::Status& st) {
  auto k = GetVerifyErrorKind(st);
  return k ? std::string(VerifyErrorKindName(*k)) : "none:" + std::string(st.message());
}

// The kind the verifier must report when report byte `off` is XORed with 0x80, derived from
// the ATTESTATION_REPORT layout (attestation-formats.md §1.1), not from the verifier code.
K ExpectedReportKind(size_t off, uint32_t version, bool vlek) {
  if (off < 0x04) return K::kVersion;
  if (off >= 0x0B && off < 0x10) return K::kReservedNonZero;  // POLICY bits 31 and 63:32
  if (off >= 0x30 && off < 0x38) return K::kParse;            // VMPL > 3, SIGNATURE_ALGO
  if (off >= 0x41 && off < 0x48) return K::kReservedNonZero;  // PLATFORM_INFO 63:8
  if (off >= 0x48 && off < 0x50) return K::kReservedNonZero;  // KEY_INFO 31:5, reserved
  if (off >= 0x180 && off < 0x188) return K::kTcbMismatch;    // REPORTED_TCB
  if (off >= 0x188 && off < 0x18A) return version >= 3 ? K::kProduct : K::kReservedNonZero;
  if (off == 0x18A) return version >= 3 ? K::kSignature : K::kReservedNonZero;
  if (off >= 0x18B && off < 0x1A0) return K::kReservedNonZero;
  if (off >= 0x1A0 && off < 0x1E0) return vlek ? K::kSignature : K::kChipIdMismatch;
  if (off == 0x1EB || off == 0x1EF) return K::kReservedNonZero;
  if (off >= 0x1F8 && off < 0x208) return version >= 5 ? K::kSignature : K::kReservedNonZero;
  if (off >= 0x208 && off < 0x2A0) return K::kReservedNonZero;
  if (off >= 0x2A0 && off < 0x2A0 + 0x90) return K::kSignature;  // R and S
  if (off >= 0x2A0 + 0x90) return K::kReservedNonZero;
  return K::kSignature;  // every other signed byte
}

TEST_CASE("every real SNP report verifies at its pinned time", "[unit]") {
  for (const auto& v : RealSnpVectors()) {
    INFO(v.name);
    absl::StatusOr<Claims> c = VerifySnpEvidence(v.evidence, v.Options());
    REQUIRE(c.ok());
    CHECK(c->product == "Milan");
    CHECK(c->platform == Platform::kSevSnp);
    CHECK(c->signing_key == (v.vlek ? SigningKeyKind::kVlek : SigningKeyKind::kVcek));
  }
}

TEST_CASE("claims of the GCP v5 and AWS VLEK reports", "[unit]") {
  auto vs = RealSnpVectors();
  Claims gcp = VerifySnpEvidence(vs[1].evidence, vs[1].Options()).value();
  CHECK(HexEncode(gcp.measurement) ==
        "b747d55452e0b9e9079770a49e397c5e6d9573581e246da7baac4f28b5cdc5b1b6d19251b8ee600fd16a37"
        "08f58406f3");
  CHECK(gcp.report_version == 5);
  CHECK(gcp.vmpl == 0);
  CHECK(gcp.platform_info == 0x25);
  CHECK(gcp.reported_tcb.bootloader == 4);
  CHECK(gcp.reported_tcb.tee == 0);
  CHECK(gcp.reported_tcb.snp == 27);
  CHECK(gcp.reported_tcb.microcode == 222);
  CHECK(gcp.report_data == Bytes(64, 0));
  Claims rd = VerifySnpEvidence(vs[2].evidence, vs[2].Options()).value();
  CHECK(rd.vmpl == 1);
  CHECK(HexEncode(rd.report_data).substr(0, 16) == "32fc4f6c1971cbf9");

  Claims aws = VerifySnpEvidence(vs[4].evidence, vs[4].Options()).value();
  CHECK(aws.signing_key == SigningKeyKind::kVlek);
  CHECK(aws.chip_id_masked);
  CHECK(aws.vmpl == 1);
  CHECK(aws.reported_tcb.microcode == 0xd9);
  CHECK(aws.current_tcb.microcode > aws.reported_tcb.microcode);  // REPORTED, not CURRENT
  CHECK(aws.assurance == AssuranceLevel::kFirmwareOnly);

  Claims virtee = VerifySnpEvidence(vs[0].evidence, vs[0].Options()).value();
  CHECK(virtee.report_version == 2);
  CHECK(virtee.policy == 0x30000);
  CHECK(virtee.reported_tcb.bootloader == 3);
  CHECK(virtee.reported_tcb.snp == 8);
  CHECK(virtee.reported_tcb.microcode == 0x73);
  CHECK(!virtee.chip_id_masked);
}

TEST_CASE("every single-byte change of a real report fails with the region's kind", "[unit]") {
  for (const auto& v : RealSnpVectors()) {
    INFO(v.name);
    SnpChainCache cache;
    SnpVerifyOptions opt = v.Options();
    opt.cache = &cache;
    uint32_t version = v.evidence.report[0];
    for (size_t off = 0; off < kSnpReportSize; ++off) {
      Evidence ev = v.evidence;
      ev.report[off] ^= 0x80;
      absl::StatusOr<Claims> c = VerifySnpEvidence(ev, opt);
      INFO("offset 0x" << std::hex << off << ": " << c.status().message());
      REQUIRE(!c.ok());
      REQUIRE(KindName(c.status()) ==
              VerifyErrorKindName(ExpectedReportKind(off, version, v.vlek)));
    }
  }
}

// DER certificates of a vector in order: the VEK, then the chain blobs' certificates.
std::vector<Bytes> Ders(const Evidence& ev) {
  std::vector<Bytes> out;
  for (const Bytes& blob : ev.certs) {
    absl::StatusOr<std::vector<crypto::X509Ptr>> certs = ParseCertificates(blob);
    REQUIRE(certs.ok());
    for (size_t i = 0; i < certs->size(); ++i) out.push_back(CertDer((*certs)[i].get()));
  }
  return out;
}

TEST_CASE("every single-byte change of a certificate breaks the chain", "[unit]") {
  auto vs = RealSnpVectors();
  // Every distinct certificate set: virtee, GCP, GCP x25519, AWS VLEK (ASVK), trustee.
  for (size_t vi : {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{5}}) {
    const auto& v = vs[vi];
    std::vector<Bytes> ders = Ders(v.evidence);
    REQUIRE(ders.size() == 3);
    REQUIRE(
        VerifySnpEvidence(Evidence{v.evidence.platform, v.evidence.report, ders, {}}, v.Options())
            .ok());
    for (size_t ci = 0; ci < ders.size(); ++ci) {
      for (size_t off = 0; off < ders[ci].size(); ++off) {
        Evidence ev = v.evidence;
        ev.certs = ders;
        ev.certs[ci][off] ^= 0x80;
        absl::Status st = VerifySnpEvidence(ev, v.Options()).status();
        INFO(v.name << " cert " << ci << " offset " << off << ": " << st.message());
        REQUIRE(!st.ok());
        std::string kind = KindName(st);
        // Inside the signature value (the last 512 bytes, RSA-4096) it is always the chain.
        if (off >= ders[ci].size() - 512) {
          REQUIRE(kind == "chain");
        } else {
          REQUIRE((kind == "chain" || kind == "certificate"));
        }
      }
    }
  }
}

TEST_CASE("MANIFEST spot checks: FAMILY_ID bit and VCEK byte 40", "[unit]") {
  auto v = RealSnpVectors()[0];
  Evidence ev = v.evidence;
  ev.report[21] ^= 0x80;
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "signature");
  ev = v.evidence;
  ev.certs[0][40] ^= 0x80;
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "chain");
}

TEST_CASE("size, version, time, key kind and report-data errors are distinct", "[unit]") {
  auto v = RealSnpVectors()[0];
  Evidence ev = v.evidence;
  ev.report.pop_back();
  absl::Status st = VerifySnpEvidence(ev, v.Options()).status();
  CHECK(KindName(st) == "parse");
  CHECK(std::string(st.message()) == "SNP report is 1183 bytes, want exactly 1184 (truncated)");
  ev = v.evidence;
  ev.report.push_back(0);
  st = VerifySnpEvidence(ev, v.Options()).status();
  CHECK(std::string(st.message()) == "SNP report is 1185 bytes, want exactly 1184 (oversized)");
  ev = v.evidence;
  ev.report[0] = 6;
  st = VerifySnpEvidence(ev, v.Options()).status();
  CHECK(KindName(st) == "version");
  CHECK(std::string(st.message()) == "SNP report version 6 is not supported (want 2 to 5)");
  ev.report[0] = 1;
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "version");

  SnpVerifyOptions late = v.Options();
  late.now = Day(2040, 1, 1);
  st = VerifySnpEvidence(v.evidence, late).status();
  CHECK(KindName(st) == "expired");
  CHECK(std::string(st.message()).find("VCEK (CN=SEV-VCEK) is not valid at 2040-01-01T00:00:00Z") ==
        0);

  SnpVerifyOptions rd = v.Options();
  rd.expected_report_data = Bytes(64, 0x11);
  CHECK(KindName(VerifySnpEvidence(v.evidence, rd).status()) == "report-data");

  ev = v.evidence;
  ev.report[0x48] = 1 << 2;  // KEY_INFO says VLEK; only a VCEK is given
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "key-kind");
  ev.report[0x48] = 7 << 2;
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "key-kind");

  ev = v.evidence;
  ev.certs.clear();
  CHECK(KindName(VerifySnpEvidence(ev, v.Options()).status()) == "certificate");
}

TEST_CASE("the deliberately corrupted trustee VCEKs are refused", "[unit]") {
  auto v = RealSnpVectors()[5];
  for (const char* bad : {"test-vcek-invalid-legacy.der", "test-vcek-invalid-new.der"}) {
    Evidence ev = v.evidence;
    ev.certs[0] = ReadVectorFile(std::string("snp-milan-v3-vlek-aws/") + bad);
    absl::Status st = VerifySnpEvidence(ev, v.Options()).status();
    INFO(bad << ": " << st.message());
    // Both are altered copies of test-vcek.der (longer, changed inside the TBSCertificate):
    // they still parse, and the ASK's signature over them no longer verifies.
    CHECK(KindName(st) == "chain");
  }
}

TEST_CASE("a VLEK report needs the ASVK chain; chain from the cache directory", "[unit]") {
  auto vs = RealSnpVectors();
  Evidence ev = vs[4].evidence;
  ev.certs = {ReadVectorFile("snp-milan-v3-vlek-aws/test-vlek.der"),
              ReadVectorFile("amd-roots/milan_ask.pem")};  // an ASK instead of the ASVK
  // The compiled-in ASVK completes the chain; the unrelated ASK is a known AMD certificate.
  CHECK(VerifySnpEvidence(ev, vs[4].Options()).ok());

  // Certificates only from a KDS cache directory (here: the vector directory itself).
  Evidence bare = vs[5].evidence;
  bare.certs.clear();
  SnpVerifyOptions opt = vs[5].Options();
  opt.cert_cache_dir = ::c8s::testing::SharedPath("vectors/snp-milan-v3-vlek-aws");
  absl::StatusOr<Claims> c = VerifySnpEvidence(bare, opt);
  INFO(c.status().message());
  CHECK(c.ok());
}

TEST_CASE("warm chain cache gives the same claims and still checks time", "[unit]") {
  auto v = RealSnpVectors()[1];
  SnpChainCache cache;
  SnpVerifyOptions opt = v.Options();
  opt.cache = &cache;
  Claims a = VerifySnpEvidence(v.evidence, opt).value();
  Claims b = VerifySnpEvidence(v.evidence, opt).value();
  CHECK(cache.size() == 1);
  CHECK(a.ToJson() == b.ToJson());
  opt.now = Day(2035, 1, 1);
  CHECK(KindName(VerifySnpEvidence(v.evidence, opt).status()) == "expired");
}

TEST_CASE("a warm chain cache serves only the exact certificates it validated", "[unit]") {
  auto v = RealSnpVectors()[1];
  SnpChainCache cache;
  SnpVerifyOptions opt = v.Options();
  opt.cache = &cache;
  REQUIRE(VerifySnpEvidence(v.evidence, opt).ok());
  REQUIRE(!v.evidence.certs.empty());
  // Same length, one byte different near the end of the first blob (a signature or the
  // encoding of one): the key differs, so the chain is built again, and that fails.
  Evidence tampered = v.evidence;
  tampered.certs[0][tampered.certs[0].size() - 8] ^= 0x01;
  absl::StatusOr<Claims> c = VerifySnpEvidence(tampered, opt);
  INFO(c.status().message());
  CHECK(!c.ok());
  CHECK(cache.size() == 1);
  CHECK(VerifySnpEvidence(v.evidence, opt).ok());
}

TEST_CASE("cold verifications from several threads share the compiled-in AMD certificates",
          "[unit]") {
  // The AMD roots are parsed once and shared (reference-counted) by every verification.
  const std::vector<testing::SnpVector> vs = RealSnpVectors();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&vs, &failures] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& v : vs) {
          if (!VerifySnpEvidence(v.evidence, v.Options()).ok()) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}

}  // namespace
}  // namespace c8s::attest
