// Differential fuzzing of lib/crypto/p384 against OpenSSL: on any key, digest and signature
// both must give the same answer, and neither may crash.
//   byte 0 even: 04||X||Y (97) | digest (48) | r (48) | s (48), taken as they are;
//   byte 0 odd:  private scalar (48) | digest (48) | bit to flip (2): OpenSSL signs, one bit
//                of digest||r||s is flipped (or none), and both verify.
#include <cstdlib>
#include <cstring>

#include "lib/crypto/p384.h"
#include "lib/crypto/p384_reference_testing.h"

namespace {

using c8s::Bytes;
using c8s::ByteSpan;
using c8s::crypto::P384VerifyingKey;
namespace ref = c8s::crypto::p384_reference;

int Ours(ByteSpan point, ByteSpan digest, ByteSpan r, ByteSpan s) {
  auto key = P384VerifyingKey::FromUncompressedPoint(point);
  if (!key.ok()) return -1;
  return key->VerifyDigest(digest, r, s).ok() ? 1 : 0;
}

void Compare(ByteSpan point, ByteSpan digest, ByteSpan r, ByteSpan s) {
  int ours = Ours(point, digest, r, s), theirs = ref::Verify(point, digest, r, s);
  if (ours != theirs) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  ByteSpan in(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    if (in.size() < 97 + 48 + 48 + 48) return 0;
    Compare(in.first(97), in.subspan(97, 48), in.subspan(145, 48), in.subspan(193, 48));
    return 0;
  }
  if (in.size() < 48 + 48 + 2) return 0;
  Bytes d(in.begin(), in.begin() + 48);
  Bytes point = ref::PointOf(d);
  if (point.empty()) return 0;  // d = 0 or d >= n: not a private key
  Bytes digest(in.begin() + 48, in.begin() + 96);
  auto [r, s] = ref::Sign(d, digest);
  if (r.empty()) return 0;
  Bytes all = digest;
  all.insert(all.end(), r.begin(), r.end());
  all.insert(all.end(), s.begin(), s.end());
  size_t bit = (static_cast<size_t>(in[96]) << 8 | in[97]) % (all.size() * 8 + 1);
  if (bit < all.size() * 8) all[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  ByteSpan v(all);
  Compare(point, v.first(48), v.subspan(48, 48), v.subspan(96, 48));
  return 0;
}
