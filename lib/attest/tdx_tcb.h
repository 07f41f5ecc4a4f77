// TDX TCB status from verified collateral: Intel's TCB-level matching for TDX (PCK SGX
// components + PCESVN, TEE_TCB_SVN against tdxtcbcomponents, TDX module identities) converged
// with the quoting enclave's status from the QE identity.
//   ASSIGN_OR_RETURN(TdxTcbResult r, EvaluateTdxTcb({&info, &qe_identity, &pck, &quote}));
//   claims.tcb_status = r.status;          // "UpToDate", "OutOfDate", ...
//   claims.advisory_ids = r.advisory_ids;
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/attest/tdx_collateral.h"
#include "lib/attest/tdx_pck.h"
#include "lib/attest/tdx_quote.h"

namespace c8s::attest {

struct TdxTcbInput {
  const TdxTcbInfo* tcb_info = nullptr;
  const QeIdentity* qe_identity = nullptr;
  const PckExtensions* pck = nullptr;
  const TdxQuote* quote = nullptr;
};

struct TdxTcbResult {
  std::string status;           // converged platform + module + QE status
  std::string platform_status;  // of the matching TCB level
  std::string module_status;    // of the TDX module identity level ("" if not used)
  std::string qe_status;
  std::string tcb_date;
  std::vector<std::string> advisory_ids;  // union over the selected levels, in order
};

// Errors: kCollateral (FMSPC/PCE-ID or QE identity mismatch), kTcbMismatch (no TCB level
// matches: Intel's TCB_NOT_SUPPORTED, or TDX module identity mismatch), kRevoked (the
// platform, module or QE level is Revoked).
absl::StatusOr<TdxTcbResult> EvaluateTdxTcb(const TdxTcbInput& in);

}  // namespace c8s::attest
