// The image/identity decision for a container about to be created (ARCHITECTURE.md §3.4):
// local, no network except a bounded image-digest lookup in containerd's own store.
//
//  1. The pod's identity: the one WorkloadIdentity of the verified bundle, or bootstrap entry,
//     in the pod's namespace whose selector labels the pod carries (pod labels only: container
//     labels include the image's LABELs, which the image author controls). None or several:
//     refused.
//  2. The image digest: from the image-name annotation when it is a digest reference, else
//     resolved through containerd (ImageResolver) within a hard deadline; no resolver, an error
//     or the deadline: refused ("image ghcr.io/x/y:1.2 is not pinned by digest ...").
//  3. The digest must be one of the identity's containers ("digest sha256:… not allowed for
//     identity ns/api"); where that container pins args, they must be equal; where it pins env,
//     the environment must hold exactly the pinned variables, apart from the variables the
//     kubelet and containerd add themselves (HOSTNAME, service links `<SVC>_SERVICE_HOST`,
//     `<SVC>_PORT_…`, `KUBERNETES_…`). A pinned image's own ENV must therefore be in the pin.
//
// Every refusal is PERMISSION_DENIED with a message naming the check and the values.
//
//   Decider decider(policy_view, bootstrap, &resolver);
//   absl::StatusOr<Admission> a = decider.Decide(request);   // record it, or refuse with
//   a.status()
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node-agent/admission/admission_store.h"
#include "node-agent/admission/bootstrap.h"

namespace c8s::admission {

// What the runtime says about the container (NRI CreateContainerRequest, in our terms).
struct ContainerRequest {
  std::string container_id;
  std::string container_name;
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::map<std::string, std::string> pod_labels;
  std::string image;  // the io.kubernetes.cri.image-name annotation; empty when absent
  std::vector<std::string> args;
  std::vector<std::string> env;  // "NAME=value"
};

// Asks containerd which index/manifest digest its image store holds under a reference.
class ImageResolver {
 public:
  virtual ~ImageResolver() = default;
  // `reference` is normalized ("docker.io/library/nginx:1.27"). DEADLINE_EXCEEDED when the
  // answer did not come within `deadline`.
  virtual absl::StatusOr<std::string> ResolveDigest(const std::string& reference,
                                                    absl::Duration deadline) = 0;
};

struct DeciderOptions {
  absl::Duration resolve_deadline = absl::Milliseconds(500);
};

class Decider {
 public:
  // `resolver` may be null (then tag references are refused); it and `policy` must outlive
  // the decider.
  Decider(const PolicyView& policy, BootstrapAllowList bootstrap, ImageResolver* resolver,
          DeciderOptions options = {});
  ~Decider();

  // The admission to record, or PERMISSION_DENIED saying why. Thread-safe.
  absl::StatusOr<Admission> Decide(const ContainerRequest& request);
  // The generation of the bundle in force (0: none yet, bootstrap allow-list only).
  int64_t enforced_generation() const;

  struct Index;  // per-bundle lookup tables (decision.cc)

 private:
  std::shared_ptr<const Index> CurrentIndex();

  const PolicyView& policy_;
  const BootstrapAllowList bootstrap_;
  ImageResolver* resolver_;
  DeciderOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const Index> index_;
};

}  // namespace c8s::admission
