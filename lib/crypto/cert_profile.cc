#include "lib/crypto/cert_profile.h"

#include <openssl/objects.h>

#include <mutex>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/der_writer.h"
#include "lib/crypto/jcs_internal.h"
#include "lib/crypto/openssl_util.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

enum Arc {
  kPlatform = 1,
  kMeasurement = 2,
  kTcb = 3,
  kNodeName = 4,
  kWorkloadIdentity = 5,
  kManifestGeneration = 6,
  kAssuranceLevel = 7,
  kNodeSerial = 8,
  kApprovalMode = 9,
  kManifestHash = 10,
};

Bytes EncodeUtf8(std::string_view value) { return DerTlvOf(kDerUtf8String, AsBytes(value)); }

Bytes EncodeInteger(int64_t value) {
  DerWriter w;
  w.Integer(value);
  return w.Take();
}

// Each decoder refuses trailing bytes: a c8s extension holds exactly one value.
absl::Status Whole(const unsigned char* p, ByteSpan der, std::string_view name) {
  if (p == der.data() + der.size()) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat(name, ": trailing bytes after the value"));
}

absl::StatusOr<std::string> DecodeUtf8(ByteSpan der, std::string_view name) {
  const unsigned char* p = der.data();
  OpenSslPtr<ASN1_UTF8STRING, ASN1_UTF8STRING_free> s(
      d2i_ASN1_UTF8STRING(nullptr, &p, static_cast<long>(der.size())));
  if (!s) return OpenSslError(StrCat(name, ": not a UTF8String"));
  RETURN_IF_ERROR(Whole(p, der, name));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s.get());  // validates the UTF-8
  if (len < 0) return OpenSslError(StrCat(name, ": invalid UTF-8"));
  std::string out(reinterpret_cast<char*>(utf8), len);
  OPENSSL_free(utf8);
  if (out.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(StrCat(name, ": NUL character in string"));
  }
  return out;
}

absl::StatusOr<Bytes> DecodeOctets(ByteSpan der, std::string_view name) {
  const unsigned char* p = der.data();
  Asn1OctetStringPtr s(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(der.size())));
  if (!s) return OpenSslError(StrCat(name, ": not an OCTET STRING"));
  RETURN_IF_ERROR(Whole(p, der, name));
  const uint8_t* data = ASN1_STRING_get0_data(s.get());
  return Bytes(data, data + ASN1_STRING_length(s.get()));
}

absl::StatusOr<Asn1IntegerPtr> DecodeInteger(ByteSpan der, std::string_view name) {
  const unsigned char* p = der.data();
  Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(der.size())));
  if (!i) return OpenSslError(StrCat(name, ": not an INTEGER"));
  RETURN_IF_ERROR(Whole(p, der, name));
  return i;
}

absl::StatusOr<ApprovalMode> ParseApprovalMode(std::string_view text) {
  if (text == "Owner") return ApprovalMode::kOwner;
  if (text == "Automatic") return ApprovalMode::kAutomatic;
  return absl::InvalidArgumentError(
      StrCat("c8sApprovalMode: got \"", text, "\", want Owner or Automatic"));
}

}  // namespace

const std::vector<ClaimInfo>& C8sClaimTable() {
  static const auto* table = new std::vector<ClaimInfo>{
      {kPlatform, "c8sPlatform", "c8s platform", ClaimAsn1::kUtf8String},
      {kMeasurement, "c8sMeasurement", "c8s launch measurement", ClaimAsn1::kOctetString},
      {kTcb, "c8sTcb", "c8s platform TCB", ClaimAsn1::kUtf8String},
      {kNodeName, "c8sNodeName", "c8s node name", ClaimAsn1::kUtf8String},
      {kWorkloadIdentity, "c8sWorkloadIdentity", "c8s workload identity", ClaimAsn1::kUtf8String},
      {kManifestGeneration, "c8sManifestGeneration", "c8s manifest generation",
       ClaimAsn1::kInteger},
      {kAssuranceLevel, "c8sAssuranceLevel", "c8s assurance level", ClaimAsn1::kUtf8String},
      {kNodeSerial, "c8sNodeSerial", "c8s node certificate serial", ClaimAsn1::kInteger},
      {kApprovalMode, "c8sApprovalMode", "c8s manifest approval mode", ClaimAsn1::kUtf8String},
      {kManifestHash, "c8sManifestHash", "c8s active manifest hash", ClaimAsn1::kUtf8String},
  };
  return *table;
}

std::string C8sClaimOid(int arc) { return StrCat(kC8sOidArc, ".", arc); }

std::string_view ApprovalModeName(ApprovalMode mode) {
  return mode == ApprovalMode::kOwner ? "Owner" : "Automatic";
}

bool C8sClaimsExtension::empty() const { return *this == C8sClaimsExtension{}; }

void RegisterC8sOids() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const ClaimInfo& info : C8sClaimTable()) {
      std::string oid = C8sClaimOid(info.arc);
      // Another library in the process may have registered them already; keep theirs.
      if (OBJ_txt2nid(oid.c_str()) != NID_undef) continue;
      OBJ_create(oid.c_str(), std::string(info.short_name).c_str(),
                 std::string(info.long_name).c_str());
    }
    ClearOpenSslErrors();
  });
}

std::string C8sOpenSslConfig() {
  std::string out =
      "# Names for the c8s certificate profile OIDs (docs/certificate-profile.md).\n"
      "openssl_conf = openssl_init\n\n[openssl_init]\noid_section = c8s_oids\n\n[c8s_oids]\n";
  for (const ClaimInfo& info : C8sClaimTable()) {
    out += StrCat(info.short_name, " = ", info.long_name, ", ", C8sClaimOid(info.arc), "\n");
  }
  return out;
}

absl::Status AddC8sClaims(const C8sClaimsExtension& claims, IssueOptions& options) {
  RegisterC8sOids();  // so that this process prints the names too
  for (const CustomExtension& ext : options.extensions) {
    if (ext.oid.starts_with(StrCat(kC8sOidArc, "."))) {
      return absl::InvalidArgumentError(StrCat("c8s extension ", ext.oid, " already present"));
    }
  }
  std::vector<CustomExtension> added;
  auto add = [&](int arc, Bytes der) { added.push_back({C8sClaimOid(arc), std::move(der)}); };
  // ReadC8sClaims refuses what is not UTF-8 or holds a NUL: never issue a claim it would
  // refuse (a node name comes from the joining agent).
  auto add_text = [&](int arc, std::string_view name, std::string_view text) -> absl::Status {
    for (size_t i = 0; i < text.size();) {
      if (jcs_internal::DecodeUtf8(text, i) <= 0) {
        return absl::InvalidArgumentError(
            StrCat(name, ": ", jcs_internal::QuoteForError(text), " is not UTF-8 without NUL"));
      }
    }
    add(arc, EncodeUtf8(text));
    return absl::OkStatus();
  };
  auto add_serial = [&](int arc, std::string_view name, const std::string& hex) -> absl::Status {
    absl::StatusOr<Bytes> magnitude = HexDecode(hex);
    if (!magnitude.ok()) return Annotate(magnitude.status(), name);
    if (magnitude->empty())
      return absl::InvalidArgumentError(StrCat(name, ": empty serial number"));
    DerWriter w;
    w.UnsignedInteger(*magnitude);
    add(arc, w.Take());
    return absl::OkStatus();
  };
  if (claims.platform) RETURN_IF_ERROR(add_text(kPlatform, "c8sPlatform", *claims.platform));
  if (claims.measurement_hex) {
    absl::StatusOr<Bytes> m = HexDecode(*claims.measurement_hex);
    if (!m.ok()) return Annotate(m.status(), "c8sMeasurement");
    add(kMeasurement, DerTlvOf(kDerOctetString, *m));
  }
  if (claims.tcb) RETURN_IF_ERROR(add_text(kTcb, "c8sTcb", *claims.tcb));
  if (claims.node_name) RETURN_IF_ERROR(add_text(kNodeName, "c8sNodeName", *claims.node_name));
  if (claims.workload_identity) RETURN_IF_ERROR(add_text(kWorkloadIdentity, "c8sWorkloadIdentity", *claims.workload_identity));
  if (claims.manifest_generation) {
    if (*claims.manifest_generation < 0) {
      return absl::InvalidArgumentError("c8sManifestGeneration: negative");
    }
    add(kManifestGeneration, EncodeInteger(*claims.manifest_generation));
  }
  if (claims.assurance_level) RETURN_IF_ERROR(add_text(kAssuranceLevel, "c8sAssuranceLevel", *claims.assurance_level));
  if (claims.node_serial_hex) {
    RETURN_IF_ERROR(add_serial(kNodeSerial, "c8sNodeSerial", *claims.node_serial_hex));
  }
  if (claims.approval_mode) {
    add(kApprovalMode, EncodeUtf8(ApprovalModeName(*claims.approval_mode)));
  }
  if (claims.manifest_hash) RETURN_IF_ERROR(add_text(kManifestHash, "c8sManifestHash", *claims.manifest_hash));
  for (CustomExtension& ext : added) options.extensions.push_back(std::move(ext));
  return absl::OkStatus();
}

absl::StatusOr<C8sClaimsExtension> ReadC8sClaims(const Certificate& cert) {
  RegisterC8sOids();
  C8sClaimsExtension claims;
  for (const ClaimInfo& info : C8sClaimTable()) {
    std::string oid = C8sClaimOid(info.arc);
    std::string name(info.short_name);
    absl::StatusOr<std::optional<Bytes>> der = cert.Extension(oid);
    if (!der.ok()) return Annotate(der.status(), name);
    if (!der->has_value()) continue;
    if (cert.ExtensionIsCritical(oid)) {
      return absl::InvalidArgumentError(StrCat(name, ": marked critical, the profile says not"));
    }
    const Bytes& value = **der;
    switch (info.arc) {
      case kMeasurement: {
        ASSIGN_OR_RETURN(Bytes m, DecodeOctets(value, name));
        claims.measurement_hex = HexEncode(m);
        break;
      }
      case kManifestGeneration: {
        ASSIGN_OR_RETURN(Asn1IntegerPtr gen, DecodeInteger(value, name));
        int64_t v = 0;
        if (ASN1_INTEGER_get_int64(&v, gen.get()) != 1 || v < 0) {
          ClearOpenSslErrors();
          return absl::InvalidArgumentError(StrCat(name, ": not a non-negative 64-bit integer"));
        }
        claims.manifest_generation = v;
        break;
      }
      case kNodeSerial: {
        ASSIGN_OR_RETURN(Asn1IntegerPtr serial, DecodeInteger(value, name));
        claims.node_serial_hex = internal::SerialToHex(serial.get());
        break;
      }
      default: {
        ASSIGN_OR_RETURN(std::string text, DecodeUtf8(value, name));
        switch (info.arc) {
          case kPlatform:
            claims.platform = text;
            break;
          case kTcb:
            claims.tcb = text;
            break;
          case kNodeName:
            claims.node_name = text;
            break;
          case kWorkloadIdentity:
            claims.workload_identity = text;
            break;
          case kAssuranceLevel:
            claims.assurance_level = text;
            break;
          case kManifestHash:
            claims.manifest_hash = text;
            break;
          case kApprovalMode: {
            ASSIGN_OR_RETURN(claims.approval_mode, ParseApprovalMode(text));
            break;
          }
        }
      }
    }
  }
  return claims;
}

std::vector<std::pair<std::string, std::string>> DescribeC8sClaims(const C8sClaimsExtension& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto put = [&](std::string_view name, const std::optional<std::string>& v) {
    if (v) out.emplace_back(std::string(name), *v);
  };
  put("c8sPlatform", c.platform);
  put("c8sMeasurement", c.measurement_hex);
  put("c8sTcb", c.tcb);
  put("c8sNodeName", c.node_name);
  put("c8sWorkloadIdentity", c.workload_identity);
  if (c.manifest_generation) {
    out.emplace_back("c8sManifestGeneration", std::to_string(*c.manifest_generation));
  }
  put("c8sAssuranceLevel", c.assurance_level);
  put("c8sNodeSerial", c.node_serial_hex);
  if (c.approval_mode) out.emplace_back("c8sApprovalMode", ApprovalModeName(*c.approval_mode));
  put("c8sManifestHash", c.manifest_hash);
  return out;
}

}  // namespace c8s::crypto
