#include "lib/attest/evidence_detect.h"

#include <unistd.h>

#include "lib/attest/configfs_tsm.h"
#include "lib/attest/sev_guest.h"
#include "lib/attest/verify_error.h"
#include "lib/base/strings.h"

namespace c8s::attest {

absl::StatusOr<std::unique_ptr<EvidenceProvider>> DetectEvidenceProvider(const DetectOptions& o) {
  ConfigfsTsmOptions tsm;
  tsm.root = o.configfs_tsm_root;
  absl::StatusOr<std::unique_ptr<ConfigfsTsmProvider>> p = ConfigfsTsmProvider::Open(tsm);
  if (p.ok()) return std::unique_ptr<EvidenceProvider>(*std::move(p));
  std::string tried = StrCat("configfs-tsm: ", p.status().message());

  SevGuestOptions sev;
  sev.device = o.sev_guest_device;
  absl::StatusOr<std::unique_ptr<SevGuestProvider>> s = SevGuestProvider::Open(sev);
  if (s.ok()) return std::unique_ptr<EvidenceProvider>(*std::move(s));
  tried += StrCat("; sev-guest: ", s.status().message());

  // /dev/tdx_guest alone yields a TDREPORT, which only the same machine can check: quotes
  // need configfs-tsm (or a quote generation service), so its presence is reported, not used.
  if (access(o.tdx_guest_device.c_str(), F_OK) == 0) {
    tried += StrCat("; ", o.tdx_guest_device,
                    " exists but gives only a TDREPORT: a TDX quote needs configfs-tsm (Linux "
                    ">= 6.7)");
  } else {
    tried += StrCat("; ", o.tdx_guest_device, " does not exist");
  }
  return VerifyError(VerifyErrorKind::kUnavailable,
                     StrCat("no TEE evidence source on this machine (use the simulated provider "
                            "for development): ",
                            tried));
}

}  // namespace c8s::attest
