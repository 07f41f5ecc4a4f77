#include "lib/attest/sev_guest.h"

#include <fcntl.h>
#include <linux/sev-guest.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "lib/attest/snp_report.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {

absl::StatusOr<std::unique_ptr<SevGuestProvider>> SevGuestProvider::Open(
    const SevGuestOptions& options) {
  absl::StatusOr<UniqueFd> fd = OpenFile(options.device, O_RDWR | O_CLOEXEC);
  if (!fd.ok()) {
    return VerifyError(VerifyErrorKind::kUnavailable,
                       StrCat("/dev/sev-guest fallback is not available: ", fd.status().message(),
                              " (not a SEV-SNP guest, or the sev-guest driver is not loaded)"));
  }
  return std::unique_ptr<SevGuestProvider>(new SevGuestProvider(options, *std::move(fd)));
}

absl::StatusOr<Bytes> ParseSnpReportResponse(ByteSpan resp) {
  if (resp.size() < 0x20 + kSnpReportSize) {
    return VerifyError(VerifyErrorKind::kParse, "MSG_REPORT_RSP is shorter than 0x4c0 bytes");
  }
  uint32_t status = resp[0] | resp[1] << 8 | resp[2] << 16 | static_cast<uint32_t>(resp[3]) << 24;
  uint32_t size = resp[4] | resp[5] << 8 | resp[6] << 16 | static_cast<uint32_t>(resp[7]) << 24;
  if (status != 0) {
    return VerifyError(VerifyErrorKind::kUnavailable,
                       StrCat("SNP firmware refused the report request: status 0x",
                              HexEncode(ByteSpan(resp.data(), 4))));
  }
  if (size != kSnpReportSize) {
    return VerifyError(VerifyErrorKind::kParse,
                       StrCat("MSG_REPORT_RSP report size ", size, ", want 1184"));
  }
  return Bytes(resp.begin() + 0x20, resp.begin() + 0x20 + kSnpReportSize);
}

absl::StatusOr<Evidence> SevGuestProvider::GetEvidence(const ReportData& report_data) {
  size_t certs_len = opt_.certs_buffer;
  for (int attempt = 0; attempt < 2; ++attempt) {
    snp_ext_report_req req;
    std::memset(&req, 0, sizeof(req));
    std::memcpy(req.data.user_data, report_data.data(), 64);
    req.data.vmpl = opt_.vmpl;
    Bytes certs(certs_len, 0);
    req.certs_address = reinterpret_cast<uintptr_t>(certs.data());
    req.certs_len = static_cast<uint32_t>(certs.size());
    snp_report_resp resp;
    std::memset(&resp, 0, sizeof(resp));
    snp_guest_request_ioctl io;
    std::memset(&io, 0, sizeof(io));
    io.msg_version = 1;
    io.req_data = reinterpret_cast<uintptr_t>(&req);
    io.resp_data = reinterpret_cast<uintptr_t>(&resp);
    if (ioctl(fd_.get(), SNP_GET_EXT_REPORT, &io) != 0) {
      int err = errno;
      // The host needs a larger certificate buffer: it says how large in certs_len.
      if (io.vmm_error == SNP_GUEST_VMM_ERR_INVALID_LEN && attempt == 0 &&
          req.certs_len > certs_len) {
        certs_len = req.certs_len;
        continue;
      }
      return VerifyError(VerifyErrorKind::kUnavailable,
                         StrCat("SNP_GET_EXT_REPORT on ", opt_.device, " failed: ",
                                std::strerror(err), " (firmware error ", io.fw_error,
                                ", VMM error ", io.vmm_error, ")"));
    }
    ASSIGN_OR_RETURN(Bytes report,
                     ParseSnpReportResponse(ByteSpan(resp.data, sizeof(resp.data))));
    Evidence ev;
    ev.platform = Platform::kSevSnp;
    ev.report = std::move(report);
    certs.resize(std::min<size_t>(certs.size(), req.certs_len ? req.certs_len : certs.size()));
    bool empty = std::all_of(certs.begin(), certs.end(), [](uint8_t b) { return b == 0; });
    if (!empty) ev.auxblob = std::move(certs);
    return ev;
  }
  return VerifyError(VerifyErrorKind::kUnavailable,
                     "SNP_GET_EXT_REPORT: certificate buffer still too small after growing it");
}

}  // namespace c8s::attest
