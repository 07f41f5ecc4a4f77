// Token buckets for the calls that cost the CDS a P-384 verify or more (Challenge,
// IssueNode): one global bucket and one per caller address (bounded map, idle buckets are
// dropped), so that one noisy peer cannot starve the others.
//
//   RateLimiter limiter({.rate = 400, .burst = 800, .per_peer_rate = 20, .per_peer_burst = 100},
//                       clock);
//   RETURN_IF_ERROR(limiter.Admit("IssueNode", peer_address));  // ResourceExhausted "rate limit:
//   ..."
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/base/clock.h"

namespace c8s::cds {

struct RateLimit {
  double rate = 0;   // tokens per second; 0 = unlimited
  double burst = 0;  // bucket size
  double per_peer_rate = 0;
  double per_peer_burst = 0;
  size_t max_peers = 65536;
};

class RateLimiter {
 public:
  RateLimiter(RateLimit limit, const Clock& clock) : limit_(limit), clock_(clock) {}
  // Takes one token from the global and the peer's bucket, or neither.
  absl::Status Admit(std::string_view what, std::string_view peer);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  static bool Take(Bucket& b, double rate, double burst, absl::Time now, bool commit);

  RateLimit limit_;
  const Clock& clock_;
  std::mutex mu_;
  Bucket global_{-1, absl::InfinitePast()};
  std::map<std::string, Bucket, std::less<>> peers_;
};

// "ipv4:10.0.0.7:51234" / "ipv6:[::1]:5000" -> the address without the port.
std::string PeerAddress(std::string_view grpc_peer);

}  // namespace c8s::cds
