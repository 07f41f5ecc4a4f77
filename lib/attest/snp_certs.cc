#include "lib/attest/snp_certs.h"

#include <cstring>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

using crypto::X509Ptr;

bool IsPadding(ByteSpan rest) {
  for (uint8_t c : rest) {
    if (c != 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

absl::Status CertError(std::string_view msg) {
  crypto::ClearOpenSslErrors();
  return VerifyError(VerifyErrorKind::kCertificate, msg);
}

constexpr char kAmdArc[] = "1.3.6.1.4.1.3704.1.";

// Reads a DER INTEGER (0..255) from an extension value.
absl::StatusOr<uint8_t> ExtInteger(const ASN1_OCTET_STRING* v, std::string_view oid) {
  const unsigned char* p = ASN1_STRING_get0_data(v);
  long len = ASN1_STRING_length(v);
  crypto::Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, len));
  if (!i || p != ASN1_STRING_get0_data(v) + len) {
    return CertError(StrCat("extension ", oid, " is not a DER INTEGER"));
  }
  int64_t out = 0;
  if (ASN1_INTEGER_get_int64(&out, i.get()) != 1 || out < 0 || out > 255) {
    return CertError(StrCat("extension ", oid, " is out of range 0-255"));
  }
  return static_cast<uint8_t>(out);
}

absl::StatusOr<std::string> ExtIa5(const ASN1_OCTET_STRING* v, std::string_view oid) {
  const unsigned char* p = ASN1_STRING_get0_data(v);
  long len = ASN1_STRING_length(v);
  ASN1_IA5STRING* s = d2i_ASN1_IA5STRING(nullptr, &p, len);
  if (!s || p != ASN1_STRING_get0_data(v) + len) {
    if (s) ASN1_IA5STRING_free(s);
    return CertError(StrCat("extension ", oid, " is not a DER IA5String"));
  }
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  ASN1_IA5STRING_free(s);
  return out;
}

}  // namespace

const std::array<uint8_t, 16> kGuidArk = {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
                                          0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};
const std::array<uint8_t, 16> kGuidAsk = {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
                                          0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82};
const std::array<uint8_t, 16> kGuidVcek = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
                                           0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
const std::array<uint8_t, 16> kGuidVlek = {0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
                                           0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1};

absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(ByteSpan blob) {
  std::vector<X509Ptr> out;
  std::string_view text = AsChars(blob);
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    size_t pos = 0;
    while ((pos = text.find("-----BEGIN CERTIFICATE-----", pos)) != std::string_view::npos) {
      size_t end = text.find("-----END CERTIFICATE-----", pos);
      if (end == std::string_view::npos) return CertError("PEM certificate without END line");
      end += std::strlen("-----END CERTIFICATE-----");
      crypto::BioPtr bio = crypto::ReadOnlyBio(blob.subspan(pos, end - pos));
      X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (!cert) return CertError(StrCat("PEM certificate ", out.size() + 1, " does not parse"));
      out.push_back(std::move(cert));
      pos = end;
    }
    return out;
  }
  ByteSpan rest = blob;
  while (!rest.empty() && !IsPadding(rest)) {
    const unsigned char* p = rest.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(rest.size())));
    if (!cert) {
      return CertError(StrCat("DER certificate ", out.size() + 1, " does not parse (", rest.size(),
                              " bytes left)"));
    }
    rest = rest.subspan(static_cast<size_t>(p - rest.data()));
    out.push_back(std::move(cert));
  }
  if (out.empty()) return CertError("no certificate found (neither PEM nor DER)");
  return out;
}

absl::StatusOr<std::vector<Bytes>> ParseSnpCertTable(ByteSpan table) {
  std::vector<Bytes> out;
  size_t entries = 0;
  for (;; ++entries) {
    size_t off = entries * 24;
    if (off + 24 > table.size()) {
      return VerifyError(VerifyErrorKind::kParse,
                         "certificate table has no all-zero terminating entry");
    }
    ByteSpan e = table.subspan(off, 24);
    bool zero = true;
    for (uint8_t c : e) zero = zero && c == 0;
    if (zero) break;
  }
  size_t table_size = (entries + 1) * 24;
  for (size_t i = 0; i < entries; ++i) {
    ByteSpan e = table.subspan(i * 24, 24);
    uint32_t offset = e[16] | e[17] << 8 | e[18] << 16 | static_cast<uint32_t>(e[19]) << 24;
    uint32_t length = e[20] | e[21] << 8 | e[22] << 16 | static_cast<uint32_t>(e[23]) << 24;
    if (offset < table_size || offset > table.size() || length > table.size() - offset) {
      return VerifyError(VerifyErrorKind::kParse,
                         StrCat("certificate table entry ", i, ": offset ", offset, " length ",
                                length, " outside the ", table.size(), "-byte buffer"));
    }
    bool is_cert = false;
    for (const auto* g : {&kGuidArk, &kGuidAsk, &kGuidVcek, &kGuidVlek}) {
      is_cert = is_cert || std::memcmp(g->data(), e.data(), 16) == 0;
    }
    if (is_cert) out.emplace_back(table.begin() + offset, table.begin() + offset + length);
  }
  return out;
}

Bytes BuildSnpCertTable(const std::vector<std::pair<std::array<uint8_t, 16>, Bytes>>& entries) {
  size_t table_size = (entries.size() + 1) * 24;
  Bytes out(table_size, 0);
  for (size_t i = 0; i < entries.size(); ++i) {
    uint32_t offset = static_cast<uint32_t>(out.size());
    uint32_t length = static_cast<uint32_t>(entries[i].second.size());
    std::memcpy(out.data() + i * 24, entries[i].first.data(), 16);
    for (int b = 0; b < 4; ++b) {
      out[i * 24 + 16 + b] = static_cast<uint8_t>(offset >> (8 * b));
      out[i * 24 + 20 + b] = static_cast<uint8_t>(length >> (8 * b));
    }
    Append(out, entries[i].second);
  }
  return out;
}

absl::StatusOr<VekExtensions> ParseVekExtensions(X509* cert) {
  VekExtensions ext;
  int n = X509_get_ext_count(cert);
  for (int i = 0; i < n; ++i) {
    X509_EXTENSION* e = X509_get_ext(cert, i);
    char buf[80];
    if (OBJ_obj2txt(buf, sizeof(buf), X509_EXTENSION_get_object(e), 1) <= 0) continue;
    std::string oid(buf);
    if (oid.rfind(kAmdArc, 0) != 0) continue;
    std::string sub = oid.substr(std::strlen(kAmdArc));
    const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(e);
    if (sub == "1") {
      ASSIGN_OR_RETURN(uint8_t sv, ExtInteger(v, oid));
      ext.struct_version = sv;
    } else if (sub == "2") {
      ASSIGN_OR_RETURN(ext.product_name, ExtIa5(v, oid));
    } else if (sub.rfind("3.", 0) == 0) {
      ASSIGN_OR_RETURN(uint8_t spl, ExtInteger(v, oid));
      std::string leaf = sub.substr(2);
      if (leaf == "1")
        ext.bl_spl = spl;
      else if (leaf == "2")
        ext.tee_spl = spl;
      else if (leaf == "3")
        ext.snp_spl = spl;
      else if (leaf == "4" || leaf == "5" || leaf == "6" || leaf == "7")
        ext.spl4_7[leaf[0] - '4'] = spl;
      else if (leaf == "8")
        ext.ucode_spl = spl;
      else if (leaf == "9")
        ext.fmc_spl = spl;
    } else if (sub == "4") {
      // hwID is raw bytes without a DER tag; accept an OCTET STRING wrapper as well.
      Bytes raw(ASN1_STRING_get0_data(v), ASN1_STRING_get0_data(v) + ASN1_STRING_length(v));
      if (raw.size() == 66 && raw[0] == 0x04 && raw[1] == 64)
        raw.erase(raw.begin(), raw.begin() + 2);
      if (raw.size() == 10 && raw[0] == 0x04 && raw[1] == 8)
        raw.erase(raw.begin(), raw.begin() + 2);
      if (raw.size() != 64 && raw.size() != 8) {
        return CertError(StrCat("hwID extension is ", raw.size(), " bytes, want 64 or 8"));
      }
      ext.hw_id = std::move(raw);
    } else if (sub == "5") {
      ASSIGN_OR_RETURN(std::string csp, ExtIa5(v, oid));
      ext.csp_id = std::move(csp);
    }
  }
  return ext;
}

std::string SubjectCommonName(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     ASN1_STRING_length(s));
}

Bytes CertDer(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  Bytes out(len);
  unsigned char* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

absl::StatusOr<absl::Time> Asn1TimeToAbsl(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return CertError("certificate time does not parse");
  return absl::FromTM(tm, absl::UTCTimeZone());
}

}  // namespace c8s::attest
