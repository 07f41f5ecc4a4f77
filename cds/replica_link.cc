// One replica connection: mutual attestation bound to the TLS exporter, seed hand-over, state
// and issuance records, forwarded writes.
#include "cds/attestation.h"
#include "cds/replica_link_internal.h"
#include "cds/replica_net.h"
#include "cds/replica_policy.h"
#include "lib/attest/report_data.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse.h"

namespace c8s::cds {
namespace {

constexpr char kExporterLabel[] = "EXPORTER-c8s-replica";

absl::StatusOr<Bytes> B64Field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) {
    return absl::InvalidArgumentError(StrCat("replica frame: no string \"", key, "\""));
  }
  absl::StatusOr<Bytes> b = Base64Decode(j[key].get<std::string>());
  if (!b.ok()) return absl::InvalidArgumentError(StrCat("replica frame: bad base64 \"", key, "\""));
  return b;
}

std::string StrField(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

ReplicaLink::~ReplicaLink() {
  Stop();
  if (writer_.joinable()) writer_.join();
}

void ReplicaLink::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, p] : calls_) {
      p.set_value({{"code", static_cast<int>(absl::StatusCode::kUnavailable)},
                   {"message", StrCat("replica ", peer_id_, ": link closed")}});
    }
    calls_.clear();
  }
  cv_.notify_all();
  stream_->Close();
}

void ReplicaLink::Send(nlohmann::json frame) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    out_.push_back(std::move(frame));
  }
  cv_.notify_one();
}

void ReplicaLink::WriterLoop() {
  std::unique_lock lock(mu_);
  absl::Duration beat = manager_->options().heartbeat;
  while (!stopping_) {
    if (out_.empty()) {
      cv_.wait_for(lock, absl::ToChronoMilliseconds(beat));
      if (stopping_) break;
      if (out_.empty()) out_.push_back({{"type", "ping"}});
    }
    nlohmann::json frame = std::move(out_.front());
    out_.pop_front();
    lock.unlock();
    absl::Status st = WriteFrame(*stream_, frame);
    lock.lock();
    if (!st.ok()) break;
  }
  lock.unlock();
  stream_->Close();
}

absl::StatusOr<nlohmann::json> ReplicaLink::Call(nlohmann::json frame, absl::Duration timeout) {
  std::future<nlohmann::json> result;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::UnavailableError(StrCat("replica ", peer_id_, ": link closed"));
    uint64_t id = next_call_++;
    frame["id"] = id;
    result = calls_[id].get_future();
    out_.push_back(std::move(frame));
  }
  cv_.notify_one();
  if (result.wait_for(absl::ToChronoMilliseconds(timeout)) != std::future_status::ready) {
    return absl::UnavailableError(
        StrCat("leader replica ", peer_id_, " did not answer within ", absl::FormatDuration(timeout)));
  }
  return result.get();
}

absl::Status ReplicaLink::Hello() {
  CdsRuntime* rt = manager_->runtime();
  if (rt->config().evidence == nullptr) {
    return absl::FailedPreconditionError("replicas need an evidence source");
  }
  ASSIGN_OR_RETURN(Bytes exporter, stream_->Export(kExporterLabel, {}, 32));
  attest::ReportData role = attest::ReplicaRoleBinding(exporter);
  ASSIGN_OR_RETURN(OwnEvidenceResult mine, rt->config().evidence->Get(role));
  std::shared_ptr<Cds> cds = rt->cds();
  nlohmann::json hello = {{"type", "hello"},
                          {"replica", manager_->options().id},
                          {"evidence", EvidenceJson(mine.evidence)},
                          {"imageDigest", mine.image_digest},
                          {"podRef", mine.pod_ref},
                          {"sealed", cds == nullptr}};
  if (cds != nullptr) {
    AttestationInfo info = cds->Attestation();
    hello["cluster"] = info.cluster;
    hello["stateVersion"] = cds->state_version();
    hello["generation"] = info.generation;
  } else {
    recipient_ = crypto::hpke::GenerateKeyPair();
    hello["recipient"] = Base64Encode(recipient_.public_key);
  }
  RETURN_IF_ERROR(WriteFrame(*stream_, hello));
  ASSIGN_OR_RETURN(nlohmann::json theirs, ReadFrame(*stream_, absl::Seconds(15)));
  if (StrField(theirs, "type") == "refuse") {
    return absl::PermissionDeniedError(StrCat("peer refused: ", StrField(theirs, "reason")));
  }
  if (StrField(theirs, "type") != "hello" || StrField(theirs, "replica").empty() ||
      !theirs.contains("sealed") || !theirs["sealed"].is_boolean()) {
    return absl::InvalidArgumentError("replica: first frame is not a hello");
  }
  peer_id_ = StrField(theirs, "replica");
  if (peer_id_ == manager_->options().id) {
    return absl::FailedPreconditionError(StrCat("replica: peer claims our own id ", peer_id_));
  }
  if (!theirs.contains("evidence")) return absl::InvalidArgumentError("replica: hello without evidence");
  ASSIGN_OR_RETURN(attest::Evidence ev, EvidenceFromJson(theirs["evidence"]));
  EvidenceCheck check = manager_->evidence_check();
  check.now = absl::Now();
  absl::StatusOr<attest::Claims> claims =
      VerifyPodEvidence(ev, StrField(theirs, "imageDigest"), StrField(theirs, "podRef"), role,
                        nullptr, "", check);
  if (!claims.ok()) return Annotate(claims.status(), StrCat("replica ", peer_id_));
  bool peer_sealed = theirs["sealed"].get<bool>();
  cds = rt->cds();
  if (cds != nullptr && !peer_sealed) {
    std::string mine_cluster = cds->Attestation().cluster;
    if (StrField(theirs, "cluster") != mine_cluster) {
      std::string why = StrCat("two clusters: replica ", peer_id_, " serves cluster ",
                               StrField(theirs, "cluster"), ", this replica ", mine_cluster,
                               " (storage acknowledged two creations, or peers misconfigured)");
      manager_->ReportConflict(why);
      (void)WriteFrame(*stream_, {{"type", "refuse"}, {"reason", why}});
      return absl::DataLossError(why);
    }
    peer_open_ = true;
    return absl::OkStatus();
  }
  if (cds != nullptr && peer_sealed) return HandOverSeed(*claims, theirs);
  if (cds == nullptr && !peer_sealed) {
    RETURN_IF_ERROR(ReceiveSeed());
    peer_open_ = true;
    // Now that the manifest is readable, the replica that gave the seed must pass it too.
    std::shared_ptr<Cds> opened = rt->cds();
    absl::StatusOr<ActiveView> active = opened->GetActive();
    const manifest::Manifest* m = nullptr;
    absl::StatusOr<manifest::Manifest> parsed;
    if (active.ok()) {
      parsed = manifest::ParseManifest(active->canonical_json);
      if (parsed.ok()) m = &*parsed;
    }
    absl::Status giver = CheckReplicaPeer(m, *claims, StrField(theirs, "imageDigest"),
                                          manager_->own_claims(), manager_->own_image());
    if (!giver.ok()) {
      log::Error("the replica that handed over the seed does not satisfy the manifest",
                 {{"replica", peer_id_}, {"reason", StatusText(giver)}});
      return giver;
    }
    return absl::OkStatus();
  }
  return absl::UnavailableError(StrCat("replica ", peer_id_, " is sealed too: no seed to share"));
}

absl::Status ReplicaLink::HandOverSeed(const attest::Claims& peer, const nlohmann::json& hello) {
  std::shared_ptr<Cds> cds = manager_->runtime()->cds();
  absl::StatusOr<ActiveView> active = cds->GetActive();
  absl::StatusOr<manifest::Manifest> parsed;
  const manifest::Manifest* m = nullptr;
  if (active.ok()) {
    parsed = manifest::ParseManifest(active->canonical_json);
    if (parsed.ok()) m = &*parsed;
  }
  nlohmann::json details = {{"replica", peer_id_},
                            {"measurement", HexEncode(peer.measurement)},
                            {"image", StrField(hello, "imageDigest")}};
  absl::Status ok = CheckReplicaPeer(m, peer, StrField(hello, "imageDigest"),
                                     manager_->own_claims(), manager_->own_image());
  absl::StatusOr<Bytes> recipient = B64Field(hello, "recipient");
  if (ok.ok() && (!recipient.ok() || recipient->size() != 32)) {
    ok = absl::InvalidArgumentError("replica peer: no 32-byte recipient key in its hello");
  }
  if (!ok.ok()) {
    cds->metrics().Inc("c8s_cds_refusals_total",
                       {{"event", "replica-join"}, {"reason", ReasonLabel(StatusText(ok))}});
    cds->audit().Record("replica-join", "refused", StatusText(ok), details);
    log::Warn("refused", {{"event", "replica-join"}, {"replica", peer_id_},
                          {"reason", StatusText(ok)}});
    (void)WriteFrame(*stream_, {{"type", "refuse"}, {"reason", StatusText(ok)}});
    return ok;
  }
  std::string cluster = cds->Attestation().cluster;
  ASSIGN_OR_RETURN(SeedTransfer t, SealSeedForTransfer(cds->seed(), cluster, *recipient));
  RETURN_IF_ERROR(WriteFrame(*stream_, {{"type", "seed"},
                                        {"cluster", cluster},
                                        {"enc", Base64Encode(t.enc)},
                                        {"ciphertext", Base64Encode(t.ciphertext)}}));
  cds->audit().Record("replica-join", "seed-sent", "", details);
  cds->metrics().Inc("c8s_cds_replica_joins_total");
  peer_open_ = true;  // it opens with the seed now, or drops the link
  return absl::OkStatus();
}

absl::Status ReplicaLink::ReceiveSeed() {
  ASSIGN_OR_RETURN(nlohmann::json frame, ReadFrame(*stream_, absl::Seconds(15)));
  if (StrField(frame, "type") == "refuse") {
    return absl::PermissionDeniedError(
        StrCat("replica ", peer_id_, " refused to hand over the seed: ", StrField(frame, "reason")));
  }
  if (StrField(frame, "type") != "seed") {
    return absl::InvalidArgumentError("replica: expected the seed");
  }
  ASSIGN_OR_RETURN(Bytes enc, B64Field(frame, "enc"));
  ASSIGN_OR_RETURN(Bytes ct, B64Field(frame, "ciphertext"));
  ASSIGN_OR_RETURN(Bytes seed, OpenSeedTransfer({enc, ct}, StrField(frame, "cluster"),
                                                recipient_.private_key));
  absl::Status st = manager_->runtime()->Unseal(seed, StrCat("seed from replica ", peer_id_));
  if (!st.ok() && manager_->runtime()->sealed()) return st;
  return absl::OkStatus();  // opened (or another link opened us first)
}

void ReplicaLink::SendState() {
  std::shared_ptr<Cds> cds = manager_->runtime()->cds();
  if (cds == nullptr) return;
  std::optional<Bytes> blob = cds->StateBlob();
  if (blob.has_value()) {
    Send({{"type", "state"}, {"version", cds->state_version()}, {"blob", Base64Encode(*blob)}});
  }
}

absl::Status ReplicaLink::OnState(const nlohmann::json& frame) {
  std::shared_ptr<Cds> cds = manager_->runtime()->cds();
  if (cds == nullptr || !frame.contains("version") || !frame["version"].is_number_unsigned()) {
    return absl::OkStatus();
  }
  uint64_t version = frame["version"].get<uint64_t>();
  if (version < cds->state_version()) return absl::OkStatus();  // the peer is behind
  ASSIGN_OR_RETURN(Bytes blob, B64Field(frame, "blob"));
  if (absl::Status st = cds->AdoptState(blob); !st.ok()) {
    manager_->NoteStorageAnomaly("replica-state", StrCat("from replica ", peer_id_, ": ",
                                                         StatusText(st)));
    return absl::OkStatus();
  }
  // The leader wrote this blob and read it back; storage must now serve it too.
  absl::Status stored = cds->CheckStorage();
  if (!stored.ok()) manager_->NoteStorageAnomaly("storage", StatusText(stored));
  return absl::OkStatus();
}

absl::Status ReplicaLink::Handle(const nlohmann::json& frame) {
  std::string type = StrField(frame, "type");
  if (type == "ping") return absl::OkStatus();
  if (type == "state") return OnState(frame);
  if (type == "issued") {
    std::shared_ptr<Cds> cds = manager_->runtime()->cds();
    if (cds != nullptr && frame.contains("record")) {
      absl::StatusOr<IssuedRecord> r = ParseIssuedRecord(frame["record"]);
      if (r.ok()) cds->AddPeerRecord(std::move(*r));
    }
    return absl::OkStatus();
  }
  if (type == "write") {
    nlohmann::json result = manager_->ExecuteWrite(frame);
    result["type"] = "writeResult";
    result["id"] = frame.value("id", uint64_t{0});
    Send(std::move(result));
    return absl::OkStatus();
  }
  if (type == "writeResult") {
    uint64_t id = frame.value("id", uint64_t{0});
    std::lock_guard lock(mu_);
    auto it = calls_.find(id);
    if (it != calls_.end()) {
      it->second.set_value(frame);
      calls_.erase(it);
    }
    return absl::OkStatus();
  }
  if (type == "refuse") {
    return absl::PermissionDeniedError(StrCat("replica ", peer_id_, " refused: ",
                                              StrField(frame, "reason")));
  }
  return absl::InvalidArgumentError(StrCat("replica frame: unknown type \"", type, "\""));
}

void ReplicaLink::Run() {
  absl::Status st = Hello();
  if (st.ok() && !manager_->Register(shared_from_this())) {
    st = absl::AlreadyExistsError("duplicate link");
  }
  if (st.ok()) {
    writer_ = std::thread([this] { WriterLoop(); });
    SendState();
    log::Info("replica linked", {{"replica", peer_id_}, {"address", address_},
                                 {"leader", manager_->Leader()}});
    while (!done_) {
      absl::StatusOr<nlohmann::json> frame = ReadFrame(*stream_, manager_->options().dead_after);
      if (!frame.ok()) {
        st = frame.status();
        break;
      }
      if (absl::Status h = Handle(*frame); !h.ok()) {
        st = h;
        break;
      }
    }
    manager_->Unregister(this);
  }
  if (!st.ok() && st.code() != absl::StatusCode::kAlreadyExists) {
    log::Warn("replica link closed", {{"replica", peer_id_.empty() ? address_ : peer_id_},
                                      {"reason", StatusText(st)}});
  }
  done_ = true;
  Stop();
}

}  // namespace c8s::cds
