// SGX extensions of PCK certificates: Intel SGX PCK Certificate and CRL Profile, §1.5
// ("SGX Extensions", OID 1.2.840.113741.1.13.1: a SEQUENCE of SEQUENCE { OID, value }).
#include <string>

#include "lib/attest/tdx_pck.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/der.h"

namespace c8s::attest {
namespace {

using Tlv = crypto::DerTlv;

absl::Status ExtError(std::string_view what) {
  return VerifyError(VerifyErrorKind::kCertificate, StrCat("pck sgx extension: ", what));
}

absl::StatusOr<Tlv> NextTlv(ByteSpan& in) {
  absl::StatusOr<Tlv> t = crypto::NextDerTlv(in, "TLV");
  if (!t.ok()) return ExtError(std::string(t.status().message()));
  return t;
}

absl::StatusOr<uint64_t> DerUint(const Tlv& t, std::string_view name) {
  if ((t.tag != 0x02 && t.tag != 0x0a) || t.value.empty() || t.value.size() > 3 ||
      (t.value[0] & 0x80)) {
    return ExtError(StrCat(name, ": not a small non-negative INTEGER"));
  }
  uint64_t v = 0;
  for (uint8_t b : t.value) v = (v << 8) | b;
  return v;
}

absl::StatusOr<Bytes> DerOctets(const Tlv& t, std::string_view name, size_t size) {
  if (t.tag != 0x04 || t.value.size() != size) {
    return ExtError(StrCat(name, ": want OCTET STRING of ", size, " bytes"));
  }
  return Bytes(t.value.begin(), t.value.end());
}

constexpr std::string_view kSgxExt = "1.2.840.113741.1.13.1";

absl::Status ParseTcb(ByteSpan seq, PckExtensions& out) {
  const std::string prefix = StrCat(kSgxExt, ".2.");
  bool seen[19] = {};
  while (!seq.empty()) {
    ASSIGN_OR_RETURN(Tlv item, NextTlv(seq));
    ByteSpan body = item.value;
    ASSIGN_OR_RETURN(Tlv oid, NextTlv(body));
    ASSIGN_OR_RETURN(Tlv val, NextTlv(body));
    std::string name = crypto::DerOidText(oid.value);
    if (item.tag != 0x30 || oid.tag != 0x06 || name.rfind(prefix, 0) != 0) {
      return ExtError(StrCat("unexpected TCB entry ", name));
    }
    int idx = std::atoi(name.c_str() + prefix.size());
    if (idx >= 1 && idx <= 16) {
      ASSIGN_OR_RETURN(uint64_t svn, DerUint(val, name));
      if (svn > 255) return ExtError(StrCat(name, ": SVN ", svn, " > 255"));
      out.sgx_tcb_comp[idx - 1] = static_cast<uint8_t>(svn);
    } else if (idx == 17) {
      ASSIGN_OR_RETURN(uint64_t svn, DerUint(val, name));
      if (svn > 0xffff) return ExtError(StrCat("PCESVN ", svn, " > 65535"));
      out.pcesvn = static_cast<uint16_t>(svn);
    } else if (idx == 18) {
      ASSIGN_OR_RETURN(out.cpusvn, DerOctets(val, "CPUSVN", 16));
    } else {
      continue;
    }
    seen[idx] = true;
  }
  for (int i = 1; i <= 18; ++i) {
    if (!seen[i]) return ExtError(StrCat("TCB component ", prefix, i, " missing"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PckExtensions> ParsePckExtensions(X509* pck) {
  crypto::Asn1ObjectPtr obj(OBJ_txt2obj(std::string(kSgxExt).c_str(), 1));
  int loc = X509_get_ext_by_OBJ(pck, obj.get(), -1);
  if (loc < 0) return ExtError("extension 1.2.840.113741.1.13.1 missing");
  ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(pck, loc));
  ByteSpan in(ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
  ASSIGN_OR_RETURN(Tlv outer, NextTlv(in));
  if (outer.tag != 0x30 || !in.empty()) return ExtError("not a single SEQUENCE");
  PckExtensions out;
  bool have_ppid = false, have_tcb = false, have_pceid = false, have_fmspc = false;
  ByteSpan items = outer.value;
  while (!items.empty()) {
    ASSIGN_OR_RETURN(Tlv item, NextTlv(items));
    ByteSpan body = item.value;
    ASSIGN_OR_RETURN(Tlv oid, NextTlv(body));
    ASSIGN_OR_RETURN(Tlv val, NextTlv(body));
    if (item.tag != 0x30 || oid.tag != 0x06) return ExtError("entry is not SEQUENCE { OID, .. }");
    const std::string name = crypto::DerOidText(oid.value);
    if (name == StrCat(kSgxExt, ".1")) {
      ASSIGN_OR_RETURN(out.ppid, DerOctets(val, "PPID", 16));
      have_ppid = true;
    } else if (name == StrCat(kSgxExt, ".2")) {
      if (val.tag != 0x30) return ExtError("TCB is not a SEQUENCE");
      RETURN_IF_ERROR(ParseTcb(val.value, out));
      have_tcb = true;
    } else if (name == StrCat(kSgxExt, ".3")) {
      ASSIGN_OR_RETURN(out.pceid, DerOctets(val, "PCE-ID", 2));
      have_pceid = true;
    } else if (name == StrCat(kSgxExt, ".4")) {
      ASSIGN_OR_RETURN(out.fmspc, DerOctets(val, "FMSPC", 6));
      have_fmspc = true;
    } else if (name == StrCat(kSgxExt, ".5")) {
      ASSIGN_OR_RETURN(uint64_t type, DerUint(val, "SGX type"));
      out.sgx_type = static_cast<int>(type);
    }
  }
  if (!have_ppid || !have_tcb || !have_pceid || !have_fmspc) {
    return ExtError(StrCat("missing", have_ppid ? "" : " PPID", have_tcb ? "" : " TCB",
                           have_pceid ? "" : " PCE-ID", have_fmspc ? "" : " FMSPC"));
  }
  return out;
}

}  // namespace c8s::attest
