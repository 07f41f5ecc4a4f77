// Fuzzes HPKE Open (base and auth, both AEADs) with fixed keys over input = enc || ciphertext:
// malformed, low-order and truncated inputs must fail cleanly, never crash.
#include <cstdlib>

#include "lib/crypto/hpke.h"

namespace {

using c8s::Bytes;
using c8s::ByteSpan;
namespace hpke = c8s::crypto::hpke;

struct Keys {
  hpke::KeyPair recipient = *hpke::DeriveKeyPair(c8s::AsBytes("c8s fuzz recipient"));
  hpke::KeyPair sender = *hpke::DeriveKeyPair(c8s::AsBytes("c8s fuzz sender"));
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Keys keys;
  if (size < 1) return 0;
  // The first byte picks the AEAD and mode, so one corpus covers all four combinations.
  const hpke::Suite suite{(data[0] & 1) ? hpke::Aead::kChaCha20Poly1305 : hpke::Aead::kAes128Gcm};
  const bool auth = (data[0] & 2) != 0;
  const ByteSpan input(data + 1, size - 1);
  const ByteSpan enc = input.first(input.size() < 32 ? input.size() : 32);
  const ByteSpan ciphertext = input.subspan(enc.size());
  const Bytes info = c8s::ToBytes("c8s/fuzz/v1");
  auto pt = auth ? hpke::OpenAuth(suite, keys.recipient.private_key, enc, info, {}, ciphertext,
                                  keys.sender.public_key)
                 : hpke::Open(suite, keys.recipient.private_key, enc, info, {}, ciphertext);
  // Only a genuine sealed message opens; its plaintext is exactly ciphertext minus the tag.
  if (pt.ok() && pt->size() + 16 != ciphertext.size()) std::abort();
  return 0;
}
