// libFuzzer target: certificate loading (PEM/DER/GHCB table) and SNP chain verification. The
// input is split into a report and a certificate blob; every path must return a status, never
// crash (seed corpus: fuzz/corpus/cert_chain/).
#include <cstddef>
#include <cstdint>

#include "lib/attest/snp_certs.h"
#include "lib/attest/snp_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c8s::attest;
  c8s::ByteSpan in(data, size);
  (void)ParseCertificates(in);
  (void)ParseSnpCertTable(in);
  // First 1184 bytes: the report (when present); then a selector byte: odd -> the rest is a
  // GHCB certificate table (auxblob), even -> certificate blobs (PEM or DER).
  Evidence ev;
  size_t report_len = size < kSnpReportSize ? size : kSnpReportSize;
  ev.report.assign(data, data + report_len);
  if (size > report_len + 1) {
    const uint8_t* rest = data + report_len + 1;
    if (data[report_len] & 1) {
      ev.auxblob.assign(rest, data + size);
    } else {
      ev.certs.emplace_back(rest, data + size);
    }
  }
  SnpVerifyOptions opt;
  opt.now = absl::FromUnixSeconds(1735689600);  // 2025-01-01, inside the real chains' windows
  (void)VerifySnpEvidence(ev, opt);
  return 0;
}
