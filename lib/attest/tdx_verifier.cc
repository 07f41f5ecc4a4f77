// Order of checks follows Intel's QVL (and go-tdx-guest verifyQuote): the PCK chain first, so
// that every later key is anchored, then QE report, QE binding, quote, collateral.
#include "lib/attest/tdx_verifier.h"

#include "lib/attest/tdx_collateral.h"
#include "lib/attest/tdx_pck.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::attest {
namespace {

absl::Status Freshness(std::string_view doc, absl::Time issue, absl::Time next, absl::Time now,
                       bool accept_stale, std::vector<std::string>& warnings) {
  if (now < issue) {
    return VerifyError(VerifyErrorKind::kExpired, StrCat(doc, ": issued ", FormatRfc3339(issue),
                                                         ", after the verification "
                                                         "time ",
                                                         FormatRfc3339(now)));
  }
  if (now > next) {
    std::string msg = StrCat(doc, ": stale, nextUpdate ", FormatRfc3339(next),
                             " is before the verification time ", FormatRfc3339(now));
    if (!accept_stale) return VerifyError(VerifyErrorKind::kExpired, msg);
    warnings.push_back(msg);
  }
  return absl::OkStatus();
}

// TCB info and QE identity, verified against the same root as the PCK chain.
absl::StatusOr<TdxTcbResult> CheckCollateral(const TdxCollateralBundle& c, const TdxQuote& q,
                                             const PckExtensions& pck, const TrustAnchors& anchors,
                                             X509* pck_anchor, const TdxVerifyOptions& opt,
                                             const std::vector<X509_CRL*>& crls,
                                             std::vector<std::string>& warnings) {
  ASSIGN_OR_RETURN(SignedJson tcb_doc, SplitSignedJson(c.tcb_info_json, "tcbInfo"));
  ASSIGN_OR_RETURN(SignedJson qe_doc, SplitSignedJson(c.qe_identity_json, "enclaveIdentity"));
  for (auto [doc, chain, name] : {std::tuple{&tcb_doc, &c.tcb_info_chain_pem, "tcb info"},
                                  std::tuple{&qe_doc, &c.qe_identity_chain_pem, "qe identity"}}) {
    absl::StatusOr<ChainResult> r = VerifySignedJson(*doc, *chain, anchors, opt.now, crls);
    if (!r.ok()) return AnnotateVerify(r.status(), name);
    if (X509_cmp(r->anchor, pck_anchor) != 0) {
      return VerifyError(VerifyErrorKind::kCollateral,
                         StrCat(name, ": signed under a different root than the PCK chain"));
    }
  }
  ASSIGN_OR_RETURN(TdxTcbInfo info, ParseTdxTcbInfo(tcb_doc.body));
  ASSIGN_OR_RETURN(QeIdentity qe, ParseQeIdentity(qe_doc.body));
  RETURN_IF_ERROR(Freshness("tcb info", info.issue_date, info.next_update, opt.now,
                            opt.accept_stale_collateral, warnings));
  RETURN_IF_ERROR(Freshness("qe identity", qe.issue_date, qe.next_update, opt.now,
                            opt.accept_stale_collateral, warnings));
  return EvaluateTdxTcb({&info, &qe, &pck, &q});
}

Claims ClaimsFromQuote(const TdxQuote& q, const PckExtensions& pck, bool intel_root,
                       AssuranceLevel assurance) {
  Claims c;
  c.platform = intel_root ? Platform::kTdx : Platform::kSimulatedTdx;
  c.product = "TDX";
  c.signing_key = SigningKeyKind::kPck;
  c.assurance = intel_root ? assurance : AssuranceLevel::kSimulated;
  const TdReportBody& b = q.body;
  c.quote_version = q.version;
  c.measurement = b.mr_td;
  c.report_data = b.report_data;
  c.host_data = b.mr_config_id;
  c.td_attributes = b.td_attributes;
  c.debug = (b.td_attributes & 1) != 0;
  c.sept_ve_disable = (b.td_attributes >> 28 & 1) != 0;
  c.xfam = b.xfam;
  c.tee_tcb_svn = b.tee_tcb_svn;
  c.mr_seam = b.mr_seam;
  c.mr_signer_seam = b.mr_signer_seam;
  c.mr_owner = b.mr_owner;
  c.mr_owner_config = b.mr_owner_config;
  c.rtmrs.assign(std::begin(b.rtmr), std::end(b.rtmr));
  c.ppid = pck.ppid;
  c.fmspc = pck.fmspc;
  c.tcb_status = "Unknown";
  return c;
}

}  // namespace

absl::StatusOr<TdxVerification> VerifyTdxQuote(ByteSpan quote, const TdxVerifyOptions& opt) {
  TdxVerification v;
  ASSIGN_OR_RETURN(v.quote, ParseTdxQuote(quote));
  const TdxQuote& q = v.quote;
  std::vector<std::string> extra;
  for (const Bytes& r : opt.simulated_roots) extra.push_back(ToString(r));
  ASSIGN_OR_RETURN(TrustAnchors anchors, MakeTrustAnchors(extra));
  std::vector<crypto::X509CrlPtr> owned_crls;
  std::vector<X509_CRL*> crls;
  if (opt.collateral != nullptr) {
    for (const Bytes& raw : opt.collateral->crls) {
      ASSIGN_OR_RETURN(auto parsed, ParseCrl(raw));
      for (auto& crl : parsed) {
        crls.push_back(crl.get());
        owned_crls.push_back(std::move(crl));
      }
    }
  }

  absl::StatusOr<CertChain> chain = ParsePemChain(q.pck_chain_pem);
  if (!chain.ok()) return AnnotateVerify(chain.status(), "pck chain");
  absl::StatusOr<ChainResult> anchored = VerifyIntelChain(*chain, anchors, opt.now, crls);
  if (!anchored.ok()) return AnnotateVerify(anchored.status(), "pck chain");
  X509* pck_cert = chain->front().get();
  ASSIGN_OR_RETURN(PckExtensions pck, ParsePckExtensions(pck_cert));

  crypto::EvpPkeyPtr pck_key(X509_get_pubkey(pck_cert));
  if (!pck_key || EVP_PKEY_get_base_id(pck_key.get()) != EVP_PKEY_EC) {
    return VerifyError(VerifyErrorKind::kCertificate, "pck certificate: not an EC key");
  }
  if (!VerifyP256RawSignature(pck_key.get(), q.qe_report_raw, q.qe_report_signature).ok()) {
    return VerifyError(VerifyErrorKind::kSignature,
                       "qe report signature: does not verify with the PCK certificate key");
  }
  Bytes binding = q.attestation_key;
  Append(binding, q.qe_auth_data);
  Bytes want = crypto::Sha256(binding);
  want.resize(64, 0);
  if (q.qe_report.report_data != want) {
    return VerifyError(
        VerifyErrorKind::kReportData,
        StrCat("qe report data: got ", HexEncode(q.qe_report.report_data),
               ", want SHA-256(attestation key || qe auth data) || 0*32 = ", HexEncode(want)));
  }
  ASSIGN_OR_RETURN(crypto::EvpPkeyPtr att_key, P256KeyFromRaw(q.attestation_key));
  if (!VerifyP256RawSignature(att_key.get(), q.signed_region, q.quote_signature).ok()) {
    return VerifyError(VerifyErrorKind::kSignature,
                       "quote signature: does not verify with the attestation key over header "
                       "and report body");
  }
  v.claims = ClaimsFromQuote(q, pck, anchored->intel_root, opt.assurance);
  if (opt.collateral != nullptr) {
    ASSIGN_OR_RETURN(v.tcb, CheckCollateral(*opt.collateral, q, pck, anchors, anchored->anchor, opt,
                                            crls, v.warnings));
    v.claims.tcb_status = v.tcb->status;
    v.claims.advisory_ids = v.tcb->advisory_ids;
  }
  if (opt.expected_report_data && *opt.expected_report_data != q.body.report_data) {
    return VerifyError(VerifyErrorKind::kReportData,
                       StrCat("report data: got ", HexEncode(q.body.report_data), ", want ",
                              HexEncode(*opt.expected_report_data)));
  }
  return v;
}

absl::StatusOr<Claims> VerifyTdxEvidence(const Evidence& evidence, const TdxVerifyOptions& opt) {
  ASSIGN_OR_RETURN(TdxVerification v, VerifyTdxQuote(evidence.report, opt));
  return std::move(v.claims);
}

}  // namespace c8s::attest
