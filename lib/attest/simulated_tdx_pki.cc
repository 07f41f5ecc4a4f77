// The simulated PKI mirrors Intel's: Root CA -> PCK Platform CA -> PCK certificate (with the
// SGX extensions of the Intel SGX PCK Certificate Profile), and Root CA -> TCB Signing.
#include "lib/attest/simulated_tdx_pki.h"

#include <openssl/core_names.h>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::attest {
namespace {

using crypto::OpenSslError;

// Validity of every simulated certificate: 2024-01-01 .. 2049-12-31.
constexpr time_t kNotBefore = 1704067200;
constexpr time_t kNotAfter = 2524607999;

// A P-256 key whose scalar is SHA-256 of a fixed label: reproducible simulated identities.
absl::StatusOr<crypto::EvpPkeyPtr> DerivedKey(std::string_view label) {
  Bytes seed = crypto::Sha256(AsBytes(StrCat("c8s/simulated-tdx/", label)));
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  crypto::BignumPtr priv(BN_bin2bn(seed.data(), 32, nullptr));
  EC_POINT* pub = EC_POINT_new(group);
  Bytes pub_oct(65);
  bool ok = EC_POINT_mul(group, pub, priv.get(), nullptr, nullptr, nullptr) == 1 &&
            EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, pub_oct.data(), 65,
                               nullptr) == 65;
  EC_POINT_free(pub);
  EC_GROUP_free(group);
  if (!ok) return OpenSslError("simulated key");
  crypto::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get());
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_oct.data(), 65);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  ok = EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
       EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return OpenSslError("simulated key");
  return crypto::EvpPkeyPtr(key);
}

// Minimal DER encoding for the SGX extension.
Bytes Tlv(uint8_t tag, ByteSpan content) {
  Bytes out = {tag};
  size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  Append(out, content);
  return out;
}
Bytes SgxOid(std::initializer_list<uint8_t> tail) {
  Bytes oid = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};  // 1.2.840.113741.1.13.1
  oid.insert(oid.end(), tail);
  return Tlv(0x06, oid);
}
Bytes DerInt(unsigned v) {
  Bytes c;
  if (v > 0xff || (v & 0x80)) c.push_back(static_cast<uint8_t>(v >> 8));
  c.push_back(static_cast<uint8_t>(v));
  if (v > 0xff && (c[0] & 0x80)) c.insert(c.begin(), 0);
  return Tlv(0x02, c);
}
Bytes Entry(Bytes oid, const Bytes& value) {
  Append(oid, value);
  return Tlv(0x30, oid);
}

Bytes SgxExtension(const PckExtensions& e) {
  Bytes tcb;
  for (uint8_t i = 1; i <= 16; ++i)
    Append(tcb, Entry(SgxOid({2, i}), DerInt(e.sgx_tcb_comp[i - 1])));
  Append(tcb, Entry(SgxOid({2, 17}), DerInt(e.pcesvn)));
  Append(tcb, Entry(SgxOid({2, 18}), Tlv(0x04, e.cpusvn)));
  Bytes all = Entry(SgxOid({1}), Tlv(0x04, e.ppid));
  Append(all, Entry(SgxOid({2}), Tlv(0x30, tcb)));
  Append(all, Entry(SgxOid({3}), Tlv(0x04, e.pceid)));
  Append(all, Entry(SgxOid({4}), Tlv(0x04, e.fmspc)));
  Append(all, Entry(SgxOid({5}), Tlv(0x0a, Bytes{0})));
  return Tlv(0x30, all);
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

absl::StatusOr<crypto::X509Ptr> MakeCert(const char* cn, long serial, EVP_PKEY* subject_key,
                                         X509* issuer, EVP_PKEY* issuer_key, bool ca,
                                         const Bytes* sgx_ext) {
  crypto::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const uint8_t*>(cn), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const uint8_t*>("c8s simulated TEE"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), kNotBefore);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), kNotAfter);
  X509_set_pubkey(cert.get(), subject_key);
  X509* signer = issuer ? issuer : cert.get();
  AddExt(cert.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(cert.get(), signer, NID_key_usage,
         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  AddExt(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) AddExt(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (sgx_ext) {
    crypto::Asn1ObjectPtr obj(OBJ_txt2obj("1.2.840.113741.1.13.1", 1));
    crypto::Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(data.get(), sgx_ext->data(), static_cast<int>(sgx_ext->size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data.get());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return OpenSslError("sign cert");
  return cert;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SimulatedTdx::Pki>> MakeSimulatedTdxPki() {
  auto p = std::make_unique<SimulatedTdx::Pki>();
  ASSIGN_OR_RETURN(p->root_key, DerivedKey("root-ca"));
  ASSIGN_OR_RETURN(p->pck_ca_key, DerivedKey("pck-platform-ca"));
  ASSIGN_OR_RETURN(p->pck_key, DerivedKey("pck"));
  ASSIGN_OR_RETURN(p->tcb_key, DerivedKey("tcb-signing"));
  ASSIGN_OR_RETURN(p->att_key, DerivedKey("attestation-key"));
  p->qe_mrsigner = crypto::Sha256(AsBytes("c8s/simulated-tdx/qe-mrsigner"));
  PckExtensions& e = p->ext;
  e.ppid = Bytes(16, 0x99);
  for (int i = 0; i < 16; ++i) e.sgx_tcb_comp[i] = i < 8 ? 3 : 0;
  e.pcesvn = 13;
  e.cpusvn = Bytes(16, 0x03);
  e.pceid = {0, 0};
  e.fmspc = HexDecode(kSimulatedTdxFmspc).value();
  const Bytes ext = SgxExtension(e);
  ASSIGN_OR_RETURN(p->root, MakeCert("c8s Simulated SGX Root CA", 1, p->root_key.get(), nullptr,
                                     p->root_key.get(), true, nullptr));
  ASSIGN_OR_RETURN(p->pck_ca, MakeCert("c8s Simulated SGX PCK Platform CA", 2, p->pck_ca_key.get(),
                                       p->root.get(), p->root_key.get(), true, nullptr));
  ASSIGN_OR_RETURN(p->pck, MakeCert("c8s Simulated SGX PCK Certificate", 3, p->pck_key.get(),
                                    p->pck_ca.get(), p->pck_ca_key.get(), false, &ext));
  ASSIGN_OR_RETURN(p->tcb_signing, MakeCert("c8s Simulated SGX TCB Signing", 4, p->tcb_key.get(),
                                            p->root.get(), p->root_key.get(), false, nullptr));
  return p;
}

absl::StatusOr<Bytes> SignP256Raw(EVP_PKEY* key, ByteSpan msg) {
  crypto::EvpMdCtxPtr md(EVP_MD_CTX_new());
  size_t len = 0;
  if (EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, msg.data(), msg.size()) != 1) {
    return OpenSslError("sign");
  }
  Bytes der(len);
  if (EVP_DigestSign(md.get(), der.data(), &len, msg.data(), msg.size()) != 1) {
    return OpenSslError("sign");
  }
  const unsigned char* p = der.data();
  crypto::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  Bytes raw(64);
  if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + 32, 32) != 32) {
    return OpenSslError("signature encoding");
  }
  return raw;
}

absl::StatusOr<Bytes> MakeSimulatedCrl(X509* issuer, EVP_PKEY* key, absl::Time this_update,
                                       absl::Time next_update, const ASN1_INTEGER* revoked) {
  crypto::X509CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  crypto::Asn1TimePtr t1(ASN1_TIME_set(nullptr, absl::ToTimeT(this_update)));
  crypto::Asn1TimePtr t2(ASN1_TIME_set(nullptr, absl::ToTimeT(next_update)));
  X509_CRL_set1_lastUpdate(crl.get(), t1.get());
  X509_CRL_set1_nextUpdate(crl.get(), t2.get());
  if (revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, const_cast<ASN1_INTEGER*>(revoked));
    X509_REVOKED_set_revocationDate(r, t1.get());
    X509_CRL_add0_revoked(crl.get(), r);
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), key, EVP_sha256()) <= 0) return OpenSslError("sign crl");
  unsigned char* der = nullptr;
  int n = i2d_X509_CRL(crl.get(), &der);
  if (n <= 0) return OpenSslError("encode crl");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::string CertPem(X509* cert) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return ToString(crypto::BioContents(bio.get()));
}

}  // namespace c8s::attest
