// Intel TDX DCAP quotes, versions 4 and 5: a strict parser of outside input.
//
// Parses header, TD report body (TD 1.0, 584 bytes; TD 1.5, 648 bytes), the ECDSA-256 quote
// signature data with its QE report certification data (type 6) and PCK chain (type 5). Every
// length is checked against the buffer; trailing zero padding (real quotes carry it) is allowed.
//   ASSIGN_OR_RETURN(TdxQuote q, ParseTdxQuote(bytes));
//   ByteSpan mrtd = q.body.mr_td;   // 48 bytes
//   std::string pem = q.pck_chain_pem;
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

inline constexpr uint16_t kTdxAttKeyTypeEcdsaP256 = 2;
inline constexpr uint32_t kTdxTeeType = 0x81;
inline constexpr size_t kTdxHeaderSize = 48;
inline constexpr size_t kTdReport10Size = 584;  // TD 1.0 report body
inline constexpr size_t kTdReport15Size = 648;  // TD 1.5 report body
inline constexpr size_t kSgxReportBodySize = 384;
inline constexpr uint16_t kTdxCertDataQeReport = 6;
inline constexpr uint16_t kTdxCertDataPckChain = 5;

// TD report body fields (Intel TDX DCAP Quote Generation Library, "TD Quote Body").
struct TdReportBody {
  Bytes tee_tcb_svn;     // 16
  Bytes mr_seam;         // 48
  Bytes mr_signer_seam;  // 48
  uint64_t seam_attributes = 0;
  uint64_t td_attributes = 0;
  uint64_t xfam = 0;
  Bytes mr_td;            // 48
  Bytes mr_config_id;     // 48
  Bytes mr_owner;         // 48
  Bytes mr_owner_config;  // 48
  Bytes rtmr[4];          // 48 each
  Bytes report_data;      // 64
  bool td15 = false;
  Bytes tee_tcb_svn2;   // 16, TD 1.5 only
  Bytes mr_service_td;  // 48, TD 1.5 only
};

// SGX report body of the quoting enclave (384 bytes).
struct SgxReportBody {
  Bytes cpu_svn;  // 16
  uint32_t misc_select = 0;
  Bytes attributes;  // 16
  Bytes mr_enclave;  // 32
  Bytes mr_signer;   // 32
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  Bytes report_data;  // 64
};

struct TdxQuote {
  uint16_t version = 0;
  uint16_t att_key_type = 0;
  uint32_t tee_type = 0;
  Bytes qe_vendor_id;      // 16
  Bytes user_data;         // 20
  uint16_t body_type = 2;  // v5 body type; 2 (TD 1.0) for v4
  TdReportBody body;
  Bytes signed_region;    // header (+ v5 type/size) + body: what the quote signature covers
  Bytes quote_signature;  // 64, r||s big-endian
  Bytes attestation_key;  // 64, X||Y big-endian
  Bytes qe_report_raw;    // 384, what the QE report signature covers
  SgxReportBody qe_report;
  Bytes qe_report_signature;  // 64, r||s big-endian
  Bytes qe_auth_data;
  std::string pck_chain_pem;  // trailing NULs stripped
  size_t total_size = 0;      // bytes used by the quote, excluding trailing padding
};

absl::StatusOr<TdxQuote> ParseTdxQuote(ByteSpan data);
absl::StatusOr<SgxReportBody> ParseSgxReportBody(ByteSpan data);

// The signature data of `q` (quote signature, attestation key, type-6 certification data with
// QE report, its signature, QE auth data and the type-5 PCK chain) appended to
// q.signed_region with its length: the inverse of ParseTdxQuote (without padding). Used by
// the simulated TDX provider and by tests that rebuild mutated quotes.
Bytes AssembleTdxQuote(const TdxQuote& q);

}  // namespace c8s::attest
