#include "operator/resources.h"

namespace c8s::op {

const kube::Resource& KindResource(Kind kind) {
  switch (kind) {
    case Kind::kCluster:
      return kClusters;
    case Kind::kPolicy:
      return kPolicies;
    case Kind::kIdentity:
      return kIdentities;
    case Kind::kSecret:
      return kSecretReleases;
    case Kind::kIngress:
      return kIngresses;
  }
  return kClusters;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kCluster:
      return "ConfidentialCluster";
    case Kind::kPolicy:
      return "AttestationPolicy";
    case Kind::kIdentity:
      return "WorkloadIdentity";
    case Kind::kSecret:
      return "SecretRelease";
    case Kind::kIngress:
      return "ConfidentialIngress";
  }
  return "";
}

std::string StatusKey(Kind kind, const std::string& ref) {
  return std::string(KindName(kind)) + "/" + ref;
}

bool ParseStatusKey(const std::string& key, Kind* kind, std::string* ref) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return false;
  std::string name = key.substr(0, slash);
  for (Kind k : kAllKinds) {
    if (name == KindName(k)) {
      *kind = k;
      *ref = key.substr(slash + 1);
      return !ref->empty();
    }
  }
  return false;
}

}  // namespace c8s::op
