#include "node-agent/admission/bootstrap.h"

#include <catch2/catch_test_macros.hpp>
#include <string>

namespace c8s::admission {
namespace {

const std::string kDigest(64, 'a');

nlohmann::json Runtime() {
  return {{"privileged", false},
          {"hostNetwork", true},
          {"hostPID", false},
          {"hostIPC", false},
          {"hostPaths", nlohmann::json::array()},
          {"devices", nlohmann::json::array()},
          {"addCapabilities", {"NET_ADMIN"}},
          {"runAsNonRoot", false},
          {"readOnlyRootFilesystem", false}};
}

nlohmann::json Entry(std::string ref, std::string image) {
  return {{"ref", std::move(ref)},
          {"selector", {{"labels", {{"k8s-app", "kube-dns"}}}}},
          {"containers", {{{"image", std::move(image)}, {"args", {"-conf", "/etc/Corefile"}}}}},
          {"runtime", Runtime()}};
}

// The entries as a list, not one json: `json x = {entry}` is an array under gcc but a copy of
// `entry` under clang.
nlohmann::json Doc(std::initializer_list<nlohmann::json> entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const nlohmann::json& e : entries) list.push_back(e);
  return {{"apiVersion", "c8s.dev/bootstrap-allow-list/v1"}, {"entries", list}};
}

std::string Error(const nlohmann::json& doc) {
  auto got = ParseBootstrapAllowList(doc);
  REQUIRE_FALSE(got.ok());
  return std::string(got.status().message());
}

TEST_CASE("bootstrap allow-list parses bundle-identity-shaped entries", "[unit]") {
  nlohmann::json doc =
      Doc({Entry("kube-system/coredns", "registry.k8s.io/coredns/coredns@sha256:" + kDigest)});
  auto got = ParseBootstrapAllowList(doc);
  INFO(got.status().ToString());
  REQUIRE(got.ok());
  REQUIRE(got->entries.size() == 1);
  const manifest::BundleIdentity& e = got->entries[0];
  CHECK(e.ref == "kube-system/coredns");
  CHECK(e.selector.labels.at("k8s-app") == "kube-dns");
  REQUIRE(e.containers.size() == 1);
  CHECK(e.containers[0].args == std::vector<std::string>{"-conf", "/etc/Corefile"});
  CHECK_FALSE(e.containers[0].env.has_value());
  CHECK(e.runtime.host_network);
  CHECK(e.runtime.add_capabilities == std::vector<std::string>{"NET_ADMIN"});
  CHECK(e.ports.empty());
  // Round trip through the writer, and through text.
  CHECK(*ParseBootstrapAllowList(ToJson(*got)) == *got);
  auto from_text = ParseBootstrapAllowListText(doc.dump());
  REQUIRE(from_text.ok());
  CHECK(*from_text == *got);
}

TEST_CASE("bootstrap allow-list refuses what it does not understand, naming the path", "[unit]") {
  const std::string image = "registry.k8s.io/coredns/coredns@sha256:" + kDigest;
  CHECK(Error(nlohmann::json::array()) == "bootstrap allow-list: must be an object");
  nlohmann::json doc = Doc({Entry("kube-system/coredns", image)});
  doc["apiVersion"] = "v0";
  CHECK(Error(doc) == "apiVersion: \"v0\" is not \"c8s.dev/bootstrap-allow-list/v1\"");
  doc = Doc({Entry("kube-system/coredns", image)});
  doc["extra"] = 1;
  CHECK(Error(doc) == "extra: unknown field (allowed: apiVersion, entries)");
  CHECK(Error({{"apiVersion", "c8s.dev/bootstrap-allow-list/v1"}}) ==
        "entries: missing required field");
  // Tag references are not pinned.
  CHECK(Error(Doc({Entry("kube-system/coredns", "registry.k8s.io/coredns/coredns:v1.11")}))
            .find("entries[0].containers[0].image") == 0);
  // Refs are unique.
  CHECK(Error(Doc({Entry("kube-system/coredns", image), Entry("kube-system/coredns", image)})) ==
        "entries[1].ref: duplicate ref \"kube-system/coredns\"");
  // A ref needs its namespace: the namespace is what the entry selects on.
  CHECK(Error(Doc({Entry("coredns", image)})).find("entries[0].ref") == 0);
  // Unknown entry fields and missing runtime policy.
  nlohmann::json entry = Entry("kube-system/coredns", image);
  entry["privileged"] = true;
  CHECK(Error(Doc({entry})).find("entries[0].privileged: unknown field") == 0);
  entry = Entry("kube-system/coredns", image);
  entry.erase("runtime");
  CHECK(Error(Doc({entry})) == "entries[0].runtime: missing required field");
  entry = Entry("kube-system/coredns", image);
  entry["selector"]["labels"] = nlohmann::json::object();
  CHECK(Error(Doc({entry})).find("empty selector") != std::string::npos);
  // A TEE device can never be granted.
  entry = Entry("kube-system/coredns", image);
  entry["runtime"]["devices"] = {"/dev/sev-guest"};
  CHECK(Error(Doc({entry})).find("entries[0].runtime.devices[0]") == 0);
  // Embedded in a larger document, paths carry the prefix.
  auto embedded = ParseBootstrapAllowList(Doc({Entry("x", image)}), "bootstrap");
  REQUIRE_FALSE(embedded.ok());
  CHECK(std::string(embedded.status().message()).find("bootstrap.entries[0].ref") == 0);
  // Text input: duplicate keys and trailing garbage.
  CHECK_FALSE(ParseBootstrapAllowListText(R"({"apiVersion":"a","apiVersion":"b"})").ok());
  CHECK_FALSE(ParseBootstrapAllowListText(Doc({}).dump() + "x").ok());
}

}  // namespace
}  // namespace c8s::admission
