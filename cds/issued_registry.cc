#include "cds/issued_registry.h"

#include <set>

#include "cds/node_policy.h"
#include "lib/attest/policy.h"
#include "lib/base/bytes.h"
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

nlohmann::json ToJson(const RevokedSerial& r) {
  return {{"serial", r.serial}, {"notAfter", FormatRfc3339(r.not_after)}, {"reason", r.reason}};
}

absl::StatusOr<RevokedSerial> ParseRevokedSerial(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("serial") || !j["serial"].is_string() ||
      !j.contains("notAfter") || !j["notAfter"].is_string() || !j.contains("reason") ||
      !j["reason"].is_string()) {
    return absl::DataLossError("revoked serial: want {serial, notAfter, reason}");
  }
  ASSIGN_OR_RETURN(absl::Time t, ParseRfc3339(j["notAfter"].get<std::string>()));
  return RevokedSerial{j["serial"].get<std::string>(), t, j["reason"].get<std::string>()};
}

nlohmann::json ToJson(const IssuedRecord& r) {
  nlohmann::json j = {
      {"serial", r.serial},          {"kind", r.kind == IssuedKind::kNode ? "node" : "workload"},
      {"nodeName", r.node_name},     {"identity", r.identity},
      {"nodeSerial", r.node_serial}, {"notAfter", absl::ToUnixSeconds(r.not_after)},
      {"address", r.address},        {"meshPort", r.mesh_port}};
  if (r.claims.has_value()) {
    const attest::Claims& c = *r.claims;
    j["claims"] = {{"platform", std::string(attest::PlatformName(c.platform))},
                   {"product", c.product},
                   {"measurement", HexEncode(c.measurement)},
                   {"hostData", HexEncode(c.host_data)},
                   {"chipId", HexEncode(c.chip_id)},
                   {"debug", c.debug},
                   {"migrationAgent", c.migration_agent},
                   {"tcb",
                    {c.reported_tcb.bootloader, c.reported_tcb.tee, c.reported_tcb.snp,
                     c.reported_tcb.microcode, c.reported_tcb.fmc}},
                   {"abi", {c.policy_abi_major, c.policy_abi_minor}},
                   {"vmpl", c.vmpl},
                   {"teeTcbSvn", HexEncode(c.tee_tcb_svn)},
                   {"tcbStatus", c.tcb_status}};
  }
  return j;
}

absl::StatusOr<IssuedRecord> ParseIssuedRecord(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("issued record: not an object");
  IssuedRecord r;
  try {
    r.serial = j.at("serial").get<std::string>();
    r.kind = j.at("kind").get<std::string>() == "node" ? IssuedKind::kNode : IssuedKind::kWorkload;
    r.node_name = j.at("nodeName").get<std::string>();
    r.identity = j.at("identity").get<std::string>();
    r.node_serial = j.at("nodeSerial").get<std::string>();
    r.not_after = absl::FromUnixSeconds(j.at("notAfter").get<int64_t>());
    r.address = j.at("address").get<std::string>();
    r.mesh_port = j.at("meshPort").get<uint32_t>();
    if (j.contains("claims")) {
      const nlohmann::json& c = j["claims"];
      attest::Claims claims;
      std::string platform = c.at("platform").get<std::string>();
      for (attest::Platform p :
           {attest::Platform::kSevSnp, attest::Platform::kTdx, attest::Platform::kSimulatedSevSnp,
            attest::Platform::kSimulatedTdx}) {
        if (attest::PlatformName(p) == platform) claims.platform = p;
      }
      claims.product = c.at("product").get<std::string>();
      auto hex = [&](const char* k) {
        return HexDecode(c.at(k).get<std::string>()).value_or(Bytes{});
      };
      claims.measurement = hex("measurement");
      claims.host_data = hex("hostData");
      claims.chip_id = hex("chipId");
      claims.tee_tcb_svn = hex("teeTcbSvn");
      claims.debug = c.at("debug").get<bool>();
      claims.migration_agent = c.at("migrationAgent").get<bool>();
      auto tcb = c.at("tcb").get<std::vector<uint8_t>>();
      if (tcb.size() != 5) return absl::InvalidArgumentError("issued record: tcb wants 5 values");
      claims.reported_tcb = {tcb[0], tcb[1], tcb[2], tcb[3], tcb[4], 0};
      auto abi = c.at("abi").get<std::vector<uint8_t>>();
      if (abi.size() != 2) return absl::InvalidArgumentError("issued record: abi wants 2 values");
      claims.policy_abi_major = abi[0];
      claims.policy_abi_minor = abi[1];
      claims.vmpl = c.at("vmpl").get<uint32_t>();
      claims.tcb_status = c.at("tcbStatus").get<std::string>();
      r.claims = std::move(claims);
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(StrCat("issued record: ", e.what()));
  }
  return r;
}

void IssuedRegistry::PruneLocked(absl::Time now) {
  for (auto it = records_.begin(); it != records_.end();) {
    it = it->second.not_after <= now ? records_.erase(it) : std::next(it);
  }
}

bool IssuedRegistry::Add(IssuedRecord record) {
  std::lock_guard lock(mu_);
  if (records_.size() >= capacity_) PruneLocked(absl::Now());
  if (records_.size() >= capacity_) return false;
  std::string serial = record.serial;
  records_[serial] = std::move(record);
  return true;
}

size_t IssuedRegistry::size() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

std::vector<RevokedSerial> IssuedRegistry::RevocationsFor(const manifest::Manifest& next,
                                                          absl::Time now) const {
  absl::StatusOr<attest::AttestationPolicy> node_policy = RolePolicy(next, next.roles.nodes);
  std::lock_guard lock(mu_);
  std::vector<RevokedSerial> out;
  std::set<std::string> revoked_nodes;
  for (const auto& [serial, r] : records_) {
    if (r.not_after <= now || r.kind != IssuedKind::kNode) continue;
    std::string reason;
    if (!node_policy.ok()) {
      reason = StrCat("node ", r.node_name, ": ", StatusText(node_policy.status()));
    } else if (r.claims.has_value()) {
      attest::PolicyResult result = attest::EvaluatePolicy(*node_policy, *r.claims);
      if (!result.ok) {
        reason = StrCat("node ", r.node_name, " no longer satisfies node policy \"",
                        next.roles.nodes, "\": ", result.failures.front());
      }
    }
    if (reason.empty()) continue;
    revoked_nodes.insert(serial);
    out.push_back({serial, r.not_after, std::move(reason)});
  }
  for (const auto& [serial, r] : records_) {
    if (r.not_after <= now || r.kind != IssuedKind::kWorkload) continue;
    if (revoked_nodes.count(r.node_serial) != 0) {
      out.push_back(
          {serial, r.not_after, StrCat("issued through revoked node certificate ", r.node_serial)});
    } else if (next.FindIdentity(r.identity) == nullptr) {
      out.push_back(
          {serial, r.not_after, StrCat("identity ", r.identity, " removed from the manifest")});
    }
  }
  return out;
}

}  // namespace c8s::cds
