#include "lib/manifest/formats.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "lib/base/bytes.h"
#include "lib/base/strings.h"
#include "lib/manifest/json_reader.h"

namespace c8s::manifest {
namespace {

using internal::PathError;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63.
bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!IsDnsLabel(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string Q(std::string_view s) { return StrCat("\"", s, "\""); }

// TEE interfaces only the node agent may touch (ARCHITECTURE.md §1), plus /proc: a host /proc
// mount reaches every host file through /proc/<pid>/root.
constexpr std::array<std::string_view, 6> kForbiddenPaths = {
    "/dev/sev",       "/dev/sev-guest",         "/dev/tdx_guest",
    "/dev/tdx-guest", "/sys/kernel/config/tsm", "/proc"};

// True when `a` equals `b` or is an ancestor of it, component-wise.
bool IsSameOrAncestor(std::string_view a, std::string_view b) {
  if (a == "/") return true;
  return b.size() >= a.size() && b.substr(0, a.size()) == a &&
         (b.size() == a.size() || b[a.size()] == '/');
}

absl::Status CheckNormalizedPath(std::string_view value, std::string_view path) {
  if (value.empty() || value.front() != '/')
    return PathError(path, StrCat(Q(value), " is not an absolute path"));
  if (value.size() > 1 && value.back() == '/') {
    return PathError(path, StrCat(Q(value), " is not normalized (trailing /)"));
  }
  if (value.find('\0') != std::string_view::npos) return PathError(path, "path contains NUL");
  size_t start = 1;
  while (value.size() > 1 && start <= value.size()) {
    size_t slash = value.find('/', start);
    std::string_view part =
        value.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") {
      return PathError(path, StrCat(Q(value), " is not normalized (empty, . or .. component)"));
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (std::string_view forbidden : kForbiddenPaths) {
    if (IsSameOrAncestor(value, forbidden) || IsSameOrAncestor(forbidden, value)) {
      return PathError(path, StrCat(Q(value), " would expose ", forbidden,
                                    ", which can never be allowed (TEE interfaces belong to the "
                                    "node agent)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckLowerHex(std::string_view value, size_t hex_len, std::string_view path) {
  if (value.size() != hex_len) {
    return PathError(path,
                     StrCat("want ", hex_len, " hex digits, got ", value.size(), " characters"));
  }
  for (char c : value) {
    if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) {
      return PathError(path, StrCat("invalid character '", c, "' (want lowercase hex)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSha256Hash(std::string_view value, std::string_view path) {
  if (value.substr(0, 7) != "sha256:") {
    return PathError(path, StrCat(Q(value), " is not sha256:<64 hex>"));
  }
  return CheckLowerHex(value.substr(7), 64, path);
}

absl::Status CheckImage(std::string_view value, std::string_view path) {
  size_t at = value.find('@');
  if (at == std::string_view::npos) {
    return PathError(path, StrCat("image ", Q(value),
                                  " is not pinned by digest (want "
                                  "registry/repo@sha256:<64 hex>)"));
  }
  std::string_view digest = value.substr(at + 1);
  if (digest.substr(0, 7) != "sha256:" || !CheckLowerHex(digest.substr(7), 64, path).ok()) {
    return PathError(path, StrCat("image ", Q(value), " digest must be sha256:<64 lowercase hex>"));
  }
  std::string_view name = value.substr(0, at);
  size_t slash = name.find('/');
  std::string_view registry = name.substr(0, slash);
  bool full_registry = slash != std::string_view::npos &&
                       (registry.find('.') != std::string_view::npos ||
                        registry.find(':') != std::string_view::npos || registry == "localhost");
  if (!full_registry) {
    return PathError(path, StrCat("image ", Q(value),
                                  " must name its registry in full "
                                  "(e.g. docker.io/library/nginx@sha256:...)"));
  }
  size_t colon = registry.find(':');
  std::string host(registry.substr(0, colon));
  if (!IsDnsSubdomain(host))
    return PathError(path, StrCat("image registry ", Q(registry), " is not a lowercase host name"));
  if (colon != std::string_view::npos) {
    std::string_view port = registry.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit)) {
      return PathError(path, StrCat("image registry port in ", Q(registry), " is invalid"));
    }
  }
  // Repository components: [a-z0-9]+ separated by ".", "_", "__" or "-" runs; a ":" means a tag.
  std::string_view repo = name.substr(slash + 1);
  size_t start = 0;
  while (true) {
    size_t next = repo.find('/', start);
    std::string_view part =
        repo.substr(start, next == std::string_view::npos ? next : next - start);
    bool ok = !part.empty() && IsLowerAlnum(part.front()) && IsLowerAlnum(part.back()) &&
              std::all_of(part.begin(), part.end(), [](char c) {
                return IsLowerAlnum(c) || c == '.' || c == '_' || c == '-';
              });
    if (!ok) {
      return PathError(path, StrCat("image ", Q(value), " has an invalid repository component ",
                                    Q(part), " (lowercase, no tag beside the digest)"));
    }
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  return absl::OkStatus();
}

absl::Status CheckRef(std::string_view value, std::string_view path) {
  size_t slash = value.find('/');
  if (slash == std::string_view::npos || !IsDnsLabel(value.substr(0, slash)) ||
      !IsDnsSubdomain(value.substr(slash + 1))) {
    return PathError(path, StrCat(Q(value), " is not a namespace/name reference"));
  }
  return absl::OkStatus();
}

absl::Status CheckObjectName(std::string_view value, std::string_view path) {
  if (!IsDnsSubdomain(value)) return PathError(path, StrCat(Q(value), " is not a DNS-1123 name"));
  return absl::OkStatus();
}

absl::Status CheckKeyName(std::string_view value, std::string_view path) {
  bool ok = !value.empty() && value.size() <= 63 && IsLowerAlnum(value.front()) &&
            std::all_of(value.begin(), value.end(), [](char c) {
              return IsLowerAlnum(c) || c == '.' || c == '_' || c == '@' || c == '-';
            });
  if (!ok)
    return PathError(path,
                     StrCat(Q(value), " is not a key name ([a-z0-9][a-z0-9._@-]*, at most 63)"));
  return absl::OkStatus();
}

absl::Status CheckDnsName(std::string_view value, std::string_view path) {
  if (!IsDnsSubdomain(value))
    return PathError(path, StrCat(Q(value), " is not a lowercase DNS name"));
  return absl::OkStatus();
}

absl::Status CheckLabelKey(std::string_view value, std::string_view path) {
  size_t slash = value.find('/');
  std::string_view name = value;
  if (slash != std::string_view::npos) {
    if (!IsDnsSubdomain(value.substr(0, slash))) {
      return PathError(path, StrCat("label key prefix of ", Q(value), " is not a DNS name"));
    }
    name = value.substr(slash + 1);
  }
  auto alnum = [](char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); };
  bool ok = !name.empty() && name.size() <= 63 && alnum(name.front()) && alnum(name.back()) &&
            std::all_of(name.begin(), name.end(),
                        [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
  if (!ok) return PathError(path, StrCat(Q(value), " is not a Kubernetes label key"));
  return absl::OkStatus();
}

absl::Status CheckLabelValue(std::string_view value, std::string_view path) {
  auto alnum = [](char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); };
  bool ok = value.empty() || (value.size() <= 63 && alnum(value.front()) && alnum(value.back()) &&
                              std::all_of(value.begin(), value.end(), [&](char c) {
                                return alnum(c) || c == '-' || c == '_' || c == '.';
                              }));
  if (!ok) return PathError(path, StrCat(Q(value), " is not a Kubernetes label value"));
  return absl::OkStatus();
}

absl::Status CheckRfc3339Utc(std::string_view v, std::string_view path) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  bool shape = v.size() == kShape.size();
  for (size_t i = 0; shape && i < v.size(); ++i) {
    shape = kShape[i] == 'd' ? IsDigit(v[i]) : v[i] == kShape[i];
  }
  if (!shape) return PathError(path, StrCat(Q(v), " is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)"));
  auto num = [&](size_t pos, size_t len) { return std::stoi(std::string(v.substr(pos, len))); };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  bool ok = month >= 1 && month <= 12 && day >= 1 &&
            day <= kDays[std::clamp(month, 1, 12) - 1] + (month == 2 && leap ? 1 : 0) &&
            hour <= 23 && minute <= 59 && second <= 59;
  if (!ok) return PathError(path, StrCat(Q(v), " is not a valid date and time"));
  return absl::OkStatus();
}

absl::Status CheckCidr(std::string_view value, std::string_view path) {
  size_t slash = value.find('/');
  std::string_view prefix_text = slash == std::string_view::npos ? "" : value.substr(slash + 1);
  bool digits = !prefix_text.empty() && prefix_text.size() <= 3 &&
                std::all_of(prefix_text.begin(), prefix_text.end(), IsDigit) &&
                (prefix_text.size() == 1 || prefix_text.front() != '0');
  if (!digits) return PathError(path, StrCat(Q(value), " is not a CIDR prefix (address/length)"));
  std::string addr(value.substr(0, slash));
  int bits = std::stoi(std::string(prefix_text));
  unsigned char raw[16] = {0};
  int family = addr.find(':') == std::string::npos ? AF_INET : AF_INET6;
  size_t len = family == AF_INET ? 4 : 16;
  if (inet_pton(family, addr.c_str(), raw) != 1 || bits > static_cast<int>(len * 8)) {
    return PathError(path, StrCat(Q(value), " is not a valid IPv4/IPv6 prefix"));
  }
  char text[INET6_ADDRSTRLEN] = {0};
  inet_ntop(family, raw, text, sizeof(text));
  if (addr != text) {
    return PathError(path, StrCat(Q(value), " is not canonical (write ", text, ")"));
  }
  for (size_t bit = bits; bit < len * 8; ++bit) {
    if (raw[bit / 8] & (0x80 >> (bit % 8))) {
      return PathError(path, StrCat(Q(value), " has host bits set beyond /", bits));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckBase64(std::string_view value, std::string_view path) {
  auto decoded = Base64Decode(value);
  if (value.empty() || !decoded.ok()) return PathError(path, "not strict standard base64");
  return absl::OkStatus();
}

absl::Status CheckCapability(std::string_view value, std::string_view path) {
  static constexpr std::string_view kCaps[] = {
      "AUDIT_CONTROL",   "AUDIT_READ",   "AUDIT_WRITE",
      "BLOCK_SUSPEND",   "BPF",          "CHECKPOINT_RESTORE",
      "CHOWN",           "DAC_OVERRIDE", "DAC_READ_SEARCH",
      "FOWNER",          "FSETID",       "IPC_LOCK",
      "IPC_OWNER",       "KILL",         "LEASE",
      "LINUX_IMMUTABLE", "MAC_ADMIN",    "MAC_OVERRIDE",
      "MKNOD",           "NET_ADMIN",    "NET_BIND_SERVICE",
      "NET_BROADCAST",   "NET_RAW",      "PERFMON",
      "SETFCAP",         "SETGID",       "SETPCAP",
      "SETUID",          "SYSLOG",       "SYS_ADMIN",
      "SYS_BOOT",        "SYS_CHROOT",   "SYS_MODULE",
      "SYS_NICE",        "SYS_PACCT",    "SYS_PTRACE",
      "SYS_RAWIO",       "SYS_RESOURCE", "SYS_TIME",
      "SYS_TTY_CONFIG",  "WAKE_ALARM"};
  if (std::find(std::begin(kCaps), std::end(kCaps), value) == std::end(kCaps)) {
    return PathError(path, StrCat(Q(value), " is not a Linux capability name (without CAP_)"));
  }
  return absl::OkStatus();
}

absl::Status CheckHostPath(std::string_view value, std::string_view path) {
  return CheckNormalizedPath(value, path);
}

absl::Status CheckDevicePath(std::string_view value, std::string_view path) {
  if (value.substr(0, 5) != "/dev/")
    return PathError(path, StrCat(Q(value), " is not under /dev/"));
  return CheckNormalizedPath(value, path);
}

}  // namespace c8s::manifest
