// Machine-checkable kinds of attestation verification failures.
//
// Every refusal from a verifier is an absl::Status whose message names the failed check with
// its values, and which carries a VerifyErrorKind as a payload so that callers and tests can
// tell a bad signature from an expired certificate without parsing text:
//   absl::Status st = VerifyError(VerifyErrorKind::kSignature, "report signature: ...");
//   if (GetVerifyErrorKind(st) == VerifyErrorKind::kTcbMismatch) { ... }
//   st = AnnotateVerify(st, "vcek");  // keeps the kind, prefixes the message
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace c8s::attest {

enum class VerifyErrorKind {
  kParse,            // truncated, oversized, malformed structure
  kVersion,          // unknown report/quote version
  kSignature,        // the evidence signature does not verify
  kChain,            // a certificate signature or the root does not verify
  kReservedNonZero,  // a must-be-zero field is set
  kTcbMismatch,      // signing-key TCB extensions differ from the reported TCB
  kChipIdMismatch,   // hwID extension differs from CHIP_ID
  kProduct,          // product unknown or inconsistent between report and certificates
  kExpired,          // certificate, CRL or collateral outside its validity window
  kRevoked,          // certificate listed in a CRL
  kReportData,       // report data differs from the expected binding
  kKeyKind,          // signing key kind (VCEK/VLEK/none) inconsistent with the certificate
  kCertificate,      // a certificate is missing, unparsable or has malformed extensions
  kSimulated,        // simulated evidence not allowed
  kPolicy,           // a reference-value check failed
  kCollateral,       // TDX collateral missing, malformed or badly signed
  kUnavailable,      // the evidence source does not exist on this machine
};

std::string_view VerifyErrorKindName(VerifyErrorKind kind);  // "parse", "signature", ...

// An InvalidArgument (kUnavailable: Unavailable) status with `kind` as payload.
absl::Status VerifyError(VerifyErrorKind kind, std::string_view message);
// The kind carried by `status`, or nullopt for OK and statuses without one.
std::optional<VerifyErrorKind> GetVerifyErrorKind(const absl::Status& status);
// Prefixes the message with `context: `, keeping code and payloads.
absl::Status AnnotateVerify(const absl::Status& status, std::string_view context);

}  // namespace c8s::attest
