#include "client/sdk/grpc_cds_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <mutex>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"

namespace c8s::client {
namespace {

namespace v1 = ::c8s::cds::v1;

// Records the chain of every handshake; with a pinned CA it also refuses any other server.
class RecordingVerifier : public crypto::PeerVerifier {
 public:
  explicit RecordingVerifier(std::optional<crypto::Certificate> ca) {
    if (ca) pinned_ = std::make_unique<crypto::CaPeerVerifier>(*std::move(ca), Clock::Real());
  }
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    {
      std::lock_guard lock(mu_);
      last_ = chain;
    }
    if (pinned_) {
      absl::StatusOr<crypto::VerifiedPeer> peer = pinned_->Verify(chain);
      std::lock_guard lock(mu_);
      refusal_ = peer.ok() ? absl::OkStatus() : peer.status();
      return peer;
    }
    if (chain.empty()) return absl::UnauthenticatedError("no server certificate");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
  std::vector<Bytes> last() const {
    std::lock_guard lock(mu_);
    return last_;
  }
  // Why the pinned CA refused the latest handshake (OK if it did not).
  absl::Status refusal() const {
    std::lock_guard lock(mu_);
    return refusal_;
  }

 private:
  std::unique_ptr<crypto::CaPeerVerifier> pinned_;
  mutable std::mutex mu_;
  mutable std::vector<Bytes> last_;
  mutable absl::Status refusal_;
};

std::string Str(ByteSpan b) { return std::string(AsChars(b)); }

absl::StatusOr<attest::Evidence> EvidenceFromProto(const v1::Evidence& ev) {
  std::optional<attest::Platform> platform = attest::PlatformFromName(ev.platform());
  if (!platform) {
    return absl::InvalidArgumentError(StrCat("evidence platform \"", ev.platform(),
                                             "\": want sev-snp, tdx, simulated-sev-snp or "
                                             "simulated-tdx"));
  }
  attest::Evidence out;
  out.platform = *platform;
  out.report = ToBytes(ev.report());
  for (const std::string& c : ev.certificates()) out.certs.push_back(ToBytes(c));
  out.auxblob = ToBytes(ev.auxblob());
  return out;
}

class GrpcCdsClient : public CdsClient {
 public:
  GrpcCdsClient(const ConnectOptions& o, std::shared_ptr<RecordingVerifier> verifier)
      : target_(o.target), timeout_(o.call_timeout), verifier_(std::move(verifier)) {
    channel_ =
        grpc::CreateChannel(o.target, crypto::MakeGrpcChannelCredentials(o.identity, verifier_));
    attestation_ = v1::Attestation::NewStub(channel_);
    manifest_ = v1::Manifest::NewStub(channel_);
    recovery_ = v1::Recovery::NewStub(channel_);
  }

  absl::StatusOr<CdsAttestation> GetAttestation(ByteSpan nonce) override {
    v1::GetAttestationRequest req;
    req.set_nonce(Str(nonce));
    v1::GetAttestationResponse r;
    RETURN_IF_ERROR(Call("GetAttestation", [&](grpc::ClientContext* c) {
      return attestation_->GetAttestation(c, req, &r);
    }));
    ASSIGN_OR_RETURN(attest::Evidence ev,
                     Annotate(EvidenceFromProto(r.evidence()), "GetAttestation"));
    return CdsAttestation{std::move(ev),
                          r.image_digest(),
                          r.pod_ref(),
                          ToBytes(r.ca_certificate_der()),
                          ToBytes(r.sealing_public_key_der()),
                          r.claimed(),
                          static_cast<int64_t>(r.history_generation()),
                          r.history_head_hash(),
                          r.approval_mode()};
  }

  absl::StatusOr<ProposeResult> Propose(std::string_view manifest_json) override {
    v1::ProposeRequest req;
    req.set_manifest_json(std::string(manifest_json));
    v1::ProposeResponse r;
    RETURN_IF_ERROR(
        Call("Propose", [&](grpc::ClientContext* c) { return manifest_->Propose(c, req, &r); }));
    return ProposeResult{r.manifest_hash(), r.state(), static_cast<int64_t>(r.generation()),
                         r.approval_mode()};
  }

  absl::StatusOr<PendingManifest> GetPending(std::string_view manifest_hash) override {
    v1::GetPendingRequest req;
    req.set_manifest_hash(std::string(manifest_hash));
    v1::GetPendingResponse r;
    RETURN_IF_ERROR(Call(
        "GetPending", [&](grpc::ClientContext* c) { return manifest_->GetPending(c, req, &r); }));
    return PendingManifest{r.manifest_json(), r.manifest_hash(),
                           static_cast<int64_t>(r.next_generation()), r.previous_entry_hash(),
                           r.cluster()};
  }

  absl::StatusOr<ApproveResult> Claim(std::string_view manifest_json,
                                      std::string_view statement_json, std::string_view owner,
                                      ByteSpan signature) override {
    v1::ApproveRequest req = ApproveRequest(statement_json, owner, signature);
    req.set_manifest_json(std::string(manifest_json));
    v1::ApproveResponse r;
    RETURN_IF_ERROR(
        Call("Claim", [&](grpc::ClientContext* c) { return manifest_->Claim(c, req, &r); }));
    return FromProto(r);
  }

  absl::StatusOr<ApproveResult> Approve(std::string_view statement_json, std::string_view owner,
                                        ByteSpan signature) override {
    v1::ApproveRequest req = ApproveRequest(statement_json, owner, signature);
    v1::ApproveResponse r;
    RETURN_IF_ERROR(
        Call("Approve", [&](grpc::ClientContext* c) { return manifest_->Approve(c, req, &r); }));
    return FromProto(r);
  }

  absl::StatusOr<ActiveManifest> GetActive() override {
    v1::GetActiveResponse r;
    RETURN_IF_ERROR(Call("GetActive", [&](grpc::ClientContext* c) {
      return manifest_->GetActive(c, v1::GetActiveRequest(), &r);
    }));
    return ActiveManifest{r.manifest_json(), static_cast<int64_t>(r.generation()),
                          r.manifest_hash(), r.entry_hash()};
  }

  absl::StatusOr<std::vector<RawHistoryEntry>> History(int64_t from_generation) override {
    v1::HistoryRequest req;
    req.set_from_generation(static_cast<uint64_t>(from_generation));
    v1::HistoryResponse r;
    RETURN_IF_ERROR(
        Call("History", [&](grpc::ClientContext* c) { return manifest_->History(c, req, &r); }));
    std::vector<RawHistoryEntry> out;
    for (const v1::SignedEntry& e : r.entries()) {
      out.push_back({e.entry_json(), ToBytes(e.signature())});
    }
    return out;
  }

  absl::StatusOr<RecoveryChallenge> GetRecoveryChallenge(ByteSpan nonce) override {
    v1::RecoveryChallengeRequest req;
    req.set_nonce(Str(nonce));
    v1::RecoveryChallengeResponse r;
    RETURN_IF_ERROR(Call("GetRecoveryChallenge", [&](grpc::ClientContext* c) {
      return recovery_->GetRecoveryChallenge(c, req, &r);
    }));
    ASSIGN_OR_RETURN(attest::Evidence ev,
                     Annotate(EvidenceFromProto(r.evidence()), "GetRecoveryChallenge"));
    RecoveryChallenge out{std::move(ev),
                          r.image_digest(),
                          r.pod_ref(),
                          ToBytes(r.recipient_public_key()),
                          r.cluster(),
                          {},
                          static_cast<int64_t>(r.envelopes_generation())};
    for (const v1::RecoveryEnvelope& e : r.envelopes()) {
      out.envelopes.push_back(
          {e.key_name(), e.public_key_pem(), ToBytes(e.enc()), ToBytes(e.ciphertext())});
    }
    return out;
  }

  absl::StatusOr<RecoverResult> Recover(ByteSpan seed_enc, ByteSpan seed_ciphertext,
                                        const std::vector<StoredObject>& restore) override {
    v1::RecoverRequest req;
    req.set_seed_enc(Str(seed_enc));
    req.set_seed_ciphertext(Str(seed_ciphertext));
    for (const StoredObject& o : restore) {
      v1::StoredObject* out = req.add_restore();
      out->set_name(o.name);
      out->set_blob(Str(o.blob));
    }
    v1::RecoverResponse r;
    RETURN_IF_ERROR(
        Call("Recover", [&](grpc::ClientContext* c) { return recovery_->Recover(c, req, &r); }));
    return RecoverResult{static_cast<int64_t>(r.history_generation()), r.history_head_hash()};
  }

  absl::StatusOr<std::vector<StoredObject>> Backup() override {
    v1::BackupResponse r;
    RETURN_IF_ERROR(Call("Backup", [&](grpc::ClientContext* c) {
      return recovery_->Backup(c, v1::BackupRequest(), &r);
    }));
    std::vector<StoredObject> out;
    for (const v1::StoredObject& o : r.objects()) out.push_back({o.name(), ToBytes(o.blob())});
    return out;
  }

  std::vector<Bytes> ServerChain() const override { return verifier_->last(); }
  const std::string& target() const override { return target_; }

 private:
  static v1::ApproveRequest ApproveRequest(std::string_view statement_json, std::string_view owner,
                                           ByteSpan signature) {
    v1::ApproveRequest req;
    req.set_statement_json(std::string(statement_json));
    req.set_owner(std::string(owner));
    req.set_signature(Str(signature));
    return req;
  }
  static ApproveResult FromProto(const v1::ApproveResponse& r) {
    return ApproveResult{static_cast<int64_t>(r.generation()), r.entry_hash(),
                         RawHistoryEntry{r.entry_json(), ToBytes(r.entry_signature())}};
  }

  template <typename Rpc>
  absl::Status Call(std::string_view method, Rpc rpc) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout_)));
    grpc::Status st = rpc(&ctx);
    if (st.ok()) return absl::OkStatus();
    // gRPC reports a refused handshake as UNAVAILABLE: say that the pinned CA refused it.
    if (absl::Status refused = verifier_->refusal();
        st.error_code() == grpc::StatusCode::UNAVAILABLE && !refused.ok()) {
      return absl::UnauthenticatedError(
          StrCat("CDS ", target_, " ", method, ": not the pinned CDS: ", refused.message()));
    }
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                        StrCat("CDS ", target_, " ", method, ": ", st.error_message()));
  }

  std::string target_;
  absl::Duration timeout_;
  std::shared_ptr<RecordingVerifier> verifier_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Attestation::Stub> attestation_;
  std::unique_ptr<v1::Manifest::Stub> manifest_;
  std::unique_ptr<v1::Recovery::Stub> recovery_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CdsClient>> ConnectCds(const ConnectOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("CDS address is empty");
  auto verifier = std::make_shared<RecordingVerifier>(options.pinned_ca);
  return std::unique_ptr<CdsClient>(new GrpcCdsClient(options, std::move(verifier)));
}

std::shared_ptr<grpc::Channel> PinnedCdsChannel(
    const std::string& target, const crypto::Certificate& ca,
    const std::optional<crypto::TlsIdentity>& identity) {
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(ca, Clock::Real());
  return grpc::CreateChannel(target, crypto::MakeGrpcChannelCredentials(identity, verifier));
}

}  // namespace c8s::client
