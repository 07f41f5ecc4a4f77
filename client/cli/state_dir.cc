#include "client/cli/state_dir.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

constexpr std::string_view kStateFile = "cds.json";
constexpr std::string_view kKeys[] = {"target",      "caCertificate", "cluster",  "sealingKey",
                                      "imageDigest", "podRef",        "platform", "assurance",
                                      "measurement", "verifiedAt",    "head",     "approvalMode"};

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::DataLossError(StrCat("state ", kStateFile, " ", field, ": ", why));
}

absl::StatusOr<std::string> Str(const nlohmann::json& doc, std::string_view key) {
  auto it = doc.find(std::string(key));
  if (it == doc.end() || !it->is_string()) return Bad(key, "missing or not a string");
  return it->get<std::string>();
}

absl::Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("mkdir " + path, errno);
  }
  return absl::OkStatus();
}

bool IsSha256Ref(std::string_view s) {
  return s.size() == 71 && s.substr(0, 7) == "sha256:" &&
         std::all_of(s.begin() + 7, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

absl::StatusOr<PinnedCds> ParsePinnedCds(std::string_view text) {
  absl::StatusOr<nlohmann::json> parsed = crypto::ParseStrictJson(text, 8);
  if (!parsed.ok()) return Bad("", StatusText(parsed.status()));
  const nlohmann::json& doc = *parsed;
  if (!doc.is_object()) return Bad("", "not a JSON object");
  for (const auto& [k, v] : doc.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k) == std::end(kKeys)) {
      return Bad(k, "unknown field");
    }
  }
  PinnedCds p;
  ASSIGN_OR_RETURN(p.target, Str(doc, "target"));
  ASSIGN_OR_RETURN(std::string ca_pem, Str(doc, "caCertificate"));
  absl::StatusOr<crypto::Certificate> ca = crypto::Certificate::FromPem(ca_pem);
  if (!ca.ok()) return Bad("caCertificate", StatusText(ca.status()));
  absl::StatusOr<crypto::PublicKey> ca_key = ca->GetPublicKey();
  if (!ca_key.ok()) return Bad("caCertificate", StatusText(ca_key.status()));
  p.ca_der = ca->ToDer();
  ASSIGN_OR_RETURN(p.cluster, Str(doc, "cluster"));
  if (p.cluster != manifest::ClusterId(*ca_key)) {
    return Bad("cluster", StrCat(p.cluster, " is not the CA's ", manifest::ClusterId(*ca_key)));
  }
  ASSIGN_OR_RETURN(std::string sealing_pem, Str(doc, "sealingKey"));
  absl::StatusOr<crypto::PublicKey> sealing = crypto::PublicKey::FromPem(sealing_pem);
  if (!sealing.ok() || sealing->type() != crypto::KeyType::kX25519) {
    return Bad("sealingKey", "not an X25519 public key");
  }
  p.sealing_spki_der = sealing->SpkiDer();
  ASSIGN_OR_RETURN(p.image_digest, Str(doc, "imageDigest"));
  ASSIGN_OR_RETURN(p.pod_ref, Str(doc, "podRef"));
  ASSIGN_OR_RETURN(p.platform, Str(doc, "platform"));
  ASSIGN_OR_RETURN(p.assurance, Str(doc, "assurance"));
  ASSIGN_OR_RETURN(p.measurement, Str(doc, "measurement"));
  ASSIGN_OR_RETURN(p.verified_at, Str(doc, "verifiedAt"));
  ASSIGN_OR_RETURN(p.approval_mode, Str(doc, "approvalMode"));
  auto head = doc.find("head");
  if (head == doc.end() || !head->is_object() || head->size() != 2 ||
      !head->contains("generation") || !(*head)["generation"].is_number_unsigned() ||
      !head->contains("entryHash") || !(*head)["entryHash"].is_string()) {
    return Bad("head", "want {\"generation\": N, \"entryHash\": \"sha256:…\"}");
  }
  p.head.generation = (*head)["generation"].get<int64_t>();
  p.head.entry_hash = (*head)["entryHash"].get<std::string>();
  if (!IsSha256Ref(p.head.entry_hash)) return Bad("head.entryHash", "want sha256:<64 hex>");
  return p;
}

std::string PinnedCdsToJson(const PinnedCds& p) {
  nlohmann::json doc = {
      {"target", p.target},
      {"caCertificate", p.Ca().ToPem()},
      {"cluster", p.cluster},
      {"sealingKey", p.SealingKey().ToPem()},
      {"imageDigest", p.image_digest},
      {"podRef", p.pod_ref},
      {"platform", p.platform},
      {"assurance", p.assurance},
      {"measurement", p.measurement},
      {"verifiedAt", p.verified_at},
      {"head", {{"generation", p.head.generation}, {"entryHash", p.head.entry_hash}}},
      {"approvalMode", p.approval_mode}};
  return manifest::PrettyJson(doc);
}

std::string DefaultStateDir() {
  if (const char* dir = std::getenv("C8S_STATE_DIR"); dir != nullptr && *dir != '\0') return dir;
  const char* home = std::getenv("HOME");
  return StrCat(home != nullptr ? home : ".", "/.c8s");
}

absl::StatusOr<StateDir> StateDir::Open(std::string path) {
  RETURN_IF_ERROR(MakeDir(path));
  RETURN_IF_ERROR(MakeDir(path + "/manifests"));
  return StateDir(std::move(path));
}

absl::StatusOr<std::optional<PinnedCds>> StateDir::Load() const {
  std::string file = StrCat(path_, "/", kStateFile);
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 && errno == ENOENT) return std::optional<PinnedCds>();
  ASSIGN_OR_RETURN(std::string text, ReadFile(file, 1 << 20));
  absl::StatusOr<PinnedCds> p = ParsePinnedCds(text);
  if (!p.ok()) return Annotate(p.status(), path_);
  return std::optional<PinnedCds>(*std::move(p));
}

absl::StatusOr<PinnedCds> StateDir::Require() const {
  ASSIGN_OR_RETURN(std::optional<PinnedCds> p, Load());
  if (!p) {
    return absl::FailedPreconditionError(
        StrCat("no verified CDS in ", path_, ": run `c8sctl verify --cds HOST:PORT ...` first"));
  }
  return *std::move(p);
}

absl::Status StateDir::Save(const PinnedCds& p) const {
  RETURN_IF_ERROR(WriteFileAtomic(StrCat(path_, "/", kStateFile), PinnedCdsToJson(p), 0600));
  RETURN_IF_ERROR(WriteFileAtomic(path_ + "/ca.pem", p.Ca().ToPem(), 0644));
  return WriteFileAtomic(path_ + "/sealing-key.pem", p.SealingKey().ToPem(), 0644);
}

absl::Status StateDir::SaveManifest(const manifest::Manifest& m, bool active) const {
  ASSIGN_OR_RETURN(std::string canonical, manifest::CanonicalBytes(m));
  ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(m));
  RETURN_IF_ERROR(
      WriteFileAtomic(StrCat(path_, "/manifests/", hash.substr(7), ".json"), canonical, 0644));
  if (active) RETURN_IF_ERROR(WriteFileAtomic(path_ + "/manifest.json", canonical, 0644));
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, manifest::Manifest>> StateDir::KnownManifests() const {
  std::map<std::string, manifest::Manifest> out;
  std::string dir = path_ + "/manifests";
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return ErrnoStatus("opendir " + dir, errno);
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name.size() != 69 || name.substr(64) != ".json") continue;
    ASSIGN_OR_RETURN(std::string text, ReadFile(StrCat(dir, "/", name), 16 << 20));
    absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(text);
    if (!m.ok()) return Annotate(m.status(), StrCat(dir, "/", name));
    ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(*m));
    if (hash != "sha256:" + name.substr(0, 64)) {
      return absl::DataLossError(StrCat(dir, "/", name, ": content hashes to ", hash));
    }
    out.emplace(hash, *std::move(m));
  }
  return out;
}

absl::Status AdvanceHead(PinnedCds& pinned, const manifest::HistoryHead& offered) {
  RETURN_IF_ERROR(manifest::CheckHead(pinned.head, offered));
  pinned.head = offered;
  return absl::OkStatus();
}

}  // namespace c8s::cli
