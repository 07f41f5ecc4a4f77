// Reference-value policy for attestation claims (MANIFEST.md `attestationPolicies`).
//
// A policy says which measurements, TCBs, products, chip IDs, host data and TDX values are
// acceptable. Evaluation never stops at the first problem: it lists every failed check with
// the values involved, e.g. `snp.measurement: got 7f3a…, want one of [9c01…, 44b2…]`.
//   ASSIGN_OR_RETURN(AttestationPolicy policy, ParseAttestationPolicy(json["nodes-prod"]));
//   PolicyResult r = EvaluatePolicy(policy, claims);
//   if (!r.ok) for (const auto& f : r.failures) log(f);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

// Minimum SEV-SNP TCB per component; an absent component is not checked. `fmc` only applies
// to products with an FMC SPL (Turin).
struct SnpMinTcb {
  std::optional<uint8_t> bootloader;
  std::optional<uint8_t> tee;
  std::optional<uint8_t> snp;
  std::optional<uint8_t> microcode;
  std::optional<uint8_t> fmc;
};

struct SnpMinAbi {
  uint8_t major = 0;
  uint8_t minor = 0;
};

// Lists are allow-lists. `measurements` is required and an empty list accepts nothing. The
// optional lists (products, host_data, chip_ids) are not checked when absent (nullopt), and
// accept nothing when present but empty: an empty allow-list never means "allow any".
struct SnpPolicy {
  std::vector<Bytes> measurements;                      // 48 bytes each
  SnpMinTcb min_tcb;                                    // compared with REPORTED_TCB
  std::optional<std::vector<std::string>> products;     // "Milan", "Genoa", "Turin"
  bool allow_debug = false;
  bool allow_migration_agent = false;
  std::optional<std::vector<Bytes>> host_data;          // 32 bytes each
  std::optional<std::vector<Bytes>> chip_ids;           // 64 bytes each (Turin: 8 significant)
  std::optional<SnpMinAbi> min_abi;                     // guest policy ABI_MAJOR.ABI_MINOR
  std::optional<uint32_t> vmpl;                         // required VMPL ("vmpl")
};

// `mrtd` is required (empty accepts nothing). `rtmrs`: each entry is 4 values of 48 bytes, the
// claims must equal one entry. `accepted_tcb_status` defaults to {"UpToDate"} when absent.
struct TdxPolicy {
  std::vector<Bytes> mrtd;                                  // 48 bytes each
  std::optional<std::vector<std::vector<Bytes>>> rtmrs;     // each: 4 x 48 bytes
  std::optional<std::vector<Bytes>> mr_config_id;           // 48 bytes each
  std::optional<Bytes> min_tee_tcb_svn;                     // 16 bytes, per-byte minimum
  bool allow_debug = false;
  std::optional<std::vector<std::string>> accepted_tcb_status;
};

struct AttestationPolicy {
  bool allow_simulated = false;
  std::optional<SnpPolicy> snp;
  std::optional<TdxPolicy> tdx;
};

struct PolicyResult {
  bool ok = false;
  std::vector<std::string> failures;  // every failed check, "<field>: got …, want …"
};

// Parses one policy object (the value under a name in `attestationPolicies`). Unknown keys and
// malformed hex are errors, so that a typo never weakens a policy.
absl::StatusOr<AttestationPolicy> ParseAttestationPolicy(const nlohmann::json& j);
nlohmann::json AttestationPolicyToJson(const AttestationPolicy& policy);

// Evaluates `claims` against `policy`. Simulated platforms require allow_simulated and are
// then checked against the section of their platform (snp for simulated-sev-snp, ...).
PolicyResult EvaluatePolicy(const AttestationPolicy& policy, const Claims& claims);

// Per-platform checks, each appending failures ("snp.…" / "tdx.…") to `failures`.
// EvaluateSnpPolicy lives in policy.cc; EvaluateTdxPolicy in policy_tdx.cc (TDX owner).
void EvaluateSnpPolicy(const SnpPolicy& policy, const Claims& claims,
                       std::vector<std::string>& failures);
void EvaluateTdxPolicy(const TdxPolicy& policy, const Claims& claims,
                       std::vector<std::string>& failures);

// Formatting shared by both platform checks so that messages look the same:
// "<field>: got <hex>, want one of [<hex>, <hex>]" (hex abbreviated to 8 chars + "…"
// unless `full`), and "<field>: allow-list is empty, nothing is accepted".
std::string ShortHex(ByteSpan b);
std::string HexList(const std::vector<Bytes>& values);
bool InAllowList(const std::vector<Bytes>& list, ByteSpan value);

}  // namespace c8s::attest
