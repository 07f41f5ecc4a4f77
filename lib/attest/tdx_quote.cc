// Layouts: Intel TDX DCAP quote generation library (quote v4/v5) and
// ../shared/notes/attestation-formats.md §3. Offsets are checked before every read.
#include "lib/attest/tdx_quote.h"

#include <algorithm>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

// Bounds-checked little-endian reader; `what` names the structure in error messages.
class Reader {
 public:
  Reader(ByteSpan data, std::string_view what) : data_(data), what_(what) {}

  absl::StatusOr<ByteSpan> Take(size_t n, std::string_view field) {
    if (n > data_.size() - pos_) {
      return VerifyError(VerifyErrorKind::kParse,
                         StrCat(what_, ": truncated at ", field, " (offset ", pos_, ", need ", n,
                                " bytes, have ", data_.size() - pos_, ")"));
    }
    ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  absl::StatusOr<Bytes> TakeBytes(size_t n, std::string_view field) {
    ASSIGN_OR_RETURN(ByteSpan s, Take(n, field));
    return Bytes(s.begin(), s.end());
  }
  absl::StatusOr<uint64_t> TakeLe(size_t n, std::string_view field) {
    ASSIGN_OR_RETURN(ByteSpan s, Take(n, field));
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{s[i]} << (8 * i);
    return v;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  ByteSpan data_;
  std::string_view what_;
  size_t pos_ = 0;
};

absl::StatusOr<TdReportBody> ParseTdReportBody(ByteSpan data, bool td15) {
  Reader r(data, td15 ? "td 1.5 report body" : "td report body");
  TdReportBody b;
  b.td15 = td15;
  ASSIGN_OR_RETURN(b.tee_tcb_svn, r.TakeBytes(16, "TEE_TCB_SVN"));
  ASSIGN_OR_RETURN(b.mr_seam, r.TakeBytes(48, "MRSEAM"));
  ASSIGN_OR_RETURN(b.mr_signer_seam, r.TakeBytes(48, "MRSIGNERSEAM"));
  ASSIGN_OR_RETURN(b.seam_attributes, r.TakeLe(8, "SEAMATTRIBUTES"));
  ASSIGN_OR_RETURN(b.td_attributes, r.TakeLe(8, "TDATTRIBUTES"));
  ASSIGN_OR_RETURN(b.xfam, r.TakeLe(8, "XFAM"));
  ASSIGN_OR_RETURN(b.mr_td, r.TakeBytes(48, "MRTD"));
  ASSIGN_OR_RETURN(b.mr_config_id, r.TakeBytes(48, "MRCONFIGID"));
  ASSIGN_OR_RETURN(b.mr_owner, r.TakeBytes(48, "MROWNER"));
  ASSIGN_OR_RETURN(b.mr_owner_config, r.TakeBytes(48, "MROWNERCONFIG"));
  for (int i = 0; i < 4; ++i) {
    ASSIGN_OR_RETURN(b.rtmr[i], r.TakeBytes(48, StrCat("RTMR", i)));
  }
  ASSIGN_OR_RETURN(b.report_data, r.TakeBytes(64, "REPORTDATA"));
  if (td15) {
    ASSIGN_OR_RETURN(b.tee_tcb_svn2, r.TakeBytes(16, "TEE_TCB_SVN2"));
    ASSIGN_OR_RETURN(b.mr_service_td, r.TakeBytes(48, "MRSERVICETD"));
  }
  return b;
}

// QE report certification data (type 6): QE report, its signature, QE auth data and the nested
// PCK chain (type 5).
absl::Status ParseQeCertData(ByteSpan data, TdxQuote& q) {
  Reader r(data, "qe report certification data");
  ASSIGN_OR_RETURN(q.qe_report_raw, r.TakeBytes(kSgxReportBodySize, "QE_REPORT"));
  ASSIGN_OR_RETURN(q.qe_report, ParseSgxReportBody(q.qe_report_raw));
  ASSIGN_OR_RETURN(q.qe_report_signature, r.TakeBytes(64, "QE_REPORT_SIGNATURE"));
  ASSIGN_OR_RETURN(uint64_t auth_size, r.TakeLe(2, "QE_AUTH_DATA_SIZE"));
  ASSIGN_OR_RETURN(q.qe_auth_data, r.TakeBytes(auth_size, "QE_AUTH_DATA"));
  ASSIGN_OR_RETURN(uint64_t type, r.TakeLe(2, "inner CERT_DATA_TYPE"));
  if (type != kTdxCertDataPckChain) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("qe report certification data: inner certification data type ", type,
                              ", want 5 (PCK certificate chain)"));
  }
  ASSIGN_OR_RETURN(uint64_t size, r.TakeLe(4, "inner CERT_DATA_SIZE"));
  ASSIGN_OR_RETURN(ByteSpan pem, r.Take(size, "PCK certificate chain"));
  if (r.remaining() != 0) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("qe report certification data: ", r.remaining(),
                              " bytes after the PCK certificate chain"));
  }
  std::string_view chain = AsChars(pem);
  while (!chain.empty() && chain.back() == '\0') chain.remove_suffix(1);
  q.pck_chain_pem = std::string(chain);
  return absl::OkStatus();
}

absl::Status ParseSignatureData(ByteSpan data, TdxQuote& q) {
  Reader r(data, "quote signature data");
  ASSIGN_OR_RETURN(q.quote_signature, r.TakeBytes(64, "QUOTE_SIGNATURE"));
  ASSIGN_OR_RETURN(q.attestation_key, r.TakeBytes(64, "ATTESTATION_KEY"));
  ASSIGN_OR_RETURN(uint64_t type, r.TakeLe(2, "CERT_DATA_TYPE"));
  if (type != kTdxCertDataQeReport) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("quote signature data: certification data type ", type,
                              ", want 6 (QE report certification data)"));
  }
  ASSIGN_OR_RETURN(uint64_t size, r.TakeLe(4, "CERT_DATA_SIZE"));
  ASSIGN_OR_RETURN(ByteSpan cert, r.Take(size, "CERT_DATA"));
  if (r.remaining() != 0) {
    return VerifyError(VerifyErrorKind::kParse, StrCat("quote signature data: ", r.remaining(),
                                                       " bytes after the certification data"));
  }
  return ParseQeCertData(cert, q);
}

}  // namespace

absl::StatusOr<SgxReportBody> ParseSgxReportBody(ByteSpan data) {
  if (data.size() != kSgxReportBodySize) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("qe report: size ", data.size(), ", want 384"));
  }
  Reader r(data, "qe report");
  SgxReportBody b;
  ASSIGN_OR_RETURN(b.cpu_svn, r.TakeBytes(16, "CPUSVN"));
  ASSIGN_OR_RETURN(uint64_t misc, r.TakeLe(4, "MISCSELECT"));
  b.misc_select = static_cast<uint32_t>(misc);
  RETURN_IF_ERROR(r.Take(28, "reserved1").status());
  ASSIGN_OR_RETURN(b.attributes, r.TakeBytes(16, "ATTRIBUTES"));
  ASSIGN_OR_RETURN(b.mr_enclave, r.TakeBytes(32, "MRENCLAVE"));
  RETURN_IF_ERROR(r.Take(32, "reserved2").status());
  ASSIGN_OR_RETURN(b.mr_signer, r.TakeBytes(32, "MRSIGNER"));
  RETURN_IF_ERROR(r.Take(96, "reserved3").status());
  ASSIGN_OR_RETURN(uint64_t prod, r.TakeLe(2, "ISVPRODID"));
  ASSIGN_OR_RETURN(uint64_t svn, r.TakeLe(2, "ISVSVN"));
  b.isv_prod_id = static_cast<uint16_t>(prod);
  b.isv_svn = static_cast<uint16_t>(svn);
  RETURN_IF_ERROR(r.Take(60, "reserved4").status());
  ASSIGN_OR_RETURN(b.report_data, r.TakeBytes(64, "REPORTDATA"));
  return b;
}

absl::StatusOr<TdxQuote> ParseTdxQuote(ByteSpan data) {
  Reader r(data, "tdx quote");
  TdxQuote q;
  ASSIGN_OR_RETURN(uint64_t version, r.TakeLe(2, "VERSION"));
  q.version = static_cast<uint16_t>(version);
  if (q.version != 4 && q.version != 5) {
    return VerifyError(VerifyErrorKind::kVersion,
                       StrCat("tdx quote: version ", q.version, ", want 4 or 5"));
  }
  ASSIGN_OR_RETURN(uint64_t akt, r.TakeLe(2, "ATT_KEY_TYPE"));
  ASSIGN_OR_RETURN(uint64_t tee, r.TakeLe(4, "TEE_TYPE"));
  q.att_key_type = static_cast<uint16_t>(akt);
  q.tee_type = static_cast<uint32_t>(tee);
  if (q.att_key_type != kTdxAttKeyTypeEcdsaP256) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("tdx quote: attestation key type ", q.att_key_type,
                              ", want 2 (ECDSA-256-with-P-256)"));
  }
  if (q.tee_type != kTdxTeeType) {
    return VerifyError(VerifyErrorKind::kProduct,
                       StrCat("tdx quote: tee type 0x", HexEncode(data.subspan(4, 4)),
                              " (little-endian), want 0x81 (TDX)"));
  }
  RETURN_IF_ERROR(r.Take(4, "reserved").status());
  ASSIGN_OR_RETURN(q.qe_vendor_id, r.TakeBytes(16, "QE_VENDOR_ID"));
  ASSIGN_OR_RETURN(q.user_data, r.TakeBytes(20, "USER_DATA"));
  size_t body_size = kTdReport10Size;
  if (q.version == 5) {
    ASSIGN_OR_RETURN(uint64_t type, r.TakeLe(2, "BODY_TYPE"));
    ASSIGN_OR_RETURN(uint64_t size, r.TakeLe(4, "BODY_SIZE"));
    q.body_type = static_cast<uint16_t>(type);
    const size_t want = type == 2 ? kTdReport10Size : type == 3 ? kTdReport15Size : 0;
    if (want == 0) {
      return VerifyError(VerifyErrorKind::kParse, StrCat("tdx quote v5: body type ", type,
                                                         ", want 2 (TD 1.0) or 3 (TD 1.5)"));
    }
    if (size != want) {
      return VerifyError(VerifyErrorKind::kParse, StrCat("tdx quote v5: body size ", size,
                                                         " for body type ", type, ", want ", want));
    }
    body_size = want;
  }
  ASSIGN_OR_RETURN(ByteSpan body, r.Take(body_size, "report body"));
  ASSIGN_OR_RETURN(q.body, ParseTdReportBody(body, body_size == kTdReport15Size));
  q.signed_region.assign(data.begin(), data.begin() + r.pos());
  ASSIGN_OR_RETURN(uint64_t sig_len, r.TakeLe(4, "SIGNATURE_DATA_LEN"));
  ASSIGN_OR_RETURN(ByteSpan sig, r.Take(sig_len, "signature data"));
  RETURN_IF_ERROR(ParseSignatureData(sig, q));
  q.total_size = r.pos();
  ByteSpan tail = data.subspan(r.pos());
  auto nonzero = std::find_if(tail.begin(), tail.end(), [](uint8_t b) { return b != 0; });
  if (nonzero != tail.end()) {
    return VerifyError(
        VerifyErrorKind::kReservedNonZero,
        StrCat("tdx quote: non-zero byte at offset ", r.pos() + (nonzero - tail.begin()),
               " in the ", tail.size(), " bytes of padding after the signature data"));
  }
  return q;
}

namespace {

void PutLe(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

Bytes AssembleTdxQuote(const TdxQuote& q) {
  Bytes pck;
  PutLe(pck, kTdxCertDataPckChain, 2);
  PutLe(pck, q.pck_chain_pem.size(), 4);
  Append(pck, q.pck_chain_pem);
  Bytes qe = q.qe_report_raw;
  Append(qe, q.qe_report_signature);
  PutLe(qe, q.qe_auth_data.size(), 2);
  Append(qe, q.qe_auth_data);
  Append(qe, pck);
  Bytes sig = q.quote_signature;
  Append(sig, q.attestation_key);
  PutLe(sig, kTdxCertDataQeReport, 2);
  PutLe(sig, qe.size(), 4);
  Append(sig, qe);
  Bytes out = q.signed_region;
  PutLe(out, sig.size(), 4);
  Append(out, sig);
  return out;
}

}  // namespace c8s::attest
