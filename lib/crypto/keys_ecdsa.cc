// ECDSA signature encodings: DER (X.509, TLS, our own signatures) and raw r||s (SEV-SNP
// reports, TDX quotes, JOSE).
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto {

absl::StatusOr<Bytes> EcdsaDerToRaw(ByteSpan der, size_t width) {
  if (width == 0 || width > 66) {
    return absl::InvalidArgumentError(StrCat("ECDSA raw width ", width, " out of range"));
  }
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return OpenSslError("parse DER ECDSA signature");
  if (p != der.data() + der.size()) {
    return absl::InvalidArgumentError("DER ECDSA signature: trailing bytes");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (static_cast<size_t>(BN_num_bytes(r)) > width ||
      static_cast<size_t>(BN_num_bytes(s)) > width) {
    return absl::InvalidArgumentError(
        StrCat("DER ECDSA signature: r or s longer than ", width, " bytes"));
  }
  Bytes raw(2 * width);
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(width)) < 0 ||
      BN_bn2binpad(s, raw.data() + width, static_cast<int>(width)) < 0) {
    return OpenSslError("ECDSA r||s encoding");
  }
  return raw;
}

absl::StatusOr<Bytes> EcdsaRawToDer(ByteSpan raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 132) {
    return absl::InvalidArgumentError(
        StrCat("raw ECDSA signature: got ", raw.size(), " bytes, want an even length <= 132"));
  }
  size_t width = raw.size() / 2;
  BignumPtr r(BN_bin2bn(raw.data(), static_cast<int>(width), nullptr));
  BignumPtr s(BN_bin2bn(raw.data() + width, static_cast<int>(width), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OpenSslError("ECDSA signature from r||s");
  }
  (void)r.release();  // owned by sig now
  (void)s.release();
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) return OpenSslError("encode DER ECDSA signature");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace c8s::crypto
