#include "node-agent/admission/image_ref.h"

#include "lib/base/strings.h"

namespace c8s::admission {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsWordChar(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_'; }

absl::Status Bad(std::string_view ref, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("image reference \"", ref, "\": ", why));
}

// [a-z0-9]+ joined by '.', '_', '__' or runs of '-' (distribution/reference path components).
bool ValidPathComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (IsLowerAlnum(ch) || ch == '-') continue;
    if (ch == '.' && IsLowerAlnum(c[i + 1])) continue;
    if (ch == '_' && (IsLowerAlnum(c[i + 1]) || (c[i + 1] == '_' && IsLowerAlnum(c[i + 2])))) {
      if (c[i + 1] == '_') ++i;
      continue;
    }
    return false;
  }
  return true;
}

// host[:port], host labels of letters, digits and inner '-', joined by '.'.
bool ValidDomain(std::string_view d) {
  size_t colon = d.find(':');
  std::string_view host = d.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = d.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
  }
  if (host.empty()) return false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      bool alnum = IsLowerAlnum(c) || (c >= 'A' && c <= 'Z');
      if (!alnum && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace

std::string ImageReference::Normalized() const {
  std::string out = name;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  if (tag.empty() && digest.empty()) out += ":latest";
  return out;
}

absl::StatusOr<ImageReference> ParseImageReference(std::string_view ref) {
  ImageReference out;
  std::string_view rest = ref;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!digest.starts_with("sha256:")) {
      return Bad(ref, StrCat("digest \"", digest, "\" is not sha256:<64 hex>"));
    }
    std::string_view hex = digest.substr(7);
    if (hex.size() != 64) return Bad(ref, "sha256 digest must have 64 hex digits");
    for (char c : hex) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return Bad(ref, "sha256 digest must be lowercase hex");
      }
    }
    out.digest = std::string(digest);
  }
  size_t last_slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    std::string_view tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (tag.empty() || tag.size() > 128 || !IsWordChar(tag.front())) return Bad(ref, "invalid tag");
    for (char c : tag) {
      if (!IsWordChar(c) && c != '.' && c != '-') return Bad(ref, "invalid tag");
    }
    out.tag = std::string(tag);
  }
  if (rest.empty()) return Bad(ref, "empty name");
  std::string domain = "docker.io";
  std::string path(rest);
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      if (!ValidDomain(first)) return Bad(ref, StrCat("invalid registry \"", first, "\""));
      domain = std::string(first);
      path = std::string(rest.substr(slash + 1));
    }
  }
  if (domain == "index.docker.io") domain = "docker.io";
  if (domain == "docker.io" && path.find('/') == std::string::npos) path = "library/" + path;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view component =
        std::string_view(path).substr(start, slash == std::string::npos ? slash : slash - start);
    if (!ValidPathComponent(component)) {
      return Bad(ref, StrCat("invalid repository component \"", component,
                             "\" (lowercase letters, digits and . _ - only)"));
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  out.name = domain + "/" + path;
  if (out.name.size() > 255) return Bad(ref, "name longer than 255 characters");
  return out;
}

}  // namespace c8s::admission
