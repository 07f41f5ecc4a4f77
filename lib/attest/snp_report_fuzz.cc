// libFuzzer target: the SEV-SNP report parser and the claims derived from a parsed report must
// never crash on any input (seed corpus: fuzz/corpus/snp_report/).
#include <cstddef>
#include <cstdint>

#include "lib/attest/snp_report.h"
#include "lib/attest/snp_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c8s::attest;
  absl::StatusOr<SnpReport> r = ParseSnpReport(c8s::ByteSpan(data, size));
  if (r.ok()) {
    for (SnpProduct p : {SnpProduct::kMilan, SnpProduct::kTurin}) {
      (void)SnpClaimsFromReport(*r, p).ToJson().dump();
    }
  }
  return 0;
}
