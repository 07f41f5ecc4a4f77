// A connection to a CDS (c8s.cds.v1) in c8s's own types, so that everything above it (c8sctl,
// the node agent's trust anchor) builds and tests without gRPC. grpc_cds_client.h implements it
// over gRPC + TLS 1.3; `Connect` with a pinned CA refuses any server not issued by that CA,
// without one (bootstrap, before `VerifyCds`) it accepts any server and records its chain so
// that VerifyCds can bind the attestation to the TLS connection it came over.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<CdsClient> c, ConnectCds({.target = "10.0.0.5:7443"}));
//   ASSIGN_OR_RETURN(VerifiedCds cds, VerifyCds(*c, reference_values, {}));
//   ASSIGN_OR_RETURN(auto pinned, ConnectCds({.target = "10.0.0.5:7443", .pinned_ca = cds.ca}));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/sdk/cds_attestation.h"
#include "lib/crypto/tls.h"
#include "lib/crypto/x509.h"

namespace c8s::client {

struct PendingManifest {
  std::string manifest_json;  // canonical bytes as the CDS stores them
  std::string manifest_hash;
  int64_t next_generation = 0;
  std::string previous_entry_hash;
  std::string cluster;
};

struct ActiveManifest {
  std::string manifest_json;
  int64_t generation = 0;
  std::string manifest_hash;
  std::string entry_hash;
};

struct ProposeResult {
  std::string manifest_hash;
  std::string state;  // "PendingApproval" or "Active" (owner-enabled Automatic mode)
  int64_t generation = 0;
  std::string approval_mode;
};

// A history entry as served: its exact JSON bytes and the CA signature.
struct RawHistoryEntry {
  std::string entry_json;
  Bytes signature;
};

struct ApproveResult {
  int64_t generation = 0;
  std::string entry_hash;
  RawHistoryEntry entry;
};

// HPKE(seed) to one recovery key of the active manifest (info "c8s/seed/v1" || cluster).
struct RecoveryEnvelope {
  std::string key_name;
  std::string public_key_pem;
  Bytes enc;
  Bytes ciphertext;
};

struct RecoveryChallenge {
  attest::Evidence evidence;  // c8s/pod/v1 wrapping c8s/recover/v1(nonce, H(recipient key))
  std::string image_digest;
  std::string pod_ref;
  Bytes recipient_public_key;  // raw X25519 the seed is to be sealed to
  // From the storage's recovery record, when it has one.
  std::string cluster;
  std::vector<RecoveryEnvelope> envelopes;
  int64_t envelopes_generation = 0;
};

// One storage object exactly as stored (encrypted state, plaintext recovery record).
struct StoredObject {
  std::string name;
  Bytes blob;
};

struct RecoverResult {
  int64_t history_generation = 0;
  std::string history_head_hash;
};

// Errors from the CDS keep its status code and message ("CDS: <message>"), so that a refusal
// shows the server's reason; transport failures say which call could not reach which target.
class CdsClient {
 public:
  virtual ~CdsClient() = default;

  virtual absl::StatusOr<CdsAttestation> GetAttestation(ByteSpan nonce) = 0;
  virtual absl::StatusOr<ProposeResult> Propose(std::string_view manifest_json) = 0;
  virtual absl::StatusOr<PendingManifest> GetPending(std::string_view manifest_hash) = 0;
  virtual absl::StatusOr<ApproveResult> Claim(std::string_view manifest_json,
                                              std::string_view statement_json,
                                              std::string_view owner, ByteSpan signature) = 0;
  virtual absl::StatusOr<ApproveResult> Approve(std::string_view statement_json,
                                                std::string_view owner, ByteSpan signature) = 0;
  virtual absl::StatusOr<ActiveManifest> GetActive() = 0;
  virtual absl::StatusOr<std::vector<RawHistoryEntry>> History(int64_t from_generation) = 0;
  virtual absl::StatusOr<RecoveryChallenge> GetRecoveryChallenge(ByteSpan nonce) = 0;
  // `restore`: objects of a backup, written where storage holds nothing newer.
  virtual absl::StatusOr<RecoverResult> Recover(ByteSpan seed_enc, ByteSpan seed_ciphertext,
                                                const std::vector<StoredObject>& restore) = 0;
  virtual absl::StatusOr<std::vector<StoredObject>> Backup() = 0;

  // The server's certificate chain (DER, leaf first) from the latest TLS handshake; empty
  // before the first call.
  virtual std::vector<Bytes> ServerChain() const = 0;
  virtual const std::string& target() const = 0;
};

struct ConnectOptions {
  std::string target;                            // "host:port"
  std::optional<crypto::Certificate> pinned_ca;  // null: bootstrap (accept, record the chain)
  std::optional<crypto::TlsIdentity> identity;   // mTLS client identity (node agents)
  absl::Duration call_timeout = absl::Seconds(15);
};

using CdsConnector =
    std::function<absl::StatusOr<std::unique_ptr<CdsClient>>(const ConnectOptions& options)>;

}  // namespace c8s::client
