#include "lib/attest/claims.h"

#include "lib/base/bytes.h"

namespace c8s::attest {

std::string_view PlatformName(Platform p) {
  switch (p) {
    case Platform::kSevSnp: return "sev-snp";
    case Platform::kTdx: return "tdx";
    case Platform::kSimulatedSevSnp: return "simulated-sev-snp";
    case Platform::kSimulatedTdx: return "simulated-tdx";
  }
  return "unknown";
}

std::optional<Platform> PlatformFromName(std::string_view name) {
  for (Platform p :
       {Platform::kSevSnp, Platform::kTdx, Platform::kSimulatedSevSnp, Platform::kSimulatedTdx}) {
    if (PlatformName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view SigningKeyKindName(SigningKeyKind k) {
  switch (k) {
    case SigningKeyKind::kNone: return "none";
    case SigningKeyKind::kVcek: return "vcek";
    case SigningKeyKind::kVlek: return "vlek";
    case SigningKeyKind::kPck: return "pck";
  }
  return "unknown";
}

std::string_view AssuranceLevelName(AssuranceLevel a) {
  switch (a) {
    case AssuranceLevel::kUnknown: return "unknown";
    case AssuranceLevel::kFullImage: return "full-image";
    case AssuranceLevel::kFirmwareAndRtmrs: return "firmware-and-rtmrs";
    case AssuranceLevel::kFirmwareOnly: return "firmware-only";
    case AssuranceLevel::kParavisor: return "paravisor";
    case AssuranceLevel::kSimulated: return "simulated";
  }
  return "unknown";
}

namespace {

nlohmann::json TcbJson(const SnpTcb& t, bool with_fmc) {
  nlohmann::json j = {{"bootloader", t.bootloader},
                      {"tee", t.tee},
                      {"snp", t.snp},
                      {"microcode", t.microcode},
                      {"raw", HexEncode(ByteSpan(reinterpret_cast<const uint8_t*>(&t.raw), 8))}};
  if (with_fmc) j["fmc"] = t.fmc;
  return j;
}

bool IsSnp(Platform p) { return p == Platform::kSevSnp || p == Platform::kSimulatedSevSnp; }

}  // namespace

nlohmann::json Claims::ToJson() const {
  nlohmann::json j;
  j["platform"] = std::string(PlatformName(platform));
  j["product"] = product;
  j["signingKey"] = std::string(SigningKeyKindName(signing_key));
  j["assurance"] = std::string(AssuranceLevelName(assurance));
  j["measurement"] = HexEncode(measurement);
  j["reportData"] = HexEncode(report_data);
  j["hostData"] = HexEncode(host_data);
  j["debug"] = debug;
  if (IsSnp(platform)) {
    bool fmc = product == "Turin";
    j["migrationAgent"] = migration_agent;
    j["reportVersion"] = report_version;
    j["vmpl"] = vmpl;
    j["guestSvn"] = guest_svn;
    j["policy"] = policy;
    j["policyAbi"] = {{"major", policy_abi_major}, {"minor", policy_abi_minor}};
    j["platformInfo"] = platform_info;
    j["smtEnabled"] = smt_enabled;
    j["tsmeEnabled"] = tsme_enabled;
    j["reportedTcb"] = TcbJson(reported_tcb, fmc);
    j["currentTcb"] = TcbJson(current_tcb, fmc);
    j["committedTcb"] = TcbJson(committed_tcb, fmc);
    j["launchTcb"] = TcbJson(launch_tcb, fmc);
    j["idKeyDigest"] = HexEncode(id_key_digest);
    j["authorKeyDigest"] = HexEncode(author_key_digest);
    j["chipId"] = HexEncode(chip_id);
    j["chipIdMasked"] = chip_id_masked;
    j["reportId"] = HexEncode(report_id);
    j["familyId"] = HexEncode(family_id);
    j["imageId"] = HexEncode(image_id);
  } else {
    j["quoteVersion"] = quote_version;
    j["teeTcbSvn"] = HexEncode(tee_tcb_svn);
    j["mrSeam"] = HexEncode(mr_seam);
    j["mrSignerSeam"] = HexEncode(mr_signer_seam);
    j["tdAttributes"] = td_attributes;
    j["septVeDisable"] = sept_ve_disable;
    j["xfam"] = xfam;
    j["mrOwner"] = HexEncode(mr_owner);
    j["mrOwnerConfig"] = HexEncode(mr_owner_config);
    nlohmann::json rt = nlohmann::json::array();
    for (const Bytes& r : rtmrs) rt.push_back(HexEncode(r));
    j["rtmrs"] = rt;
    j["ppid"] = HexEncode(ppid);
    j["fmspc"] = HexEncode(fmspc);
    j["tcbStatus"] = tcb_status;
    j["advisoryIds"] = advisory_ids;
  }
  return j;
}

}  // namespace c8s::attest
