// The certificates c8s issues, encoded field by field here rather than assembled with
// OpenSSL's X509 setters. OpenSSL 3.0's builder duplicates names through an encode/decode
// round trip, parses extension config strings and re-encodes the whole certificate to sign
// it: ~200 us per certificate on this machine, more than the signature itself. The CDS
// issues a certificate per pod and per node, so this is its hot path. Everything placed in
// the certificate comes from IssueOptions and the subject key; the layout and the extension
// order are those the OpenSSL builder produced (docs/certificate-profile.md).
#include <arpa/inet.h>
#include <openssl/objects.h>

#include <mutex>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/der_writer.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs_internal.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto::internal {
namespace {

constexpr uint8_t kOidCommonName[] = {0x55, 0x04, 0x03};
constexpr uint8_t kOidOrganization[] = {0x55, 0x04, 0x0a};
constexpr uint8_t kOidBasicConstraints[] = {0x55, 0x1d, 0x13};
constexpr uint8_t kOidKeyUsage[] = {0x55, 0x1d, 0x0f};
constexpr uint8_t kOidExtKeyUsage[] = {0x55, 0x1d, 0x25};
constexpr uint8_t kOidSubjectKeyId[] = {0x55, 0x1d, 0x0e};
constexpr uint8_t kOidAuthorityKeyId[] = {0x55, 0x1d, 0x23};
constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};
constexpr uint8_t kOidServerAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
constexpr uint8_t kOidClientAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
constexpr uint8_t kOidEcdsaSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kOidEcdsaSha384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kOidEd25519[] = {0x2b, 0x65, 0x70};

// keyUsage BIT STRINGs (contents: unused-bit count, then the bits, bit 0 first).
constexpr uint8_t kKeyUsageLeaf[] = {0x07, 0x80};  // digitalSignature
constexpr uint8_t kKeyUsageCa[] = {0x01, 0x86};    // digitalSignature, keyCertSign, cRLSign

// SubjectPublicKeyInfo prefixes of the named-curve, uncompressed encodings (RFC 5480, 8410).
constexpr uint8_t kSpkiP384[] = {0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
                                 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
                                 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00, 0x04};
constexpr uint8_t kSpkiEd25519[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                    0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

// ub-common-name and ub-organization-name (RFC 5280 appendix A), in characters.
constexpr size_t kMaxNameChars = 64;

absl::StatusOr<ByteSpan> SignatureAlgorithmOid(const PrivateKey& signer) {
  switch (signer.type()) {
    case KeyType::kP256:
      return ByteSpan(kOidEcdsaSha256);
    case KeyType::kP384:
      return ByteSpan(kOidEcdsaSha384);
    case KeyType::kEd25519:
      return ByteSpan(kOidEd25519);
    default:
      return SigningDigest(signer).status();  // the one place that says which keys sign
  }
}

// AlgorithmIdentifier without parameters (RFC 5758 §3.2, RFC 8410 §3).
void AppendAlgorithm(DerWriter& w, ByteSpan oid) {
  size_t seq = w.Begin(kDerSequence);
  w.Tlv(kDerOid, oid);
  w.End(seq);
}

absl::Status CheckNameValue(std::string_view field, std::string_view value) {
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++chars) {
    int32_t cp = jcs_internal::DecodeUtf8(value, i);
    if (cp <= 0) {
      return absl::InvalidArgumentError(StrCat("subject ", field, "=",
                                               jcs_internal::QuoteForError(value),
                                               cp == 0 ? ": NUL character" : ": invalid UTF-8"));
    }
  }
  if (chars > kMaxNameChars) {
    return absl::InvalidArgumentError(StrCat("subject ", field, "=",
                                             jcs_internal::QuoteForError(value), ": ", chars,
                                             " characters, at most ", kMaxNameChars));
  }
  return absl::OkStatus();
}

// One attribute per RDN, O before CN, as UTF8String (OpenSSL's default string mask).
absl::StatusOr<Bytes> EncodeName(const Name& name) {
  DerWriter w;
  size_t seq = w.Begin(kDerSequence);
  auto add = [&](std::string_view field, ByteSpan oid, const std::string& value) -> absl::Status {
    if (value.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(CheckNameValue(field, value));
    size_t set = w.Begin(kDerSet);
    size_t attribute = w.Begin(kDerSequence);
    w.Tlv(kDerOid, oid);
    w.Tlv(kDerUtf8String, value);
    w.End(attribute);
    w.End(set);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(add("O", kOidOrganization, name.organization));
  RETURN_IF_ERROR(add("CN", kOidCommonName, name.common_name));
  w.End(seq);
  return w.Take();
}

absl::Status CheckIa5Name(std::string_view value) {
  if (value.empty() || value.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("SAN: empty or NUL-containing name");
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return absl::InvalidArgumentError(
          StrCat("SAN: ", jcs_internal::QuoteForError(value), " is not ASCII (IA5String)"));
    }
  }
  return absl::OkStatus();
}

// GeneralNames: dNSName [2], iPAddress [7], uniformResourceIdentifier [6] (RFC 5280 §4.2.1.6).
absl::StatusOr<Bytes> EncodeGeneralNames(const SubjectAltNames& sans) {
  DerWriter w;
  size_t seq = w.Begin(kDerSequence);
  for (const std::string& dns : sans.dns) {
    RETURN_IF_ERROR(CheckIa5Name(dns));
    w.Tlv(0x82, dns);
  }
  for (const std::string& ip : sans.ips) {
    uint8_t addr[16];
    if (inet_pton(AF_INET, ip.c_str(), addr) == 1) {
      w.Tlv(0x87, ByteSpan(addr, 4));
    } else if (inet_pton(AF_INET6, ip.c_str(), addr) == 1) {
      w.Tlv(0x87, ByteSpan(addr, 16));
    } else {
      return absl::InvalidArgumentError(StrCat("SAN: invalid IP address \"", ip, "\""));
    }
  }
  for (const std::string& uri : sans.uris) {
    RETURN_IF_ERROR(CheckIa5Name(uri));
    w.Tlv(0x86, uri);
  }
  w.End(seq);
  return w.Take();
}

absl::StatusOr<ByteSpan> SubjectPublicKeyBits(ByteSpan spki) {
  ByteSpan in = spki;
  ASSIGN_OR_RETURN(DerTlv seq, NextDerTlv(in, "subject public key"));
  ByteSpan body = seq.value;
  ASSIGN_OR_RETURN(DerTlv algorithm, NextDerTlv(body, "subject public key algorithm"));
  ASSIGN_OR_RETURN(DerTlv bits, NextDerTlv(body, "subject public key"));
  if (seq.tag != kDerSequence || algorithm.tag != kDerSequence || bits.tag != kDerBitString ||
      bits.value.empty() || bits.value[0] != 0 || !body.empty() || !in.empty()) {
    return absl::InvalidArgumentError("subject public key: not a SubjectPublicKeyInfo");
  }
  return bits.value.subspan(1);
}

void AppendExtension(DerWriter& w, ByteSpan oid, bool critical, ByteSpan value) {
  size_t ext = w.Begin(kDerSequence);
  w.Tlv(kDerOid, oid);
  if (critical) w.Boolean(true);
  w.Tlv(kDerOctetString, value);
  w.End(ext);
}

Bytes BasicConstraints(const IssueOptions& o) {
  DerWriter w;
  size_t seq = w.Begin(kDerSequence);
  if (o.is_ca) {
    w.Boolean(true);
    if (o.path_len) w.Integer(*o.path_len);
  }
  w.End(seq);  // CA:FALSE is the DEFAULT, so absent
  return w.Take();
}

Bytes ExtendedKeyUsage(const IssueOptions& o) {
  DerWriter w;
  size_t seq = w.Begin(kDerSequence);
  if (o.server_auth) w.Tlv(kDerOid, ByteSpan(kOidServerAuth));
  if (o.client_auth) w.Tlv(kDerOid, ByteSpan(kOidClientAuth));
  w.End(seq);
  return w.Take();
}

// 16 CSPRNG bytes with the top bit cleared and the next one set: a positive serial of
// exactly 16 octets (RFC 5280 §4.1.2.2 allows up to 20). The bytes come from a pool drawn
// 4 KiB at a time: a RAND_bytes call per certificate costs more than encoding it, and a
// serial only has to be unpredictable until its certificate is issued.
Bytes RandomSerial() {
  constexpr size_t kSerial = 16;
  static std::mutex mu;
  static Bytes* pool = new Bytes();
  static size_t used = 0;
  Bytes raw;
  {
    std::lock_guard lock(mu);
    if (used + kSerial > pool->size()) {
      *pool = RandomBytes(4096);
      used = 0;
    }
    raw.assign(pool->begin() + static_cast<std::ptrdiff_t>(used),
               pool->begin() + static_cast<std::ptrdiff_t>(used + kSerial));
    used += kSerial;
  }
  raw[0] = (raw[0] & 0x7f) | 0x40;
  return raw;
}

absl::Time WholeSeconds(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

}  // namespace

Bytes CanonicalSpki(const PublicKey& key, ByteSpan presented) {
  auto is = [&](ByteSpan prefix, size_t total) {
    return presented.size() == total && std::equal(prefix.begin(), prefix.end(), presented.begin());
  };
  if ((key.type() == KeyType::kP256 && is(kP256SpkiPrefix, kP256SpkiSize) &&
       presented[sizeof(kP256SpkiPrefix)] == 0x04) ||
      (key.type() == KeyType::kP384 && is(kSpkiP384, 120)) ||
      (key.type() == KeyType::kEd25519 && is(kSpkiEd25519, 44))) {
    return Bytes(presented.begin(), presented.end());
  }
  return key.SpkiDer();
}

absl::StatusOr<IssuerRef> IssuerRefOf(X509* ca) {
  IssuerRef ref;
  unsigned char* name = nullptr;
  int len = i2d_X509_NAME(X509_get_subject_name(ca), &name);
  ref.name_der = DerOf(len, name);
  if (ref.name_der.empty()) return OpenSslError("CA certificate subject");
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca); ski != nullptr) {
    const uint8_t* p = ASN1_STRING_get0_data(ski);
    ref.key_id.assign(p, p + ASN1_STRING_length(ski));
  } else {
    const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(ca);
    if (bits == nullptr) return OpenSslError("CA certificate public key");
    ref.key_id = Sha1KeyId(
        ByteSpan(ASN1_STRING_get0_data(bits), static_cast<size_t>(ASN1_STRING_length(bits))));
  }
  ClearOpenSslErrors();
  return ref;
}

absl::StatusOr<EncodedCertificate> EncodeCertificate(ByteSpan spki, const IssueOptions& o,
                                                     const IssuerRef* issuer,
                                                     const PrivateKey& signer) {
  ASSIGN_OR_RETURN(ByteSpan signature_oid, SignatureAlgorithmOid(signer));
  absl::Time not_before = WholeSeconds(o.not_before);
  absl::Time not_after = WholeSeconds(o.not_after);
  if (not_after <= not_before) {
    return absl::InvalidArgumentError(StrCat("validity: not_after ", absl::FormatTime(o.not_after),
                                             " is not after not_before ",
                                             absl::FormatTime(o.not_before)));
  }
  if (absl::ToCivilYear(not_after, absl::UTCTimeZone()).year() > 9999 ||
      absl::ToCivilYear(not_before, absl::UTCTimeZone()).year() < 0) {
    return absl::InvalidArgumentError("validity: outside the years 0000-9999 X.509 can express");
  }
  ASSIGN_OR_RETURN(Bytes subject, EncodeName(o.subject));
  ASSIGN_OR_RETURN(ByteSpan key_bits, SubjectPublicKeyBits(spki));
  Bytes key_id = Sha1KeyId(key_bits);
  ByteSpan issuer_name = issuer != nullptr ? ByteSpan(issuer->name_der) : ByteSpan(subject);
  ByteSpan issuer_key_id = issuer != nullptr ? ByteSpan(issuer->key_id) : ByteSpan(key_id);
  Bytes serial = RandomSerial();

  DerWriter w(1024);
  size_t tbs = w.Begin(kDerSequence);
  size_t version = w.Begin(0xa0);
  w.Integer(2);  // v3
  w.End(version);
  w.UnsignedInteger(serial);
  AppendAlgorithm(w, signature_oid);
  w.Raw(issuer_name);
  size_t validity = w.Begin(kDerSequence);
  w.Time(not_before);
  w.Time(not_after);
  w.End(validity);
  w.Raw(subject);
  w.Raw(spki);

  size_t extensions_tag = w.Begin(0xa3);
  size_t extensions = w.Begin(kDerSequence);
  std::vector<Bytes> present;  // extension OIDs so far: each may appear once (§4.2)
  auto add = [&](ByteSpan oid, bool critical, ByteSpan value) {
    AppendExtension(w, oid, critical, value);
    present.emplace_back(oid.begin(), oid.end());
  };
  add(kOidBasicConstraints, true, BasicConstraints(o));
  add(kOidKeyUsage, true, DerTlvOf(kDerBitString, o.is_ca ? kKeyUsageCa : kKeyUsageLeaf));
  if (!o.is_ca && (o.server_auth || o.client_auth))
    add(kOidExtKeyUsage, false, ExtendedKeyUsage(o));
  add(kOidSubjectKeyId, false, DerTlvOf(kDerOctetString, key_id));
  {
    DerWriter aki;
    size_t seq = aki.Begin(kDerSequence);
    aki.Tlv(0x80, issuer_key_id);  // keyIdentifier [0] IMPLICIT
    aki.End(seq);
    add(kOidAuthorityKeyId, false, aki.bytes());
  }
  if (!o.sans.empty()) {
    ASSIGN_OR_RETURN(Bytes names, EncodeGeneralNames(o.sans));
    add(kOidSubjectAltName, false, names);
  }
  for (const CustomExtension& custom : o.extensions) {
    ASSIGN_OR_RETURN(Bytes oid, OidDer(custom.oid));
    for (const Bytes& seen : present) {
      if (std::equal(seen.begin(), seen.end(), oid.begin(), oid.end())) {
        return absl::InvalidArgumentError(StrCat("extension ", custom.oid, " given twice"));
      }
    }
    add(oid, custom.critical, custom.der_value);
  }
  w.End(extensions);
  w.End(extensions_tag);
  w.End(tbs);

  ASSIGN_OR_RETURN(Bytes signature, signer.Sign(w.bytes()));
  DerWriter cert(w.bytes().size() + 128);
  size_t outer = cert.Begin(kDerSequence);
  cert.Raw(w.bytes());
  AppendAlgorithm(cert, signature_oid);
  cert.BitString(signature);
  cert.End(outer);
  return EncodedCertificate{cert.Take(), HexEncode(serial), not_before, not_after};
}

}  // namespace c8s::crypto::internal
