// List and watch handlers of Server (server.h). A watch streams one JSON event per line over a
// chunked response: the synthetic ADDED events of the current state (when no resourceVersion
// or "0" is given), then every change after the cursor, BOOKMARK events when asked for, and an
// ERROR event carrying a 410 Expired Status when the cursor fell out of the event history.
#include <httplib.h>

#include "absl/time/clock.h"
#include "lib/base/strings.h"
#include "test/kube-local/server.h"
#include "test/kube-local/server_internal.h"
#include "test/kube-local/table.h"

namespace c8s::kubelocal {
namespace {

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

struct Filter {
  std::string ns;
  kube::LabelSelector labels;
  kube::FieldSelector fields;
  bool Matches(const nlohmann::json& obj) const {
    const nlohmann::json& md = obj["metadata"];
    if (!ns.empty() && md.value("namespace", "") != ns) return false;
    return labels.Matches(md.value("labels", nlohmann::json())) && fields.Matches(obj);
  }
};

absl::Status ParseFilter(const httplib::Request& req, const std::string& ns, Filter* f) {
  f->ns = ns;
  absl::StatusOr<kube::LabelSelector> labels =
      kube::LabelSelector::Parse(Param(req, "labelSelector"));
  if (!labels.ok()) return labels.status();
  absl::StatusOr<kube::FieldSelector> fields =
      kube::FieldSelector::Parse(Param(req, "fieldSelector"));
  if (!fields.ok()) return fields.status();
  f->labels = *labels;
  f->fields = *fields;
  return absl::OkStatus();
}

struct WatchState {
  int64_t scanned = 0;  // every event up to this global resourceVersion has been considered
  std::vector<std::string> pending;
  bool done = false;
  absl::Time deadline;
  absl::Time next_bookmark;
};

}  // namespace

void Server::HandleList(const Route& route, const httplib::Request& req, httplib::Response& res) {
  Filter f;
  if (absl::Status s = ParseFilter(req, "", &f); !s.ok()) {
    ReplyError(res, BadRequest(StatusText(s)));
    return;
  }
  ListOptions lo{f.labels, f.fields, 0, Param(req, "continue")};
  if (req.has_param("limit")) lo.limit = std::atoll(Param(req, "limit").c_str());
  nlohmann::json out;
  ApiError e = api_->List(route.type, route.type.namespaced ? route.ns : "", lo, &out);
  if (!e.ok()) {
    ReplyError(res, e);
    return;
  }
  if (WantsTable(req.get_header_value("Accept"))) {
    std::vector<nlohmann::json> items(out["items"].begin(), out["items"].end());
    nlohmann::json table =
        ToTable(route.type, items, out["metadata"]["resourceVersion"], Param(req, "includeObject"));
    if (out["metadata"].contains("continue"))
      table["metadata"]["continue"] = out["metadata"]["continue"];
    out = std::move(table);
  }
  Reply(res, 200, out);
}

void Server::HandleWatch(const Route& route, const httplib::Request& req, httplib::Response& res) {
  auto filter = std::make_shared<Filter>();
  if (absl::Status s = ParseFilter(req, route.type.namespaced ? route.ns : "", filter.get());
      !s.ok()) {
    ReplyError(res, BadRequest(StatusText(s)));
    return;
  }
  const ResourceType type = route.type;
  const bool table = WantsTable(req.get_header_value("Accept"));
  const std::string include = Param(req, "includeObject");
  const bool bookmarks = Param(req, "allowWatchBookmarks") == "true";
  int64_t timeout =
      req.has_param("timeoutSeconds") ? std::atoll(Param(req, "timeoutSeconds").c_str()) : 1800;
  auto state = std::make_shared<WatchState>();
  state->deadline = absl::Now() + absl::Seconds(timeout);
  state->next_bookmark = absl::Now() + options_.bookmark_interval;
  auto event_line = [type, table, include](const std::string& kind, nlohmann::json obj) {
    obj["apiVersion"] = type.ApiVersion();
    if (table) obj = ToTable(type, {obj}, obj["metadata"].value("resourceVersion", ""), include);
    return nlohmann::json{{"type", kind}, {"object", obj}}.dump() + "\n";
  };
  std::string rv = Param(req, "resourceVersion");
  {
    std::lock_guard<std::mutex> lock(store_->mu);
    if (rv.empty() || rv == "0") {
      for (const nlohmann::json* obj : store_->List(type.StorageKey(), filter->ns)) {
        if (filter->Matches(*obj)) state->pending.push_back(event_line("ADDED", *obj));
      }
      state->scanned = store_->CurrentRv();
    } else {
      char* end = nullptr;
      state->scanned = std::strtoll(rv.c_str(), &end, 10);
      if (*end != '\0' || state->scanned < 0) {
        ReplyError(res, BadRequest("resourceVersion: Invalid value: \"" + rv + "\""));
        return;
      }
    }
  }
  std::shared_ptr<std::atomic<bool>> stopping = stopping_;
  Store* store = store_;
  const absl::Duration bookmark_interval = options_.bookmark_interval;
  res.set_chunked_content_provider("application/json;stream=watch", [=](size_t,
                                                                        httplib::DataSink& sink) {
    for (const std::string& line : state->pending) {
      if (!sink.write(line.data(), line.size())) return false;
    }
    state->pending.clear();
    if (state->done || stopping->load() || absl::Now() >= state->deadline) {
      sink.done();
      return true;
    }
    std::vector<WatchEvent> events;
    {
      std::unique_lock<std::mutex> lock(store->mu);
      if (state->scanned < store->CompactedRv()) {
        ApiError gone = Gone(
            StrCat("too old resource version: ", state->scanned, " (", store->CompactedRv(), ")"));
        state->pending.push_back(
            nlohmann::json{{"type", "ERROR"}, {"object", gone.ToJson()}}.dump() + "\n");
        state->done = true;
        return true;
      }
      absl::Time wake = std::min(state->deadline, state->next_bookmark);
      store->cv.wait_for(
          lock, absl::ToChronoMilliseconds(std::max(wake - absl::Now(), absl::ZeroDuration())),
          [&] { return stopping->load() || store->CurrentRv() > state->scanned; });
      if (state->scanned < store->CompactedRv()) return true;  // reported on the next call
      events = store->EventsSince(state->scanned, type.StorageKey());
      state->scanned = store->CurrentRv();
    }
    for (const WatchEvent& ev : events) {
      if (filter->Matches(ev.object)) state->pending.push_back(event_line(ev.type, ev.object));
    }
    if (bookmarks && absl::Now() >= state->next_bookmark) {
      nlohmann::json obj = {{"kind", type.kind},
                            {"apiVersion", type.ApiVersion()},
                            {"metadata", {{"resourceVersion", std::to_string(state->scanned)}}}};
      state->pending.push_back(nlohmann::json{{"type", "BOOKMARK"}, {"object", obj}}.dump() + "\n");
    }
    if (absl::Now() >= state->next_bookmark) state->next_bookmark = absl::Now() + bookmark_interval;
    return sink.is_writable();
  });
}

}  // namespace c8s::kubelocal
