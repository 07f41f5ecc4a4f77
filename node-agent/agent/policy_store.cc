#include "node-agent/agent/policy_store.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {

absl::StatusOr<std::unique_ptr<PolicyStore>> PolicyStore::Open(PolicyStoreOptions o) {
  if (o.state_dir.empty()) return absl::InvalidArgumentError("policy store: no state directory");
  if (o.trust_domain.empty()) return absl::InvalidArgumentError("policy store: no trust domain");
  if (::mkdir(o.state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("mkdir ", o.state_dir), errno);
  }
  struct statfs fs {};
  if (::statfs(o.state_dir.c_str(), &fs) == 0 && fs.f_type != TMPFS_MAGIC &&
      fs.f_type != RAMFS_MAGIC) {
    log::Warn("policy state directory is not on tmpfs: the persisted bundle leaves CVM memory",
              {{"path", o.state_dir}});
  }
  return std::unique_ptr<PolicyStore>(new PolicyStore(std::move(o)));
}

absl::Status PolicyStore::LoadPersisted() {
  absl::StatusOr<std::string> ca_pem = ReadFile(CaPath(), 1 << 20);
  if (!ca_pem.ok()) {
    if (absl::IsNotFound(ca_pem.status())) return absl::OkStatus();
    return ca_pem.status();
  }
  ASSIGN_OR_RETURN(crypto::Certificate ca, Annotate(crypto::Certificate::FromPem(*ca_pem),
                                                    StrCat("persisted CA ", CaPath())));
  {
    std::lock_guard lock(mu_);
    ca_ = ca;
  }
  absl::StatusOr<std::string> bundle = ReadFile(BundlePath(), 16 << 20);
  if (!bundle.ok()) {
    if (absl::IsNotFound(bundle.status())) return absl::OkStatus();
    return bundle.status();
  }
  return Annotate(Enforce(*bundle, /*restored=*/true).status(),
                  StrCat("persisted bundle ", BundlePath()));
}

absl::Status PolicyStore::PinCa(const crypto::Certificate& ca) {
  {
    std::lock_guard lock(mu_);
    if (ca_.has_value()) {
      if (ca_->ToDer() == ca.ToDer()) return absl::OkStatus();
      return absl::FailedPreconditionError(
          StrCat("CA mismatch: the verified CDS has CA ", HexEncode(ca.Sha256Fingerprint()),
                 " but this node pinned ", HexEncode(ca_->Sha256Fingerprint()), " (clear ",
                 options_.state_dir, " to join another cluster)"));
    }
    if (!ca.IsCa()) return absl::InvalidArgumentError("pinned certificate is not a CA");
    ca_ = ca;
  }
  RETURN_IF_ERROR(WriteFileAtomic(CaPath(), ca.ToPem(), 0600));
  log::Info("pinned CDS CA", {{"fingerprint", HexEncode(ca.Sha256Fingerprint())}});
  return absl::OkStatus();
}

std::optional<crypto::Certificate> PolicyStore::pinned_ca() const {
  std::lock_guard lock(mu_);
  return ca_;
}

absl::StatusOr<bool> PolicyStore::Offer(std::string_view signed_json) {
  return Enforce(signed_json, /*restored=*/false);
}

absl::StatusOr<bool> PolicyStore::Enforce(std::string_view signed_json, bool restored) {
  std::optional<crypto::Certificate> ca;
  int64_t enforced = 0;
  {
    std::lock_guard lock(mu_);
    ca = ca_;
    if (current_) enforced = current_->generation;
    if (current_ && signed_json == current_json_) return false;
  }
  if (!ca) return absl::FailedPreconditionError("no pinned CA yet: cannot verify a bundle");
  ASSIGN_OR_RETURN(crypto::PublicKey key, ca->GetPublicKey());
  ASSIGN_OR_RETURN(manifest::PolicyBundle bundle,
                   manifest::VerifyBundle(signed_json, key, options_.trust_domain, enforced));
  {
    // The CDS re-signs on every stream start: the same bundle under a new signature is no change.
    std::lock_guard lock(mu_);
    if (current_ && *current_ == bundle) return false;
  }
  auto shared = std::make_shared<const manifest::PolicyBundle>(std::move(bundle));
  if (!restored) RETURN_IF_ERROR(WriteFileAtomic(BundlePath(), signed_json, 0600));
  EnforcedPolicy event{shared, std::string(signed_json), restored};
  std::vector<std::function<void(const EnforcedPolicy&)>> listeners;
  {
    std::lock_guard lock(mu_);
    // Another Offer may have won meanwhile; never go back.
    if (current_ && current_->generation > shared->generation) {
      return absl::PermissionDeniedError(
          StrCat("policy bundle rollback: generation ", shared->generation,
                 " is below the enforced generation ", current_->generation));
    }
    current_ = shared;
    current_json_ = event.signed_json;
    listeners = listeners_;
  }
  log::Info(restored ? "enforcing persisted policy bundle" : "enforcing policy bundle",
            {{"generation", shared->generation},
             {"manifest", shared->manifest_hash},
             {"approval", std::string(manifest::ApprovalModeName(shared->approval))},
             {"identities", shared->identities.size()},
             {"nodes", shared->nodes.size()}});
  if (shared->approval == manifest::ApprovalMode::kAutomatic) {
    log::Warn("policy bundle comes from an Automatic-approval manifest (development only)",
              {{"generation", shared->generation}});
  }
  for (const auto& l : listeners) l(event);
  return true;
}

std::shared_ptr<const manifest::PolicyBundle> PolicyStore::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

int64_t PolicyStore::generation() const {
  std::lock_guard lock(mu_);
  return current_ ? current_->generation : 0;
}

void PolicyStore::AddListener(std::function<void(const EnforcedPolicy&)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace c8s::agent
