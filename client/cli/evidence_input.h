// Reading evidence files as operators have them: binary or hex text, certificate files of
// any encoding, directories of roots. Used by `c8sctl evidence`.
//   ASSIGN_OR_RETURN(Bytes report, ReadEvidenceFile(path));   // hex or binary
//   ASSIGN_OR_RETURN(std::vector<Bytes> roots, ReadCertDir(dir));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::cli {

// The file's bytes; hex text (whitespace allowed, optional 0x) is decoded.
absl::StatusOr<Bytes> ReadEvidenceFile(const std::string& path);
// A 1184-byte SNP report from `data`: trailing zero padding (and a MSG_REPORT_RSP wrapper of
// /dev/sev-guest) are removed; anything else of the wrong size is left for the parser to refuse.
Bytes TrimSnpReport(Bytes data);
// Every regular file in `dir` (simulated roots, certificate caches).
absl::StatusOr<std::vector<Bytes>> ReadCertDir(const std::string& dir);
// Up to 64 bytes of hex, zero-padded to 64.
absl::StatusOr<Bytes> ParseReportDataHex(const std::string& hex);

}  // namespace c8s::cli
