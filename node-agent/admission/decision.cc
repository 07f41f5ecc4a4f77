#include "node-agent/admission/decision.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/admission/decision_checks.h"
#include "node-agent/admission/decision_index.h"
#include "node-agent/admission/image_ref.h"

namespace c8s::admission {
namespace {

using internal::DescribeLabels;

bool Selects(const manifest::Selector& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& [key, value] : selector.labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::string PolicyState(const Decider::Index& index) {
  if (!index.bundle) return "no verified policy bundle yet: bootstrap allow-list only";
  return StrCat("policy generation ", index.bundle->generation);
}

}  // namespace

Decider::Decider(const PolicyView& policy, BootstrapAllowList bootstrap, ImageResolver* resolver,
                 DeciderOptions options)
    : policy_(policy), bootstrap_(std::move(bootstrap)), resolver_(resolver), options_(options) {}

Decider::~Decider() = default;

std::shared_ptr<const Decider::Index> Decider::CurrentIndex() {
  std::shared_ptr<const manifest::PolicyBundle> bundle = policy_.Current();
  std::lock_guard lock(mu_);
  if (!index_ || index_->bundle != bundle) index_ = BuildIndex(std::move(bundle), bootstrap_);
  return index_;
}

int64_t Decider::enforced_generation() const {
  std::shared_ptr<const manifest::PolicyBundle> bundle = policy_.Current();
  return bundle ? bundle->generation : 0;
}

absl::StatusOr<Admission> Decider::Decide(const ContainerRequest& r) {
  std::shared_ptr<const Index> index = CurrentIndex();
  std::string pod = StrCat(r.pod_namespace, "/", r.pod_name);
  if (r.container_id.empty() || r.pod_namespace.empty()) {
    return absl::PermissionDeniedError(StrCat("container \"", r.container_id, "\" of pod \"", pod,
                                              "\" lacks its id or namespace"));
  }
  // 1. The identity.
  const Candidate* match = nullptr;
  std::vector<std::string> matches;
  if (auto ns = index->by_namespace.find(r.pod_namespace); ns != index->by_namespace.end()) {
    for (const Candidate& c : ns->second) {
      if (!Selects(c.identity->selector, r.pod_labels)) continue;
      match = &c;
      matches.push_back(c.identity->ref);
    }
  }
  if (matches.empty()) {
    return absl::PermissionDeniedError(
        StrCat("no identity in namespace ", r.pod_namespace, " selects pod ", pod,
               " (labels: ", DescribeLabels(r.pod_labels), "; ", PolicyState(*index), ")"));
  }
  if (matches.size() > 1) {
    return absl::PermissionDeniedError(StrCat("pod ", pod, " is selected by ", matches.size(),
                                              " identities ", internal::DescribeList(matches),
                                              "; selectors must not overlap"));
  }
  const std::string& identity = match->identity->ref;
  // 2. The image digest.
  if (r.image.empty()) {
    return absl::PermissionDeniedError(StrCat("container ", r.container_name, " of pod ", pod,
                                              " has no io.kubernetes.cri.image-name annotation"));
  }
  absl::StatusOr<ImageReference> ref = ParseImageReference(r.image);
  if (!ref.ok()) return absl::PermissionDeniedError(StatusText(ref.status()));
  if (ref->digest.empty()) {
    std::string unpinned = StrCat("image ", r.image, " is not pinned by digest");
    if (resolver_ == nullptr) return absl::PermissionDeniedError(unpinned);
    absl::StatusOr<std::string> digest =
        resolver_->ResolveDigest(ref->Normalized(), options_.resolve_deadline);
    if (absl::IsDeadlineExceeded(digest.status())) {
      return absl::PermissionDeniedError(StrCat(unpinned,
                                                " and containerd did not resolve it within ",
                                                absl::FormatDuration(options_.resolve_deadline)));
    }
    if (!digest.ok()) {
      return absl::PermissionDeniedError(
          StrCat(unpinned, " and containerd could not resolve it: ", StatusText(digest.status())));
    }
    ref->digest = *digest;
  }
  // 3. The digest and the pins of the identity's containers with that digest.
  auto [first, last] = match->by_digest.equal_range(ref->digest);
  if (first == last) {
    return absl::PermissionDeniedError(
        StrCat("digest ", ref->digest, " not allowed for identity ", identity, " (image ", r.image,
               ", container ", r.container_name, " of pod ", pod, "; ", PolicyState(*index), ")"));
  }
  absl::Status pins;
  for (auto it = first; it != last; ++it) {
    pins = internal::CheckPins(r, *it->second, identity);
    if (pins.ok()) break;
  }
  if (!pins.ok()) return pins;
  return Admission{r.container_id, r.pod_namespace, r.pod_name,  r.pod_uid,        r.container_name,
                   identity,       ref->Pinned(),   ref->digest, match->generation};
}

}  // namespace c8s::admission
