// Test-only: the real SEV-SNP vectors of ../shared/vectors (MANIFEST.md) as Evidence, with the
// verification time each one needs.
//   for (const SnpVector& v : RealSnpVectors()) VerifySnpEvidence(v.evidence, v.Options());
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lib/attest/evidence.h"
#include "lib/attest/snp_verifier.h"

namespace c8s::attest::testing {

struct SnpVector {
  std::string name;
  Evidence evidence;
  absl::Time at;
  bool vlek = false;
  SnpVerifyOptions Options() const {
    SnpVerifyOptions o;
    o.now = at;
    return o;
  }
};

absl::Time Day(int y, int m, int d);
Bytes ReadVectorFile(const std::string& relative);  // under vectors/
std::vector<SnpVector> RealSnpVectors();

}  // namespace c8s::attest::testing
