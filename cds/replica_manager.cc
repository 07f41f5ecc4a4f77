// The replica set as this replica sees it: listener, dialer, links, leader, forwarded writes.
#include "cds/replica_link.h"
#include "cds/replica_link_internal.h"
#include "cds/replica_net.h"
#include "cds/serving_identity.h"
#include "lib/attest/report_data.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/any_certificate.h"
#include "lib/crypto/hash.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

absl::Status FromJsonStatus(const nlohmann::json& r) {
  int code = r.value("code", 2);
  if (code == 0) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(code), r.value("message", std::string()));
}

nlohmann::json ToJsonResult(const absl::Status& st) {
  return {{"code", static_cast<int>(st.code())}, {"message", std::string(st.message())}};
}

nlohmann::json ActivationJson(const Activation& a) {
  return {{"entry", manifest::ToJson(a.signed_entry)}, {"entryHash", a.entry_hash}};
}

absl::StatusOr<Activation> ActivationFrom(const nlohmann::json& r) {
  if (!r.contains("result") || !r["result"].contains("entry")) {
    return absl::DataLossError("leader replica: write result without an entry");
  }
  ASSIGN_OR_RETURN(manifest::SignedHistoryEntry e,
                   manifest::ParseSignedHistoryEntryJson(r["result"]["entry"]));
  return Activation{std::move(e), r["result"].value("entryHash", std::string())};
}

}  // namespace

ReplicaManager::ReplicaManager(CdsRuntime* rt, ReplicaOptions options)
    : rt_(rt), options_(std::move(options)), local_(rt) {}

absl::StatusOr<std::unique_ptr<ReplicaManager>> ReplicaManager::Start(CdsRuntime* rt,
                                                                      ReplicaOptions options) {
  if (options.id.empty()) return absl::InvalidArgumentError("replica: an id is required");
  if (rt->config().evidence == nullptr) {
    return absl::FailedPreconditionError(
        "replicas attest each other: an evidence source is required (--agent-socket or "
        "--simulate-own-evidence)");
  }
  std::unique_ptr<ReplicaManager> m(new ReplicaManager(rt, std::move(options)));
  RETURN_IF_ERROR(m->Init());
  return m;
}

absl::Status ReplicaManager::Init() {
  check_.simulated_roots = rt_->config().options.simulated_roots;
  check_.chain_cache = &chain_cache_;
  check_.tdx_collateral =
      rt_->config().options.tdx_collateral ? &*rt_->config().options.tdx_collateral : nullptr;
  check_.assurance = rt_->config().options.assurance;
  // What this CDS itself is: the measurement peers are compared with before the claim.
  attest::ReportData probe = attest::ReplicaRoleBinding(crypto::RandomBytes(32));
  ASSIGN_OR_RETURN(OwnEvidenceResult own, rt_->config().evidence->Get(probe));
  check_.now = absl::Now();
  absl::StatusOr<attest::Claims> claims =
      VerifyPodEvidence(own.evidence, own.image_digest, own.pod_ref, probe, nullptr, "", check_);
  if (!claims.ok()) {
    return Annotate(claims.status(), "this CDS cannot verify its own evidence (simulated roots?)");
  }
  own_claims_ = std::move(*claims);
  own_image_ = own.image_digest;
  ASSIGN_OR_RETURN(crypto::TlsIdentity id, ServingIdentity(nullptr, {}));
  // Replica connections are authenticated by the evidence bound to their exporter, not by
  // certificates: the hello decides.
  auto any = std::make_shared<crypto::AnyCertificateVerifier>();
  ASSIGN_OR_RETURN(server_ctx_, crypto::CreateServerContext({id, any, true}));
  ASSIGN_OR_RETURN(client_ctx_, crypto::CreateClientContext({id, any}));
  ASSIGN_OR_RETURN(listener_, ListenTcp(options_.listen, &port_));
  rt_->AddOpenListener([this] { OnOpen(); });
  if (!rt_->sealed()) OnOpen();
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  dial_thread_ = std::thread([this] { DialLoop(); });
  log::Info("replica listening", {{"replica", options_.id}, {"port", port_}});
  return absl::OkStatus();
}

ReplicaManager::~ReplicaManager() {
  stopping_ = true;
  if (accept_thread_.joinable()) accept_thread_.join();
  if (dial_thread_.joinable()) dial_thread_.join();
  std::vector<std::shared_ptr<ReplicaLink>> all;
  {
    std::lock_guard lock(mu_);
    all = all_;
  }
  for (auto& l : all) l->Stop();
  std::shared_ptr<Cds> cds = rt_->cds();
  if (cds != nullptr) {
    cds->SetStateListener(nullptr);
    cds->SetIssuedListener(nullptr);
  }
  // Joined without mu_: a link thread takes it on its way out (Unregister).
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

void ReplicaManager::OnOpen() {
  std::shared_ptr<Cds> cds = rt_->cds();
  if (cds == nullptr) return;
  cds->SetStateListener([this](const Bytes& blob) {
    std::shared_ptr<Cds> c = rt_->cds();
    Broadcast(
        {{"type", "state"}, {"version", c ? c->state_version() : 0}, {"blob", Base64Encode(blob)}});
  });
  cds->SetIssuedListener([this](const IssuedRecord& r) {
    Broadcast({{"type", "issued"}, {"record", ToJson(r)}});
  });
}

void ReplicaManager::Broadcast(const nlohmann::json& frame) {
  std::vector<std::shared_ptr<ReplicaLink>> links;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, l] : links_) links.push_back(l);
  }
  for (const auto& l : links) l->Send(frame);
}

void ReplicaManager::Spawn(std::shared_ptr<ReplicaLink> link) {
  std::lock_guard lock(mu_);
  all_.push_back(link);
  threads_.emplace_back([link] { link->Run(); });
}

void ReplicaManager::Reap() {
  std::vector<std::thread> finished;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < all_.size();) {
      if (all_[i]->done()) {
        finished.push_back(std::move(threads_[i]));
        all_.erase(all_.begin() + static_cast<long>(i));
        threads_.erase(threads_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
  }
  for (std::thread& t : finished) {
    if (t.joinable()) t.join();
  }
}

void ReplicaManager::AcceptLoop() {
  while (!stopping_) {
    absl::StatusOr<UniqueFd> fd = AcceptTcp(listener_.get(), absl::Milliseconds(200));
    if (!fd.ok()) continue;
    absl::StatusOr<std::unique_ptr<crypto::TlsStream>> s =
        crypto::TlsStream::Accept(server_ctx_.get(), std::move(*fd), absl::Seconds(5));
    if (!s.ok()) {
      log::Warn("replica handshake failed", {{"reason", StatusText(s.status())}});
      continue;
    }
    Spawn(std::make_shared<ReplicaLink>(this, std::move(*s), false, "accepted"));
  }
}

void ReplicaManager::DialLoop() {
  while (!stopping_) {
    Reap();
    for (const std::string& peer : options_.peers) {
      bool linked = false;
      {
        std::lock_guard lock(mu_);
        for (const auto& l : all_) linked = linked || (l->dialed() && l->address() == peer);
      }
      if (linked || stopping_) continue;
      absl::StatusOr<UniqueFd> fd = ConnectTcp(peer, absl::Seconds(1));
      if (!fd.ok()) continue;
      absl::StatusOr<std::unique_ptr<crypto::TlsStream>> s =
          crypto::TlsStream::Connect(client_ctx_.get(), std::move(*fd), absl::Seconds(5));
      if (!s.ok()) continue;
      Spawn(std::make_shared<ReplicaLink>(this, std::move(*s), true, peer));
    }
    for (int i = 0; i < 5 && !stopping_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

bool ReplicaManager::Register(const std::shared_ptr<ReplicaLink>& link) {
  std::lock_guard lock(mu_);
  auto it = links_.find(link->peer_id());
  if (it != links_.end() && !it->second->done()) {
    // Both sides dialed: keep the connection the lower id dialed, on both ends alike.
    bool lower_dials = options_.id < link->peer_id();
    bool keep_new = link->dialed() == lower_dials;
    if (!keep_new) return false;
    it->second->Stop();
  }
  links_[link->peer_id()] = link;
  return true;
}

void ReplicaManager::Unregister(ReplicaLink* link) {
  std::lock_guard lock(mu_);
  auto it = links_.find(link->peer_id());
  if (it != links_.end() && it->second.get() == link) links_.erase(it);
}

void ReplicaManager::ReportConflict(std::string why) {
  log::Error("replica conflict", {{"reason", why}});
  rt_->audit().Record("replica", "conflict", why);
  std::lock_guard lock(mu_);
  conflict_ = std::move(why);
}

std::string ReplicaManager::Conflict() const {
  std::lock_guard lock(mu_);
  return conflict_;
}

void ReplicaManager::NoteStorageAnomaly(std::string_view kind, std::string_view what) {
  log::Error("storage or replica anomaly", {{"kind", kind}, {"what", what}});
  rt_->audit().Record("storage", "anomaly", what, {{"kind", std::string(kind)}});
  std::shared_ptr<Cds> cds = rt_->cds();
  if (cds) cds->metrics().Inc("c8s_cds_storage_anomalies_total", {{"kind", std::string(kind)}});
}

std::string ReplicaManager::Leader() const {
  if (rt_->sealed()) return "";
  std::string leader = options_.id;
  std::lock_guard lock(mu_);
  for (const auto& [id, l] : links_) {
    if (!l->done() && l->peer_open() && id < leader) leader = id;
  }
  return leader;
}

bool ReplicaManager::IsLeader() const { return !rt_->sealed() && Leader() == options_.id; }

std::shared_ptr<ReplicaLink> ReplicaManager::LeaderLink() const {
  std::string leader = Leader();
  std::lock_guard lock(mu_);
  auto it = links_.find(leader);
  return it == links_.end() ? nullptr : it->second;
}

std::vector<std::pair<std::string, double>> ReplicaManager::Gauges() const {
  std::vector<std::pair<std::string, double>> g;
  double linked = 0;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, l] : links_) linked += l->done() ? 0 : 1;
  }
  g.push_back({"c8s_cds_replica_leader", IsLeader() ? 1 : 0});
  g.push_back({"c8s_cds_replica_peers_linked", linked});
  g.push_back({"c8s_cds_replica_conflict", Conflict().empty() ? 0 : 1});
  return g;
}

absl::StatusOr<nlohmann::json> ReplicaManager::Forward(nlohmann::json frame) {
  std::shared_ptr<ReplicaLink> leader = LeaderLink();
  if (leader == nullptr) {
    return absl::UnavailableError(StrCat("no leader replica reachable (leader ", Leader(), ")"));
  }
  frame["type"] = "write";
  ASSIGN_OR_RETURN(nlohmann::json r, leader->Call(std::move(frame), options_.write_timeout));
  RETURN_IF_ERROR(FromJsonStatus(r));
  return r;
}

nlohmann::json ReplicaManager::ExecuteWrite(const nlohmann::json& f) {
  if (!IsLeader()) {
    return ToJsonResult(absl::UnavailableError(
        StrCat("replica ", options_.id, " is not the leader (", Leader(), " is)")));
  }
  std::string op = f.value("op", std::string());
  std::string sig_b64 = f.value("signature", std::string());
  Bytes sig = Base64Decode(sig_b64).value_or(Bytes{});
  if (op == "propose") {
    absl::StatusOr<Proposal> p = local_.Propose(f.value("manifest", std::string()));
    if (!p.ok()) return ToJsonResult(p.status());
    nlohmann::json r = ToJsonResult(absl::OkStatus());
    r["result"] = {{"manifestHash", p->manifest_hash},
                   {"activated", p->activated},
                   {"generation", p->generation},
                   {"mode", std::string(manifest::ApprovalModeName(p->mode))}};
    return r;
  }
  absl::StatusOr<Activation> a =
      op == "claim"
          ? local_.Claim(f.value("manifest", std::string()), f.value("statement", std::string()),
                         f.value("owner", std::string()), sig)
      : op == "approve"
          ? local_.Approve(f.value("statement", std::string()), f.value("owner", std::string()),
                           sig)
          : absl::StatusOr<Activation>(absl::InvalidArgumentError(StrCat("unknown write ", op)));
  if (!a.ok()) return ToJsonResult(a.status());
  nlohmann::json r = ToJsonResult(absl::OkStatus());
  r["result"] = ActivationJson(*a);
  return r;
}

absl::StatusOr<Proposal> ReplicaManager::Propose(std::string_view manifest_json) {
  if (IsLeader()) return local_.Propose(manifest_json);
  ASSIGN_OR_RETURN(nlohmann::json r,
                   Forward({{"op", "propose"}, {"manifest", std::string(manifest_json)}}));
  const nlohmann::json& p = r["result"];
  Proposal out;
  out.manifest_hash = p.value("manifestHash", std::string());
  out.activated = p.value("activated", false);
  out.generation = p.value("generation", int64_t{0});
  out.mode = p.value("mode", std::string()) == "Automatic" ? manifest::ApprovalMode::kAutomatic
                                                           : manifest::ApprovalMode::kOwner;
  return out;
}

absl::StatusOr<Activation> ReplicaManager::Claim(std::string_view manifest_json,
                                                 std::string_view statement, std::string_view owner,
                                                 ByteSpan signature) {
  if (IsLeader()) return local_.Claim(manifest_json, statement, owner, signature);
  ASSIGN_OR_RETURN(nlohmann::json r, Forward({{"op", "claim"},
                                              {"manifest", std::string(manifest_json)},
                                              {"statement", std::string(statement)},
                                              {"owner", std::string(owner)},
                                              {"signature", Base64Encode(signature)}}));
  return ActivationFrom(r);
}

absl::StatusOr<Activation> ReplicaManager::Approve(std::string_view statement,
                                                   std::string_view owner, ByteSpan signature) {
  if (IsLeader()) return local_.Approve(statement, owner, signature);
  ASSIGN_OR_RETURN(nlohmann::json r, Forward({{"op", "approve"},
                                              {"statement", std::string(statement)},
                                              {"owner", std::string(owner)},
                                              {"signature", Base64Encode(signature)}}));
  return ActivationFrom(r);
}

}  // namespace c8s::cds
