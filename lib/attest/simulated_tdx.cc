// Simulated TDX quotes and collateral, laid out byte for byte like Intel's (tdx_quote.h).
#include "lib/attest/simulated_tdx.h"

#include <openssl/core_names.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "lib/attest/simulated_tdx_pki.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::attest {
namespace {

using ojson = nlohmann::ordered_json;

void PutLe(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

absl::Status PutField(Bytes& out, const Bytes& v, size_t size, std::string_view name) {
  if (v.size() != size) {
    return absl::InvalidArgumentError(
        StrCat("simulated tdx: ", name, " has ", v.size(), " bytes, want ", size));
  }
  Append(out, v);
  return absl::OkStatus();
}

std::string UpperHex(ByteSpan b) {
  std::string s = HexEncode(b);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

ojson Level(ojson tcb, std::string_view status, absl::Time date, bool advisory) {
  ojson l = {{"tcb", std::move(tcb)}, {"tcbDate", FormatRfc3339(date)}, {"tcbStatus", status}};
  if (advisory) l["advisoryIDs"] = {"INTEL-SA-SIM-0001"};
  return l;
}

ojson Components(const uint8_t* svn) {
  ojson a = ojson::array();
  for (int i = 0; i < 16; ++i) a.push_back({{"svn", svn[i]}});
  return a;
}

// {"<key>":<body>,"signature":"<hex r||s>"}: the signature covers exactly `body`.
absl::StatusOr<std::string> SignedDoc(std::string_view key, const ojson& body, EVP_PKEY* signer) {
  const std::string text = body.dump();
  ASSIGN_OR_RETURN(Bytes sig, SignP256Raw(signer, AsBytes(text)));
  return StrCat("{\"", key, "\":", text, ",\"signature\":\"", HexEncode(sig), "\"}");
}

}  // namespace

SimulatedTdx::SimulatedTdx(std::unique_ptr<Pki> pki) : pki_(std::move(pki)) {}
SimulatedTdx::~SimulatedTdx() = default;
SimulatedTdx::SimulatedTdx(SimulatedTdx&&) noexcept = default;
SimulatedTdx& SimulatedTdx::operator=(SimulatedTdx&&) noexcept = default;

absl::StatusOr<SimulatedTdx> SimulatedTdx::Create() {
  ASSIGN_OR_RETURN(std::unique_ptr<Pki> pki, MakeSimulatedTdxPki());
  return SimulatedTdx(std::move(pki));
}

std::string SimulatedTdx::RootPem() const { return CertPem(pki_->root.get()); }

absl::StatusOr<Bytes> SimulatedTdx::Quote(const SimulatedTdxFields& f) const {
  TdxQuote q;
  Bytes& h = q.signed_region;
  PutLe(h, 4, 2);  // version
  PutLe(h, kTdxAttKeyTypeEcdsaP256, 2);
  PutLe(h, kTdxTeeType, 4);
  PutLe(h, 0, 4);                                                    // reserved
  Append(h, HexDecode("939a7233f79c4ca9940a0db3957f0607").value());  // Intel QE vendor ID
  Append(h, Bytes(20, 0));                                           // user data
  RETURN_IF_ERROR(PutField(h, f.tee_tcb_svn, 16, "tee_tcb_svn"));
  RETURN_IF_ERROR(PutField(h, f.mr_seam, 48, "mr_seam"));
  Append(h, Bytes(48, 0));  // MRSIGNERSEAM: Intel module
  PutLe(h, 0, 8);           // SEAMATTRIBUTES
  PutLe(h, f.td_attributes, 8);
  PutLe(h, f.xfam, 8);
  RETURN_IF_ERROR(PutField(h, f.mr_td, 48, "mr_td"));
  RETURN_IF_ERROR(PutField(h, f.mr_config_id, 48, "mr_config_id"));
  RETURN_IF_ERROR(PutField(h, f.mr_owner, 48, "mr_owner"));
  RETURN_IF_ERROR(PutField(h, f.mr_owner_config, 48, "mr_owner_config"));
  for (const Bytes& r : f.rtmr) RETURN_IF_ERROR(PutField(h, r, 48, "rtmr"));
  RETURN_IF_ERROR(PutField(h, f.report_data, 64, "report_data"));

  size_t len = 0;
  EVP_PKEY_get_octet_string_param(pki_->att_key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr,
                                  0, &len);
  Bytes pub(len);
  EVP_PKEY_get_octet_string_param(pki_->att_key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                  pub.data(), len, &len);
  q.attestation_key.assign(pub.begin() + 1, pub.end());  // drop the 0x04 prefix
  for (uint8_t i = 0; i < 32; ++i) q.qe_auth_data.push_back(i);

  Bytes& qe = q.qe_report_raw;
  Append(qe, pki_->ext.cpusvn);
  PutLe(qe, 0, 4);  // MISCSELECT
  Append(qe, Bytes(28, 0));
  Bytes attributes(16, 0);
  attributes[0] = 0x11;  // INIT | MODE64BIT
  attributes[8] = 0xe7;  // XFRM
  Append(qe, attributes);
  Append(qe, crypto::Sha256(AsBytes("c8s/simulated-tdx/qe-mrenclave")));
  Append(qe, Bytes(32, 0));
  Append(qe, pki_->qe_mrsigner);
  Append(qe, Bytes(96, 0));
  PutLe(qe, 2, 2);  // ISVPRODID: TD QE
  PutLe(qe, f.qe_isvsvn, 2);
  Append(qe, Bytes(60, 0));
  Bytes binding = q.attestation_key;
  Append(binding, q.qe_auth_data);
  Append(qe, crypto::Sha256(binding));
  Append(qe, Bytes(32, 0));

  ASSIGN_OR_RETURN(q.qe_report_signature, SignP256Raw(pki_->pck_key.get(), qe));
  ASSIGN_OR_RETURN(q.quote_signature, SignP256Raw(pki_->att_key.get(), h));
  q.pck_chain_pem =
      CertPem(pki_->pck.get()) + CertPem(pki_->pck_ca.get()) + CertPem(pki_->root.get());
  return AssembleTdxQuote(q);
}

absl::StatusOr<TdxCollateralBundle> SimulatedTdx::Collateral(
    const SimulatedTdxCollateralOptions& opt) const {
  const absl::Time next = opt.issue_date + opt.validity;
  const absl::Time date = opt.issue_date - absl::Hours(24 * 30);
  const std::string zero48 = std::string(96, '0');
  uint8_t tdx[16] = {opt.min_module_svn, 0, 3};
  uint8_t zero[16] = {};
  ojson module_levels = {Level({{"isvsvn", opt.min_module_svn}}, "UpToDate", date, false),
                         Level({{"isvsvn", 0}}, "OutOfDate", date, true)};
  ojson tcb_info = {{"id", "TDX"},
                    {"version", 3},
                    {"issueDate", FormatRfc3339(opt.issue_date)},
                    {"nextUpdate", FormatRfc3339(next)},
                    {"fmspc", kSimulatedTdxFmspc},
                    {"pceId", "0000"},
                    {"tcbType", 0},
                    {"tcbEvaluationDataNumber", 1},
                    {"tdxModule",
                     {{"mrsigner", zero48},
                      {"attributes", "0000000000000000"},
                      {"attributesMask", "FFFFFFFFFFFFFFFF"}}},
                    {"tdxModuleIdentities",
                     {{{"id", "TDX_01"},
                       {"mrsigner", zero48},
                       {"attributes", "0000000000000000"},
                       {"attributesMask", "FFFFFFFFFFFFFFFF"},
                       {"tcbLevels", module_levels}}}},
                    {"tcbLevels",
                     {Level({{"sgxtcbcomponents", Components(pki_->ext.sgx_tcb_comp)},
                             {"pcesvn", pki_->ext.pcesvn},
                             {"tdxtcbcomponents", Components(tdx)}},
                            "UpToDate", date, false),
                      Level({{"sgxtcbcomponents", Components(zero)},
                             {"pcesvn", 0},
                             {"tdxtcbcomponents", Components(zero)}},
                            "OutOfDate", date, true)}}};
  ojson qe_identity = {{"id", "TD_QE"},
                       {"version", 2},
                       {"issueDate", FormatRfc3339(opt.issue_date)},
                       {"nextUpdate", FormatRfc3339(next)},
                       {"tcbEvaluationDataNumber", 1},
                       {"miscselect", "00000000"},
                       {"miscselectMask", "FFFFFFFF"},
                       {"attributes", "11000000000000000000000000000000"},
                       {"attributesMask", "FBFFFFFFFFFFFFFF0000000000000000"},
                       {"mrsigner", UpperHex(pki_->qe_mrsigner)},
                       {"isvprodid", 2},
                       {"tcbLevels",
                        {Level({{"isvsvn", opt.min_qe_isvsvn}}, "UpToDate", date, false),
                         Level({{"isvsvn", 0}}, "OutOfDate", date, true)}}};
  TdxCollateralBundle b;
  ASSIGN_OR_RETURN(b.tcb_info_json, SignedDoc("tcbInfo", tcb_info, pki_->tcb_key.get()));
  ASSIGN_OR_RETURN(b.qe_identity_json,
                   SignedDoc("enclaveIdentity", qe_identity, pki_->tcb_key.get()));
  b.tcb_info_chain_pem = CertPem(pki_->tcb_signing.get()) + CertPem(pki_->root.get());
  b.qe_identity_chain_pem = b.tcb_info_chain_pem;
  ASSIGN_OR_RETURN(Bytes root_crl,
                   MakeSimulatedCrl(pki_->root.get(), pki_->root_key.get(), opt.issue_date, next));
  ASSIGN_OR_RETURN(
      Bytes pck_crl,
      MakeSimulatedCrl(pki_->pck_ca.get(), pki_->pck_ca_key.get(), opt.issue_date, next,
                       opt.revoke_pck ? X509_get0_serialNumber(pki_->pck.get()) : nullptr));
  b.crls = {std::move(root_crl), std::move(pck_crl)};
  return b;
}

absl::Status SimulatedTdx::WriteDirectory(const std::string& dir, const SimulatedTdxFields& fields,
                                          const SimulatedTdxCollateralOptions& opt) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "roots", ec);
  fs::create_directories(fs::path(dir) / "collateral", ec);
  if (ec) return absl::InternalError(StrCat("create ", dir, ": ", ec.message()));
  ASSIGN_OR_RETURN(Bytes quote, Quote(fields));
  ASSIGN_OR_RETURN(TdxCollateralBundle c, Collateral(opt));
  const std::string col = dir + "/collateral/";
  const std::string tcb = StrCat(col, "tcb_info_", kSimulatedTdxFmspc);
  RETURN_IF_ERROR(WriteFile(dir + "/quote.dat", AsChars(quote)));
  RETURN_IF_ERROR(WriteFile(dir + "/roots/sim_sgx_root.pem", RootPem()));
  RETURN_IF_ERROR(WriteFile(tcb + ".json", c.tcb_info_json));
  RETURN_IF_ERROR(WriteFile(tcb + "_chain.pem", c.tcb_info_chain_pem));
  RETURN_IF_ERROR(WriteFile(col + "qe_identity.json", c.qe_identity_json));
  RETURN_IF_ERROR(WriteFile(col + "qe_identity_chain.pem", c.qe_identity_chain_pem));
  RETURN_IF_ERROR(WriteFile(col + "root_ca.crl", AsChars(c.crls[0])));
  return WriteFile(col + "pck_crl_platform.crl", AsChars(c.crls[1]));
}

absl::StatusOr<Evidence> SimulatedTdxProvider::GetEvidence(const ReportData& report_data) {
  SimulatedTdxFields f = fields_;
  f.report_data.assign(report_data.begin(), report_data.end());
  Evidence ev;
  ev.platform = Platform::kSimulatedTdx;
  ASSIGN_OR_RETURN(ev.report, sim_.Quote(f));
  return ev;
}

}  // namespace c8s::attest
