// SNP report parsing at exact offsets (real GCP v5 and AWS v3 reports) and per-product TCB
// decoding (Turin's layout differs from Milan/Genoa).
#include "lib/attest/snp_report.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/snp_test_vectors.h"
#include "lib/attest/verify_error.h"

namespace c8s::attest {
namespace {

TEST_CASE("TCB_VERSION decoding per product", "[unit]") {
  // attestation-formats.md §1.5: GCP Milan bytes 04 00 00 00 00 00 1b de.
  SnpTcb milan = DecodeSnpTcb(0xde1b000000000004ull, SnpProduct::kMilan);
  CHECK(milan.bootloader == 4);
  CHECK(milan.tee == 0);
  CHECK(milan.snp == 27);
  CHECK(milan.microcode == 222);
  CHECK(EncodeSnpTcb(milan, SnpProduct::kMilan) == 0xde1b000000000004ull);
  // tinfoil's Turin example: 0x5200000004010101 = fmc 1, bl 1, tee 1, snp 4, ucode 82.
  SnpTcb turin = DecodeSnpTcb(0x5200000004010101ull, SnpProduct::kTurin);
  CHECK(turin.fmc == 1);
  CHECK(turin.bootloader == 1);
  CHECK(turin.tee == 1);
  CHECK(turin.snp == 4);
  CHECK(turin.microcode == 82);
  CHECK(EncodeSnpTcb(turin, SnpProduct::kTurin) == 0x5200000004010101ull);
}

TEST_CASE("products from CPUID and certificate names", "[unit]") {
  CHECK(SnpProductFromCpuid(0x19, 0x01) == SnpProduct::kMilan);
  CHECK(SnpProductFromCpuid(0x19, 0x11) == SnpProduct::kGenoa);
  CHECK(SnpProductFromCpuid(0x1a, 0x02) == SnpProduct::kTurin);
  CHECK(SnpProductFromCpuid(0x17, 0x31) == SnpProduct::kUnknown);
  CHECK(SnpProductFromName("Milan-B0") == SnpProduct::kMilan);
  CHECK(SnpProductFromName("Genoa") == SnpProduct::kGenoa);
  CHECK(SnpProductFromName("Rome") == SnpProduct::kUnknown);
}

TEST_CASE("fields of the real GCP v5 report at their offsets", "[unit]") {
  SnpReport r = ParseSnpReport(testing::ReadVectorFile("snp-milan-v5-gcp/sev-gcp.bin")).value();
  CHECK(r.version == 5);
  CHECK(r.vmpl == 0);
  CHECK(r.policy == 0x30000);
  CHECK(r.platform_info == 0x25);
  CHECK(r.cpuid_fam_id == 0x19);
  CHECK(r.cpuid_mod_id == 0x01);
  CHECK(r.cpuid_step == 0x01);
  CHECK(r.CpuidProduct() == SnpProduct::kMilan);
  CHECK(r.launch_mit_vector == 0xb);
  CHECK(r.current_mit_vector == 0xb);
  CHECK(r.signing_key() == kSnpSigningKeyVcek);
  CHECK(r.reported_tcb == 0xde1b000000000004ull);

  SnpReport aws =
      ParseSnpReport(testing::ReadVectorFile("snp-milan-v3-vlek-aws/test-vlek-report.bin")).value();
  CHECK(aws.version == 3);
  CHECK(aws.signing_key() == kSnpSigningKeyVlek);
  CHECK(aws.key_info == 0x4);
  CHECK(aws.chip_id_zero());
  CHECK(aws.vmpl == 1);
  CHECK(aws.platform_info == 0x27);
}

TEST_CASE("version 4 uses the version 3 layout; versions 1 and 6 are refused", "[unit]") {
  Bytes b = testing::ReadVectorFile("snp-milan-v3-vlek-aws/test-vlek-report.bin");
  b[0] = 4;
  absl::StatusOr<SnpReport> r = ParseSnpReport(b);
  REQUIRE(r.ok());
  CHECK(r->CpuidProduct() == SnpProduct::kMilan);
  for (uint8_t v : {0, 1, 6, 0xff}) {
    b[0] = v;
    CHECK(GetVerifyErrorKind(ParseSnpReport(b).status()) == VerifyErrorKind::kVersion);
  }
  CHECK(GetVerifyErrorKind(ParseSnpReport(Bytes{}).status()) == VerifyErrorKind::kParse);
}

}  // namespace
}  // namespace c8s::attest
