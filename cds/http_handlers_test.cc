#include <catch2/catch_test_macros.hpp>

#include "cds/http_server.h"
#include "cds/testing_for_test.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("http: every endpoint, and malformed requests get a clear 4xx", "[unit]") {
  MemoryStorage storage;
  testing::RuntimeWorld w(&storage, true);
  HttpServerOptions o;
  auto get = [&](std::string_view path, Query q = {}) { return HandleCdsGet(*w.rt, o, path, q); };
  CHECK(get("/healthz").status == 200);
  CHECK(get("/readyz").status == 200);
  HttpAnswer manifest = get("/v1/manifest");
  CHECK(manifest.status == 404);
  CHECK(nlohmann::json::parse(manifest.body)["error"] == "not claimed: no active manifest");

  std::string nonce(64, 'a');
  HttpAnswer att = get("/v1/attestation", {{"nonce", nonce}});
  REQUIRE(att.status == 200);
  auto doc = nlohmann::json::parse(att.body);
  CHECK(doc["claimed"] == false);
  CHECK(doc["evidence"]["platform"] == "simulated-sev-snp");
  CHECK(doc["podRef"] == "c8s-system/cds-0");
  CHECK(Base64Decode(doc["caCertificateDer"].get<std::string>()).value() ==
        w.rt->cds()->ca_certificate().ToDer());

  struct Bad {
    std::string path;
    Query query;
    int status;
    std::string error;
  };
  std::vector<Bad> bad = {
      {"/v1/attestation", {}, 400, "nonce: missing (want ?nonce=<64 hex digits>)"},
      {"/v1/attestation", {{"nonce", "abc"}}, 400,
       "nonce: 3 characters, want 64 hex digits (32 bytes)"},
      {"/v1/attestation", {{"nonce", std::string(64, 'z')}}, 400, "nonce: not hex"},
      {"/v1/attestation", {{"nonce", nonce}, {"nonce", nonce}}, 400,
       "query parameter \"nonce\" given twice"},
      {"/v1/manifest/history", {{"from", "-1"}}, 400, "from: want a generation number"},
      {"/v1/manifest/history", {{"from", std::string(40, '9')}}, 400,
       "from: want a generation number"},
      {"/v1/nope", {}, 404, "no such endpoint: /v1/nope"},
      {"/../etc/passwd", {}, 404, "no such endpoint: /../etc/passwd"},
  };
  for (const Bad& b : bad) {
    INFO(b.path);
    HttpAnswer a = get(b.path, b.query);
    CHECK(a.status == b.status);
    CHECK(nlohmann::json::parse(a.body)["error"] == b.error);
  }

  HttpAnswer crl = get("/v1/crl");
  REQUIRE(crl.status == 200);
  CHECK(crl.content_type == "application/pkix-crl");
  auto parsed = crypto::Crl::FromDer(AsBytes(crl.body));
  REQUIRE(parsed.ok());
  CHECK(parsed->VerifySignature(w.rt->cds()->ca_certificate()).ok());

  HttpAnswer metrics = get("/metrics");
  CHECK(metrics.content_type == "text/plain; version=0.0.4");
  CHECK(metrics.body.find("c8s_cds_sealed 0") != std::string::npos);
  CHECK(metrics.body.find("process_cpu_seconds_total ") != std::string::npos);
  CHECK(metrics.body.find("c8s_cds_manifest_generation 0") != std::string::npos);

  HttpAnswer history = get("/v1/manifest/history");
  CHECK(history.status == 200);
  CHECK(history.body == "{\"entries\":[]}");
}

TEST_CASE("http: the served manifest hashes to its history entry; a sealed CDS says 503",
          "[unit]") {
  testing::World w;
  w.ClaimOrDie();
  testing::RuntimeWorld rt(&w.storage, false);
  REQUIRE(rt.rt->sealed());
  HttpServerOptions o;
  CHECK(HandleCdsGet(*rt.rt, o, "/readyz", {}).status == 503);
  HttpAnswer sealed = HandleCdsGet(*rt.rt, o, "/v1/manifest", {});
  CHECK(sealed.status == 503);
  CHECK(HandleCdsGet(*rt.rt, o, "/metrics", {}).body.find("c8s_cds_sealed 1") !=
        std::string::npos);
  REQUIRE(rt.rt->Unseal(w.seed, "test").ok());
  HttpAnswer m = HandleCdsGet(*rt.rt, o, "/v1/manifest", {});
  REQUIRE(m.status == 200);
  auto doc = nlohmann::json::parse(m.body);
  std::string canonical = testing::Json(w.m1);
  CHECK(m.body.find(canonical) != std::string::npos);
  CHECK(doc["manifestHash"] == crypto::Sha256Prefixed(AsBytes(canonical)));
  auto entry = manifest::ParseSignedHistoryEntryJson(doc["entry"]);
  REQUIRE(entry.ok());
  CHECK(entry->entry.manifest_hash == doc["manifestHash"].get<std::string>());
  CHECK(manifest::VerifyHistoryEntrySignature(*entry, *w.cds->ca_certificate().GetPublicKey())
            .ok());
  auto history = manifest::ParseHistory(HandleCdsGet(*rt.rt, o, "/v1/manifest/history", {}).body);
  REQUIRE(history.ok());
  CHECK(history->size() == 1);
  CHECK(HandleCdsGet(*rt.rt, o, "/v1/manifest/history", {{"from", "2"}}).body ==
        "{\"entries\":[]}");
}

}  // namespace
}  // namespace c8s::cds
