#include "node-agent/agent/tee.h"

#include "lib/attest/configfs_tsm.h"
#include "lib/attest/evidence_detect.h"
#include "lib/attest/sev_guest.h"
#include "lib/attest/simulated_snp.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {
namespace {

class PlatformCheck : public attest::EvidenceProvider {
 public:
  PlatformCheck(std::unique_ptr<attest::EvidenceProvider> inner, attest::Platform want)
      : inner_(std::move(inner)), want_(want) {}
  absl::StatusOr<attest::Evidence> GetEvidence(const attest::ReportData& rd) override {
    ASSIGN_OR_RETURN(attest::Evidence ev, inner_->GetEvidence(rd));
    if (ev.platform != want_) {
      return absl::FailedPreconditionError(
          StrCat(inner_->Name(), " produced ", attest::PlatformName(ev.platform),
                 " evidence but the agent was started for ", attest::PlatformName(want_)));
    }
    return ev;
  }
  std::string_view Name() const override { return inner_->Name(); }

 private:
  std::unique_ptr<attest::EvidenceProvider> inner_;
  attest::Platform want_;
};

absl::StatusOr<std::unique_ptr<attest::EvidenceProvider>> Simulated(const std::string& path) {
  std::unique_ptr<attest::SimulatedSnp> sim;
  absl::StatusOr<std::string> state = ReadFile(path, 1 << 20);
  if (state.ok()) {
    ASSIGN_OR_RETURN(sim, Annotate(attest::SimulatedSnp::FromState({}, *state), path));
  } else if (absl::IsNotFound(state.status())) {
    ASSIGN_OR_RETURN(sim, attest::SimulatedSnp::Create({}));
    RETURN_IF_ERROR(WriteFileAtomic(path, sim->ExportState(), 0600));
  } else {
    return state.status();
  }
  RETURN_IF_ERROR(WriteFileAtomic(path + ".ark.pem", sim->ArkPem(), 0644));
  log::Warn("evidence is SIMULATED: no CDS outside development may accept this node",
            {{"state", path}, {"root", path + ".ark.pem"}});
  return std::unique_ptr<attest::EvidenceProvider>(std::move(sim));
}

}  // namespace

std::unique_ptr<attest::EvidenceProvider> RequirePlatform(
    std::unique_ptr<attest::EvidenceProvider> inner, attest::Platform want) {
  return std::make_unique<PlatformCheck>(std::move(inner), want);
}

absl::StatusOr<std::unique_ptr<attest::EvidenceProvider>> OpenEvidenceProvider(
    TeeMode mode, const std::string& simulated_state_file) {
  switch (mode) {
    case TeeMode::kAuto:
      return attest::DetectEvidenceProvider({});
    case TeeMode::kSimulated:
      return Simulated(simulated_state_file);
    case TeeMode::kTdx: {
      absl::StatusOr<std::unique_ptr<attest::ConfigfsTsmProvider>> tsm =
          attest::ConfigfsTsmProvider::Open({});
      if (!tsm.ok()) {
        return Annotate(tsm.status(), "tee tdx needs configfs-tsm (Linux >= 6.7) for quotes");
      }
      return RequirePlatform(*std::move(tsm), attest::Platform::kTdx);
    }
    case TeeMode::kSnp: {
      absl::StatusOr<std::unique_ptr<attest::ConfigfsTsmProvider>> tsm =
          attest::ConfigfsTsmProvider::Open({});
      if (tsm.ok()) return RequirePlatform(*std::move(tsm), attest::Platform::kSevSnp);
      absl::StatusOr<std::unique_ptr<attest::SevGuestProvider>> sev =
          attest::SevGuestProvider::Open({});
      if (!sev.ok()) {
        return absl::UnavailableError(StrCat("tee snp: configfs-tsm: ", tsm.status().message(),
                                             "; sev-guest: ", sev.status().message()));
      }
      return std::unique_ptr<attest::EvidenceProvider>(*std::move(sev));
    }
  }
  return absl::InvalidArgumentError("unknown tee mode");
}

}  // namespace c8s::agent
