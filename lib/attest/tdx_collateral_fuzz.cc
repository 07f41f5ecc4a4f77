// Fuzzes the collateral path: the strict scanner that finds the signed bytes, the TCB info and
// QE identity parsers, and the TCB evaluation over whatever parses, against a fixed platform.
#include "lib/attest/tdx_collateral.h"
#include "lib/attest/tdx_tcb.h"

namespace {

struct Platform {
  c8s::attest::TdxQuote quote;
  c8s::attest::PckExtensions pck;
  Platform() {
    quote.body.tee_tcb_svn = {5, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    quote.body.mr_signer_seam = c8s::Bytes(48, 0);
    quote.qe_report.mr_signer = c8s::Bytes(32, 0);
    quote.qe_report.attributes = c8s::Bytes(16, 0);
    quote.qe_report.isv_prod_id = 2;
    quote.qe_report.isv_svn = 4;
    pck.fmspc = c8s::HexDecode("c85e00000000").value();
    pck.pceid = {0, 0};
    for (int i = 0; i < 16; ++i) pck.sgx_tcb_comp[i] = 3;
    pck.pcesvn = 13;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Platform platform;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tcb_doc = c8s::attest::SplitSignedJson(text, "tcbInfo");
  auto qe_doc = c8s::attest::SplitSignedJson(text, "enclaveIdentity");
  auto tcb = c8s::attest::ParseTdxTcbInfo(tcb_doc.ok() ? std::string_view(tcb_doc->body) : text);
  auto qe = c8s::attest::ParseQeIdentity(qe_doc.ok() ? std::string_view(qe_doc->body) : text);
  if (tcb.ok()) {
    c8s::attest::TdxTcbInput in{&*tcb, qe.ok() ? &*qe : nullptr, &platform.pck, &platform.quote};
    (void)c8s::attest::EvaluateTdxTcb(in);
  }
  return 0;
}
