#include "cds/kube_storage.h"

#include <algorithm>

#include "lib/base/bytes.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/errors.h"

namespace c8s::cds {
namespace {

const kube::Resource kSecrets{"", "v1", "secrets", true};
constexpr char kLabel[] = "c8s.dev/cds-object";

absl::StatusOr<Blob> BlobOf(const kube::json& secret, std::string_view name) {
  const kube::json* data = secret.contains("data") ? &secret["data"] : nullptr;
  if (data == nullptr || !data->is_object() || !data->contains("blob") ||
      !(*data)["blob"].is_string() || !secret.contains("metadata") ||
      !secret["metadata"].contains("resourceVersion") ||
      !secret["metadata"]["resourceVersion"].is_string()) {
    return absl::DataLossError(StrCat("storage object \"", name, "\": Secret without data.blob"));
  }
  absl::StatusOr<Bytes> bytes = Base64Decode((*data)["blob"].get<std::string>());
  if (!bytes.ok()) {
    return absl::DataLossError(StrCat("storage object \"", name, "\": data.blob is not base64"));
  }
  return Blob{std::move(*bytes), secret["metadata"]["resourceVersion"].get<std::string>()};
}

}  // namespace

std::string KubeStorage::Describe() const {
  return StrCat("kubernetes secrets ", ns_, "/", prefix_, "*");
}

absl::StatusOr<std::optional<Blob>> KubeStorage::Read(std::string_view name) {
  RETURN_IF_ERROR(CheckObjectName(name));
  absl::StatusOr<kube::json> secret = client_->Get(kSecrets, ns_, prefix_ + std::string(name));
  if (kube::IsNotFound(secret.status())) return std::optional<Blob>();
  if (!secret.ok()) return Annotate(secret.status(), StrCat("storage object \"", name, "\""));
  ASSIGN_OR_RETURN(Blob blob, BlobOf(*secret, name));
  return std::optional<Blob>(std::move(blob));
}

absl::StatusOr<std::string> KubeStorage::Write(std::string_view name, ByteSpan data,
                                               const std::optional<std::string>& expected) {
  RETURN_IF_ERROR(CheckObjectName(name));
  std::string secret_name = prefix_ + std::string(name);
  kube::json object = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata",
                        {{"name", secret_name},
                         {"namespace", ns_},
                         {"labels", {{kLabel, "true"}}}}},
                       {"type", "Opaque"},
                       {"data", {{"blob", Base64Encode(data)}}}};
  std::optional<std::string> revision = expected;
  if (!revision.has_value()) {  // unconditional: whatever is there now
    ASSIGN_OR_RETURN(std::optional<Blob> current, Read(name));
    revision = current.has_value() ? current->revision : "";
  }
  absl::StatusOr<kube::json> written;
  if (revision->empty()) {
    written = client_->Create(kSecrets, ns_, object);
    if (kube::IsAlreadyExists(written.status())) {
      return StorageConflict(name, "", "an existing Secret");
    }
  } else {
    object["metadata"]["resourceVersion"] = *revision;
    written = client_->Update(kSecrets, object);
    if (kube::IsConflict(written.status()) || kube::IsNotFound(written.status())) {
      return StorageConflict(name, *revision, "another resourceVersion");
    }
  }
  if (!written.ok()) return Annotate(written.status(), StrCat("storage object \"", name, "\""));
  if (!written->contains("metadata") || !(*written)["metadata"].contains("resourceVersion")) {
    return absl::DataLossError(StrCat("storage object \"", name, "\": no resourceVersion"));
  }
  return (*written)["metadata"]["resourceVersion"].get<std::string>();
}

absl::StatusOr<std::vector<std::string>> KubeStorage::List() {
  kube::ListOptions o;
  o.label_selector = StrCat(kLabel, "=true");
  ASSIGN_OR_RETURN(kube::json list, client_->ListAll(kSecrets, ns_, o));
  std::vector<std::string> out;
  if (list.contains("items") && list["items"].is_array()) {
    for (const kube::json& item : list["items"]) {
      std::string n = item["metadata"].value("name", "");
      if (n.rfind(prefix_, 0) == 0 && CheckObjectName(n.substr(prefix_.size())).ok()) {
        out.push_back(n.substr(prefix_.size()));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace c8s::cds
