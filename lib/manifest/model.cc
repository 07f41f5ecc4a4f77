#include "lib/manifest/model.h"

#include <algorithm>
#include <tuple>

namespace c8s::manifest {
namespace {

template <typename T, typename Less = std::less<T>>
void SortUnique(std::vector<T>& v, Less less = Less()) {
  std::sort(v.begin(), v.end(), less);
  v.erase(std::unique(v.begin(), v.end(),
                      [&](const T& a, const T& b) { return !less(a, b) && !less(b, a); }),
          v.end());
}

template <typename T>
void SortUniqueBy(std::vector<T>& v, std::string T::*key) {
  SortUnique(v, [key](const T& a, const T& b) { return a.*key < b.*key; });
}

}  // namespace

std::string_view ApprovalModeName(ApprovalMode mode) {
  return mode == ApprovalMode::kAutomatic ? "Automatic" : "Owner";
}

bool Container::operator<(const Container& o) const {
  return std::tie(image, args, env) < std::tie(o.image, o.args, o.env);
}

bool EgressRule::operator<(const EgressRule& o) const {
  return std::tie(cidr, protocol, ports) < std::tie(o.cidr, o.protocol, o.ports);
}

const Identity* Manifest::FindIdentity(std::string_view ref) const {
  for (const Identity& id : identities) {
    if (id.ref == ref) return &id;
  }
  return nullptr;
}

const NamedKey* Manifest::FindOwner(std::string_view name) const {
  for (const NamedKey& owner : owners) {
    if (owner.name == name) return &owner;
  }
  return nullptr;
}

bool IsBuiltinIdentity(std::string_view ref) { return ref == "c8s-system/ingress"; }

void Normalize(Manifest* m) {
  SortUniqueBy(m->owners, &NamedKey::name);
  SortUniqueBy(m->recovery_keys, &NamedKey::name);
  for (auto& [name, policy] : m->attestation_policies) {
    if (policy.snp) {
      SortUnique(policy.snp->measurements);
      SortUnique(policy.snp->products);
      SortUnique(policy.snp->host_data);
      SortUnique(policy.snp->chip_ids);
    }
    if (policy.tdx) {
      SortUnique(policy.tdx->mrtd);
      SortUnique(policy.tdx->rtmrs);
      SortUnique(policy.tdx->mr_config_id);
      SortUnique(policy.tdx->accepted_tcb_status);
    }
  }
  SortUniqueBy(m->identities, &Identity::ref);
  for (Identity& id : m->identities) {
    SortUnique(id.containers);
    SortUniqueBy(id.runtime.host_paths, &HostPath::path);
    SortUnique(id.runtime.devices);
    SortUnique(id.runtime.add_capabilities);
    SortUnique(id.dns_names);
    SortUnique(id.ports);
    SortUnique(id.allow_from);
    for (EgressRule& rule : id.egress) SortUnique(rule.ports);
    SortUnique(id.egress);
  }
  SortUniqueBy(m->secrets, &Secret::ref);
  for (Secret& s : m->secrets) SortUnique(s.release_to);
  SortUniqueBy(m->ingresses, &Ingress::ref);
  for (Ingress& in : m->ingresses) {
    SortUnique(in.hosts);
    SortUniqueBy(in.routes, &IngressRoute::path_prefix);
  }
}

}  // namespace c8s::manifest
