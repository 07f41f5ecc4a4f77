// Cross-reference rules of MANIFEST.md: everything a manifest names must exist in it.
#include <set>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse_internal.h"

namespace c8s::manifest::internal {
namespace {

absl::Status CheckPolicyName(const Manifest& m, const std::string& name, std::string_view path) {
  if (m.attestation_policies.count(name) == 0) {
    return PathError(path, StrCat("unknown attestation policy \"", name, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckReferences(const Manifest& m) {
  if (m.approval == ApprovalMode::kOwner && m.owners.empty()) {
    return PathError("owners", "must not be empty in Owner approval mode");
  }
  RETURN_IF_ERROR(CheckPolicyName(m, m.roles.nodes, "roles.nodes"));
  RETURN_IF_ERROR(CheckPolicyName(m, m.roles.cds, "roles.cds"));
  RETURN_IF_ERROR(CheckPolicyName(m, m.roles.ingress, "roles.ingress"));
  for (size_t i = 0; i < m.identities.size(); ++i) {
    const Identity& id = m.identities[i];
    std::string path = Member(Element("identities", i), "allowFrom");
    for (size_t k = 0; k < id.allow_from.size(); ++k) {
      const std::string& ref = id.allow_from[k];
      if (m.FindIdentity(ref) == nullptr && !IsBuiltinIdentity(ref)) {
        return PathError(Element(path, k), StrCat("unknown identity \"", ref, "\""));
      }
    }
  }
  for (size_t i = 0; i < m.secrets.size(); ++i) {
    const Secret& s = m.secrets[i];
    std::string path = Element("secrets", i);
    RETURN_IF_ERROR(CheckPolicyName(m, s.policy, Member(path, "policy")));
    for (size_t k = 0; k < s.release_to.size(); ++k) {
      if (m.FindIdentity(s.release_to[k]) == nullptr) {
        return PathError(Element(Member(path, "releaseTo"), k),
                         StrCat("unknown identity \"", s.release_to[k], "\""));
      }
    }
  }
  for (size_t i = 0; i < m.ingresses.size(); ++i) {
    for (size_t k = 0; k < m.ingresses[i].routes.size(); ++k) {
      const IngressRoute& route = m.ingresses[i].routes[k];
      std::string path = Element(Member(Element("ingresses", i), "routes"), k);
      const Identity* target = m.FindIdentity(route.identity);
      if (target == nullptr) {
        return PathError(Member(path, "identity"),
                         StrCat("unknown identity \"", route.identity, "\""));
      }
      std::set<int64_t> ports(target->ports.begin(), target->ports.end());
      if (ports.count(route.port) == 0) {
        return PathError(Member(path, "port"), StrCat("identity ", route.identity,
                                                      " does not listen on port ", route.port));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace c8s::manifest::internal
