// Evidence from /dev/sev-guest (SNP_GET_EXT_REPORT ioctl), the fallback for SEV-SNP guests on
// kernels without configfs-tsm. Returns the ATTESTATION_REPORT and the host-provided
// certificate table (VCEK/VLEK, ASK, ARK) as Evidence::auxblob.
//   ASSIGN_OR_RETURN(auto p, SevGuestProvider::Open({}));   // kUnavailable without the device
//   ASSIGN_OR_RETURN(Evidence ev, p->GetEvidence(report_data));
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"
#include "lib/base/bytes.h"
#include "lib/base/fd.h"

namespace c8s::attest {

struct SevGuestOptions {
  std::string device = "/dev/sev-guest";
  uint32_t vmpl = 0;
  // Initial certificate buffer; grown once when the host says it is too small.
  size_t certs_buffer = 4 * 4096;
};

class SevGuestProvider : public EvidenceProvider {
 public:
  // kUnavailable (verify_error.h) when the device is absent or cannot be opened.
  static absl::StatusOr<std::unique_ptr<SevGuestProvider>> Open(const SevGuestOptions& options);

  absl::StatusOr<Evidence> GetEvidence(const ReportData& report_data) override;
  std::string_view Name() const override { return "sev-guest"; }

 private:
  SevGuestProvider(SevGuestOptions o, UniqueFd fd) : opt_(std::move(o)), fd_(std::move(fd)) {}
  SevGuestOptions opt_;
  UniqueFd fd_;
};

// Extracts the report from a firmware MSG_REPORT_RSP (status, size, reserved, report).
absl::StatusOr<Bytes> ParseSnpReportResponse(ByteSpan resp);

}  // namespace c8s::attest
