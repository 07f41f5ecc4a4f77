// The PKCS#10 parser c8s walks itself (x509_csr.cc): each malformation is refused by name.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <iterator>

#include "lib/base/strings.h"
#include "lib/crypto/der.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto {
namespace {

Bytes RequestDer(KeyType type = KeyType::kP256, const SubjectAltNames& sans = {}) {
  PrivateKey key = PrivateKey::Generate(type).value();
  return CertificateRequest::Create(key, {"node-1", "c8s"}, sans).value().ToDer();
}

std::string ParseError(const Bytes& der) {
  absl::StatusOr<CertificateRequest> csr = CertificateRequest::FromDer(der);
  return csr.ok() ? "parsed" : StatusText(csr.status());
}

// The request's three top-level elements, for rebuilding it with one of them changed.
struct Parts {
  Bytes info, algorithm, signature;
};
Parts Split(const Bytes& der) {
  ByteSpan in = der;
  DerTlv outer = NextDerTlv(in, "test").value();
  ByteSpan body = outer.value;
  Parts p;
  for (Bytes* part : {&p.info, &p.algorithm, &p.signature}) {
    DerTlv t = NextDerTlv(body, "test").value();
    *part = Bytes(t.whole.begin(), t.whole.end());
  }
  return p;
}
Bytes Sequence(const Bytes& contents) {
  Bytes out = {kDerSequence};
  if (contents.size() >= 0x100) {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(contents.size() >> 8));
  } else if (contents.size() >= 0x80) {
    out.push_back(0x81);
  }
  out.push_back(static_cast<uint8_t>(contents.size() & 0xff));
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}
Bytes Join(std::initializer_list<const Bytes*> parts) {
  Bytes out;
  for (const Bytes* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

TEST_CASE("CSR parser: every key type c8s certifies round-trips with proof of possession",
          "[unit]") {
  for (KeyType type : {KeyType::kP256, KeyType::kP384, KeyType::kEd25519}) {
    INFO(KeyTypeName(type));
    Bytes der = RequestDer(type, {{"node-1.c8s"}, {}, {}});
    CertificateRequest csr = CertificateRequest::FromDer(der).value();
    CHECK(csr.ToDer() == der);
    CHECK(csr.GetPublicKey()->type() == type);
    CHECK(csr.VerifySelfSignature().ok());
    CHECK(csr.Sans()->dns == std::vector<std::string>{"node-1.c8s"});
  }
}

TEST_CASE("CSR parser: malformed requests are refused with the part that is wrong", "[unit]") {
  Bytes der = RequestDer();
  Parts p = Split(der);

  Bytes trailing = der;
  trailing.push_back(0x00);
  CHECK(ParseError(trailing) == "parse DER certificate request: trailing bytes");

  Bytes truncated(der.begin(), der.end() - 1);
  CHECK(ParseError(truncated).find("DER length past the end") != std::string::npos);

  Bytes indefinite = der;
  indefinite[1] = 0x80;
  CHECK(ParseError(indefinite).find("indefinite length (BER)") != std::string::npos);

  // The request's length with a leading zero byte: a longer form than needed is not DER.
  Bytes contents = Join({&p.info, &p.algorithm, &p.signature});
  Bytes padded = {kDerSequence, 0x83, 0x00};
  padded.push_back(static_cast<uint8_t>(contents.size() >> 8));
  padded.push_back(static_cast<uint8_t>(contents.size() & 0xff));
  std::copy(contents.begin(), contents.end(), std::back_inserter(padded));
  CHECK(ParseError(padded).find("DER length not minimally encoded") != std::string::npos);

  // Version 1 (v2) instead of 0.
  Bytes v2 = p.info;
  size_t header = v2[1] & 0x80 ? 2 + (v2[1] & 0x7f) : 2;
  REQUIRE(v2[header] == kDerInteger);
  v2[header + 2] = 1;
  CHECK(ParseError(Sequence(Join({&v2, &p.algorithm, &p.signature}))) ==
        "parse DER certificate request: version: want v1 (0)");

  // Signature algorithm with parameters (NULL), as RSA identifiers have.
  Bytes alg_with_null(p.algorithm.begin() + 2, p.algorithm.end());
  alg_with_null.push_back(0x05);  // NULL
  alg_with_null.push_back(0x00);
  Bytes alg = Sequence(alg_with_null);
  CHECK(ParseError(Sequence(Join({&p.info, &alg, &p.signature}))) ==
        "parse DER certificate request: signatureAlgorithm: unexpected "
        "parameters");

  Bytes unused_bits = p.signature;
  unused_bits[2] = 0x01;
  CHECK(ParseError(Sequence(Join({&p.info, &p.algorithm, &unused_bits}))) ==
        "parse DER certificate request: signature: a BIT STRING with unused "
        "bits");

  Bytes swapped = Sequence(Join({&p.algorithm, &p.info, &p.signature}));
  CHECK(ParseError(swapped) == "parse DER certificate request: version: unexpected DER tag 6");
}

TEST_CASE("CSR parser: a signature algorithm that does not fit the key is no proof", "[unit]") {
  // A P-256 request relabelled ecdsa-with-SHA384.
  Parts p = Split(RequestDer(KeyType::kP256));
  Bytes alg = p.algorithm;
  REQUIRE(alg.back() == 0x02);  // ...4.3.2
  alg.back() = 0x03;
  CertificateRequest csr =
      CertificateRequest::FromDer(Sequence(Join({&p.info, &alg, &p.signature}))).value();
  CHECK(StatusText(csr.VerifySelfSignature()) ==
        "CSR signature algorithm 1.2.840.10045.4.3.3 does not match its P-256 "
        "key (want 1.2.840.10045.4.3.2): no proof of possession");
}

TEST_CASE("CSR parser: PEM blocks other than a request are refused by name", "[unit]") {
  std::string pem = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
  absl::StatusOr<CertificateRequest> csr = CertificateRequest::FromPem(pem);
  CHECK(StatusText(csr.status()) ==
        "parse PEM certificate request: a CERTIFICATE block, not a "
        "CERTIFICATE REQUEST");
}

}  // namespace
}  // namespace c8s::crypto
