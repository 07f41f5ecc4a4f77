// Tag references through containerd's images API: the real plugin and resolver against a fake
// containerd images service on a unix socket, with the 500 ms deadline enforced.
#include "node-agent/nri/image_resolver.h"

#include <catch2/catch_test_macros.hpp>

#include "test/nri/fake_containerd_images.h"
#include "test/nri/plugin_fixture.h"

namespace c8s::nri::testing {
namespace {

using admission::TestDigest;

TEST_CASE("tag references are resolved through containerd, refused when it is slow or silent",
          "[component]") {
  c8s::testing::TempDir dir;
  std::string sock = dir.Path("containerd.sock");
  FakeContainerdImages containerd(sock,
                                  {{"ghcr.io/acme/api:1.0", TestDigest(1)},
                                   {"docker.io/acme/api:latest", TestDigest(1)},
                                   {"ghcr.io/acme/api:evil", TestDigest(66)},
                                   {"ghcr.io/acme/api:broken", "md5:abc"}},
                                  "ghcr.io/acme/api:slow");
  REQUIRE(containerd.started());
  auto resolver = NewContainerdImageResolver(sock);
  REQUIRE(resolver.ok());
  PluginFixture plugin(PluginOptions{}, resolver->get());
  RuntimeDriver driver(plugin.Accept());
  REQUIRE(driver.AwaitRegistration(absl::Seconds(5)).ok());
  REQUIRE(driver.Configure(DefaultConfigure()).ok());

  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c1", "ghcr.io/acme/api:1.0")).ok());
  auto a = plugin.store().Lookup("c1");
  REQUIRE(a.has_value());
  CHECK(a->image == "ghcr.io/acme/api@" + TestDigest(1));
  // The user's spelling is normalized to containerd's before asking.
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c2", "acme/api")).ok());

  absl::Status evil = driver.CreateContainer(ApiPod(), ApiContainer("c3", "ghcr.io/acme/api:evil"));
  CHECK(evil.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(evil.message()).find("digest " + TestDigest(66) + " not allowed") == 0);

  absl::Status missing =
      driver.CreateContainer(ApiPod(), ApiContainer("c4", "ghcr.io/acme/api:gone"));
  CHECK(missing.message() ==
        "image ghcr.io/acme/api:gone is not pinned by digest and containerd could not resolve it: "
        "containerd has no image named ghcr.io/acme/api:gone");
  absl::Status broken =
      driver.CreateContainer(ApiPod(), ApiContainer("c5", "ghcr.io/acme/api:broken"));
  CHECK(std::string(broken.message()).find("not sha256:<64 hex>") != std::string::npos);

  absl::Time start = absl::Now();
  absl::Status slow = driver.CreateContainer(ApiPod(), ApiContainer("c6", "ghcr.io/acme/api:slow"));
  absl::Duration took = absl::Now() - start;
  CHECK(slow.code() == absl::StatusCode::kPermissionDenied);
  CHECK(slow.message() ==
        "image ghcr.io/acme/api:slow is not pinned by digest and containerd did "
        "not resolve it within 500ms");
  CHECK(took < absl::Milliseconds(1500));  // well inside containerd's 2 s request timeout
  CHECK_FALSE(plugin.store().Lookup("c6").has_value());
  // Digest references never ask containerd.
  int calls = containerd.calls();
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c7", "ghcr.io/acme/api@" + TestDigest(1)))
            .ok());
  CHECK(containerd.calls() == calls);
}

TEST_CASE("a containerd socket nobody listens on is an explicit refusal", "[component]") {
  c8s::testing::TempDir dir;
  auto resolver = NewContainerdImageResolver(dir.Path("absent.sock"));
  REQUIRE(resolver.ok());
  auto got = (*resolver)->ResolveDigest("ghcr.io/acme/api:1.0", absl::Milliseconds(500));
  CHECK_FALSE(got.ok());
  CHECK_FALSE(absl::IsNotFound(got.status()));
  CHECK(absl::IsInvalidArgument(NewContainerdImageResolver("relative.sock").status()));
}

}  // namespace
}  // namespace c8s::nri::testing
