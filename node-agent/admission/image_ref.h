// Container image references as containerd's CRI writes them into NRI's
// io.kubernetes.cri.image-name annotation: normalized (`docker.io/library/nginx:1.27`) or as the
// user typed them (`nginx:1.27`, `ghcr.io/x/y@sha256:…`). Parsing normalizes the Docker way so
// that both spellings compare equal and containerd's image store can be asked by its own names.
//
//   ASSIGN_OR_RETURN(ImageReference ref, ParseImageReference("nginx:1.27"));
//   ref.name == "docker.io/library/nginx"; ref.tag == "1.27"; ref.digest.empty()
//   ref.Normalized() == "docker.io/library/nginx:1.27"
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace c8s::admission {

struct ImageReference {
  std::string name;    // registry/repository, normalized
  std::string tag;     // empty when absent
  std::string digest;  // "sha256:<64 lowercase hex>", empty when absent
  // name[:tag][@digest]; a reference with neither gets ":latest", as containerd stores it.
  std::string Normalized() const;
  // name@digest (only when digest is set).
  std::string Pinned() const { return name + "@" + digest; }
  bool operator==(const ImageReference&) const = default;
};

// Strict: lowercase repository components, a valid tag, sha256 digests only (other algorithms
// are refused rather than ignored), at most 255 characters of name.
absl::StatusOr<ImageReference> ParseImageReference(std::string_view reference);

}  // namespace c8s::admission
