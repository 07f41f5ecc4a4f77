#include "cds/carried_claims.h"

#include <algorithm>
#include <map>

#include "cds/node_join.h"
#include "lib/base/bytes.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

absl::StatusOr<uint8_t> TcbPart(const std::map<std::string, int>& parts, const char* key,
                                bool required) {
  auto it = parts.find(key);
  if (it == parts.end()) {
    if (!required) return 0;
    return absl::InvalidArgumentError(StrCat("certificate tcb claim: no \"", key, "\""));
  }
  return static_cast<uint8_t>(it->second);
}

absl::StatusOr<attest::SnpTcb> ParseSnpTcb(std::string_view text) {
  std::map<std::string, int> parts;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq + 1 >= item.size() || item.size() - eq > 4) {
      return absl::InvalidArgumentError(StrCat("certificate tcb claim \"", text, "\": bad item"));
    }
    int v = 0;
    for (char c : item.substr(eq + 1)) {
      if (c < '0' || c > '9') {
        return absl::InvalidArgumentError(
            StrCat("certificate tcb claim \"", text, "\": bad number"));
      }
      v = v * 10 + (c - '0');
    }
    if (v > 255) return absl::InvalidArgumentError(StrCat("certificate tcb claim \"", text, "\""));
    parts[std::string(item.substr(0, eq))] = v;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  attest::SnpTcb t;
  ASSIGN_OR_RETURN(t.bootloader, TcbPart(parts, "bl", true));
  ASSIGN_OR_RETURN(t.tee, TcbPart(parts, "tee", true));
  ASSIGN_OR_RETURN(t.snp, TcbPart(parts, "snp", true));
  ASSIGN_OR_RETURN(t.microcode, TcbPart(parts, "ucode", true));
  ASSIGN_OR_RETURN(t.fmc, TcbPart(parts, "fmc", false));
  return t;
}

bool Subset(const std::vector<Bytes>& a, const std::vector<Bytes>& b) {
  return std::all_of(a.begin(), a.end(),
                     [&](const Bytes& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

template <typename T>
bool SubsetOf(const std::optional<std::vector<T>>& admitted, const std::vector<T>& wanted) {
  if (!admitted.has_value()) return false;
  for (const T& x : *admitted) {
    if (std::find(wanted.begin(), wanted.end(), x) == wanted.end()) return false;
  }
  return true;
}

std::string NotGuaranteed(std::string_view field, std::string_view admitted_name) {
  return StrCat(field, ": not carried by the certificate and not guaranteed by ", admitted_name);
}

void ImpliedSnp(const attest::SnpPolicy& want, const attest::SnpPolicy* have, std::string_view name,
                std::vector<std::string>& failures) {
  auto fail = [&](std::string_view field) { failures.push_back(NotGuaranteed(field, name)); };
  if (want.products && !(have && SubsetOf(have->products, *want.products))) fail("snp.products");
  if (!want.allow_debug && !(have && !have->allow_debug)) fail("snp.allowDebug");
  if (!want.allow_migration_agent && !(have && !have->allow_migration_agent)) {
    fail("snp.allowMigrationAgent");
  }
  if (want.host_data && !(have && have->host_data && Subset(*have->host_data, *want.host_data))) {
    fail("snp.hostData");
  }
  if (want.chip_ids && !(have && have->chip_ids && Subset(*have->chip_ids, *want.chip_ids))) {
    fail("snp.chipIds");
  }
  if (want.min_abi) {
    bool ok = have && have->min_abi &&
              (have->min_abi->major > want.min_abi->major ||
               (have->min_abi->major == want.min_abi->major &&
                have->min_abi->minor >= want.min_abi->minor));
    if (!ok) fail("snp.minAbi");
  }
  if (want.vmpl && !(have && have->vmpl == want.vmpl)) fail("snp.vmpl");
}

void ImpliedTdx(const attest::TdxPolicy& want, const attest::TdxPolicy* have, std::string_view name,
                std::vector<std::string>& failures) {
  auto fail = [&](std::string_view field) { failures.push_back(NotGuaranteed(field, name)); };
  if (want.rtmrs && !(have && SubsetOf(have->rtmrs, *want.rtmrs))) fail("tdx.rtmrs");
  if (want.mr_config_id &&
      !(have && have->mr_config_id && Subset(*have->mr_config_id, *want.mr_config_id))) {
    fail("tdx.mrConfigId");
  }
  if (!want.allow_debug && !(have && !have->allow_debug)) fail("tdx.allowDebug");
  std::vector<std::string> up_to_date = {"UpToDate"};
  const std::vector<std::string>& wanted = want.accepted_tcb_status.value_or(up_to_date);
  std::optional<std::vector<std::string>> had =
      have ? std::optional(have->accepted_tcb_status.value_or(up_to_date)) : std::nullopt;
  if (!SubsetOf(had, wanted)) fail("tdx.acceptedTcbStatus");
}

}  // namespace

absl::StatusOr<attest::Claims> ClaimsFromCertificate(const crypto::C8sClaimsExtension& c) {
  if (!c.platform || !c.measurement_hex || !c.tcb) {
    return absl::PermissionDeniedError(
        "certificate carries no node claims (platform, measurement, tcb)");
  }
  attest::Claims claims;
  ASSIGN_OR_RETURN(claims.platform, ParsePlatform(*c.platform));
  absl::StatusOr<Bytes> m = HexDecode(*c.measurement_hex);
  if (!m.ok()) return absl::InvalidArgumentError("certificate measurement claim: bad hex");
  claims.measurement = std::move(*m);
  bool tdx = claims.platform == attest::Platform::kTdx ||
             claims.platform == attest::Platform::kSimulatedTdx;
  if (tdx) {
    constexpr std::string_view kPrefix = "tee_tcb_svn=";
    if (c.tcb->rfind(kPrefix, 0) != 0) {
      return absl::InvalidArgumentError(StrCat("certificate tcb claim \"", *c.tcb, "\""));
    }
    absl::StatusOr<Bytes> svn = HexDecode(c.tcb->substr(kPrefix.size()));
    if (!svn.ok() || svn->size() != 16) {
      return absl::InvalidArgumentError(StrCat("certificate tcb claim \"", *c.tcb, "\""));
    }
    claims.tee_tcb_svn = std::move(*svn);
    claims.product = "TDX";
  } else {
    ASSIGN_OR_RETURN(claims.reported_tcb, ParseSnpTcb(*c.tcb));
    // Only Turin has an FMC SPL; the TCB string names it only there.
    claims.product = c.tcb->find("fmc=") != std::string::npos ? "Turin" : "";
  }
  return claims;
}

attest::PolicyResult EvaluateCarried(const attest::AttestationPolicy& policy,
                                     const crypto::C8sClaimsExtension& cert_claims,
                                     const attest::AttestationPolicy* admitted,
                                     std::string_view admitted_name) {
  attest::PolicyResult result;
  absl::StatusOr<attest::Claims> claims = ClaimsFromCertificate(cert_claims);
  if (!claims.ok()) {
    result.failures.push_back(StatusText(claims.status()));
    return result;
  }
  // The carried part: the policy with every uncarried constraint lifted.
  attest::AttestationPolicy carried = policy;
  if (carried.snp) {
    carried.snp->products.reset();
    carried.snp->allow_debug = true;
    carried.snp->allow_migration_agent = true;
    carried.snp->host_data.reset();
    carried.snp->chip_ids.reset();
    carried.snp->min_abi.reset();
    carried.snp->vmpl.reset();
  }
  if (carried.tdx) {
    carried.tdx->rtmrs.reset();
    carried.tdx->mr_config_id.reset();
    carried.tdx->allow_debug = true;
    carried.tdx->accepted_tcb_status = std::vector<std::string>{claims->tcb_status};
  }
  result = attest::EvaluatePolicy(carried, *claims);
  bool tdx = claims->platform == attest::Platform::kTdx ||
             claims->platform == attest::Platform::kSimulatedTdx;
  if (!tdx && policy.snp) {
    ImpliedSnp(*policy.snp, admitted && admitted->snp ? &*admitted->snp : nullptr, admitted_name,
               result.failures);
  }
  if (tdx && policy.tdx) {
    ImpliedTdx(*policy.tdx, admitted && admitted->tdx ? &*admitted->tdx : nullptr, admitted_name,
               result.failures);
  }
  result.ok = result.failures.empty();
  return result;
}

}  // namespace c8s::cds
