#include "lib/manifest/diff.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/manifest/fixtures_for_test.h"

namespace c8s::manifest {
namespace {

using testing::LoadFixtureManifest;

const DiffLine* Find(const std::vector<DiffLine>& lines, std::string_view path) {
  for (const DiffLine& l : lines) {
    if (l.path == path) return &l;
  }
  return nullptr;
}

TEST_CASE("no changes renders as such", "[unit]") {
  Manifest m = LoadFixtureManifest("example.json");
  CHECK(Diff(m, m).empty());
  CHECK(RenderDiff(Diff(m, m)) == "no changes\n");
}

TEST_CASE("diff marks what widens permissions and only that", "[unit]") {
  Manifest old_m = LoadFixtureManifest("example.json");
  struct Case {
    const char* name;
    std::function<void(Manifest&)> change;
    const char* path;
    DiffLine::Op op;
    bool widens;
  };
  using Op = DiffLine::Op;
  std::vector<Case> cases = {
      {"approval to Automatic", [](Manifest& m) { m.approval = ApprovalMode::kAutomatic; },
       "approval", Op::kChanged, true},
      {"privileged", [](Manifest& m) { m.identities[0].runtime.privileged = true; },
       "identities[shop/api].runtime.privileged", Op::kChanged, true},
      {"hostPID", [](Manifest& m) { m.identities[0].runtime.host_pid = true; },
       "identities[shop/api].runtime.hostPID", Op::kChanged, true},
      {"root allowed", [](Manifest& m) { m.identities[0].runtime.run_as_non_root = false; },
       "identities[shop/api].runtime.runAsNonRoot", Op::kChanged, true},
      {"host path",
       [](Manifest& m) {
         m.identities[0].runtime.host_paths = {{"/var/x", true}};
       },
       "identities[shop/api].runtime.hostPaths", Op::kAdded, true},
      {"device", [](Manifest& m) { m.identities[0].runtime.devices = {"/dev/fuse"}; },
       "identities[shop/api].runtime.devices", Op::kAdded, true},
      {"allowFrom added", [](Manifest& m) { m.identities[1].allow_from.push_back("shop/api"); },
       "identities[shop/web].allowFrom", Op::kAdded, true},
      {"allowFrom removed", [](Manifest& m) { m.identities[0].allow_from = {"shop/web"}; },
       "identities[shop/api].allowFrom", Op::kRemoved, false},
      {"egress removed", [](Manifest& m) { m.identities[0].egress.clear(); },
       "identities[shop/api].egress", Op::kRemoved, false},
      {"identity removed",
       [](Manifest& m) {
         m.identities.pop_back();
         m.ingresses.clear();
       },
       "identities[shop/web]", Op::kRemoved, false},
      {"owner key changed",
       [](Manifest& m) { m.owners[0].public_key_pem = m.recovery_keys[0].public_key_pem; },
       "owners[alice].publicKey", Op::kChanged, true},
      {"owner removed", [](Manifest& m) { m.owners.clear(); }, "owners[alice]", Op::kRemoved,
       false},
      {"simulated allowed",
       [](Manifest& m) { m.attestation_policies.at("nodes-prod").allow_simulated = true; },
       "attestationPolicies.nodes-prod.allowSimulated", Op::kChanged, true},
      {"tcb lowered",
       [](Manifest& m) { m.attestation_policies.at("nodes-prod").snp->min_tcb.snp = 7; },
       "attestationPolicies.nodes-prod.snp.minTcb.snp", Op::kChanged, true},
      {"tcb raised",
       [](Manifest& m) { m.attestation_policies.at("nodes-prod").snp->min_tcb.snp = 9; },
       "attestationPolicies.nodes-prod.snp.minTcb.snp", Op::kChanged, false},
      {"hostData unpinned",
       [](Manifest& m) { m.attestation_policies.at("nodes-prod").snp->host_data.clear(); },
       "attestationPolicies.nodes-prod.snp.hostData", Op::kRemoved, true},
      {"tdx svn lowered",
       [](Manifest& m) {
         m.attestation_policies.at("nodes-prod").tdx->min_tee_tcb_svn = std::string(32, '0');
       },
       "attestationPolicies.nodes-prod.tdx.minTeeTcbSvn", Op::kChanged, true},
      {"role switched", [](Manifest& m) { m.roles.nodes = "cds-prod"; }, "roles.nodes",
       Op::kChanged, true},
      {"selector label removed",
       [](Manifest& m) {
         m.identities[0].selector.labels = {{"tier", "x"}};
       },
       "identities[shop/api].selector.labels.app", Op::kRemoved, true},
      {"args changed", [](Manifest& m) { m.identities[0].containers[0].args->push_back("-v"); },
       "identities[shop/api].containers", Op::kAdded, true},
      {"secret released wider", [](Manifest& m) { m.secrets[0].release_to.push_back("shop/web"); },
       "secrets[shop/db-password].releaseTo", Op::kAdded, true},
      {"ingress unencrypted", [](Manifest& m) { m.ingresses[0].encrypted = true; },
       "ingresses[shop/public].encrypted", Op::kChanged, false},
  };
  for (const Case& c : cases) {
    Manifest new_m = old_m;
    c.change(new_m);
    std::vector<DiffLine> lines = Diff(old_m, new_m);
    INFO(c.name << ":\n" << RenderDiff(lines));
    const DiffLine* line = Find(lines, c.path);
    REQUIRE(line != nullptr);
    CHECK(line->op == c.op);
    CHECK(line->widens == c.widens);
  }
}

TEST_CASE("rendered lines carry the mark, the operation and both values", "[unit]") {
  Manifest old_m = LoadFixtureManifest("example.json");
  Manifest new_m = old_m;
  new_m.approval = ApprovalMode::kAutomatic;
  new_m.secrets[0].version = 4;
  CHECK(RenderDiff(Diff(old_m, new_m)) ==
        "! ~ approval: \"Owner\" -> \"Automatic\"\n"
        "  ~ secrets[shop/db-password].version: 3 -> 4\n"
        "2 changes, 1 widen permissions (marked !)\n");
}

}  // namespace
}  // namespace c8s::manifest
