// keygen, policy bundle, secret seal and the state directory: c8sctl commands that need no CDS.
#include <catch2/catch_test_macros.hpp>
#include <sstream>

#include "client/cli/app.h"
#include "client/cli/state_dir.h"
#include "lib/base/fd.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/x509_testing.h"
#include "lib/manifest/bundle.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/sealing.h"
#include "test/support/test_env.h"

namespace c8s::cli {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Ctl(std::vector<std::string> args) {
  std::ostringstream out, err;
  args.insert(args.begin(), "c8sctl");
  int code = RunC8sctl(args, out, err);
  return {code, out.str(), err.str()};
}

bool Has(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

TEST_CASE("keygen says which key type it makes for which role", "[unit]") {
  c8s::testing::TempDir dir;
  Run owner = Ctl({"keygen", "--role", "owner", "--out", dir.Path("alice.pem")});
  INFO(owner.err);
  REQUIRE(owner.code == kExitOk);
  CHECK(Has(owner.out, "generated P-256 owner signing key: signs manifest approval statements"));
  auto key = crypto::PrivateKey::FromPem(*ReadFile(dir.Path("alice.pem")));
  REQUIRE(key.ok());
  CHECK(key->type() == crypto::KeyType::kP256);
  auto pub = crypto::PublicKey::FromPem(*ReadFile(dir.Path("alice.pem.pub")));
  REQUIRE(pub.ok());
  CHECK(pub->SpkiDer() == key->GetPublicKey().SpkiDer());

  Run ed = Ctl({"keygen", "--role", "owner", "--type", "ed25519", "--out", dir.Path("bob.pem")});
  CHECK(Has(ed.out, "generated Ed25519 owner signing key"));
  Run rec = Ctl({"keygen", "--role", "recovery", "--out", dir.Path("vault.pem")});
  CHECK(Has(rec.out, "generated X25519 recovery key: the CDS encrypts its seed to it"));
  CHECK(crypto::PrivateKey::FromPem(*ReadFile(dir.Path("vault.pem")))->type() ==
        crypto::KeyType::kX25519);

  CHECK(Ctl({"keygen", "--role", "owner", "--out", dir.Path("alice.pem")}).code == kExitUsage);
  Run wrong = Ctl({"keygen", "--role", "recovery", "--type", "p256", "--out", dir.Path("x")});
  CHECK(wrong.code == kExitUsage);
  CHECK(Has(wrong.err, "recovery keys are x25519 (HPKE)"));
  CHECK(Ctl({"keygen", "--role", "signer", "--out", dir.Path("y")}).code == kExitUsage);
  CHECK(Ctl({"keygen", "--help"}).code == kExitOk);
}

TEST_CASE("policy bundle signs offline; the result verifies as agents verify it", "[unit]") {
  c8s::testing::TempDir dir;
  auto ca_key = manifest::testing::LoadFixturePrivateKey("ca.key.pem");
  auto ca = crypto::CertificateAuthority::CreateSelfSigned(ca_key, {"c8s CA"}, absl::Now(),
                                                           absl::Now() + absl::Hours(1));
  REQUIRE(WriteFile(dir.Path("ca.pem"), ca->certificate().ToPem()).ok());
  std::string manifest = manifest::testing::FixturePath("example-v2.json");
  Run r = Ctl({"policy", "bundle", "--manifest", manifest, "--ca-key",
               manifest::testing::FixturePath("ca.key.pem"), "--ca-cert", dir.Path("ca.pem"),
               "--out", dir.Path("bundle.json"), "--generation", "7", "--node",
               "node-1=10.0.0.11:15443", "--dns", "10.0.0.10:53"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  CHECK(Has(r.out, "generation 7"));
  auto bundle = manifest::VerifyBundle(*ReadFile(dir.Path("bundle.json")), ca_key.GetPublicKey(),
                                       "prod.example.com", 7);
  INFO(bundle.status().ToString());
  REQUIRE(bundle.ok());
  CHECK(bundle->nodes.size() == 1);
  CHECK(bundle->nodes[0].address == "10.0.0.11");
  CHECK(bundle->infrastructure.dns == std::vector<std::string>{"10.0.0.10:53"});

  auto other = crypto::testing::MakeCa("other");
  REQUIRE(WriteFile(dir.Path("other.pem"), other.certificate().ToPem()).ok());
  Run mismatch = Ctl({"policy", "bundle", "--manifest", manifest, "--ca-key",
                      manifest::testing::FixturePath("ca.key.pem"), "--ca-cert",
                      dir.Path("other.pem"), "--out", dir.Path("b2.json")});
  CHECK(mismatch.code == kExitUsage);
  CHECK(Has(mismatch.err, "--ca-key is not the key of --ca-cert"));
  Run bad_node = Ctl({"policy", "bundle", "--manifest", manifest, "--ca-key",
                      manifest::testing::FixturePath("ca.key.pem"), "--ca-cert", dir.Path("ca.pem"),
                      "--out", dir.Path("b3.json"), "--node", "node-1"});
  CHECK(Has(bad_node.err, "--node node-1: want NAME=ADDRESS:PORT"));
}

// A state directory as `c8sctl verify` leaves it.
PinnedCds Pinned(const crypto::CertificateAuthority& ca, const crypto::PrivateKey& sealing) {
  PinnedCds p;
  p.target = "127.0.0.1:7443";
  p.ca_der = ca.certificate().ToDer();
  p.cluster = manifest::ClusterId(*ca.certificate().GetPublicKey());
  p.sealing_spki_der = sealing.GetPublicKey().SpkiDer();
  p.image_digest = "sha256:" + std::string(64, '7');
  p.pod_ref = "c8s-system/cds-0";
  p.platform = "simulated-sev-snp";
  p.assurance = "simulated";
  p.measurement = std::string(96, 'a');
  p.verified_at = "2026-01-01T00:00:00Z";
  p.head = {3, "sha256:" + std::string(64, 'b')};
  return p;
}

TEST_CASE("the state directory round-trips and refuses damaged records", "[unit]") {
  c8s::testing::TempDir dir;
  auto ca = crypto::testing::MakeCa("c8s CA");
  auto sealing = *crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  auto state = StateDir::Open(dir.Path("s"));
  REQUIRE(state.ok());
  CHECK_FALSE(state->Load()->has_value());
  CHECK(std::string(state->Require().status().message()).find("run `c8sctl verify") !=
        std::string::npos);
  PinnedCds p = Pinned(ca, sealing);
  REQUIRE(state->Save(p).ok());
  auto back = state->Load();
  REQUIRE(back.ok());
  REQUIRE(back->has_value());
  CHECK((*back)->ca_der == p.ca_der);
  CHECK((*back)->head == p.head);
  CHECK(PinnedCdsToJson(**back) == PinnedCdsToJson(p));

  std::string json = PinnedCdsToJson(p);
  std::string wrong_cluster = json;
  wrong_cluster.replace(wrong_cluster.find(p.cluster), p.cluster.size(),
                        "sha256:" + std::string(64, '0'));
  CHECK(Has(std::string(ParsePinnedCds(wrong_cluster).status().message()), "is not the CA's"));
  CHECK_FALSE(ParsePinnedCds("{}").ok());
  // The fuzz seed is a valid record, so the fuzzer starts from the accepting path.
  auto seed = ParsePinnedCds(
      c8s::testing::ReadTestFile(c8s::testing::SourcePath("fuzz/corpus/pinned_state/cds.json")));
  INFO(seed.status().ToString());
  CHECK(seed.ok());
  CHECK_FALSE(ParsePinnedCds(json.substr(0, json.size() / 2)).ok());

  manifest::HistoryHead lower{2, p.head.entry_hash};
  CHECK(Has(std::string(AdvanceHead(p, lower).message()), "history rollback"));
  CHECK(AdvanceHead(p, {4, p.head.entry_hash}).ok());
  CHECK(p.head.generation == 4);

  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  REQUIRE(state->SaveManifest(m, true).ok());
  auto known = state->KnownManifests();
  REQUIRE(known.ok());
  CHECK(known->size() == 1);
  CHECK(known->begin()->second == m);
}

TEST_CASE("secret seal uses only the attested sealing key", "[unit]") {
  c8s::testing::TempDir dir;
  auto ca = crypto::testing::MakeCa("c8s CA");
  auto sealing = *crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  REQUIRE(StateDir::Open(dir.Path("s"))->Save(Pinned(ca, sealing)).ok());
  REQUIRE(WriteFile(dir.Path("value"), "hunter2").ok());
  Run r = Ctl({"secret", "seal", "--state-dir", dir.Path("s"), "--ref", "shop/db", "--version", "3",
               "--value-file", dir.Path("value")});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  auto doc = nlohmann::json::parse(r.out);
  manifest::Secret secret;
  secret.ref = "shop/db";
  secret.version = 3;
  secret.sealed = manifest::SealedSource{doc["sealed"]["suite"], doc["sealed"]["enc"],
                                         doc["sealed"]["ciphertext"]};
  auto value = manifest::OpenSealedSecret(
      sealing, manifest::ClusterId(*ca.certificate().GetPublicKey()), secret);
  REQUIRE(value.ok());
  CHECK(ToString(*value) == "hunter2");

  auto stranger = *crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  REQUIRE(WriteFile(dir.Path("stranger.pem"), stranger.GetPublicKey().ToPem()).ok());
  Run refused = Ctl({"secret", "seal", "--state-dir", dir.Path("s"), "--ref", "shop/db",
                     "--value-file", dir.Path("value"), "--sealing-key", dir.Path("stranger.pem")});
  CHECK(refused.code == kExitCheckFailed);
  CHECK(Has(refused.err, "REFUSED: sealing key check: "));
  CHECK(Has(refused.err, "refusing to seal to an unattested key"));
  REQUIRE(WriteFile(dir.Path("attested.pem"), sealing.GetPublicKey().ToPem()).ok());
  CHECK(Ctl({"secret", "seal", "--state-dir", dir.Path("s"), "--ref", "shop/db", "--value-file",
             dir.Path("value"), "--sealing-key", dir.Path("attested.pem")})
            .code == kExitOk);
  CHECK(Ctl({"secret", "seal", "--state-dir", dir.Path("s"), "--ref", "db", "--value-file",
             dir.Path("value")})
            .code == kExitUsage);
  Run none = Ctl({"secret", "seal", "--state-dir", dir.Path("empty"), "--ref", "shop/db",
                  "--value-file", dir.Path("value")});
  CHECK(none.code == kExitCheckFailed);
  CHECK(Has(none.err, "run `c8sctl verify --cds HOST:PORT ...` first"));
}

TEST_CASE("online commands without a connector say so", "[unit]") {
  c8s::testing::TempDir dir;
  Run r = Ctl({"verify", "--cds", "127.0.0.1:1", "--state-dir", dir.Path("s"), "--measurement",
               std::string(96, 'a'), "--image", "sha256:" + std::string(64, '7')});
  CHECK(r.code == kExitUsage);
  CHECK(Has(r.err, "built without gRPC"));
  for (const char* cmd : {"verify", "claim", "manifest", "secret", "policy", "keygen"}) {
    CHECK(Ctl({cmd, "--help"}).code == kExitOk);
  }
}

}  // namespace
}  // namespace c8s::cli
