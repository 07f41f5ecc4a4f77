// Shared by c8s-bench-node-join and c8s-bench-issue: a real c8s-cds process on loopback (its
// CPU time read from its own /metrics, which reports getrusage(RUSAGE_SELF)), a bench
// manifest with a simulated node policy, the claim, and the node agent's join as it runs in
// each agent process (fresh P-256 key, fresh challenge, simulated SEV-SNP evidence bound to
// both, real gRPC over TLS 1.3 with the CA pinned).
//
// Agent processes are forked, never exec'd: the parent never starts gRPC (so forking is
// safe), and a fork costs the machine far less than loading the gRPC libraries 1000 times.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/rate.h"
#include "lib/attest/simulated_snp.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/p384.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/model.h"

namespace c8s::bench {

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Path(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// A fresh P-384 key and its signature over 672 bytes (the signed part of an SNP report), for
// the same-run baselines: OpenSSL's verify (the machine yardstick of issue 4) and the one the
// CDS runs on every report (lib/crypto/p384, key tables built once as the chain cache does).
struct P384Sample {
  static P384Sample Make();
  bool VerifyOpenSsl() const { return pub.Verify(message, der_signature).ok(); }
  bool VerifyC8s() const {
    return key
        .VerifyDigest(crypto::Sha384(message), ByteSpan(raw_signature).first(48),
                      ByteSpan(raw_signature).last(48))
        .ok();
  }
  crypto::PublicKey pub;
  crypto::P384VerifyingKey key;
  Bytes message, der_signature, raw_signature;  // raw: r || s, 48 bytes each
};

struct CdsProcess {
  pid_t pid = -1;
  int grpc_port = 0;
  int http_port = 0;
  std::string dir;
};

// build/bin/c8s-cds beside this benchmark, with its state in `dir`.
absl::StatusOr<CdsProcess> StartCds(const std::string& dir, const std::string& simulated_root,
                                    const std::vector<std::string>& extra_args = {});
void StopCds(CdsProcess& cds);
// user + system seconds the CDS process has used (its /metrics process_cpu_seconds_total).
absl::StatusOr<double> CdsCpuSeconds(const CdsProcess& cds);
// The value of one series of its /metrics, named as printed (labels included).
absl::StatusOr<double> CdsMetric(const CdsProcess& cds, const std::string& series);

// Runs `body` in a forked child (after crypto::PrepareGrpcProcess, as c8s processes start) and
// returns its exit code (or -1 when it died by a signal).
pid_t Fork(const std::function<int()>& body);
int Wait(pid_t pid);

manifest::Manifest BenchManifest(const crypto::PublicKey& owner);
// Child body: claims the CDS with `manifest`, signed by `owner`; writes the CA PEM to
// `ca_out`. Returns 0 on success.
int ClaimBody(int grpc_port, const manifest::Manifest& manifest, const crypto::PrivateKey& owner,
              const std::string& ca_out);

// A c8s-cds in `dir` (simulated roots from `dir`/platform/ark.pem, `extra_args` appended)
// claimed with BenchManifest by a fresh owner key from a separate process, and its CA.
struct ClaimedCds {
  CdsProcess process;
  crypto::Certificate ca;
};
absl::StatusOr<ClaimedCds> StartClaimedCds(const std::string& dir,
                                           const std::vector<std::string>& extra_args);

struct NodeCredentials {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};
// One node join over a fresh TLS connection; in the calling (child) process.
absl::StatusOr<NodeCredentials> JoinNode(int grpc_port, const crypto::Certificate& ca,
                                         attest::SimulatedSnp& tee, const std::string& name);

// Issues `count` workload certificates for `identity` over `threads` mTLS connections that
// present `node`'s certificate, after `ready()` returned (the caller reads the CDS's CPU time
// there). CSRs come from a pre-made pool: their cost is the client's, not the CDS's. Returns
// the number of certificates issued.
// A fresh process's cheapest visit: a new TLS connection and one Identity.Challenge. Its CDS
// CPU is the floor under a join (which adds the IssueNode call and its verification).
absl::Status ConnectAndChallenge(int grpc_port, const crypto::Certificate& ca);

// What each call of IssueWorkloads' load is: an issuance, or (the same-run floor of any
// mTLS call to this CDS) an Identity.Challenge on the same connections.
enum class WorkloadCall { kIssue, kChallenge };
absl::StatusOr<int> IssueWorkloads(int grpc_port, const crypto::Certificate& ca,
                                   const NodeCredentials& node, const std::string& identity,
                                   int count, int threads, const std::function<void()>& ready,
                                   WorkloadCall call = WorkloadCall::kIssue);

}  // namespace c8s::bench
