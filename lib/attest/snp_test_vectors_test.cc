// Loads the real SNP vectors for the other tests (snp_test_vectors.h); no test cases here.
#include "lib/attest/snp_test_vectors.h"

#include <catch2/catch_test_macros.hpp>

#include "test/support/test_env.h"

namespace c8s::attest::testing {

absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

Bytes ReadVectorFile(const std::string& relative) {
  return ToBytes(c8s::testing::ReadTestFile(c8s::testing::SharedPath("vectors/" + relative)));
}

std::vector<SnpVector> RealSnpVectors() {
  std::vector<SnpVector> v;
  auto add = [&v](std::string name, Bytes report, std::vector<std::string> certs, absl::Time at,
                  bool vlek = false) {
    SnpVector s;
    s.name = std::move(name);
    s.evidence.report = std::move(report);
    for (const auto& c : certs) s.evidence.certs.push_back(ReadVectorFile(c));
    s.at = at;
    s.vlek = vlek;
    v.push_back(std::move(s));
  };
  // virtee: the report is ASCII hex; certificates valid at 2024-01-01 (MANIFEST.md).
  std::string hex = ToString(ReadVectorFile("snp-milan-v2-virtee/report_milan.hex"));
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  add("virtee-milan-v2", HexDecode(hex).value(),
      {"snp-milan-v2-virtee/vcek_milan.der", "snp-milan-v2-virtee/cert_chain_milan"},
      Day(2024, 1, 1));
  // GCP v5 reports: verify at 2026-01-01 (MANIFEST.md).
  for (const char* r : {"sev-gcp.bin", "sev-gcp-reportdata.bin"}) {
    add(std::string("gcp-milan-v5/") + r, ReadVectorFile(std::string("snp-milan-v5-gcp/") + r),
        {"snp-milan-v5-gcp/sev-gcp-vcek.pem", "snp-milan-v5-gcp/sev-gcp-cert-chain.pem"},
        Day(2026, 1, 1));
  }
  add("gcp-milan-v5/x25519-bound", ReadVectorFile("snp-milan-v5-gcp/sev-gcp-x25519-bound.bin"),
      {"snp-milan-v5-gcp/sev-gcp-x25519-vcek.pem",
       "snp-milan-v5-gcp/sev-gcp-x25519-cert-chain.pem"},
      Day(2026, 1, 1));
  // AWS VLEK: the VLEK is valid 2024-12-10 .. 2025-12-10, so verify at 2025-06-01.
  add("aws-milan-v3-vlek", ReadVectorFile("snp-milan-v3-vlek-aws/test-vlek-report.bin"),
      {"snp-milan-v3-vlek-aws/test-vlek.der", "amd-roots/milan_asvk_ark.pem"}, Day(2025, 6, 1),
      true);
  // trustee's Azure-like v2 report: verify at 2024-01-01.
  add("trustee-milan-v2", ReadVectorFile("snp-milan-v3-vlek-aws/test-report.bin"),
      {"snp-milan-v3-vlek-aws/test-vcek.der", "amd-roots/milan_ask.pem",
       "amd-roots/milan_ark.pem"},
      Day(2024, 1, 1));
  return v;
}

}  // namespace c8s::attest::testing
