#include "cds/challenge.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

constexpr uint8_t kVersion = 0x01;
constexpr size_t kNonce = 32;
constexpr size_t kSigned = 1 + kNonce + 8;

bool ConstantTimeEqual(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

}  // namespace

absl::StatusOr<ChallengeIssuer> ChallengeIssuer::Create(ByteSpan seed, const Clock& clock,
                                                        absl::Duration ttl, size_t max_spent) {
  if (seed.size() < 32) return absl::InvalidArgumentError("challenge: seed shorter than 32 bytes");
  ASSIGN_OR_RETURN(
      Bytes key, crypto::HkdfSha256(seed, AsBytes("c8s/seed/v1"), AsBytes("c8s/challenge/v1"), 32));
  return ChallengeIssuer(key, clock, ttl, max_spent);
}

ChallengeIssuer::ChallengeIssuer(ChallengeIssuer&& o) noexcept
    : mac_key_(std::move(o.mac_key_)), clock_(o.clock_), ttl_(o.ttl_), max_spent_(o.max_spent_) {
  std::lock_guard lock(o.mu_);
  spent_by_expiry_ = std::move(o.spent_by_expiry_);
  spent_ = std::move(o.spent_);
}

Challenge ChallengeIssuer::Issue() const {
  absl::Time expires = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_->Now() + ttl_));
  int64_t exp = absl::ToUnixSeconds(expires);
  Bytes token;
  token.reserve(kChallengeSize);
  token.push_back(kVersion);
  Append(token, crypto::RandomBytes(kNonce));
  for (int i = 7; i >= 0; --i) token.push_back(static_cast<uint8_t>(exp >> (8 * i)));
  Append(token, mac_key_.Mac(token));
  return {std::move(token), expires};
}

absl::StatusOr<int64_t> ChallengeIssuer::CheckAndExpiry(ByteSpan token) const {
  if (token.size() != kChallengeSize) {
    return absl::InvalidArgumentError(
        StrCat("challenge malformed: ", token.size(), " bytes, want ", kChallengeSize));
  }
  if (token[0] != kVersion) {
    return absl::InvalidArgumentError(
        StrCat("challenge malformed: version ", static_cast<int>(token[0]), ", want 1"));
  }
  Bytes mac = mac_key_.Mac(token.subspan(0, kSigned));
  if (!ConstantTimeEqual(mac, token.subspan(kSigned))) {
    return absl::PermissionDeniedError("challenge MAC mismatch: not issued by this cluster");
  }
  int64_t exp = 0;
  for (size_t i = 0; i < 8; ++i) exp = (exp << 8) | token[1 + kNonce + i];
  absl::Time now = clock_->Now();
  if (now >= absl::FromUnixSeconds(exp)) {
    return absl::DeadlineExceededError(StrCat("challenge expired at ",
                                              FormatRfc3339(absl::FromUnixSeconds(exp)), ", now ",
                                              FormatRfc3339(now)));
  }
  return exp;
}

absl::Status ChallengeIssuer::Check(ByteSpan token) const { return CheckAndExpiry(token).status(); }

void ChallengeIssuer::PruneLocked(int64_t now_unix) {
  while (!spent_by_expiry_.empty() && spent_by_expiry_.begin()->first <= now_unix) {
    spent_.erase(spent_by_expiry_.begin()->second);
    spent_by_expiry_.erase(spent_by_expiry_.begin());
  }
}

absl::Status ChallengeIssuer::Consume(ByteSpan token) {
  ASSIGN_OR_RETURN(int64_t exp, CheckAndExpiry(token));
  std::string key(token.begin(), token.end());
  std::lock_guard lock(mu_);
  PruneLocked(absl::ToUnixSeconds(clock_->Now()));
  if (spent_.count(key) != 0) {
    return absl::AlreadyExistsError("challenge already used: evidence replayed");
  }
  if (spent_.size() >= max_spent_) {
    return absl::ResourceExhaustedError(
        StrCat("challenge: ", spent_.size(), " unexpired challenges spent, limit reached"));
  }
  spent_.emplace(key, exp);
  spent_by_expiry_.emplace(exp, std::move(key));
  return absl::OkStatus();
}

size_t ChallengeIssuer::spent_count() const {
  std::lock_guard lock(mu_);
  return spent_.size();
}

}  // namespace c8s::cds
