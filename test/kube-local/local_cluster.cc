#include "test/kube-local/local_cluster.h"

#include <filesystem>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/yaml.h"

namespace c8s::kubelocal {

LocalCluster::LocalCluster(ClusterOptions options)
    : options_(std::move(options)), store_(options_.history), api_(&registry_, &store_) {
  if (options_.kubeconfig.empty()) options_.kubeconfig = options_.state_dir + "/kubeconfig";
  registry_.AddBuiltins();
  api_.Bootstrap();
}

absl::Status LocalCluster::LoadCrds() {
  std::vector<std::string> files;
  for (const std::string& p : options_.crd_paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::optional<ResourceType> crd_type =
      registry_.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  for (const std::string& f : files) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(f));
    ASSIGN_OR_RETURN(std::vector<nlohmann::json> docs, kube::YamlToJson(text));
    for (nlohmann::json& doc : docs) {
      if (doc.value("kind", "") != "CustomResourceDefinition") continue;
      nlohmann::json out;
      ApiError e = api_.Create(*crd_type, "", doc, {}, &out);
      if (!e.ok() && e.reason != "AlreadyExists") {
        return absl::InvalidArgumentError(StrCat(f, ": ", e.message));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LocalCluster::Start() {
  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  ASSIGN_OR_RETURN(creds_, CreateCredentials(options_.state_dir, options_.host));
  RETURN_IF_ERROR(LoadCrds());
  server_ = std::make_unique<Server>(
      &registry_, &store_, &api_,
      ServerOptions{options_.host, options_.port, creds_.token, creds_.cert_file, creds_.key_file,
                    options_.bookmark_interval});
  RETURN_IF_ERROR(server_->Start());
  options_.port = server_->port();
  return WriteKubeconfig(creds_, options_.host, server_->port(), options_.kubeconfig);
}

void LocalCluster::Stop() {
  if (server_) server_->Stop();
  server_.reset();
}

absl::Status LocalCluster::Restart(const std::function<void()>& while_down, bool keep_history) {
  Stop();
  if (while_down) while_down();
  if (!keep_history) {
    std::lock_guard<std::mutex> lock(store_.mu);
    store_.CompactAll();
  }
  server_ = std::make_unique<Server>(
      &registry_, &store_, &api_,
      ServerOptions{options_.host, options_.port, creds_.token, creds_.cert_file, creds_.key_file,
                    options_.bookmark_interval});
  return server_->Start();
}

}  // namespace c8s::kubelocal
