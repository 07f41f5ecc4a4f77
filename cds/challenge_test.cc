#include "cds/challenge.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

TEST_CASE("challenges: any issuer with the seed accepts, expiry and MAC are enforced", "[unit]") {
  FakeClock clock(absl::FromUnixSeconds(1'790'000'000));
  Bytes seed = crypto::RandomBytes(32);
  auto a = ChallengeIssuer::Create(seed, clock);
  auto replica = ChallengeIssuer::Create(seed, clock);
  auto foreign = ChallengeIssuer::Create(crypto::RandomBytes(32), clock);
  REQUIRE((a.ok() && replica.ok() && foreign.ok()));
  Challenge c = a->Issue();
  REQUIRE(c.token.size() == kChallengeSize);
  CHECK(c.expires == clock.Now() + absl::Seconds(60));
  CHECK(a->Check(c.token).ok());
  CHECK(replica->Check(c.token).ok());  // stateless: another replica checks it
  CHECK(Msg(foreign->Check(c.token)) == "challenge MAC mismatch: not issued by this cluster");

  Bytes tampered = c.token;
  tampered[40] ^= 1;  // the expiry: extending it breaks the MAC
  CHECK(Msg(a->Check(tampered)) == "challenge MAC mismatch: not issued by this cluster");
  CHECK(Msg(a->Check(Bytes(72))) == "challenge malformed: 72 bytes, want 73");
  Bytes v2 = c.token;
  v2[0] = 2;
  CHECK(Msg(a->Check(v2)) == "challenge malformed: version 2, want 1");

  clock.Advance(absl::Seconds(59));
  CHECK(a->Check(c.token).ok());
  clock.Advance(absl::Seconds(1));
  CHECK(Msg(a->Check(c.token)) ==
        "challenge expired at 2026-09-21T14:14:20Z, now 2026-09-21T14:14:20Z");
}

TEST_CASE("challenges: a token is consumed once, spent tokens are forgotten after expiry",
          "[unit]") {
  FakeClock clock(absl::FromUnixSeconds(1'790'000'000));
  auto a = ChallengeIssuer::Create(crypto::RandomBytes(32), clock, absl::Seconds(60), 2);
  REQUIRE(a.ok());
  Challenge c1 = a->Issue(), c2 = a->Issue(), c3 = a->Issue();
  CHECK(a->Consume(c1.token).ok());
  CHECK(Msg(a->Consume(c1.token)) == "challenge already used: evidence replayed");
  CHECK(a->Consume(c2.token).ok());
  CHECK(Msg(a->Consume(c3.token)) == "challenge: 2 unexpired challenges spent, limit reached");
  CHECK(a->spent_count() == 2);
  clock.Advance(absl::Seconds(61));
  Challenge c4 = a->Issue();
  CHECK(a->Consume(c4.token).ok());
  CHECK(a->spent_count() == 1);
  CHECK(a->Consume(c1.token).code() == absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace c8s::cds
