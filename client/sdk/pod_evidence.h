// Agent-mediated evidence of a CDS pod (ARCHITECTURE.md §4): hardware evidence of the CVM the
// pod runs in, whose report data is c8s/pod/v1(image digest, pod ref, H(role binding)). The
// CDS uses it with the c8s/cds/v1 binding for clients (cds_attestation.h) and with
// c8s/recover/v1 when it waits, sealed, for its seed (recovery.h). One check for both: vendor
// chain and signature, the binding, the CDS image and pod, the hardware reference values.
//
//   attest::ReportData role = attest::RecoverRoleBinding(nonce, recipient_key);
//   ASSIGN_OR_RETURN(attest::Claims claims,
//                    VerifyPodEvidence(ev, image, pod, role, "c8s/recover/v1 binding", ref, opt));
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/sdk/reference_values.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/base/bytes.h"

namespace c8s::client {

struct VerifyCdsOptions {
  absl::Time now = absl::Now();
  // Roots of simulated evidence chains (PEM or DER). With them simulated evidence verifies as
  // simulated-*, which a policy still refuses unless it says allowSimulated.
  std::vector<Bytes> simulated_roots;
  std::string snp_cert_cache_dir;  // certificates fetched from AMD KDS
  std::vector<Bytes> snp_crls;
  // TDX collateral (Intel PCS): a loaded bundle, or a directory laid out as
  // attest::LoadTdxCollateralDir reads it (the FMSPC comes from the quote). Without either
  // the TCB status is "Unknown", which policies refuse unless they accept it.
  const attest::TdxCollateralBundle* tdx_collateral = nullptr;
  std::string tdx_collateral_dir;
};

// Refusals carry an attest::VerifyErrorKind; messages start with "evidence: ", "report data: ",
// "image: ", "pod: ", "node policy: " or "cds policy: ". `binding` names the role binding for
// the report-data message ("c8s/cds/v1 binding of nonce, CA certificate and sealing key").
absl::StatusOr<attest::Claims> VerifyPodEvidence(
    const attest::Evidence& evidence, std::string_view image_digest, std::string_view pod_ref,
    const attest::ReportData& role_binding, std::string_view binding, const CdsReferenceValues& ref,
    const VerifyCdsOptions& options);

}  // namespace c8s::client
