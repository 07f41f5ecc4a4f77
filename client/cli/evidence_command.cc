#include "client/cli/evidence_command.h"

#include <memory>

#include "client/cli/app.h"
#include "client/cli/evidence_input.h"
#include "lib/attest/policy.h"
#include "lib/attest/simulated_snp.h"
#include "lib/attest/simulated_tdx.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cli {
namespace {

using namespace c8s::attest;  // NOLINT: the command is a thin layer over lib/attest

struct VerifyArgs {
  std::string platform = "snp";
  std::string evidence, vcek, chain, collateral, roots, at, policy, report_data, cert_cache;
  std::vector<std::string> crls;
  bool accept_stale = false;
};

struct SimulateArgs {
  std::string platform = "snp";
  std::string out, measurement, tcb, product = "Milan", chip_id, report_data;
  uint32_t version = 5;
  bool vlek = false;
  bool debug = false;
};

absl::StatusOr<Claims> VerifySnp(const VerifyArgs& a, absl::Time at) {
  ASSIGN_OR_RETURN(Bytes raw, ReadEvidenceFile(a.evidence));
  Evidence ev;
  ev.platform = Platform::kSevSnp;
  ev.report = TrimSnpReport(std::move(raw));
  for (const std::string& f : {a.vcek, a.chain}) {
    if (f.empty()) continue;
    ASSIGN_OR_RETURN(std::string data, ReadFile(f));
    ev.certs.push_back(ToBytes(data));
  }
  SnpVerifyOptions opt;
  opt.now = at;
  opt.cert_cache_dir = a.cert_cache;
  if (!a.roots.empty()) {
    ASSIGN_OR_RETURN(opt.simulated_roots, ReadCertDir(a.roots));
  }
  for (const std::string& f : a.crls) {
    ASSIGN_OR_RETURN(std::string data, ReadFile(f));
    opt.crls.push_back(ToBytes(data));
  }
  if (!a.report_data.empty()) {
    ASSIGN_OR_RETURN(opt.expected_report_data, ParseReportDataHex(a.report_data));
  }
  return VerifySnpEvidence(ev, opt);
}

absl::StatusOr<Claims> VerifyTdx(const VerifyArgs& a, absl::Time at,
                                 std::vector<std::string>& warnings) {
  TdxCliInput in;
  ASSIGN_OR_RETURN(in.quote, ReadEvidenceFile(a.evidence));
  if (!a.collateral.empty()) in.collateral_dir = a.collateral;
  if (!a.roots.empty()) in.roots_dir = a.roots;
  in.at = at;
  in.accept_stale_collateral = a.accept_stale;
  if (!a.report_data.empty()) {
    ASSIGN_OR_RETURN(in.expected_report_data, ParseReportDataHex(a.report_data));
  }
  ASSIGN_OR_RETURN(TdxCliResult r, VerifyTdxEvidenceForCli(in));
  warnings = std::move(r.warnings);
  return r.claims;
}

void RunVerify(const VerifyArgs& a, CommandContext& ctx) {
  auto usage = [&ctx](std::string_view msg) {
    ctx.err << "c8sctl evidence verify: " << msg << "\n";
    ctx.exit_code = kExitUsage;
  };
  absl::Time at = absl::Now();
  if (!a.at.empty()) {
    absl::StatusOr<absl::Time> t = ParseRfc3339(a.at);
    if (!t.ok()) return usage(StrCat("--at: ", t.status().message()));
    at = *t;
  }
  std::optional<AttestationPolicy> policy;
  if (!a.policy.empty()) {
    absl::StatusOr<std::string> text = ReadFile(a.policy);
    if (!text.ok()) return usage(StatusText(text.status()));
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) return usage(StrCat("--policy ", a.policy, ": not valid JSON"));
    absl::StatusOr<AttestationPolicy> p = ParseAttestationPolicy(j);
    if (!p.ok()) return usage(StrCat("--policy ", a.policy, ": ", p.status().message()));
    policy = *std::move(p);
  }
  std::vector<std::string> warnings;
  absl::StatusOr<Claims> claims =
      a.platform == "tdx" ? VerifyTdx(a, at, warnings) : VerifySnp(a, at);
  if (!claims.ok()) {
    std::optional<VerifyErrorKind> kind = GetVerifyErrorKind(claims.status());
    if (!kind) return usage(StatusText(claims.status()));  // unreadable files, bad flags
    ctx.err << "REFUSED (" << VerifyErrorKindName(*kind) << "): " << claims.status().message()
            << "\n";
    ctx.exit_code = kExitCheckFailed;
    return;
  }
  for (const std::string& w : warnings) ctx.err << "warning: " << w << "\n";
  ctx.out << claims->ToJson().dump(2) << "\n";
  if (!policy) {
    ctx.exit_code = kExitOk;
    return;
  }
  PolicyResult r = EvaluatePolicy(*policy, *claims);
  if (r.ok) {
    ctx.err << "policy: all checks passed\n";
    ctx.exit_code = kExitOk;
    return;
  }
  ctx.err << "REFUSED by policy (" << r.failures.size() << " failed checks):\n";
  for (const std::string& f : r.failures) ctx.err << "  FAIL " << f << "\n";
  ctx.exit_code = kExitCheckFailed;
}

// --tcb bootloader=3,tee=0,snp=8,microcode=115,fmc=1
absl::Status ParseTcb(const std::string& text, SnpTcb& tcb) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() : comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      return absl::InvalidArgumentError(StrCat("--tcb: '", item, "' is not name=value"));
    std::string name = item.substr(0, eq);
    int v = -1;
    try {
      v = std::stoi(item.substr(eq + 1));
    } catch (...) {
    }
    if (v < 0 || v > 255) return absl::InvalidArgumentError(StrCat("--tcb ", name, ": want 0-255"));
    uint8_t* field = name == "bootloader"  ? &tcb.bootloader
                     : name == "tee"       ? &tcb.tee
                     : name == "snp"       ? &tcb.snp
                     : name == "microcode" ? &tcb.microcode
                     : name == "fmc"       ? &tcb.fmc
                                           : nullptr;
    if (!field) return absl::InvalidArgumentError(StrCat("--tcb: unknown component '", name, "'"));
    *field = static_cast<uint8_t>(v);
  }
  return absl::OkStatus();
}

absl::Status RunSimulate(const SimulateArgs& a, CommandContext& ctx) {
  ReportData rd{};
  if (!a.report_data.empty()) {
    ASSIGN_OR_RETURN(Bytes b, ParseReportDataHex(a.report_data));
    std::copy(b.begin(), b.end(), rd.begin());
  }
  Bytes measurement;
  if (!a.measurement.empty()) {
    ASSIGN_OR_RETURN(measurement, HexDecode(a.measurement));
    if (measurement.size() != 48)
      return absl::InvalidArgumentError("--measurement: want 96 hex digits");
  }
  if (a.platform == "tdx") {
    ASSIGN_OR_RETURN(SimulatedTdx sim, SimulatedTdx::Create());
    SimulatedTdxFields fields;
    if (!measurement.empty()) fields.mr_td = measurement;
    fields.report_data = Bytes(rd.begin(), rd.end());
    RETURN_IF_ERROR(sim.WriteDirectory(a.out, fields, {}));
  } else {
    SimulatedSnpConfig cfg;
    cfg.product = SnpProductFromName(a.product);
    cfg.version = a.version;
    cfg.vlek = a.vlek;
    if (a.debug) cfg.policy |= 1ull << 19;
    if (!measurement.empty()) cfg.measurement = measurement;
    if (!a.tcb.empty()) RETURN_IF_ERROR(ParseTcb(a.tcb, cfg.tcb));
    if (!a.chip_id.empty()) {
      ASSIGN_OR_RETURN(cfg.chip_id, HexDecode(a.chip_id));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<SimulatedSnp> sim, SimulatedSnp::Create(cfg));
    RETURN_IF_ERROR(sim->WriteToDirectory(a.out, rd));
  }
  ctx.out << "wrote simulated " << a.platform << " evidence to " << a.out
          << " (verify with --roots " << a.out << "/roots)\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterEvidenceCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("evidence", "Verify or simulate TEE evidence");
  group->require_subcommand(1);

  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = group->add_subcommand(
      "verify",
      "Verify SEV-SNP or TDX evidence to the vendor roots and print the claims as JSON; with "
      "--policy, exit 1 and list every failed check on refusal");
  verify->add_option("--platform", v->platform, "snp or tdx")
      ->check(CLI::IsMember({"snp", "tdx"}))
      ->default_val("snp");
  verify->add_option("--evidence", v->evidence, "Report or quote (binary or hex)")->required();
  verify->add_option("--vcek", v->vcek, "SNP: VCEK/VLEK certificate (PEM or DER)");
  verify->add_option("--chain", v->chain, "SNP: ASK/ASVK and ARK (PEM or DER, any order)");
  verify->add_option("--cert-cache", v->cert_cache, "SNP: directory of certificates from KDS");
  verify->add_option("--crl", v->crls, "SNP: CRL issued by the ARK (repeatable)");
  verify->add_option("--collateral", v->collateral, "TDX: directory like vectors/tdx-collateral");
  verify->add_flag("--accept-stale-collateral", v->accept_stale,
                   "TDX: accept collateral past nextUpdate");
  verify->add_option("--roots", v->roots,
                     "Directory of simulated roots to trust (simulated evidence)");
  verify->add_option("--at", v->at, "Verification time, RFC 3339 (default: now)");
  verify->add_option("--policy", v->policy, "JSON attestation policy object (MANIFEST.md)");
  verify->add_option("--report-data", v->report_data, "Expected report data (hex, <= 64 bytes)");
  verify->callback([v, &ctx] { RunVerify(*v, ctx); });

  auto s = std::make_shared<SimulateArgs>();
  CLI::App* sim = group->add_subcommand(
      "simulate", "Write a simulated report/quote with its chain (and collateral for TDX)");
  sim->add_option("--platform", s->platform, "snp or tdx")
      ->check(CLI::IsMember({"snp", "tdx"}))
      ->default_val("snp");
  sim->add_option("--out", s->out, "Output directory")->required();
  sim->add_option("--measurement", s->measurement, "MEASUREMENT / MRTD (96 hex)");
  sim->add_option("--tcb", s->tcb, "SNP: bootloader=N,tee=N,snp=N,microcode=N,fmc=N");
  sim->add_option("--product", s->product, "SNP: Milan, Genoa or Turin")->default_val("Milan");
  sim->add_option("--version", s->version, "SNP report version 2-5")->default_val(5);
  sim->add_flag("--vlek", s->vlek, "SNP: sign with a VLEK instead of a VCEK");
  sim->add_flag("--debug", s->debug, "SNP: set the guest policy DEBUG bit");
  sim->add_option("--chip-id", s->chip_id, "SNP: CHIP_ID (128 hex)");
  sim->add_option("--report-data", s->report_data, "Report data (hex, <= 64 bytes)");
  sim->callback([s, &ctx] {
    absl::Status st = RunSimulate(*s, ctx);
    if (!st.ok()) {
      ctx.err << "c8sctl evidence simulate: " << StatusText(st) << "\n";
      ctx.exit_code = kExitUsage;
      return;
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace c8s::cli
