#include "lib/attest/verify_error.h"

#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

// The payload type URL under which the kind name is stored.
constexpr char kPayloadUrl[] = "type.c8s.dev/attest.VerifyErrorKind";

constexpr VerifyErrorKind kAllKinds[] = {
    VerifyErrorKind::kParse,           VerifyErrorKind::kVersion,
    VerifyErrorKind::kSignature,       VerifyErrorKind::kChain,
    VerifyErrorKind::kReservedNonZero, VerifyErrorKind::kTcbMismatch,
    VerifyErrorKind::kChipIdMismatch,  VerifyErrorKind::kProduct,
    VerifyErrorKind::kExpired,         VerifyErrorKind::kRevoked,
    VerifyErrorKind::kReportData,      VerifyErrorKind::kKeyKind,
    VerifyErrorKind::kCertificate,     VerifyErrorKind::kSimulated,
    VerifyErrorKind::kPolicy,          VerifyErrorKind::kCollateral,
    VerifyErrorKind::kUnavailable,
};

}  // namespace

std::string_view VerifyErrorKindName(VerifyErrorKind kind) {
  switch (kind) {
    case VerifyErrorKind::kParse: return "parse";
    case VerifyErrorKind::kVersion: return "version";
    case VerifyErrorKind::kSignature: return "signature";
    case VerifyErrorKind::kChain: return "chain";
    case VerifyErrorKind::kReservedNonZero: return "reserved-nonzero";
    case VerifyErrorKind::kTcbMismatch: return "tcb-mismatch";
    case VerifyErrorKind::kChipIdMismatch: return "chip-id-mismatch";
    case VerifyErrorKind::kProduct: return "product";
    case VerifyErrorKind::kExpired: return "expired";
    case VerifyErrorKind::kRevoked: return "revoked";
    case VerifyErrorKind::kReportData: return "report-data";
    case VerifyErrorKind::kKeyKind: return "key-kind";
    case VerifyErrorKind::kCertificate: return "certificate";
    case VerifyErrorKind::kSimulated: return "simulated";
    case VerifyErrorKind::kPolicy: return "policy";
    case VerifyErrorKind::kCollateral: return "collateral";
    case VerifyErrorKind::kUnavailable: return "unavailable";
  }
  return "unknown";
}

absl::Status VerifyError(VerifyErrorKind kind, std::string_view message) {
  absl::StatusCode code = kind == VerifyErrorKind::kUnavailable
                              ? absl::StatusCode::kUnavailable
                              : absl::StatusCode::kInvalidArgument;
  absl::Status st(code, absl::string_view(message.data(), message.size()));
  std::string_view name = VerifyErrorKindName(kind);
  st.SetPayload(kPayloadUrl, absl::Cord(absl::string_view(name.data(), name.size())));
  return st;
}

std::optional<VerifyErrorKind> GetVerifyErrorKind(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload) return std::nullopt;
  std::string name(*payload);
  for (VerifyErrorKind k : kAllKinds) {
    if (VerifyErrorKindName(k) == name) return k;
  }
  return std::nullopt;
}

absl::Status AnnotateVerify(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status out(status.code(), StrCat(context, ": ", status.message()));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace c8s::attest
