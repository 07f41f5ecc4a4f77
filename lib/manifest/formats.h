// Format checks for manifest values (MANIFEST.md "Encoding"): hex, refs, names, images, times,
// CIDRs, host paths. Each returns InvalidArgument "<json path>: <what is wrong>".
//
//   RETURN_IF_ERROR(CheckLowerHex(m, 96, "attestationPolicies.p.snp.measurements[0]"));
//   RETURN_IF_ERROR(CheckImage(image, "identities[0].containers[0].image"));
//   RETURN_IF_ERROR(CheckHostPath("/dev/sev-guest", path));   // always refused
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace c8s::manifest {

// Exactly `hex_len` lowercase hex digits.
absl::Status CheckLowerHex(std::string_view value, size_t hex_len, std::string_view path);
// "sha256:" + 64 lowercase hex (manifest, entry and cluster hashes).
absl::Status CheckSha256Hash(std::string_view value, std::string_view path);
// registry/repo@sha256:<64 hex>: registry has a dot or a port or is localhost, lowercase repo
// path components, no tag.
absl::Status CheckImage(std::string_view value, std::string_view path);
// namespace/name: DNS-1123 label / DNS-1123 subdomain.
absl::Status CheckRef(std::string_view value, std::string_view path);
// DNS-1123 subdomain (cluster-scoped names such as attestation policies).
absl::Status CheckObjectName(std::string_view value, std::string_view path);
// Owner and recovery key names: 1-63 of [a-z0-9._@-], starting with [a-z0-9].
absl::Status CheckKeyName(std::string_view value, std::string_view path);
// Lowercase DNS name (trust domain, dnsNames, ingress hosts).
absl::Status CheckDnsName(std::string_view value, std::string_view path);
// Kubernetes label key ([prefix/]name) and value.
absl::Status CheckLabelKey(std::string_view value, std::string_view path);
absl::Status CheckLabelValue(std::string_view value, std::string_view path);
// YYYY-MM-DDTHH:MM:SSZ with a valid calendar date: one spelling per instant.
absl::Status CheckRfc3339Utc(std::string_view value, std::string_view path);
// IPv4 or IPv6 prefix in canonical text form with no host bits set ("10.0.0.0/8").
absl::Status CheckCidr(std::string_view value, std::string_view path);
// Strict standard base64 with padding, non-empty.
absl::Status CheckBase64(std::string_view value, std::string_view path);
// Linux capability name without the CAP_ prefix ("NET_ADMIN").
absl::Status CheckCapability(std::string_view value, std::string_view path);
// Absolute normalized path ("/a/b", no ".", "..", "//", trailing "/") that neither is, contains
// nor lies under a TEE device, configfs-tsm or /proc (which reaches both via /proc/<pid>/root).
absl::Status CheckHostPath(std::string_view value, std::string_view path);
// A device path under /dev with the same normalization and TEE exclusion.
absl::Status CheckDevicePath(std::string_view value, std::string_view path);

}  // namespace c8s::manifest
