// The CDS's plain HTTPS endpoints (ARCHITECTURE.md §4), TLS 1.3, GET only:
//   /v1/attestation?nonce=<64 hex>  evidence + CA + sealing key + state (attestation.h JSON)
//   /v1/manifest                    {"manifest": <canonical manifest>, "generation",
//   "manifestHash",
//                                    "entryHash", "approvalMode", "entry": <CA-signed head entry>}
//   /v1/manifest/history[?from=N]   {"entries": [{"entry": ..., "signature": ...}]} (history.h)
//   /v1/crl                         DER CRL signed by the cluster CA (application/pkix-crl)
//   /healthz                        200 while the process serves
//   /readyz                         200 once open (holds its seed), 503 while sealed
//   /metrics                        Prometheus text format 0.0.4
// Errors are JSON {"error": "<reason>", "code": "<canonical code>"} with a 4xx/5xx status:
// malformed input is 400, unknown paths 404, other methods 405, a sealed CDS 503.
//
//   ASSIGN_OR_RETURN(auto http, CdsHttpServer::Start(&runtime, {.listen = "127.0.0.1:0"}));
//   log::Info("https", {{"port", http->port()}});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/runtime.h"

namespace c8s::cds {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";
  crypto::SubjectAltNames sans = {{"localhost"}, {"127.0.0.1"}, {}};
  // Extra gauges for /metrics (replica state); called per scrape.
  std::function<std::vector<std::pair<std::string, double>>()> extra_metrics;
  // Non-empty: why this CDS must not be considered ready (e.g. a replica conflict).
  std::function<std::string()> not_ready;
};

// The response for one request, independent of the HTTP library (tested directly).
struct HttpAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};
HttpAnswer HandleCdsGet(CdsRuntime& runtime, const HttpServerOptions& options,
                        std::string_view path,
                        const std::vector<std::pair<std::string, std::string>>& query);

class CdsHttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<CdsHttpServer>> Start(CdsRuntime* runtime,
                                                              HttpServerOptions options);
  virtual ~CdsHttpServer() = default;
  virtual int port() const = 0;
  virtual void Stop() = 0;
};

}  // namespace c8s::cds
