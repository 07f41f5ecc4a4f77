// File-facing entry points of the TDX verifier: the collateral directory layout and the CLI
// input (quotes as operators have them: binary or hex text, with padding).
#include <filesystem>

#include "lib/attest/tdx_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadCollateralFile(const fs::path& p) {
  absl::StatusOr<std::string> data = ReadFile(p.string());
  if (!data.ok()) {
    return VerifyError(VerifyErrorKind::kCollateral, StrCat("collateral: cannot read ", p.string(),
                                                            ": ", data.status().message()));
  }
  return data;
}

// Hex text (with whitespace) is decoded; anything else is taken as the raw quote.
Bytes DecodeMaybeHex(const Bytes& in) {
  std::string hex;
  for (uint8_t c : in) {
    if (std::isspace(c)) continue;
    if (!std::isxdigit(c)) return in;
    hex.push_back(static_cast<char>(c));
  }
  absl::StatusOr<Bytes> raw = HexDecode(hex);
  return raw.ok() && !raw->empty() ? *raw : in;
}

}  // namespace

absl::StatusOr<TdxCollateralBundle> LoadTdxCollateralDir(const std::string& dir, ByteSpan fmspc) {
  const fs::path base(dir);
  const std::string name = StrCat("tcb_info_", HexEncode(fmspc));
  TdxCollateralBundle b;
  ASSIGN_OR_RETURN(b.tcb_info_json, ReadCollateralFile(base / (name + ".json")));
  ASSIGN_OR_RETURN(b.qe_identity_json, ReadCollateralFile(base / "qe_identity.json"));
  ASSIGN_OR_RETURN(b.qe_identity_chain_pem, ReadCollateralFile(base / "qe_identity_chain.pem"));
  std::error_code ec;
  if (fs::exists(base / (name + "_chain.pem"), ec)) {
    ASSIGN_OR_RETURN(b.tcb_info_chain_pem, ReadCollateralFile(base / (name + "_chain.pem")));
  } else {
    b.tcb_info_chain_pem = b.qe_identity_chain_pem;
  }
  for (const char* crl : {"root_ca.crl", "pck_crl_platform.crl", "pck_crl_processor.crl"}) {
    if (!fs::exists(base / crl, ec)) continue;
    ASSIGN_OR_RETURN(std::string data, ReadCollateralFile(base / crl));
    b.crls.push_back(ToBytes(data));
  }
  return b;
}

absl::StatusOr<TdxCliResult> VerifyTdxEvidenceForCli(const TdxCliInput& in) {
  Bytes quote = DecodeMaybeHex(in.quote);
  TdxVerifyOptions opt;
  opt.now = in.at;
  opt.accept_stale_collateral = in.accept_stale_collateral;
  opt.expected_report_data = in.expected_report_data;
  if (in.roots_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(*in.roots_dir, ec)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".pem" && ext != ".der" && ext != ".crt") continue;
      ASSIGN_OR_RETURN(std::string root, ReadFile(entry.path().string()));
      opt.simulated_roots.push_back(ToBytes(root));
    }
    if (ec)
      return absl::InvalidArgumentError(StrCat("--roots ", *in.roots_dir, ": ", ec.message()));
  }
  TdxCollateralBundle bundle;
  if (in.collateral_dir) {
    // The FMSPC that selects the TCB info comes from the PCK certificate; a first pass without
    // collateral checks the quote and yields it.
    TdxVerifyOptions first = opt;
    first.expected_report_data.reset();
    ASSIGN_OR_RETURN(TdxVerification pre, VerifyTdxQuote(quote, first));
    ASSIGN_OR_RETURN(bundle, LoadTdxCollateralDir(*in.collateral_dir, pre.claims.fmspc));
    opt.collateral = &bundle;
  }
  ASSIGN_OR_RETURN(TdxVerification v, VerifyTdxQuote(quote, opt));
  return TdxCliResult{std::move(v.claims), std::move(v.warnings)};
}

}  // namespace c8s::attest
