#include "node-agent/admission/image_ref.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::admission {
namespace {

const std::string kHex(64, 'b');

TEST_CASE("image references normalize the way containerd stores them", "[unit]") {
  struct Case {
    std::string in, name, tag, digest, normalized;
  };
  for (const Case& c : {
           Case{"nginx", "docker.io/library/nginx", "", "", "docker.io/library/nginx:latest"},
           Case{"nginx:1.27", "docker.io/library/nginx", "1.27", "",
                "docker.io/library/nginx:1.27"},
           Case{"myorg/app:v2", "docker.io/myorg/app", "v2", "", "docker.io/myorg/app:v2"},
           Case{"index.docker.io/nginx:1", "docker.io/library/nginx", "1", "",
                "docker.io/library/nginx:1"},
           Case{"ghcr.io/x/y:1.2", "ghcr.io/x/y", "1.2", "", "ghcr.io/x/y:1.2"},
           Case{"localhost:5000/a/b-c_d.e@sha256:" + kHex, "localhost:5000/a/b-c_d.e", "",
                "sha256:" + kHex, "localhost:5000/a/b-c_d.e@sha256:" + kHex},
           Case{"localhost/app:dev", "localhost/app", "dev", "", "localhost/app:dev"},
           Case{"ghcr.io/x/y:1.2@sha256:" + kHex, "ghcr.io/x/y", "1.2", "sha256:" + kHex,
                "ghcr.io/x/y:1.2@sha256:" + kHex},
           Case{"registry.k8s.io/pause:3.10", "registry.k8s.io/pause", "3.10", "",
                "registry.k8s.io/pause:3.10"},
       }) {
    auto got = ParseImageReference(c.in);
    INFO(c.in << " " << got.status().ToString());
    REQUIRE(got.ok());
    CHECK(got->name == c.name);
    CHECK(got->tag == c.tag);
    CHECK(got->digest == c.digest);
    CHECK(got->Normalized() == c.normalized);
  }
}

TEST_CASE("image references that are not valid are refused with the reason", "[unit]") {
  for (const std::string& bad : {
           std::string(""),
           std::string("Nginx"),
           std::string("ghcr.io/X/y"),
           std::string("nginx:"),
           std::string("nginx:-x"),
           std::string("a//b"),
           std::string("ghcr.io/x/y@sha512:" + kHex + kHex),
           std::string("ghcr.io/x/y@sha256:abc"),
           std::string("ghcr.io/x/y@sha256:" + std::string(64, 'B')),
           std::string("-a.io/x"),
           std::string("ex-.io/x"),
           std::string("ghcr.io:99999x/x"),
           std::string("x/y_"),
           std::string("x/" + std::string(260, 'a')),
           std::string("ghcr.io/x/y:" + std::string(129, 't')),
       }) {
    auto got = ParseImageReference(bad);
    INFO(bad);
    CHECK_FALSE(got.ok());
    if (!got.ok()) CHECK(std::string(got.status().message()).find("image reference") == 0);
  }
}

}  // namespace
}  // namespace c8s::admission
