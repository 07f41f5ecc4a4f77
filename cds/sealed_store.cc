#include "cds/sealed_store.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/aes_gcm.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

constexpr std::string_view kMagic = "c8s-state-v1\n";

std::string Aad(const std::string& name) { return StrCat("c8s/state/v1/", name); }

}  // namespace

absl::StatusOr<SealedStore> SealedStore::Create(ByteSpan seed, Storage* storage) {
  if (seed.size() < 32) return absl::InvalidArgumentError("sealed store: seed shorter than 32");
  ASSIGN_OR_RETURN(Bytes key,
                   crypto::HkdfSha256(seed, AsBytes("c8s/seed/v1"), AsBytes("c8s/state/v1"), 32));
  return SealedStore(std::move(key), storage);
}

SealedStore::SealedStore(SealedStore&& o) noexcept : key_(std::move(o.key_)), storage_(o.storage_) {
  std::lock_guard lock(o.mu_);
  seen_ = std::move(o.seen_);
}

uint64_t SealedStore::version(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = seen_.find(name);
  return it == seen_.end() ? 0 : it->second.version;
}

std::optional<Bytes> SealedStore::LastBlob(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = seen_.find(name);
  if (it == seen_.end() || it->second.blob.empty()) return std::nullopt;
  return it->second.blob;
}

absl::StatusOr<std::pair<uint64_t, nlohmann::json>> SealedStore::Unseal(const std::string& name,
                                                                        ByteSpan blob) const {
  std::string prefix = StrCat("state object \"", name, "\": ");
  if (blob.size() < kMagic.size() || !std::equal(kMagic.begin(), kMagic.end(), blob.begin())) {
    return absl::DataLossError(
        StrCat(prefix, "not a c8s state blob (bad header, ", blob.size(), " bytes)"));
  }
  absl::StatusOr<Bytes> plain =
      crypto::AesGcmOpen(key_, AsBytes(Aad(name)), blob.subspan(kMagic.size()));
  if (!plain.ok()) {
    return absl::DataLossError(StrCat(prefix,
                                      "authentication failed (corrupted, torn, "
                                      "swapped, or not sealed with this seed)"));
  }
  nlohmann::json doc = nlohmann::json::parse(plain->begin(), plain->end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("object") ||
      !doc.contains("version") || !doc.contains("doc") || !doc["object"].is_string() ||
      !doc["version"].is_number_unsigned()) {
    return absl::DataLossError(StrCat(prefix, "authenticated plaintext is malformed"));
  }
  if (doc["object"].get<std::string>() != name) {
    return absl::DataLossError(
        StrCat(prefix, "blob names object \"", doc["object"].get<std::string>(), "\""));
  }
  return std::make_pair(doc["version"].get<uint64_t>(), std::move(doc["doc"]));
}

absl::Status SealedStore::Put(const std::string& name, const nlohmann::json& doc) {
  std::lock_guard lock(mu_);
  Known& known = seen_[name];
  std::optional<std::string> expected = known.revision;
  if (!expected.has_value()) {
    // Never read from storage (fresh object or adopted from a leader): learn its revision,
    // and refuse to overwrite anything newer than what we hold.
    ASSIGN_OR_RETURN(std::optional<Blob> current, storage_->Read(name));
    if (!current.has_value()) {
      expected = "";
    } else {
      ASSIGN_OR_RETURN(auto opened, Unseal(name, current->data));
      if (opened.first > known.version) {
        return absl::AbortedError(StrCat("state object \"", name, "\": storage holds version ",
                                         opened.first, ", newer than version ", known.version,
                                         " held here (another writer)"));
      }
      expected = current->revision;
    }
  }
  uint64_t version = known.version + 1;
  nlohmann::json wrapped = {{"object", name}, {"version", version}, {"doc", doc}};
  std::string text = wrapped.dump();
  ASSIGN_OR_RETURN(Bytes sealed, crypto::AesGcmSeal(key_, AsBytes(Aad(name)), AsBytes(text)));
  Bytes blob = ToBytes(kMagic);
  Append(blob, sealed);
  absl::StatusOr<std::string> revision = storage_->Write(name, blob, expected);
  if (!revision.ok()) {
    // A conflict means our idea of the storage is outdated: re-read before the next write.
    if (revision.status().code() == absl::StatusCode::kAborted) known.revision.reset();
    return revision.status();
  }
  ASSIGN_OR_RETURN(std::optional<Blob> back, storage_->Read(name));
  if (!back.has_value() || back->data != blob) {
    known.revision.reset();
    return absl::DataLossError(StrCat("state object \"", name, "\": storage did not keep the ",
                                      "write of version ", version, " (lying storage)"));
  }
  known.version = version;
  known.revision = back->revision;
  known.blob = std::move(blob);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<nlohmann::json>> SealedStore::Get(const std::string& name) {
  ASSIGN_OR_RETURN(std::optional<Blob> blob, storage_->Read(name));
  std::lock_guard lock(mu_);
  auto it = seen_.find(name);
  uint64_t seen = it == seen_.end() ? 0 : it->second.version;
  if (!blob.has_value()) {
    if (seen > 0) {
      return absl::DataLossError(StrCat("state object \"", name, "\": missing, but version ", seen,
                                        " was already seen (storage rolled back)"));
    }
    seen_[name].revision = "";
    return std::optional<nlohmann::json>();
  }
  ASSIGN_OR_RETURN(auto opened, Unseal(name, blob->data));
  if (opened.first < seen) {
    return absl::DataLossError(StrCat("state object \"", name, "\": stale: storage served ",
                                      "version ", opened.first, ", version ", seen,
                                      " was already seen"));
  }
  Known& known = seen_[name];
  known.version = opened.first;
  known.revision = blob->revision;
  known.blob = std::move(blob->data);
  return std::optional<nlohmann::json>(std::move(opened.second));
}

absl::StatusOr<nlohmann::json> SealedStore::Adopt(const std::string& name, ByteSpan blob) {
  ASSIGN_OR_RETURN(auto opened, Unseal(name, blob));
  std::lock_guard lock(mu_);
  Known& known = seen_[name];
  if (opened.first < known.version) {
    return absl::DataLossError(StrCat("state object \"", name, "\": stale: offered version ",
                                      opened.first, ", version ", known.version,
                                      " was already seen"));
  }
  if (opened.first == known.version && !known.blob.empty() &&
      !std::equal(known.blob.begin(), known.blob.end(), blob.begin(), blob.end())) {
    return absl::DataLossError(StrCat("state object \"", name, "\": fork: two different blobs ",
                                      "claim version ", opened.first));
  }
  if (opened.first > known.version) known.revision.reset();
  known.version = opened.first;
  known.blob = Bytes(blob.begin(), blob.end());
  return std::move(opened.second);
}

}  // namespace c8s::cds
