// Intel PCS v4 collateral for TDX: TCB info (version 3) and QE identity (version 2).
//
// The signature of each document covers the exact bytes of its `tcbInfo` / `enclaveIdentity`
// value as served. ExtractJsonMember finds those bytes with a strict scanner (never by
// re-serializing), and the parsed fields are taken from those same bytes.
//   ASSIGN_OR_RETURN(SignedJson doc, SplitSignedJson(text, "tcbInfo"));
//   RETURN_IF_ERROR(VerifySignedJson(doc, signing_chain, anchors, now));
//   ASSIGN_OR_RETURN(TdxTcbInfo info, ParseTdxTcbInfo(doc.body));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/tdx_pck.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

// The exact text of the value of top-level member `key` in the JSON object `json`. Fails on
// malformed JSON, a missing key, or a key present twice (which copy is signed is ambiguous).
absl::StatusOr<std::string_view> ExtractJsonMember(std::string_view json, std::string_view key);

struct SignedJson {
  std::string body;  // exact served bytes of the signed value
  Bytes signature;   // 64 bytes, r||s
};
absl::StatusOr<SignedJson> SplitSignedJson(std::string_view json, std::string_view key);

// Checks `doc.signature` with the leaf of `chain_pem` (Intel SGX TCB Signing), chained to
// `anchors` at `now` (with `crls` when given). Returns whether the anchor is Intel's root.
absl::StatusOr<ChainResult> VerifySignedJson(const SignedJson& doc, std::string_view chain_pem,
                                             const TrustAnchors& anchors, absl::Time now,
                                             const std::vector<X509_CRL*>& crls = {});

struct TcbLevelStatus {
  std::string status;  // "UpToDate", "OutOfDate", ...
  std::string tcb_date;
  std::vector<std::string> advisory_ids;
};

struct TdxTcbLevel {
  uint8_t sgx_components[16] = {};
  uint16_t pcesvn = 0;
  uint8_t tdx_components[16] = {};
  TcbLevelStatus result;
};

struct TdxModuleLevel {
  uint16_t isvsvn = 0;
  TcbLevelStatus result;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01"
  Bytes mrsigner;  // 48
  uint64_t attributes = 0;
  uint64_t attributes_mask = 0;
  std::vector<TdxModuleLevel> levels;
};

struct TdxTcbInfo {
  int version = 0;
  absl::Time issue_date;
  absl::Time next_update;
  Bytes fmspc;   // 6
  Bytes pce_id;  // 2
  int tcb_evaluation_data_number = 0;
  TdxModuleIdentity tdx_module;  // id empty; levels empty
  std::vector<TdxModuleIdentity> module_identities;
  std::vector<TdxTcbLevel> levels;
};

struct QeIdentity {
  int version = 0;
  absl::Time issue_date;
  absl::Time next_update;
  uint32_t miscselect = 0;
  uint32_t miscselect_mask = 0;
  Bytes attributes;       // 16
  Bytes attributes_mask;  // 16
  Bytes mrsigner;         // 32
  uint16_t isvprodid = 0;
  std::vector<TdxModuleLevel> levels;
  int tcb_evaluation_data_number = 0;
};

// Parse the signed bodies (the text of the `tcbInfo` / `enclaveIdentity` value).
absl::StatusOr<TdxTcbInfo> ParseTdxTcbInfo(std::string_view body);
absl::StatusOr<QeIdentity> ParseQeIdentity(std::string_view body);

}  // namespace c8s::attest
