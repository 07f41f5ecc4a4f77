// Every refusal the parser owes a verifier, table-driven: each case mutates the valid example
// and must fail with a message naming the path and the check.
#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "lib/crypto/jcs.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using Json = nlohmann::json;
using testing::ReadFixture;

Json Example() {
  auto doc = crypto::ParseStrictJson(ReadFixture("example.json"));
  REQUIRE(doc.ok());
  return *doc;
}

struct Mutation {
  const char* name;
  std::function<void(Json&)> mutate;
  const char* want;  // substring of the error
};

Json& Api(Json& m) { return m["identities"][0]; }
Json& Snp(Json& m) { return m["attestationPolicies"]["nodes-prod"]["snp"]; }
Json& Tdx(Json& m) { return m["attestationPolicies"]["nodes-prod"]["tdx"]; }
const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST_CASE("invalid manifests are refused with the JSON path", "[unit]") {
  std::vector<Mutation> cases = {
      {"unknown nested field", [](Json& m) { Api(m)["runtime"]["privilegd"] = true; },
       "identities[0].runtime.privilegd: unknown field"},
      {"unknown top-level field", [](Json& m) { m["extra"] = 1; }, "extra: unknown field"},
      {"unknown policy field", [](Json& m) { Snp(m)["allowEverything"] = true; },
       "attestationPolicies.nodes-prod.snp.allowEverything: unknown field"},
      {"missing field", [](Json& m) { Api(m)["runtime"].erase("hostPID"); },
       "identities[0].runtime.hostPID: missing required field"},
      {"wrong type", [](Json& m) { Api(m)["ports"] = Json::array({"8080"}); },
       "identities[0].ports[0]: expected integer, got string"},
      {"float port", [](Json& m) { Api(m)["ports"] = Json::array({8080.5}); },
       "identities[0].ports[0]: expected integer"},
      {"port out of range", [](Json& m) { Api(m)["ports"] = Json::array({70000}); },
       "out of range"},
      {"wrong apiVersion", [](Json& m) { m["apiVersion"] = "c8s.dev/manifest/v2"; }, "apiVersion"},
      {"bad approval", [](Json& m) { m["approval"] = "Maybe"; }, "approval"},
      {"uppercase hex", [](Json& m) { Snp(m)["hostData"][0] = std::string(64, 'A'); },
       "snp.hostData[0]: invalid character 'A' (want lowercase hex)"},
      {"short measurement", [](Json& m) { Snp(m)["measurements"][0] = std::string(94, 'a'); },
       "snp.measurements[0]: want 96 hex digits"},
      {"short chip id", [](Json& m) { Snp(m)["chipIds"][0] = std::string(64, 'a'); },
       "chipIds[0]: want 128 hex digits"},
      {"short mrtd", [](Json& m) { Tdx(m)["mrtd"][0] = std::string(64, 'a'); },
       "tdx.mrtd[0]: want 96 hex"},
      {"three rtmrs", [](Json& m) { Tdx(m)["rtmrs"][0].erase(3); }, "want 4 RTMR values"},
      {"short tcb svn", [](Json& m) { Tdx(m)["minTeeTcbSvn"] = "0300"; }, "minTeeTcbSvn"},
      {"revoked tcb accepted", [](Json& m) { Tdx(m)["acceptedTcbStatus"] = {"Revoked"}; },
       "\"Revoked\" is not one of"},
      {"unknown product", [](Json& m) { Snp(m)["products"] = {"Naples"}; }, "products[0]"},
      {"tcb above 255", [](Json& m) { Snp(m)["minTcb"]["snp"] = 256; }, "minTcb.snp"},
      {"unpinned image", [](Json& m) { Api(m)["containers"][0]["image"] = "ghcr.io/acme/api:1.0"; },
       "is not pinned by digest"},
      {"short registry", [](Json& m) { Api(m)["containers"][0]["image"] = "acme/api@" + kDigest; },
       "must name its registry in full"},
      {"tag and digest",
       [](Json& m) { Api(m)["containers"][0]["image"] = "ghcr.io/acme/api:1@" + kDigest; },
       "invalid repository component"},
      {"no containers", [](Json& m) { Api(m)["containers"] = Json::array(); },
       "at least one container"},
      {"TEE device", [](Json& m) { Api(m)["runtime"]["devices"] = {"/dev/sev-guest"}; },
       "identities[0].runtime.devices[0]: \"/dev/sev-guest\" would expose /dev/sev-guest"},
      {"tdx device", [](Json& m) { Api(m)["runtime"]["devices"] = {"/dev/tdx_guest"}; },
       "can never be allowed"},
      {"host /dev",
       [](Json& m) {
         Api(m)["runtime"]["hostPaths"] = {{{"path", "/dev"}, {"readOnly", true}}};
       },
       "would expose /dev/sev"},
      {"configfs-tsm",
       [](Json& m) {
         Api(m)["runtime"]["hostPaths"] = {{{"path", "/sys/kernel/config"}, {"readOnly", true}}};
       },
       "would expose /sys/kernel/config/tsm"},
      {"host root",
       [](Json& m) {
         Api(m)["runtime"]["hostPaths"] = {{{"path", "/"}, {"readOnly", true}}};
       },
       "can never be allowed"},
      {"dot-dot path",
       [](Json& m) {
         Api(m)["runtime"]["hostPaths"] = {{{"path", "/var/../dev/sev"}, {"readOnly", true}}};
       },
       "not normalized"},
      {"CAP_ prefix", [](Json& m) { Api(m)["runtime"]["addCapabilities"] = {"CAP_SYS_ADMIN"}; },
       "not a Linux capability name"},
      {"unsorted set",
       [](Json& m) {
         Api(m)["allowFrom"] = {"shop/web", "c8s-system/ingress"};
       },
       "identities[0].allowFrom[1]: \"c8s-system/ingress\" sorts before \"shop/web\""},
      {"duplicate in set",
       [](Json& m) {
         Api(m)["ports"] = {8080, 8080};
       },
       "identities[0].ports[1]: duplicate entry 8080"},
      {"unsorted identities", [](Json& m) { std::swap(m["identities"][0], m["identities"][1]); },
       "identities[1]: \"shop/api\" sorts before \"shop/web\""},
      {"unsorted products",
       [](Json& m) {
         Snp(m)["products"] = {"Milan", "Genoa"};
       },
       "sorts before"},
      {"bad ref", [](Json& m) { Api(m)["ref"] = "api"; }, "not a namespace/name reference"},
      {"unknown allowFrom", [](Json& m) { Api(m)["allowFrom"] = {"shop/nope"}; },
       "identities[0].allowFrom[0]: unknown identity \"shop/nope\""},
      {"unknown releaseTo", [](Json& m) { m["secrets"][0]["releaseTo"] = {"shop/nope"}; },
       "secrets[0].releaseTo[0]: unknown identity"},
      {"builtin releaseTo", [](Json& m) { m["secrets"][0]["releaseTo"] = {"c8s-system/ingress"}; },
       "unknown identity"},
      {"unknown role policy", [](Json& m) { m["roles"]["cds"] = "cds-nope"; },
       "roles.cds: unknown attestation policy"},
      {"unknown secret policy", [](Json& m) { m["secrets"][0]["policy"] = "p"; },
       "secrets[0].policy: unknown attestation policy"},
      {"sealed and vault",
       [](Json& m) {
         m["secrets"][0]["source"]["vault"] = {{"path", "kv/x"}, {"key", "k"}};
       },
       "secrets[0].source: must hold exactly one of sealed, vault"},
      {"no source", [](Json& m) { m["secrets"][0]["source"] = Json::object(); },
       "exactly one of sealed, vault"},
      {"bad base64", [](Json& m) { m["secrets"][0]["source"]["sealed"]["enc"] = "not base64!"; },
       "sealed.enc: not strict standard base64"},
      {"bad notAfter", [](Json& m) { m["secrets"][0]["notAfter"] = "2027-01-01T00:00:00+00:00"; },
       "notAfter"},
      {"route to unknown port", [](Json& m) { m["ingresses"][0]["routes"][1]["port"] = 9; },
       "does not listen on port 9"},
      {"no owners", [](Json& m) { m["owners"] = Json::array(); },
       "owners: must not be empty in Owner approval mode"},
      {"X25519 owner key",
       [](Json& m) { m["owners"][0]["publicKey"] = m["recoveryKeys"][0]["publicKey"]; },
       "owners[0].publicKey: X25519 key not allowed (want P-256 or Ed25519)"},
      {"Ed25519 recovery key",
       [](Json& m) { m["recoveryKeys"][0]["publicKey"] = m["owners"][0]["publicKey"]; },
       "recoveryKeys[0].publicKey: Ed25519 key not allowed (want X25519)"},
      {"non-canonical PEM",
       [](Json& m) {
         std::string pem = m["owners"][0]["publicKey"];
         m["owners"][0]["publicKey"] = pem.substr(0, pem.size() - 1);
       },
       "not in canonical form"},
      {"garbage PEM", [](Json& m) { m["owners"][0]["publicKey"] = "hello"; },
       "owners[0].publicKey: not a PEM public key"},
      {"host bits in egress", [](Json& m) { Api(m)["egress"][0]["cidr"] = "203.0.113.1/24"; },
       "host bits"},
      {"egress protocol", [](Json& m) { Api(m)["egress"][0]["protocol"] = "tcp"; },
       "is not TCP, UDP or ICMP"},
      {"ICMP egress with ports", [](Json& m) { Api(m)["egress"][0]["protocol"] = "ICMP"; },
       "egress[0].ports: ICMP egress takes no ports"},
      {"TCP egress without ports", [](Json& m) { Api(m)["egress"][0]["ports"] = Json::array(); },
       "egress needs at least one port"},
      {"empty selector", [](Json& m) { Api(m)["selector"]["labels"] = Json::object(); },
       "empty selector"},
  };
  for (const Mutation& c : cases) {
    Json doc = Example();
    c.mutate(doc);
    auto text = crypto::CanonicalJson(doc);
    REQUIRE(text.ok());
    auto parsed = ParseManifest(*text);
    INFO(c.name << " -> " << (parsed.ok() ? std::string("accepted") : parsed.status().ToString()));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(parsed.status().message()).find(c.want) != std::string::npos);
  }
}

TEST_CASE("Automatic mode may have no owners", "[unit]") {
  Json doc = Example();
  doc["approval"] = "Automatic";
  doc["owners"] = Json::array();
  CHECK(ParseManifest(*crypto::CanonicalJson(doc)).ok());
}

TEST_CASE("JSON-level attacks are refused before the schema", "[unit]") {
  std::string valid = ReadFixture("example.canonical.json");
  std::vector<std::pair<const char*, std::string>> cases = {
      {"duplicate key",
       "{\"apiVersion\":\"c8s.dev/manifest/v1\",\"apiVersion\":\"c8s.dev/manifest/v1\"}"},
      {"duplicate nested key", std::string(valid).insert(1, "\"approval\":\"Automatic\",")},
      {"invalid UTF-8", "{\"apiVersion\":\"c8s\xff\"}"},
      {"overlong UTF-8", "{\"apiVersion\":\"\xc0\xaf\"}"},
      {"lone surrogate", "{\"apiVersion\":\"\\ud800\"}"},
      {"big integer", "{\"apiVersion\":9007199254740993}"},
      {"trailing content", valid + "{}"},
      {"truncated", valid.substr(0, valid.size() / 2)},
      {"not an object", "[]"},
      {"empty", ""},
  };
  for (const auto& [name, text] : cases) {
    auto parsed = ParseManifest(text);
    INFO(name << " -> " << (parsed.ok() ? std::string("accepted") : parsed.status().ToString()));
    CHECK_FALSE(parsed.ok());
  }
  CHECK(ParseManifest(valid).ok());
}

}  // namespace
}  // namespace c8s::manifest
