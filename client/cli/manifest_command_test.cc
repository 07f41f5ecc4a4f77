#include "client/cli/manifest_command.h"

#include <catch2/catch_test_macros.hpp>
#include <sstream>

#include "client/cli/app.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "test/support/test_env.h"

namespace c8s::cli {
namespace {

struct Result {
  int code;
  std::string out, err;
};

// Runs `c8sctl manifest ...` with only the manifest group registered.
Result Run(std::vector<std::string> args) {
  std::ostringstream out, err;
  CLI::App app("test", "c8sctl");
  app.require_subcommand(1);
  CommandContext ctx{out, err};
  RegisterManifestCommands(app, ctx);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return {e.get_exit_code() == 0 ? kExitOk : kExitUsage, out.str(), err.str() + e.what()};
  }
  return {ctx.exit_code, out.str(), err.str()};
}

std::string Fixture(std::string_view name) {
  return c8s::testing::SourcePath(StrCat("test/fixtures/manifest/", name));
}

TEST_CASE("c8sctl manifest hash, canonical, validate", "[unit]") {
  Result hash = Run({"manifest", "hash", Fixture("example.json")});
  CHECK(hash.code == kExitOk);
  CHECK(hash.out == c8s::testing::ReadTestFile(Fixture("example.sha256")));
  Result canon = Run({"manifest", "canonical", Fixture("example.json")});
  CHECK(canon.code == kExitOk);
  CHECK(canon.out == c8s::testing::ReadTestFile(Fixture("example.canonical.json")));
  Result valid = Run({"manifest", "validate", Fixture("example-v2.json")});
  CHECK(valid.code == kExitOk);
  CHECK(valid.out.find("identities: 3") != std::string::npos);

  c8s::testing::TempDir dir;
  std::string bad = c8s::testing::ReadTestFile(Fixture("example.json"));
  bad.replace(bad.find("\"privileged\""), 12, "\"privilegd\"");
  REQUIRE(WriteFile(dir.Path("bad.json"), bad).ok());
  Result invalid = Run({"manifest", "validate", dir.Path("bad.json")});
  CHECK(invalid.code == kExitCheckFailed);
  CHECK(invalid.err.find("identities[0].runtime.privilegd: unknown field") != std::string::npos);
  CHECK(Run({"manifest", "hash", dir.Path("bad.json")}).code == kExitUsage);
  CHECK(Run({"manifest", "validate", dir.Path("missing.json")}).code == kExitUsage);
  CHECK(Run({"manifest", "hash"}).code == kExitUsage);
}

TEST_CASE("c8sctl manifest diff prints the golden diff", "[unit]") {
  Result diff = Run({"manifest", "diff", Fixture("example.json"), Fixture("example-v2.json")});
  CHECK(diff.code == kExitOk);
  CHECK(diff.out == c8s::testing::ReadTestFile(Fixture("example-to-v2.diff.txt")));
}

TEST_CASE("c8sctl manifest sign-approval writes a verifiable approval", "[unit]") {
  c8s::testing::TempDir dir;
  std::string cluster = c8s::testing::ReadTestFile(Fixture("cluster.txt"));
  cluster.pop_back();
  std::string heads = c8s::testing::ReadTestFile(Fixture("history.heads.txt"));
  std::string h1 = heads.substr(2, 71);
  std::vector<std::string> args = {"manifest",     "sign-approval",
                                   "--manifest",   Fixture("example-v2.json"),
                                   "--key",        Fixture("owner-alice.key.pem"),
                                   "--owner",      "alice",
                                   "--cluster",    cluster,
                                   "--generation", "2",
                                   "--previous",   h1,
                                   "--out",        dir.Path("approval.json"),
                                   "--active",     Fixture("example.json")};
  Result r = Run(args);
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  std::string written = c8s::testing::ReadTestFile(dir.Path("approval.json"));
  std::string sig = c8s::testing::ReadTestFile(Fixture("approval-gen2.sig"));
  sig.pop_back();
  CHECK(written.find(sig) != std::string::npos);  // Ed25519: deterministic

  // bob is not an owner of the active manifest: refused before anything is sent.
  args[5] = Fixture("owner-bob.key.pem");
  args[7] = "bob";
  CHECK(Run(args).code == kExitCheckFailed);
  args[11] = "two";
  CHECK(Run(args).code == kExitUsage);
}

TEST_CASE("c8sctl manifest verify-history", "[unit]") {
  std::vector<std::string> args = {"manifest", "verify-history", Fixture("history.json"), "--ca",
                                   Fixture("ca.pub.pem")};
  Result chain = Run(args);
  INFO(chain.err);
  CHECK(chain.code == kExitOk);
  CHECK(chain.out.find("head: generation 2") != std::string::npos);
  std::vector<std::string> full = args;
  full.insert(full.end(),
              {"--manifest", Fixture("example.json"), "--manifest", Fixture("example-v2.json")});
  CHECK(Run(full).code == kExitOk);
  std::vector<std::string> wrong_ca = args;
  wrong_ca[4] = Fixture("owner-bob.pub.pem");
  CHECK(Run(wrong_ca).code == kExitCheckFailed);
  // The CA may also be given as its certificate.
  c8s::testing::TempDir dir;
  auto key = crypto::PrivateKey::FromPem(c8s::testing::ReadTestFile(Fixture("ca.key.pem")));
  REQUIRE(key.ok());
  auto ca = crypto::CertificateAuthority::CreateSelfSigned(
      *key, {"c8s test CA"}, absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(1));
  REQUIRE(ca.ok());
  REQUIRE(WriteFile(dir.Path("ca.pem"), ca->certificate().ToPem()).ok());
  std::vector<std::string> by_cert = args;
  by_cert[4] = dir.Path("ca.pem");
  CHECK(Run(by_cert).code == kExitOk);
  std::vector<std::string> seen = args;
  seen.insert(seen.end(), {"--seen", "3:sha256:" + std::string(64, '0')});
  Result rollback = Run(seen);
  CHECK(rollback.code == kExitCheckFailed);
  CHECK(rollback.err.find("history rollback") != std::string::npos);
}

}  // namespace
}  // namespace c8s::cli
