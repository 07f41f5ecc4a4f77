// Simulated Intel TDX for machines without a TEE: a complete PKI (root, PCK platform CA, PCK
// certificate with SGX extensions, TCB signing certificate), a simulated quoting enclave and
// attestation key, byte-exact v4 quotes, and signed collateral (TCB info, QE identity, CRLs).
// Keys are derived from fixed labels, so the keys and every unsigned byte are reproducible.
// The verifier accepts these quotes only with SimulatedTdx::RootPem() among its simulated
// roots, and then reports Platform::kSimulatedTdx, which policy refuses unless allowSimulated.
//   ASSIGN_OR_RETURN(SimulatedTdx sim, SimulatedTdx::Create());
//   ASSIGN_OR_RETURN(Bytes quote, sim.Quote(fields));
//   RETURN_IF_ERROR(sim.WriteDirectory(dir, fields, {}));   // quote + roots + collateral
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/evidence.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

// What the simulated TD reports. Defaults are fixed, recognisable patterns.
struct SimulatedTdxFields {
  Bytes mr_td = Bytes(48, 0x11);
  Bytes rtmr[4] = {Bytes(48, 0x21), Bytes(48, 0x22), Bytes(48, 0x23), Bytes(48, 0x24)};
  Bytes mr_config_id = Bytes(48, 0);
  Bytes mr_owner = Bytes(48, 0);
  Bytes mr_owner_config = Bytes(48, 0);
  Bytes mr_seam = Bytes(48, 0x5e);
  Bytes report_data = Bytes(64, 0);
  // TEE_TCB_SVN: [0] module SVN, [1] module major version (TDX_01), [2] late microcode.
  Bytes tee_tcb_svn = {0x05, 0x01, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  uint64_t td_attributes = 0x10000000;  // SEPT_VE_DISABLE
  uint64_t xfam = 0x00000000000602e7;
  uint16_t qe_isvsvn = 4;
};

// Collateral contents: validity and the TCB the simulated platform is judged against.
struct SimulatedTdxCollateralOptions {
  absl::Time issue_date = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  absl::Duration validity = absl::Hours(24 * 30);
  uint8_t min_module_svn = 5;  // TDX_01 levels: >= this UpToDate, else OutOfDate
  uint16_t min_qe_isvsvn = 4;
  bool revoke_pck = false;  // list the PCK certificate in the PCK CRL
};

inline constexpr char kSimulatedTdxFmspc[] = "c85e00000000";

class SimulatedTdx {
 public:
  static absl::StatusOr<SimulatedTdx> Create();
  ~SimulatedTdx();
  SimulatedTdx(SimulatedTdx&&) noexcept;
  SimulatedTdx& operator=(SimulatedTdx&&) noexcept;

  // A v4 quote: header, TD 1.0 body, signature data with QE report and the PCK chain.
  absl::StatusOr<Bytes> Quote(const SimulatedTdxFields& fields) const;
  absl::StatusOr<TdxCollateralBundle> Collateral(const SimulatedTdxCollateralOptions& opt) const;
  std::string RootPem() const;
  // Writes quote.dat, roots/sim_sgx_root.pem and collateral/ (the tdx-collateral layout).
  absl::Status WriteDirectory(const std::string& dir, const SimulatedTdxFields& fields,
                              const SimulatedTdxCollateralOptions& opt) const;

  struct Pki;

 private:
  explicit SimulatedTdx(std::unique_ptr<Pki> pki);
  std::unique_ptr<Pki> pki_;
};

// EvidenceProvider over SimulatedTdx: quotes with the requested report data.
class SimulatedTdxProvider : public EvidenceProvider {
 public:
  SimulatedTdxProvider(SimulatedTdx sim, SimulatedTdxFields fields)
      : sim_(std::move(sim)), fields_(std::move(fields)) {}
  absl::StatusOr<Evidence> GetEvidence(const ReportData& report_data) override;
  std::string_view Name() const override { return "simulated-tdx"; }

 private:
  SimulatedTdx sim_;
  SimulatedTdxFields fields_;
};

}  // namespace c8s::attest
