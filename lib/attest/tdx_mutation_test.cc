// Single-byte mutations of real TDX quotes, region by region, each refused with the error kind
// of the check that covers that region. Time pinned to 2026-02-01 (see tdx_verifier_test.cc).
#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "lib/attest/tdx_pck.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/strings.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

TdxVerifyOptions Options() {
  TdxVerifyOptions opt;
  opt.now = ParseRfc3339("2026-02-01T00:00:00Z").value();
  return opt;
}

std::string Kind(const Bytes& quote) {
  auto v = VerifyTdxQuote(quote, Options());
  if (v.ok()) return "accepted";
  auto kind = GetVerifyErrorKind(v.status());
  return kind ? std::string(VerifyErrorKindName(*kind)) : v.status().ToString();
}

// Flips every byte of a field of the parsed quote in turn, reassembles and verifies.
void MutateField(const TdxQuote& q, std::function<Bytes&(TdxQuote&)> field,
                 const std::string& want_kind) {
  TdxQuote copy = q;
  Bytes& f = field(copy);
  for (size_t i = 0; i < f.size(); ++i) {
    f[i] ^= 0x80;
    INFO("byte " << i);
    CHECK(Kind(AssembleTdxQuote(copy)) == want_kind);
    f[i] ^= 0x80;
  }
}

Bytes Der(X509* cert) {
  unsigned char* p = nullptr;
  int n = i2d_X509(cert, &p);
  Bytes out(p, p + n);
  OPENSSL_free(p);
  return out;
}

TEST_CASE("every byte of the signed TDX header and body is covered", "[unit]") {
  for (const char* file :
       {"v4-phala.dat", "v5-td15-sample.dat", "v4-edgeless.dat", "v4-azure.bin"}) {
    INFO(file);
    Bytes quote = ToBytes(
        testing::ReadTestFile(testing::SharedPath(std::string("vectors/tdx-quotes/") + file)));
    TdxQuote q = ParseTdxQuote(quote).value();
    REQUIRE(Kind(quote) == "accepted");
    for (size_t i = 0; i < q.signed_region.size(); ++i) {
      Bytes m = quote;
      m[i] ^= 0x80;
      std::string want = "signature";
      if (i < 2)
        want = "version";
      else if (i < 4)
        want = "parse";  // attestation key type
      else if (i < 8)
        want = "product";  // TEE type
      else if (q.version == 5 && i >= 0x30 && i < 0x36)
        want = "parse";  // body type, size
      INFO("offset " << i);
      REQUIRE(Kind(m) == want);
    }
  }
}

TEST_CASE("every byte of the TDX signature data is covered", "[unit]") {
  Bytes quote =
      ToBytes(testing::ReadTestFile(testing::SharedPath("vectors/tdx-quotes/v4-azure.bin")));
  TdxQuote q = ParseTdxQuote(quote).value();
  REQUIRE(Kind(AssembleTdxQuote(q)) == "accepted");
  SECTION("quote signature") { MutateField(q, &TdxQuote::quote_signature, "signature"); }
  // The attestation key is bound by the QE report data before its signature is even tried.
  SECTION("attestation key") { MutateField(q, &TdxQuote::attestation_key, "report-data"); }
  SECTION("qe report") { MutateField(q, &TdxQuote::qe_report_raw, "signature"); }
  SECTION("qe report signature") { MutateField(q, &TdxQuote::qe_report_signature, "signature"); }
  SECTION("qe auth data") { MutateField(q, &TdxQuote::qe_auth_data, "report-data"); }
  SECTION("length fields") {
    Bytes m = quote;
    m[q.signed_region.size()] ^= 0x01;  // SIGNATURE_DATA_LEN
    CHECK(Kind(m) == "parse");
    m = quote;
    m[q.signed_region.size() + 4 + 128] = 5;  // certification data type 6 -> 5
    CHECK(Kind(m) == "parse");
  }
}

// A PEM certificate of raw DER bytes, parseable or not (a parse failure must be reported, not
// hidden by re-encoding).
std::string RawPem(const Bytes& der) {
  std::string b64 = Base64Encode(der), pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END CERTIFICATE-----\n";
}

TEST_CASE("every byte of each certificate in the PCK chain is covered", "[unit]") {
  Bytes quote =
      ToBytes(testing::ReadTestFile(testing::SharedPath("vectors/tdx-quotes/v4-phala.dat")));
  TdxQuote q = ParseTdxQuote(quote).value();
  CertChain original = ParsePemChain(q.pck_chain_pem).value();
  REQUIRE(original.size() == 3);  // PCK, PCK Platform CA, root
  std::vector<Bytes> ders;
  for (const auto& c : original) ders.push_back(Der(c.get()));
  size_t parse_failures = 0;
  for (size_t which = 0; which < ders.size(); ++which) {
    for (size_t off = 0; off < ders[which].size(); ++off) {
      Bytes m = ders[which];
      m[off] ^= 0x01;
      // Still a certificate: its signature (or, for the root, its identity with the compiled-in
      // root) no longer holds. Not a certificate any more: a certificate error.
      const unsigned char* p = m.data();
      crypto::X509Ptr parsed(d2i_X509(nullptr, &p, static_cast<long>(m.size())));
      bool parses = parsed && p == m.data() + m.size();
      parse_failures += !parses;
      TdxQuote copy = q;
      copy.pck_chain_pem.clear();
      for (size_t i = 0; i < ders.size(); ++i)
        copy.pck_chain_pem += RawPem(i == which ? m : ders[i]);
      INFO("certificate " << which << " der offset " << off);
      REQUIRE(Kind(AssembleTdxQuote(copy)) == (parses ? "chain" : "certificate"));
    }
  }
  CHECK(parse_failures > 0);  // both regions were hit
  TdxQuote copy = q;
  copy.pck_chain_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  CHECK(Kind(AssembleTdxQuote(copy)) == "certificate");
}

}  // namespace
}  // namespace c8s::attest
