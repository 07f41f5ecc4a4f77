#include "node-agent/admission/decision.h"

#include <catch2/catch_test_macros.hpp>

#include "node-agent/admission/bundle_builder.h"
#include "node-agent/admission/decision_checks.h"
#include "node-agent/admission/fixed_policy.h"

namespace c8s::admission {
namespace {

class FakeResolver : public ImageResolver {
 public:
  absl::StatusOr<std::string> ResolveDigest(const std::string& reference,
                                            absl::Duration deadline) override {
    last_reference = reference;
    last_deadline = deadline;
    return answer;
  }
  absl::StatusOr<std::string> answer = absl::NotFoundError("image not found");
  std::string last_reference;
  absl::Duration last_deadline;
};

manifest::PolicyBundle TestBundle() {
  manifest::Container pinned = Image("ghcr.io/acme/api", 2);
  pinned.args = std::vector<std::string>{"/api", "--port=8080"};
  pinned.env = std::map<std::string, std::string>{{"MODE", "prod"}, {"PATH", "/bin"}};
  return BundleBuilder(7)
      .Identity("shop/api", {{"app", "api"}}, {Image("ghcr.io/acme/api", 1), pinned})
      .Identity("shop/web", {{"app", "web"}}, {Image("ghcr.io/acme/web", 3)})
      .Identity("shop/web-canary", {{"app", "web"}, {"track", "canary"}},
                {Image("ghcr.io/acme/web", 3)})
      .Build();
}

BootstrapAllowList TestBootstrap() {
  return {{MakeIdentity("kube-system/coredns", {{"k8s-app", "kube-dns"}},
                        {Image("registry.k8s.io/coredns/coredns", 9)})}};
}

ContainerRequest Request(std::string ns, std::map<std::string, std::string> labels,
                         std::string image) {
  ContainerRequest r;
  r.container_id = "c1";
  r.container_name = "main";
  r.pod_namespace = std::move(ns);
  r.pod_name = "p-1";
  r.pod_uid = "uid-1";
  r.pod_labels = std::move(labels);
  r.image = std::move(image);
  return r;
}

std::string Denial(Decider& d, const ContainerRequest& r) {
  absl::StatusOr<Admission> got = d.Decide(r);
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == absl::StatusCode::kPermissionDenied);
  return std::string(got.status().message());
}

TEST_CASE("an allowed digest for the pod's identity is admitted with its record", "[unit]") {
  FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(TestBundle()));
  Decider d(policy, TestBootstrap(), nullptr);
  CHECK(d.enforced_generation() == 7);
  auto got = d.Decide(Request("shop", {{"app", "api"}, {"pod-template-hash", "x"}},
                              "ghcr.io/acme/api@" + TestDigest(1)));
  INFO(got.status().ToString());
  REQUIRE(got.ok());
  CHECK(*got == Admission{"c1", "shop", "p-1", "uid-1", "main", "shop/api",
                          "ghcr.io/acme/api@" + TestDigest(1), TestDigest(1), 7});
  // Bootstrap entries still admit once a bundle is in force (system pods are not identities).
  auto dns = d.Decide(Request("kube-system", {{"k8s-app", "kube-dns"}},
                              "registry.k8s.io/coredns/coredns@" + TestDigest(9)));
  REQUIRE(dns.ok());
  CHECK(dns->identity == "kube-system/coredns");
  CHECK(dns->bundle_generation == 0);
}

TEST_CASE("refusals say exactly which check failed", "[unit]") {
  FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(TestBundle()));
  Decider d(policy, TestBootstrap(), nullptr);
  CHECK(Denial(d, Request("shop", {{"app", "api"}}, "ghcr.io/x/y:1.2")) ==
        "image ghcr.io/x/y:1.2 is not pinned by digest");
  CHECK(Denial(d, Request("shop", {{"app", "api"}}, "ghcr.io/acme/api@" + TestDigest(3))) ==
        "digest " + TestDigest(3) + " not allowed for identity shop/api (image ghcr.io/acme/api@" +
            TestDigest(3) + ", container main of pod shop/p-1; policy generation 7)");
  CHECK(Denial(d, Request("shop", {{"app", "db"}}, "ghcr.io/acme/api@" + TestDigest(1))) ==
        "no identity in namespace shop selects pod shop/p-1 (labels: app=db; policy generation 7)");
  // The namespace is part of the identity: the same labels elsewhere select nothing.
  CHECK(Denial(d, Request("other", {{"app", "api"}}, "ghcr.io/acme/api@" + TestDigest(1)))
            .find("no identity in namespace other") == 0);
  CHECK(Denial(d, Request("shop", {{"app", "web"}, {"track", "canary"}},
                          "ghcr.io/acme/web@" + TestDigest(3))) ==
        "pod shop/p-1 is selected by 2 identities [\"shop/web\", \"shop/web-canary\"]; selectors "
        "must not overlap");
  CHECK(Denial(d, Request("shop", {{"app", "api"}}, "")) ==
        "container main of pod shop/p-1 has no io.kubernetes.cri.image-name annotation");
  CHECK(Denial(d, Request("shop", {{"app", "api"}}, "Bad Image")).find("image reference") == 0);
  ContainerRequest no_id = Request("shop", {{"app", "api"}}, "x");
  no_id.container_id.clear();
  CHECK(Denial(d, no_id).find("lacks its id or namespace") != std::string::npos);
}

TEST_CASE("pinned args and env must match; runtime-injected variables are tolerated", "[unit]") {
  FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(TestBundle()));
  Decider d(policy, {}, nullptr);
  ContainerRequest r = Request("shop", {{"app", "api"}}, "ghcr.io/acme/api@" + TestDigest(2));
  r.args = {"/api", "--port=8080"};
  r.env = {"PATH=/bin",
           "MODE=prod",
           "HOSTNAME=p-1",
           "KUBERNETES_SERVICE_HOST=10.0.0.1",
           "API_SERVICE_PORT_HTTP=80",
           "API_PORT_80_TCP_ADDR=10.0.0.2",
           "API_PORT=tcp://x"};
  CHECK(d.Decide(r).ok());
  ContainerRequest args = r;
  args.args = {"/bin/sh"};
  CHECK(Denial(d, args) ==
        "args [\"/bin/sh\"] of container main differ from [\"/api\", "
        "\"--port=8080\"] pinned by identity shop/api for ghcr.io/acme/api@" +
            TestDigest(2));
  ContainerRequest extra = r;
  extra.env.push_back("LD_PRELOAD=/tmp/x.so");
  CHECK(Denial(d, extra) ==
        "environment variable LD_PRELOAD of container main is not pinned by "
        "identity shop/api for ghcr.io/acme/api@" +
            TestDigest(2));
  ContainerRequest changed = r;
  changed.env[1] = "MODE=dev";
  CHECK(Denial(d, changed) ==
        "environment variable MODE=\"dev\" of container main differs from "
        "\"prod\" pinned by identity shop/api");
  ContainerRequest missing = r;
  missing.env.erase(missing.env.begin() + 1);
  CHECK(Denial(d, missing) ==
        "environment variable MODE pinned by identity shop/api is missing from container main");
}

TEST_CASE("runtime-injected environment names", "[unit]") {
  using internal::IsRuntimeInjectedEnv;
  for (const char* yes : {"HOSTNAME", "KUBERNETES_PORT", "DB_SERVICE_HOST", "DB_SERVICE_PORT",
                          "DB_SERVICE_PORT_GRPC", "DB_PORT", "DB_PORT_5432_TCP",
                          "DB_PORT_5432_TCP_PROTO", "DB_PORT_53_UDP_ADDR", "DB_PORT_1_SCTP_PORT"}) {
    INFO(yes);
    CHECK(IsRuntimeInjectedEnv(yes));
  }
  for (const char* no : {"LD_PRELOAD", "PATH", "_SERVICE_HOST", "DB_PORT_X_TCP", "DB_PORT_5432",
                         "db_SERVICE_HOST", "DB_SERVICE_HOSTX", "DB_PORT_5432_TCP_HOST"}) {
    INFO(no);
    CHECK_FALSE(IsRuntimeInjectedEnv(no));
  }
}

TEST_CASE("tag references are resolved through containerd within the deadline", "[unit]") {
  FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(TestBundle()));
  FakeResolver resolver;
  Decider d(policy, {}, &resolver, {.resolve_deadline = absl::Milliseconds(500)});
  ContainerRequest r = Request("shop", {{"app", "web"}}, "ghcr.io/acme/web:1.2");
  resolver.answer = TestDigest(3);
  auto got = d.Decide(r);
  REQUIRE(got.ok());
  CHECK(resolver.last_reference == "ghcr.io/acme/web:1.2");
  CHECK(resolver.last_deadline == absl::Milliseconds(500));
  CHECK(got->image == "ghcr.io/acme/web@" + TestDigest(3));
  r.image = "acme/web";
  resolver.answer = TestDigest(4);
  CHECK(Denial(d, r).find("digest " + TestDigest(4) + " not allowed for identity shop/web") == 0);
  CHECK(resolver.last_reference == "docker.io/acme/web:latest");
  resolver.answer = absl::DeadlineExceededError("slow");
  CHECK(Denial(d, r) ==
        "image acme/web is not pinned by digest and containerd did not resolve it within 500ms");
  resolver.answer = absl::NotFoundError("image \"docker.io/acme/web:latest\": not found");
  CHECK(Denial(d, r) ==
        "image acme/web is not pinned by digest and containerd could not resolve "
        "it: image \"docker.io/acme/web:latest\": not found");
}

class SwitchablePolicy : public PolicyView {
 public:
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return bundle; }
  std::shared_ptr<const manifest::PolicyBundle> bundle;
};

TEST_CASE("before the first bundle only the bootstrap allow-list admits", "[unit]") {
  SwitchablePolicy policy;
  Decider d(policy, TestBootstrap(), nullptr);
  CHECK(d.enforced_generation() == 0);
  ContainerRequest api = Request("shop", {{"app", "api"}}, "ghcr.io/acme/api@" + TestDigest(1));
  CHECK(Denial(d, api) ==
        "no identity in namespace shop selects pod shop/p-1 (labels: app=api; "
        "no verified policy bundle yet: bootstrap allow-list only)");
  CHECK(d.Decide(Request("kube-system", {{"k8s-app", "kube-dns"}},
                         "registry.k8s.io/coredns/coredns@" + TestDigest(9)))
            .ok());
  // A bundle arriving later is picked up by the next decision.
  policy.bundle = std::make_shared<const manifest::PolicyBundle>(TestBundle());
  CHECK(d.Decide(api).ok());
  CHECK(d.enforced_generation() == 7);
}

}  // namespace
}  // namespace c8s::admission
