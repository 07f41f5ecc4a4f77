#include "operator/manifest_state.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/kube/yaml.h"
#include "test/support/test_env.h"

namespace c8s::op {
namespace {

using nlohmann::json;

json Load(const std::string& file) {
  auto text = ReadFile(c8s::testing::SourcePath("crds/samples/" + file));
  REQUIRE(text.ok());
  auto docs = kube::YamlToJson(*text);
  REQUIRE(docs.ok());
  return (*docs)[0];
}

CompileInputs Samples() {
  CompileInputs in;
  in.cluster = Load("10-confidentialcluster.yaml");
  in.policies = {Load("20-attestationpolicy.yaml")};
  in.identities = {Load("30-workloadidentity.yaml"), Load("31-workloadidentity-web.yaml")};
  in.secrets = {Load("40-secretrelease.yaml")};
  in.ingresses = {Load("50-confidentialingress.yaml")};
  return in;
}

Compiled Compile(const CompileInputs& in) {
  auto out = CompileManifest(in);
  REQUIRE(out.ok());
  return *out;
}

TEST_CASE("ActiveContains compares exactly the object's own entry", "[unit]") {
  Compiled active = Compile(Samples());
  CompileInputs changed_api = Samples();
  changed_api.identities[0]["spec"]["ports"] = {8080, 9090};
  CompileInputs changed_owner = Samples();
  changed_owner.cluster["spec"]["trustDomain"] = "other.example.com";
  CompileInputs changed_roles = Samples();
  json second = changed_roles.policies[0];
  second["metadata"]["name"] = "ingress-only";  // takes the ingress role from cvm-prod
  second["spec"]["roles"] = {"ingress"};
  changed_roles.policies[0]["spec"]["roles"] = {"cds", "nodes"};
  changed_roles.policies.push_back(second);
  struct Row {
    const char* what;
    CompileInputs desired;
    Kind kind;
    std::string ref;
    bool contained;
  };
  std::vector<Row> rows = {
      {"unchanged identity", Samples(), Kind::kIdentity, "shop/api", true},
      {"changed identity", changed_api, Kind::kIdentity, "shop/api", false},
      {"other identity of a changed manifest", changed_api, Kind::kIdentity, "shop/web", true},
      {"secret", changed_api, Kind::kSecret, "shop/db-password", true},
      {"ingress", changed_api, Kind::kIngress, "shop/public", true},
      {"cluster unchanged", changed_api, Kind::kCluster, "prod", true},
      {"cluster changed", changed_owner, Kind::kCluster, "prod", false},
      {"policy unchanged", changed_api, Kind::kPolicy, "cvm-prod", true},
      {"policy lost a role", changed_roles, Kind::kPolicy, "cvm-prod", false},
      {"policy not active yet", changed_roles, Kind::kPolicy, "ingress-only", false},
      {"unknown identity", Samples(), Kind::kIdentity, "shop/none", false},
  };
  for (Row& row : rows) {
    INFO(row.what);
    Compiled desired = Compile(row.desired);
    CHECK(ActiveContains(active.manifest, desired.manifest, row.kind, row.ref) == row.contained);
  }
}

TEST_CASE("ObjectStatusInput waits for the compiled generation", "[unit]") {
  ManifestState s;
  s.desired = std::make_shared<const Compiled>(Compile(Samples()));
  s.objects[StatusKey(Kind::kIdentity, "shop/api")] = {3, ""};
  s.objects[StatusKey(Kind::kIdentity, "shop/bad")] = {1, "identities[0]: bad"};
  CHECK_FALSE(ObjectStatusInput(s, Kind::kIdentity, "shop/api", 4).has_value());
  CHECK_FALSE(ObjectStatusInput(s, Kind::kIdentity, "shop/none", 1).has_value());

  std::optional<StatusInput> in = ObjectStatusInput(s, Kind::kIdentity, "shop/api", 3);
  REQUIRE(in.has_value());
  CHECK(in->proposed_hash.empty());  // not acknowledged by the CDS yet
  s.acknowledged = true;
  in = ObjectStatusInput(s, Kind::kIdentity, "shop/api", 3);
  CHECK(in->proposed_hash == s.desired->hash);
  CHECK_FALSE(in->active);

  s.active = std::make_shared<const manifest::Manifest>(s.desired->manifest);
  s.active_hash = s.desired->hash;
  s.active_generation = 2;
  in = ObjectStatusInput(s, Kind::kIdentity, "shop/api", 3);
  CHECK(in->active);
  CHECK(in->active_generation == 2);
  CHECK(ObjectStatusInput(s, Kind::kIdentity, "shop/bad", 1)->rejected == "identities[0]: bad");
  CHECK_FALSE(ObjectStatusInput(s, Kind::kIdentity, "shop/bad", 1)->active);

  StatusInput cluster = ClusterManifestInput(s, 1);
  CHECK(cluster.active);
  s.active_hash = "sha256:" + std::string(64, 'f');
  CHECK_FALSE(ClusterManifestInput(s, 1).active);
}

TEST_CASE("ProposeDelay settles bursts but never waits past max_settle", "[unit]") {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  const absl::Duration settle = absl::Milliseconds(200), max = absl::Seconds(2);
  struct Row {
    const char* what;
    absl::Duration since_change, since_first;
    absl::Duration want;
  };
  std::vector<Row> rows = {
      {"just changed", absl::ZeroDuration(), absl::ZeroDuration(), absl::Milliseconds(200)},
      {"quiet long enough", absl::Milliseconds(250), absl::Milliseconds(250), absl::ZeroDuration()},
      {"still busy", absl::Milliseconds(50), absl::Milliseconds(900), absl::Milliseconds(150)},
      {"busy near the cap", absl::Milliseconds(10), absl::Milliseconds(1900),
       absl::Milliseconds(100)},
      {"busy past the cap", absl::Milliseconds(10), absl::Seconds(3), absl::ZeroDuration()},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(ProposeDelay(t0 - row.since_change, t0 - row.since_first, settle, max, t0) == row.want);
  }
}

TEST_CASE("NeedsProposal: only when the CDS holds it neither pending nor active", "[unit]") {
  const std::string h = "sha256:" + std::string(64, '1');
  CHECK(NeedsProposal(h, {}));
  CHECK_FALSE(NeedsProposal(h, {.claimed = true, .active_hash = h}));
  CHECK_FALSE(NeedsProposal(h, {.pending = true}));
  CHECK(NeedsProposal(h, {.claimed = true, .active_hash = "sha256:other"}));
  CHECK_FALSE(NeedsProposal("", {}));
}

}  // namespace
}  // namespace c8s::op
