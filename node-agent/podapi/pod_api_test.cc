#include "node-agent/podapi/pod_api.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/report_data.h"
#include "lib/crypto/hash.h"

namespace c8s::podapi {
namespace {

// Echoes the report data so that the binding can be checked without hardware.
class EchoEvidence : public attest::EvidenceProvider {
 public:
  absl::StatusOr<attest::Evidence> GetEvidence(const attest::ReportData& rd) override {
    return attest::Evidence{attest::Platform::kSimulatedSevSnp, attest::ToBytes(rd), {}, {}};
  }
  std::string_view Name() const override { return "echo"; }
};

class RecordingSecrets : public SecretSource {
 public:
  absl::StatusOr<SecretValue> Release(const admission::Admission& caller,
                                      std::string_view ref) override {
    last_ref = std::string(ref);
    last_identity = caller.identity;
    if (ref == "shop/forbidden") return absl::PermissionDeniedError("not in releaseTo");
    return SecretValue{ToBytes("s3cret"), 2};
  }
  std::string last_ref, last_identity;
};

Caller ApiCaller() {
  Caller c;
  c.admission.pod_namespace = "shop";
  c.admission.pod_name = "api-0";
  c.admission.pod_uid = "uid-1";
  c.admission.identity = "shop/api";
  c.admission.image_digest = "sha256:" + std::string(64, '1');
  return c;
}

TEST_CASE("pod evidence binds the caller's digest and pod to the role hash", "[unit]") {
  EchoEvidence ev;
  RecordingSecrets secrets;
  Metrics metrics;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  PodApi api(&ev, &secrets, &metrics, clock, {3, 1});
  Bytes role = crypto::Sha256(AsBytes("role"));
  auto got = api.GetEvidence(ApiCaller(), role);
  REQUIRE(got.ok());
  CHECK(got->pod_ref == "shop/api-0");
  CHECK(got->image_digest == "sha256:" + std::string(64, '1'));
  CHECK(got->evidence.report ==
        attest::ToBytes(attest::PodReportDataFromHash(got->image_digest, "shop/api-0", role)));
  CHECK(api.GetEvidence(ApiCaller(), Bytes(31)).status().message() ==
        "role_binding_hash: 31 bytes, want 32 (SHA-256)");
  // Rate limit: burst 3 (one spent above), then 1 per second.
  CHECK(api.GetEvidence(ApiCaller(), role).ok());
  CHECK(api.GetEvidence(ApiCaller(), role).ok());
  CHECK(api.GetEvidence(ApiCaller(), role).status().code() == absl::StatusCode::kResourceExhausted);
  clock.Advance(absl::Seconds(1));
  CHECK(api.GetEvidence(ApiCaller(), role).ok());
  Caller other = ApiCaller();
  other.admission.pod_uid = "uid-2";
  CHECK(api.GetEvidence(other, role).ok());  // buckets are per pod
}

TEST_CASE("pod secrets by name", "[unit]") {
  EchoEvidence ev;
  RecordingSecrets secrets;
  Metrics metrics;
  PodApi api(&ev, &secrets, &metrics, Clock::Real());
  auto v = api.GetSecret(ApiCaller(), "db-password");
  REQUIRE(v.ok());
  CHECK(secrets.last_ref == "shop/db-password");
  CHECK(secrets.last_identity == "shop/api");
  CHECK(v->version == 2);
  CHECK(api.GetSecret(ApiCaller(), "shared/tls").ok());
  CHECK(secrets.last_ref == "shared/tls");
  CHECK(api.GetSecret(ApiCaller(), "forbidden").status().message() == "not in releaseTo");
  CHECK(api.GetSecret(ApiCaller(), "../etc").status().message() ==
        "secret name \"../etc\": want \"name\" or \"namespace/name\"");
  CHECK(api.GetSecret(ApiCaller(), "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(api.GetSecret(ApiCaller(), "a/b/c").status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace c8s::podapi
