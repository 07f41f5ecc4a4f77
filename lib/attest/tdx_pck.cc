// Chain validation uses OpenSSL's X509_STORE with exactly one kind of anchor (pinned roots);
// certificates a quote carries are only ever untrusted intermediates.
#include "lib/attest/tdx_pck.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "lib/attest/intel_roots.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

using crypto::OpenSslError;

std::string Subject(X509* cert) {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf));
  return buf;
}

VerifyErrorKind KindOfX509Error(int err) {
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return VerifyErrorKind::kExpired;
    case X509_V_ERR_CERT_REVOKED:
      return VerifyErrorKind::kRevoked;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
      return VerifyErrorKind::kCollateral;
    default:
      return VerifyErrorKind::kChain;
  }
}

}  // namespace

absl::StatusOr<CertChain> ParsePemChain(std::string_view pem) {
  while (!pem.empty() && (pem.back() == '\0' || pem.back() == '\n')) pem.remove_suffix(1);
  CertChain chain;
  if (!pem.empty() && static_cast<uint8_t>(pem[0]) == 0x30) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(pem.data());
    crypto::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(pem.size())));
    if (!cert) {
      return VerifyError(VerifyErrorKind::kCertificate,
                         StatusText(OpenSslError("DER certificate")));
    }
    chain.push_back(std::move(cert));
    return chain;
  }
  crypto::BioPtr bio = crypto::ReadOnlyBio(AsBytes(pem));
  while (true) {
    crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    chain.push_back(std::move(cert));
  }
  unsigned long err = ERR_peek_last_error();
  bool clean_end = ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  crypto::ClearOpenSslErrors();
  if (chain.empty() || !clean_end) {
    return VerifyError(VerifyErrorKind::kCertificate,
                       StrCat("certificate chain: ", chain.size(),
                              " certificates parsed, then an undecodable PEM block"));
  }
  return chain;
}

absl::StatusOr<std::vector<crypto::X509CrlPtr>> ParseCrl(ByteSpan data) {
  std::vector<crypto::X509CrlPtr> out;
  if (!data.empty() && data[0] == 0x30) {
    const unsigned char* p = data.data();
    crypto::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
    if (crl) out.push_back(std::move(crl));
  } else {
    crypto::BioPtr bio = crypto::ReadOnlyBio(data);
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
      out.emplace_back(crl);
    }
  }
  crypto::ClearOpenSslErrors();
  if (out.empty()) return VerifyError(VerifyErrorKind::kCollateral, "crl: not a DER or PEM CRL");
  return out;
}

absl::StatusOr<TrustAnchors> MakeTrustAnchors(const std::vector<std::string>& extra_roots_pem) {
  TrustAnchors anchors;
  ASSIGN_OR_RETURN(CertChain intel, ParsePemChain(IntelSgxRootCaPem()));
  anchors.roots.push_back(std::move(intel.front()));
  for (const std::string& pem : extra_roots_pem) {
    ASSIGN_OR_RETURN(CertChain extra, ParsePemChain(pem));
    for (auto& c : extra) anchors.roots.push_back(std::move(c));
  }
  return anchors;
}

absl::StatusOr<ChainResult> VerifyIntelChain(const CertChain& chain, const TrustAnchors& anchors,
                                             absl::Time now, const std::vector<X509_CRL*>& crls) {
  if (chain.empty()) return VerifyError(VerifyErrorKind::kCertificate, "empty certificate chain");
  crypto::X509StorePtr store(X509_STORE_new());
  for (const auto& root : anchors.roots) X509_STORE_add_cert(store.get(), root.get());
  for (X509_CRL* crl : crls) X509_STORE_add_crl(store.get(), crl);
  crypto::X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(untrusted.get(), chain[i].get());
  }
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get())) {
    return OpenSslError("X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(now));
  if (!crls.empty()) {
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* bad = X509_STORE_CTX_get_current_cert(ctx.get());
    crypto::ClearOpenSslErrors();
    return VerifyError(KindOfX509Error(err),
                       StrCat("certificate chain: ", X509_verify_cert_error_string(err),
                              " at depth ", depth, " (", bad ? Subject(bad) : "?", ")"));
  }
  STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx.get());
  X509* anchor = sk_X509_value(path, sk_X509_num(path) - 1);
  // Every certificate supplied must be on the verified path: a modified copy of the root or an
  // unused extra certificate means the chain is not what the vendor issued.
  for (size_t i = 0; i < chain.size(); ++i) {
    bool on_path = false;
    for (int j = 0; j < sk_X509_num(path); ++j) {
      if (X509_cmp(chain[i].get(), sk_X509_value(path, j)) == 0) on_path = true;
    }
    if (!on_path) {
      return VerifyError(VerifyErrorKind::kChain,
                         StrCat("certificate chain: certificate ", i, " (", Subject(chain[i].get()),
                                ") is not on the path to the pinned root"));
    }
  }
  ChainResult result;
  result.anchor = anchor;
  result.intel_root = X509_cmp(anchor, anchors.roots.front().get()) == 0;
  return result;
}

absl::StatusOr<crypto::EvpPkeyPtr> P256KeyFromRaw(ByteSpan xy) {
  if (xy.size() != 64) {
    return VerifyError(VerifyErrorKind::kParse, StrCat("P-256 key: ", xy.size(), " bytes"));
  }
  Bytes point = {0x04};
  Append(point, xy);
  crypto::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
            EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  crypto::EvpPkeyPtr out(key);
  // fromdata does not check that the point is on the curve; a public-key check does.
  crypto::EvpPkeyCtxPtr check(ok ? EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr) : nullptr);
  if (!ok || !check || EVP_PKEY_public_check(check.get()) != 1) {
    crypto::ClearOpenSslErrors();
    return VerifyError(VerifyErrorKind::kSignature, "attestation key is not a P-256 point");
  }
  return out;
}

absl::Status VerifyP256RawSignature(EVP_PKEY* key, ByteSpan msg, ByteSpan sig) {
  if (sig.size() != 64) {
    return VerifyError(VerifyErrorKind::kParse, StrCat("signature: ", sig.size(), " bytes"));
  }
  crypto::EcdsaSigPtr s(ECDSA_SIG_new());
  ECDSA_SIG_set0(s.get(), BN_bin2bn(sig.data(), 32, nullptr),
                 BN_bin2bn(sig.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(s.get(), &der);
  crypto::EvpMdCtxPtr md(EVP_MD_CTX_new());
  int rc = der_len > 0 && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) == 1
               ? EVP_DigestVerify(md.get(), der, der_len, msg.data(), msg.size())
               : -1;
  OPENSSL_free(der);
  crypto::ClearOpenSslErrors();
  if (rc != 1) return VerifyError(VerifyErrorKind::kSignature, "ECDSA P-256 signature invalid");
  return absl::OkStatus();
}

}  // namespace c8s::attest
