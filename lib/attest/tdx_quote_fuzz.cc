// Fuzzes the TDX quote parser and the certificate parsing it leads to (PEM chain, PCK SGX
// extensions): any input must parse or fail cleanly. A parsed quote, reassembled, must parse
// back to the same fields, so the parser and AssembleTdxQuote agree on every length.
#include <cstdlib>

#include "lib/attest/tdx_pck.h"
#include "lib/attest/tdx_quote.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto quote = c8s::attest::ParseTdxQuote(c8s::ByteSpan(data, size));
  if (!quote.ok()) return 0;
  auto again = c8s::attest::ParseTdxQuote(c8s::attest::AssembleTdxQuote(*quote));
  if (!again.ok() || again->signed_region != quote->signed_region ||
      again->quote_signature != quote->quote_signature ||
      again->qe_report_raw != quote->qe_report_raw || again->qe_auth_data != quote->qe_auth_data ||
      again->pck_chain_pem != quote->pck_chain_pem) {
    std::abort();
  }
  auto chain = c8s::attest::ParsePemChain(quote->pck_chain_pem);
  if (chain.ok()) (void)c8s::attest::ParsePckExtensions(chain->front().get());
  return 0;
}
