// c8sctl's local trust state: what `c8sctl verify` established about one CDS (the pinned CA,
// the attested sealing key, the newest history head seen) and every manifest the owner has
// seen, so that later commands talk only to that CA, seal only to that key, and refuse a
// history that rolls back. One directory per cluster (default $C8S_STATE_DIR, else ~/.c8s).
//
//   ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(path));
//   ASSIGN_OR_RETURN(std::optional<PinnedCds> pinned, dir.Load());
//   RETURN_IF_ERROR(dir.Save(pinned));                  // cds.json, ca.pem, sealing-key.pem
//   RETURN_IF_ERROR(dir.SaveManifest(canonical_json));  // manifests/<hash hex>.json
//
// Layout: cds.json (the record below, strict JSON), ca.pem and sealing-key.pem (copies for
// other tools), manifest.json (the active manifest, canonical), manifests/<hex>.json.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/history.h"
#include "lib/manifest/model.h"

namespace c8s::cli {

struct PinnedCds {
  std::string target;      // host:port the CDS was verified at
  Bytes ca_der;            // the pinned cluster CA certificate
  std::string cluster;     // sha256:<H(CA SPKI DER)>
  Bytes sealing_spki_der;  // the attested X25519 sealing key
  std::string image_digest;
  std::string pod_ref;
  std::string platform;        // of the evidence, "sev-snp", "simulated-sev-snp", ...
  std::string assurance;       // attest::AssuranceLevelName
  std::string measurement;     // hex
  std::string verified_at;     // RFC 3339
  manifest::HistoryHead head;  // the newest head seen (never lowered)
  std::string approval_mode = "Owner";

  // Both were checked when the record was made or loaded.
  crypto::Certificate Ca() const { return *crypto::Certificate::FromDer(ca_der); }
  crypto::PublicKey SealingKey() const { return *crypto::PublicKey::FromSpkiDer(sealing_spki_der); }
};

absl::StatusOr<PinnedCds> ParsePinnedCds(std::string_view text);
std::string PinnedCdsToJson(const PinnedCds& pinned);

// $C8S_STATE_DIR, else $HOME/.c8s.
std::string DefaultStateDir();

class StateDir {
 public:
  // Creates the directory (0700) if needed.
  static absl::StatusOr<StateDir> Open(std::string path);

  const std::string& path() const { return path_; }
  // nullopt when nothing was verified here yet.
  absl::StatusOr<std::optional<PinnedCds>> Load() const;
  // Loads, or fails with FailedPrecondition telling the owner to run `c8sctl verify` first.
  absl::StatusOr<PinnedCds> Require() const;
  absl::Status Save(const PinnedCds& pinned) const;

  // Stores a manifest seen over the verified channel under its hash; `active` also writes it
  // as manifest.json.
  absl::Status SaveManifest(const manifest::Manifest& m, bool active) const;
  // Every manifest stored so far, by manifestHash (for history approval checks).
  absl::StatusOr<std::map<std::string, manifest::Manifest>> KnownManifests() const;

 private:
  explicit StateDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Raises `pinned.head` to `offered` after manifest::CheckHead(pinned.head, offered) passed.
absl::Status AdvanceHead(PinnedCds& pinned, const manifest::HistoryHead& offered);

}  // namespace c8s::cli
