// Test-only CdsClient: issues real certificates from a test CA (so keys, chains and lifetimes are
// real), can refuse with a given status, and streams bundles pushed by the test.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "lib/base/clock.h"
#include "node-agent/agent/cds_client.h"
#include "node-agent/agent/testing_for_test.h"

namespace c8s::agent::testing {

class FakeCds : public CdsClient {
 public:
  FakeCds(const TestCa& ca, const Clock& clock) : ca_(ca), clock_(clock) {}

  absl::StatusOr<CdsChallenge> Challenge() override {
    std::lock_guard lock(mu_);
    ++challenges;
    return CdsChallenge{ToBytes("challenge-" + std::to_string(challenges)), clock_.Now()};
  }
  absl::StatusOr<IssuedCertificate> IssueNode(const NodeJoinRequest& r) override {
    std::lock_guard lock(mu_);
    last_join = r;
    if (!refuse.ok()) return refuse;
    auto csr = crypto::CertificateRequest::FromDer(r.csr_der);
    if (!csr.ok()) return csr.status();
    auto cert = ca_.Issue(*csr, r.node_name, clock_.Now(), node_lifetime);
    if (!cert.ok()) return cert.status();
    ++nodes_issued;
    return IssuedCertificate{*cert, {ca_.cert()}, "Owner"};
  }
  absl::StatusOr<IssuedCertificate> IssueWorkload(const crypto::TlsIdentity& node, ByteSpan csr_der,
                                                  std::string_view identity,
                                                  std::string_view pod_ref) override {
    std::lock_guard lock(mu_);
    if (!refuse_workload.ok()) return refuse_workload;
    workload_calls.push_back(StrCat(identity, " ", pod_ref, " by ", node.chain[0].CommonName()));
    auto csr = crypto::CertificateRequest::FromDer(csr_der);
    if (!csr.ok()) return csr.status();
    auto cert = ca_.Issue(*csr, std::string(identity), clock_.Now(), workload_lifetime);
    if (!cert.ok()) return cert.status();
    return IssuedCertificate{*cert, {ca_.cert()}, ""};
  }
  absl::StatusOr<ReleasedSecret> ReleaseSecret(const crypto::TlsIdentity& workload,
                                               std::string_view ref) override {
    return ReleasedSecret{ToBytes(StrCat(ref, " for ", workload.chain[0].CommonName())), 1};
  }
  absl::Status WatchPolicy(const crypto::TlsIdentity&, uint64_t known,
                           const std::function<void(std::string)>& on_bundle,
                           WatchCancel* cancel) override {
    cancel->OnCancel([this] {
      std::lock_guard l(mu_);
      cv_.notify_all();
    });
    std::unique_lock lock(mu_);
    known_generations.push_back(known);
    ++watches;
    while (!cancel->cancelled()) {
      while (!bundles_.empty()) {
        std::string b = bundles_.front();
        bundles_.pop_front();
        lock.unlock();
        on_bundle(b);
        lock.lock();
      }
      if (end_stream_) {
        end_stream_ = false;
        lock.unlock();
        cancel->Reset();
        return absl::UnavailableError("stream ended by the test");
      }
      cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
    lock.unlock();
    cancel->Reset();
    return absl::CancelledError("cancelled");
  }

  void Push(std::string signed_json) {
    std::lock_guard lock(mu_);
    bundles_.push_back(std::move(signed_json));
    cv_.notify_all();
  }
  void EndStream() {
    std::lock_guard lock(mu_);
    end_stream_ = true;
    cv_.notify_all();
  }

  absl::Status refuse = absl::OkStatus();
  absl::Status refuse_workload = absl::OkStatus();
  absl::Duration node_lifetime = absl::Hours(24);
  absl::Duration workload_lifetime = absl::Hours(1);
  int challenges = 0, nodes_issued = 0, watches = 0;
  std::optional<NodeJoinRequest> last_join;
  std::vector<std::string> workload_calls;
  std::vector<uint64_t> known_generations;

 private:
  const TestCa& ca_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> bundles_;
  bool end_stream_ = false;
};

}  // namespace c8s::agent::testing
