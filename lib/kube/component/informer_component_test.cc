// Watches, bookmarks, 410 Gone, API server restarts, informer indexes, leader election and
// Events against c8s-kube-local.
#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "lib/kube/component/cluster_fixture.h"
#include "lib/kube/errors.h"
#include "lib/kube/events.h"
#include "lib/kube/informer.h"
#include "lib/kube/leader.h"

namespace c8s::kube::testing {
namespace {

template <typename Pred>
bool Eventually(Pred pred, absl::Duration timeout = absl::Seconds(10)) {
  absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return pred();
}

TEST_CASE("watch streams changes and bookmarks from a resourceVersion", "[component]") {
  ClusterFixture f;
  auto list = f.client->List(kConfigMaps, "default");
  REQUIRE(list.ok());
  std::string rv = (*list)["metadata"]["resourceVersion"];
  std::vector<WatchEvent> events;
  std::mutex mu;
  std::thread watcher([&] {
    absl::Status s = f.client->Watch(
        kConfigMaps, "default", {.resource_version = rv}, [&](const WatchEvent& ev) {
          std::lock_guard<std::mutex> lock(mu);
          events.push_back(ev);
          bool bookmark_after_delete = ev.type == "BOOKMARK" && events.size() > 3;
          return !bookmark_after_delete;
        });
    CHECK(s.ok());
  });
  REQUIRE(f.client->Create(kConfigMaps, "default", ConfigMap("default", "w")).ok());
  REQUIRE(f.client->MergePatch(kConfigMaps, "default", "w", {{"data", {{"a", "b"}}}}).ok());
  REQUIRE(f.client->Delete(kConfigMaps, "default", "w").ok());
  watcher.join();
  std::vector<std::string> types;
  for (const auto& ev : events) {
    if (ev.type != "BOOKMARK") types.push_back(ev.type);
  }
  CHECK(types == std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"});
  CHECK(events.back().type == "BOOKMARK");
  CHECK(std::stoll(events.back().object["metadata"]["resourceVersion"].get<std::string>()) >
        std::stoll(rv));
}

TEST_CASE("watch from a compacted resourceVersion is 410 Gone", "[component]") {
  ClusterFixture f({.history = 5});
  auto first = f.client->Create(kConfigMaps, "default", ConfigMap("default", "c0"));
  REQUIRE(first.ok());
  for (int i = 1; i < 10; ++i) {
    REQUIRE(f.client->Create(kConfigMaps, "default", ConfigMap("default", "c" + std::to_string(i)))
                .ok());
  }
  absl::Status s = f.client->Watch(kConfigMaps, "default",
                                   {.resource_version = (*first)["metadata"]["resourceVersion"]},
                                   [](const WatchEvent&) { return true; });
  CHECK(kube::IsGone(s));
  CHECK(kube::Reason(s) == "Expired");
}

TEST_CASE("informer survives an API server restart and relists after 410", "[component]") {
  ClusterFixture f({.history = 3});
  Informer inf(f.client.get(), kConfigMaps, {.ns = "default"});
  std::atomic<int> adds{0}, deletes{0};
  inf.AddHandlers({.on_add = [&](const json&) { ++adds; },
                   .on_update = nullptr,
                   .on_delete = [&](const json&) { ++deletes; }});
  REQUIRE(f.client->Create(kConfigMaps, "default", ConfigMap("default", "before")).ok());
  inf.Start();
  REQUIRE(inf.WaitForSync(absl::Seconds(10)));
  CHECK(inf.Get("default/before").has_value());

  // Restart with nothing missed: the watch resumes from its resourceVersion.
  REQUIRE(f.cluster->Restart().ok());
  REQUIRE(f.client->Create(kConfigMaps, "default", ConfigMap("default", "after-restart")).ok());
  REQUIRE(Eventually([&] { return inf.Get("default/after-restart").has_value(); }));
  CHECK(inf.relists() == 0);
  CHECK(inf.reconnects() >= 1);

  // Down while more changes than the history holds happen: the resume point is gone.
  f.cluster->Stop();
  auto type = f.cluster->registry().Find("", "v1", "configmaps");
  for (int i = 0; i < 6; ++i) {
    kubelocal::ApiError ignored;
    json out;
    ignored = f.cluster->api().Create(
        *type, "default", ConfigMap("default", "offline-" + std::to_string(i)), {}, &out);
    REQUIRE(ignored.ok());
  }
  json out;
  REQUIRE(f.cluster->api().Delete(*type, "default", "before", nullptr, &out).ok());
  REQUIRE(f.cluster->Restart().ok());
  REQUIRE(Eventually([&] { return inf.Get("default/offline-5").has_value(); }));
  CHECK(inf.relists() >= 1);
  CHECK_FALSE(inf.Get("default/before").has_value());
  CHECK(deletes.load() == 1);
  CHECK(inf.List().size() == 7);
  inf.Stop();
}

TEST_CASE("informer indexes by namespace, owner and label", "[component]") {
  ClusterFixture f;
  Informer inf(f.client.get(), kConfigMaps);
  inf.Start();
  REQUIRE(inf.WaitForSync(absl::Seconds(10)));
  json owned = ConfigMap("default", "owned");
  owned["metadata"]["ownerReferences"] = {
      {{"apiVersion", "v1"}, {"kind", "X"}, {"name", "o"}, {"uid", "owner-1"}}};
  owned["metadata"]["labels"] = {{"app", "api"}};
  REQUIRE(f.client->Create(kConfigMaps, "default", owned).ok());
  REQUIRE(f.client->Create(kConfigMaps, "kube-system", ConfigMap("kube-system", "sys")).ok());
  REQUIRE(Eventually([&] { return inf.List().size() == 2; }));
  CHECK(inf.ByOwner("owner-1").size() == 1);
  CHECK(inf.ByLabel("app", "api").size() == 1);
  CHECK(inf.ByLabel("app", "web").empty());
  CHECK(inf.ByNamespace("kube-system").size() == 1);
  REQUIRE(f.client
              ->MergePatch(kConfigMaps, "default", "owned",
                           {{"metadata", {{"labels", {{"app", "web"}}}}}})
              .ok());
  REQUIRE(Eventually([&] { return inf.ByLabel("app", "web").size() == 1; }));
  CHECK(inf.ByLabel("app", "api").empty());
}

TEST_CASE("leader election: one holder, takeover after release or expiry", "[component]") {
  ClusterFixture f;
  LeaderElectionConfig base{
      .ns = "default", .name = "op", .identity = "a", .lease_duration = absl::Seconds(1)};
  LeaderElector a(f.client.get(), base);
  base.identity = "b";
  LeaderElector b(f.client.get(), base);
  CHECK(*a.TryAcquireOrRenew());
  CHECK_FALSE(*b.TryAcquireOrRenew());
  CHECK(*a.TryAcquireOrRenew());  // renew
  REQUIRE(a.Release().ok());
  CHECK(*b.TryAcquireOrRenew());
  CHECK_FALSE(*a.TryAcquireOrRenew());
  absl::SleepFor(absl::Milliseconds(1200));  // b stops renewing: its lease expires
  CHECK(*a.TryAcquireOrRenew());
  auto lease = f.client->Get(kLeases, "default", "op");
  REQUIRE(lease.ok());
  CHECK((*lease)["spec"]["holderIdentity"] == "a");
  CHECK((*lease)["spec"]["leaseTransitions"] == 2);
}

TEST_CASE("events are recorded about an object", "[component]") {
  ClusterFixture f;
  auto cm = f.client->Create(kConfigMaps, "default", ConfigMap("default", "subject"));
  REQUIRE(cm.ok());
  EventRecorder rec(f.client.get(), "c8s-operator", "test");
  REQUIRE(rec.Record(*cm, "Warning", "ProposeFailed", "Propose", "CDS unavailable").ok());
  CHECK_FALSE(rec.Record(*cm, "Odd", "x", "y", "z").ok());
  auto events = f.client->List(kEvents, "default");
  REQUIRE(events.ok());
  REQUIRE((*events)["items"].size() == 1);
  const json& ev = (*events)["items"][0];
  CHECK(ev["regarding"]["uid"] == (*cm)["metadata"]["uid"]);
  CHECK(ev["reason"] == "ProposeFailed");
  CHECK(ev["type"] == "Warning");
}

}  // namespace
}  // namespace c8s::kube::testing
