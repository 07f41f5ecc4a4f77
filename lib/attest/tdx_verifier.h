// Intel TDX quote verification: PCK chain to the compiled-in Intel SGX Root CA, QE report
// signature with the PCK key, QE report data = SHA-256(attestation key || QE auth data), quote
// signature with the attestation key, and, with collateral, TCB info / QE identity signatures,
// freshness and the TCB status. Reference values are policy.h's job.
//   TdxVerifyOptions opt;  opt.now = absl::FromCivil(...);  opt.collateral = &bundle;
//   ASSIGN_OR_RETURN(TdxVerification v, VerifyTdxQuote(quote_bytes, opt));
//   // v.claims.tcb_status == "UpToDate"; failures carry a VerifyErrorKind (verify_error.h)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/tdx_quote.h"
#include "lib/attest/tdx_tcb.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

// Collateral as served by Intel PCS (files of a `tdx-collateral` directory).
struct TdxCollateralBundle {
  std::string tcb_info_json;       // {"tcbInfo":{...},"signature":"..."}
  std::string tcb_info_chain_pem;  // Intel SGX TCB Signing + root
  std::string qe_identity_json;    // {"enclaveIdentity":{...},"signature":"..."}
  std::string qe_identity_chain_pem;
  std::vector<Bytes> crls;  // root CA CRL and PCK CRLs, DER or PEM; may be empty
};

// Reads tcb_info_<fmspc>.json (+ _chain.pem, else the QE identity chain, which Intel signs
// with the same TCB signing certificate), qe_identity.json + _chain.pem, and whichever of
// root_ca.crl, pck_crl_platform.crl, pck_crl_processor.crl exist.
absl::StatusOr<TdxCollateralBundle> LoadTdxCollateralDir(const std::string& dir, ByteSpan fmspc);

struct TdxVerifyOptions {
  absl::Time now = absl::Now();
  // Without collateral the TCB status is "Unknown".
  const TdxCollateralBundle* collateral = nullptr;
  // Collateral past nextUpdate fails (kExpired) unless accepted here; it is then reported in
  // TdxVerification::warnings.
  bool accept_stale_collateral = false;
  // Roots of simulated chains (PEM or DER). Quotes rooted there verify with platform
  // kSimulatedTdx, which policy refuses unless allowSimulated.
  std::vector<Bytes> simulated_roots;
  std::optional<Bytes> expected_report_data;  // kReportData when different
  AssuranceLevel assurance = AssuranceLevel::kFirmwareAndRtmrs;
};

struct TdxVerification {
  Claims claims;
  TdxQuote quote;
  std::optional<TdxTcbResult> tcb;
  std::vector<std::string> warnings;  // e.g. stale collateral that was accepted
};

absl::StatusOr<TdxVerification> VerifyTdxQuote(ByteSpan quote, const TdxVerifyOptions& opt);
// Evidence form (evidence.report = the quote), as the other verifiers take it.
absl::StatusOr<Claims> VerifyTdxEvidence(const Evidence& evidence, const TdxVerifyOptions& opt);

// `c8sctl evidence verify --platform tdx`: a quote file as it comes (binary or hex text),
// optional --collateral DIR, --roots DIR (simulated roots: every *.pem / *.der in it), --at.
struct TdxCliInput {
  Bytes quote;
  std::optional<std::string> collateral_dir;
  std::optional<std::string> roots_dir;
  absl::Time at = absl::Now();
  bool accept_stale_collateral = false;
  std::optional<Bytes> expected_report_data;
};
struct TdxCliResult {
  Claims claims;
  std::vector<std::string> warnings;
};
absl::StatusOr<TdxCliResult> VerifyTdxEvidenceForCli(const TdxCliInput& in);

}  // namespace c8s::attest
