// The HTTP endpoints' logic, separate from cpp-httplib (http_server.cc) so that it is tested
// and fuzzed without sockets.
#include <sys/resource.h>

#include <cstdio>

#include "cds/attestation.h"
#include "cds/http_server.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

std::string CodeName(absl::StatusCode code) {
  return std::string(ToStd(absl::StatusCodeToString(code)));
}

HttpAnswer Error(int http_status, const absl::Status& st) {
  return {http_status, "application/json",
          nlohmann::json{{"error", StatusText(st)}, {"code", CodeName(st.code())}}.dump()};
}

int HttpStatusOf(const absl::Status& st) {
  switch (st.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpAnswer FromStatus(const absl::Status& st) { return Error(HttpStatusOf(st), st); }

const std::string* Param(const std::vector<std::pair<std::string, std::string>>& query,
                         std::string_view name, absl::Status* error) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : query) {
    if (k != name) continue;
    if (found != nullptr) {
      *error = absl::InvalidArgumentError(StrCat("query parameter \"", name, "\" given twice"));
      return nullptr;
    }
    found = &v;
  }
  return found;
}

absl::StatusOr<Bytes> ParseNonce(const std::vector<std::pair<std::string, std::string>>& query) {
  absl::Status dup;
  const std::string* nonce = Param(query, "nonce", &dup);
  if (!dup.ok()) return dup;
  if (nonce == nullptr) {
    return absl::InvalidArgumentError("nonce: missing (want ?nonce=<64 hex digits>)");
  }
  if (nonce->size() != 64) {
    return absl::InvalidArgumentError(
        StrCat("nonce: ", nonce->size(), " characters, want 64 hex digits (32 bytes)"));
  }
  absl::StatusOr<Bytes> bytes = HexDecode(*nonce);
  if (!bytes.ok()) return absl::InvalidArgumentError("nonce: not hex");
  return bytes;
}

absl::StatusOr<int64_t> ParseFrom(const std::vector<std::pair<std::string, std::string>>& query) {
  absl::Status dup;
  const std::string* from = Param(query, "from", &dup);
  if (!dup.ok()) return dup;
  if (from == nullptr) return 0;
  if (from->empty() || from->size() > 18) {
    return absl::InvalidArgumentError("from: want a generation number");
  }
  int64_t v = 0;
  for (char c : *from) {
    if (c < '0' || c > '9') return absl::InvalidArgumentError("from: want a generation number");
    v = v * 10 + (c - '0');
  }
  return v;
}

double ProcessCpuSeconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

HttpAnswer MetricsAnswer(CdsRuntime& rt, const HttpServerOptions& o) {
  std::vector<std::pair<std::string, double>> extra;
  if (o.extra_metrics) extra = o.extra_metrics();
  std::shared_ptr<Cds> cds = rt.cds();
  extra.push_back({"c8s_cds_sealed", cds ? 0.0 : 1.0});
  std::string text;
  if (cds) {
    text = cds->MetricsText(extra);
  } else {
    for (const auto& [name, v] : extra)
      text += StrCat("# TYPE ", name, " gauge\n", name, " ", v, "\n");
  }
  char cpu[64];
  std::snprintf(cpu, sizeof cpu, "%.6f", ProcessCpuSeconds());
  text += StrCat("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ", cpu, "\n");
  return {200, "text/plain; version=0.0.4", std::move(text)};
}

absl::StatusOr<std::string> ManifestBody(Cds& cds) {
  ASSIGN_OR_RETURN(ActiveView a, cds.GetActive());
  // The manifest is embedded byte for byte (its canonical form), so hashing what is served
  // gives manifestHash without re-serializing.
  nlohmann::json rest = {{"generation", a.generation},
                         {"manifestHash", a.manifest_hash},
                         {"entryHash", a.entry_hash},
                         {"approvalMode", std::string(manifest::ApprovalModeName(a.mode))},
                         {"entry", manifest::ToJson(*a.head)}};
  std::string tail = rest.dump();
  return StrCat("{\"manifest\":", a.canonical_json, ",", tail.substr(1));
}

}  // namespace

HttpAnswer HandleCdsGet(CdsRuntime& rt, const HttpServerOptions& o, std::string_view path,
                        const std::vector<std::pair<std::string, std::string>>& query) {
  if (path == "/healthz") return {200, "text/plain", "ok\n"};
  if (path == "/readyz") {
    if (rt.sealed()) return {503, "text/plain", "sealed: waiting for the seed\n"};
    if (o.not_ready) {
      std::string why = o.not_ready();
      if (!why.empty()) return {503, "text/plain", why + "\n"};
    }
    return {200, "text/plain", "ready\n"};
  }
  if (path == "/metrics") return MetricsAnswer(rt, o);
  bool known = path == "/v1/attestation" || path == "/v1/manifest" ||
               path == "/v1/manifest/history" || path == "/v1/crl";
  if (!known) return Error(404, absl::NotFoundError(StrCat("no such endpoint: ", path)));
  std::shared_ptr<Cds> cds = rt.cds();
  if (cds == nullptr) {
    return Error(
        503, absl::UnavailableError("sealed: this CDS has no seed yet (waiting for a replica or "
                                    "Recovery.Recover)"));
  }
  if (path == "/v1/attestation") {
    absl::StatusOr<Bytes> nonce = ParseNonce(query);
    if (!nonce.ok()) return FromStatus(nonce.status());
    absl::StatusOr<AttestationAnswer> a = Attest(*cds, rt.config().evidence, *nonce);
    if (!a.ok()) return FromStatus(a.status());
    return {200, "application/json", AttestationJson(*a).dump()};
  }
  if (path == "/v1/manifest") {
    absl::StatusOr<std::string> body = ManifestBody(*cds);
    if (!body.ok()) return Error(404, body.status());
    return {200, "application/json", std::move(*body)};
  }
  if (path == "/v1/manifest/history") {
    absl::StatusOr<int64_t> from = ParseFrom(query);
    if (!from.ok()) return FromStatus(from.status());
    return {200, "application/json", manifest::HistoryToJson(cds->History(*from)).dump()};
  }
  absl::StatusOr<Bytes> crl = cds->CrlDer();
  if (!crl.ok()) return FromStatus(crl.status());
  return {200, "application/pkix-crl", std::string(AsChars(*crl))};
}

}  // namespace c8s::cds
