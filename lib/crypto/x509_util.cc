// Names, serials, times and SANs: the small conversions every X.509 file needs.
#include <arpa/inet.h>
#include <openssl/objects.h>

#include <ctime>
#include <mutex>
#include <unordered_map>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto::internal {

absl::StatusOr<absl::Time> FromAsn1Time(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return OpenSslError("invalid ASN.1 time");
  return absl::FromTimeT(timegm(&tm));
}

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return ToString(BioContents(bio.get()));
}

std::string CommonNameOf(const X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ClearOpenSslErrors();
    return "";
  }
  std::string out(reinterpret_cast<char*>(utf8), len);
  OPENSSL_free(utf8);
  return out;
}

std::string SerialToHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) {
    ClearOpenSslErrors();
    return "";
  }
  Bytes mag(BN_num_bytes(bn.get()));
  BN_bn2bin(bn.get(), mag.data());
  std::string hex = mag.empty() ? "00" : HexEncode(mag);
  return BN_is_negative(bn.get()) ? "-" + hex : hex;
}

absl::StatusOr<Asn1IntegerPtr> SerialFromHex(std::string_view hex) {
  ASSIGN_OR_RETURN(Bytes mag, HexDecode(hex));
  if (mag.empty()) return absl::InvalidArgumentError("empty serial number");
  BignumPtr bn(BN_bin2bn(mag.data(), static_cast<int>(mag.size()), nullptr));
  Asn1IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!serial) return OpenSslError("serial number");
  return serial;
}

absl::StatusOr<X509NamePtr> BuildName(const Name& name) {
  X509NamePtr out(X509_NAME_new());
  auto add = [&](const char* field, const std::string& value) -> absl::Status {
    if (value.empty()) return absl::OkStatus();
    if (X509_NAME_add_entry_by_txt(out.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      return OpenSslError(StrCat("subject ", field, "=", value));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(add("O", name.organization));
  RETURN_IF_ERROR(add("CN", name.common_name));
  return out;
}

namespace {

absl::Status PushName(GENERAL_NAMES* names, int type, std::string_view value) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (type == GEN_IPADD) {
    ASN1_OCTET_STRING* ip = a2i_IPADDRESS(std::string(value).c_str());
    if (ip == nullptr) {
      GENERAL_NAME_free(gn);
      ClearOpenSslErrors();
      return absl::InvalidArgumentError(StrCat("SAN: invalid IP address \"", value, "\""));
    }
    GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
  } else {
    if (value.empty() || value.find('\0') != std::string_view::npos) {
      GENERAL_NAME_free(gn);
      return absl::InvalidArgumentError(StrCat("SAN: empty or NUL-containing name"));
    }
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    ASN1_STRING_set(s, value.data(), static_cast<int>(value.size()));
    GENERAL_NAME_set0_value(gn, type, s);
  }
  sk_GENERAL_NAME_push(names, gn);
  return absl::OkStatus();
}

std::string Ia5(const ASN1_IA5STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     ASN1_STRING_length(s));
}

}  // namespace

absl::StatusOr<GeneralNamesPtr> BuildGeneralNames(const SubjectAltNames& sans) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  for (const std::string& d : sans.dns) RETURN_IF_ERROR(PushName(names.get(), GEN_DNS, d));
  for (const std::string& ip : sans.ips) RETURN_IF_ERROR(PushName(names.get(), GEN_IPADD, ip));
  for (const std::string& u : sans.uris) RETURN_IF_ERROR(PushName(names.get(), GEN_URI, u));
  return names;
}

absl::StatusOr<SubjectAltNames> ParseGeneralNames(const GENERAL_NAMES* names) {
  SubjectAltNames out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    int type = 0;
    void* value = GENERAL_NAME_get0_value(gn, &type);
    if (type == GEN_DNS) {
      out.dns.push_back(Ia5(static_cast<ASN1_IA5STRING*>(value)));
    } else if (type == GEN_URI) {
      out.uris.push_back(Ia5(static_cast<ASN1_IA5STRING*>(value)));
    } else if (type == GEN_IPADD) {
      auto* ip = static_cast<ASN1_OCTET_STRING*>(value);
      int len = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = {0};
      if ((len != 4 && len != 16) ||
          inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof(text)) ==
              nullptr) {
        return absl::InvalidArgumentError(StrCat("SAN: IP address of ", len, " bytes"));
      }
      out.ips.push_back(text);
    }
  }
  return out;
}

absl::StatusOr<const EVP_MD*> SigningDigest(const PrivateKey& key) {
  switch (key.type()) {
    case KeyType::kP256:
      return Sha256Md();
    case KeyType::kP384:
      return Sha384Md();
    case KeyType::kEd25519:
      return nullptr;
    default:
      return absl::InvalidArgumentError(
          StrCat(KeyTypeName(key.type()), " keys cannot sign certificates"));
  }
}

absl::StatusOr<Bytes> OidDer(std::string_view oid) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ASN1_OBJECT> obj, DottedOid(oid));
  return Bytes(OBJ_get0_data(obj.get()), OBJ_get0_data(obj.get()) + OBJ_length(obj.get()));
}

Bytes DerOf(int len, unsigned char* out) {
  if (len <= 0 || out == nullptr) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

absl::StatusOr<std::shared_ptr<const ASN1_OBJECT>> DottedOid(std::string_view oid) {
  constexpr size_t kMaxCached = 256;  // the profile's and attestation's OIDs, with room
  static std::mutex mu;
  static auto* cache = new std::unordered_map<std::string, std::shared_ptr<const ASN1_OBJECT>>();
  std::string key(oid);
  {
    std::lock_guard lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) return it->second;
  }
  ASN1_OBJECT* parsed = OBJ_txt2obj(key.c_str(), 1);
  if (parsed == nullptr) return OpenSslError(StrCat("invalid OID ", oid));
  std::shared_ptr<const ASN1_OBJECT> obj(
      parsed, [](const ASN1_OBJECT* o) { ASN1_OBJECT_free(const_cast<ASN1_OBJECT*>(o)); });
  std::lock_guard lock(mu);
  if (cache->size() < kMaxCached) cache->emplace(std::move(key), obj);
  return obj;
}

}  // namespace c8s::crypto::internal
