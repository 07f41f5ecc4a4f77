// Stateless challenges for node join (ARCHITECTURE.md §3.3): any replica holding the seed can
// check a token it did not issue; nothing is stored per challenge except a bounded set of
// tokens already spent (so that one piece of evidence yields one certificate).
//
//   ChallengeIssuer issuer(seed, clock);
//   Challenge c = issuer.Issue();                    // token bytes + expiry
//   RETURN_IF_ERROR(issuer.Check(c.token));          // "challenge expired at ..." etc.
//   RETURN_IF_ERROR(issuer.Consume(c.token));        // once; a second use is refused
//
// Token layout (73 bytes): version 0x01 || nonce (32) || expiry unix seconds (8, big endian)
// || HMAC-SHA256(key, version || nonce || expiry) (32), key = HKDF(seed, "c8s/challenge/v1").
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/base/clock.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {

inline constexpr size_t kChallengeSize = 73;

struct Challenge {
  Bytes token;
  absl::Time expires;
};

class ChallengeIssuer {
 public:
  static absl::StatusOr<ChallengeIssuer> Create(ByteSpan seed, const Clock& clock,
                                                absl::Duration ttl = absl::Seconds(60),
                                                size_t max_spent = 1 << 20);
  ChallengeIssuer(ChallengeIssuer&& other) noexcept;

  Challenge Issue() const;
  // Format, MAC and expiry; each failure names the check ("challenge MAC mismatch: not issued
  // by this cluster"). Does not consume.
  absl::Status Check(ByteSpan token) const;
  // Check + marks the token spent until it expires; a second Consume is refused with
  // "challenge already used". Refuses when the spent set is full rather than forgetting.
  absl::Status Consume(ByteSpan token);
  size_t spent_count() const;

 private:
  ChallengeIssuer(ByteSpan key, const Clock& clock, absl::Duration ttl, size_t max_spent)
      : mac_key_(key), clock_(&clock), ttl_(ttl), max_spent_(max_spent) {}
  absl::StatusOr<int64_t> CheckAndExpiry(ByteSpan token) const;
  void PruneLocked(int64_t now_unix);

  crypto::HmacSha256Key mac_key_;
  const Clock* clock_;
  absl::Duration ttl_;
  size_t max_spent_;
  mutable std::mutex mu_;
  std::multimap<int64_t, std::string> spent_by_expiry_;
  std::map<std::string, int64_t> spent_;
};

}  // namespace c8s::cds
