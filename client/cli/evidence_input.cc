#include "client/cli/evidence_input.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cli {

absl::StatusOr<Bytes> ReadEvidenceFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string data, ReadFile(path, 16 << 20));
  std::string hex;
  bool is_hex = !data.empty();
  for (size_t i = 0; i < data.size() && is_hex; ++i) {
    char ch = data[i];
    if (std::isspace(static_cast<unsigned char>(ch))) continue;
    if ((ch == 'x' || ch == 'X') && hex == "0") {
      hex.clear();  // 0x prefix
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(ch))) is_hex = false;
    hex.push_back(ch);
  }
  if (is_hex && !hex.empty()) {
    absl::StatusOr<Bytes> decoded = HexDecode(hex);
    if (!decoded.ok()) {
      return absl::InvalidArgumentError(
          StrCat(path, ": looks like hex text but does not decode: ", decoded.status().message()));
    }
    return decoded;
  }
  return ToBytes(data);
}

Bytes TrimSnpReport(Bytes data) {
  constexpr size_t kSize = 0x4A0;
  // /dev/sev-guest MSG_REPORT_RSP: status 0, size 0x4A0, 24 reserved bytes, then the report.
  if (data.size() >= 0x20 + kSize && data[0] == 0 && data[1] == 0 && data[2] == 0 &&
      data[3] == 0 && data[4] == 0xA0 && data[5] == 0x04 && data[6] == 0 && data[7] == 0) {
    data.erase(data.begin(), data.begin() + 0x20);
  }
  if (data.size() > kSize &&
      std::all_of(data.begin() + kSize, data.end(), [](uint8_t b) { return b == 0; })) {
    data.resize(kSize);
  }
  return data;
}

absl::StatusOr<std::vector<Bytes>> ReadCertDir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return ErrnoStatus("opendir " + dir, errno);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<Bytes> out;
  for (const std::string& n : names) {
    absl::StatusOr<std::string> data = ReadFile(dir + "/" + n, 1 << 20);
    if (data.ok()) out.push_back(ToBytes(*data));
  }
  if (out.empty()) return absl::InvalidArgumentError(StrCat(dir, ": no certificate files"));
  return out;
}

absl::StatusOr<Bytes> ParseReportDataHex(const std::string& hex) {
  absl::StatusOr<Bytes> b = HexDecode(hex);
  if (!b.ok() || b->size() > 64) {
    return absl::InvalidArgumentError("--report-data must be at most 64 bytes of hex");
  }
  b->resize(64, 0);
  return b;
}

}  // namespace c8s::cli
