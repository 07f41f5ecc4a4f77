#include "client/sdk/reference_values.h"

#include <algorithm>

#include "lib/attest/manifest_policy.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"

namespace c8s::client {
namespace {

constexpr attest::AssuranceLevel kStatedLevels[] = {
    attest::AssuranceLevel::kFullImage, attest::AssuranceLevel::kFirmwareAndRtmrs,
    attest::AssuranceLevel::kFirmwareOnly, attest::AssuranceLevel::kParavisor,
    attest::AssuranceLevel::kUnknown};

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("reference values ", field, ": ", why));
}

absl::StatusOr<std::vector<std::string>> Strings(const nlohmann::json& v, std::string_view field) {
  if (!v.is_array()) return Bad(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const nlohmann::json& e : v) {
    if (!e.is_string()) return Bad(field, "must be an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

absl::StatusOr<attest::AttestationPolicy> Policy(const nlohmann::json& v, std::string_view field) {
  absl::StatusOr<attest::AttestationPolicy> p = attest::ParseAttestationPolicy(v);
  if (!p.ok()) return Bad(field, StatusText(p.status()));
  return p;
}

}  // namespace

absl::Status CheckImageDigest(std::string_view digest) {
  bool ok = digest.size() == 71 && digest.substr(0, 7) == "sha256:" &&
            std::all_of(digest.begin() + 7, digest.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!ok) {
    return absl::InvalidArgumentError(
        StrCat("image digest \"", digest, "\": want sha256:<64 lowercase hex>"));
  }
  return absl::OkStatus();
}

absl::StatusOr<attest::AssuranceLevel> ParseAssuranceLevel(std::string_view name) {
  for (attest::AssuranceLevel a : kStatedLevels) {
    if (attest::AssuranceLevelName(a) == name) return a;
  }
  return absl::InvalidArgumentError(
      StrCat("assurance \"", name, "\": want full-image, firmware-and-rtmrs, firmware-only, ",
             "paravisor or unknown"));
}

absl::StatusOr<CdsReferenceValues> CdsReferenceValuesFromJson(const nlohmann::json& doc) {
  if (!doc.is_object()) return Bad("", "must be a JSON object");
  CdsReferenceValues ref;
  for (const auto& [key, value] : doc.items()) {
    if (key == "node") {
      ASSIGN_OR_RETURN(ref.node, Policy(value, "node"));
    } else if (key == "cds") {
      ASSIGN_OR_RETURN(ref.cds, Policy(value, "cds"));
    } else if (key == "images") {
      ASSIGN_OR_RETURN(ref.images, Strings(value, "images"));
    } else if (key == "podRefs") {
      ASSIGN_OR_RETURN(ref.pod_refs, Strings(value, "podRefs"));
    } else if (key == "assurance") {
      if (!value.is_string()) return Bad("assurance", "must be a string");
      absl::StatusOr<attest::AssuranceLevel> a = ParseAssuranceLevel(value.get<std::string>());
      if (!a.ok()) return Bad("assurance", StatusText(a.status()));
      ref.assurance = *a;
    } else {
      return Bad(key, "unknown field (node, cds, images, podRefs, assurance)");
    }
  }
  if (!ref.node && !ref.cds) {
    return Bad("", "need a \"node\" or \"cds\" attestation policy (hardware reference values)");
  }
  if (ref.images.empty()) return Bad("images", "need at least one CDS image digest");
  for (const std::string& image : ref.images) {
    if (absl::Status st = CheckImageDigest(image); !st.ok()) return Bad("images", StatusText(st));
  }
  return ref;
}

absl::StatusOr<CdsReferenceValues> ParseCdsReferenceValues(std::string_view text) {
  absl::StatusOr<nlohmann::json> doc = crypto::ParseStrictJson(text, 16);
  if (!doc.ok()) return Bad("", StatusText(doc.status()));
  return CdsReferenceValuesFromJson(*doc);
}

nlohmann::json ToJson(const CdsReferenceValues& ref) {
  nlohmann::json j = {{"images", ref.images}};
  if (ref.node) j["node"] = attest::AttestationPolicyToJson(*ref.node);
  if (ref.cds) j["cds"] = attest::AttestationPolicyToJson(*ref.cds);
  if (ref.pod_refs) j["podRefs"] = *ref.pod_refs;
  j["assurance"] = std::string(attest::AssuranceLevelName(ref.assurance));
  return j;
}

absl::StatusOr<CdsReferenceValues> CdsReferenceValuesFromManifest(const manifest::Manifest& m,
                                                                  std::vector<std::string> images) {
  CdsReferenceValues ref;
  ASSIGN_OR_RETURN(ref.cds, attest::ManifestRolePolicy(m, m.roles.cds));
  if (images.empty()) return Bad("images", "need at least one CDS image digest");
  for (const std::string& image : images) RETURN_IF_ERROR(CheckImageDigest(image));
  ref.images = std::move(images);
  return ref;
}

}  // namespace c8s::client
