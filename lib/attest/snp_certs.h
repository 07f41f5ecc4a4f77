// Certificates of the SEV-SNP chain: loading them as they come (PEM or DER, one or several,
// trailing padding, the GHCB certificate table of an extended report / configfs-tsm auxblob)
// and decoding the AMD VCEK/VLEK extensions (OID arc 1.3.6.1.4.1.3704.1, spec #57230).
//   ASSIGN_OR_RETURN(std::vector<crypto::X509Ptr> certs, ParseCertificates(blob));
//   ASSIGN_OR_RETURN(VekExtensions ext, ParseVekExtensions(certs[0].get()));
//   if (ext.hw_id) ...   // VCEK; VLEK carries csp_id instead
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::attest {

// Every certificate in `blob`: PEM (any number, any order, text around them ignored) or DER
// (one or several concatenated; trailing zero/whitespace padding ignored). Errors are
// kCertificate.
absl::StatusOr<std::vector<crypto::X509Ptr>> ParseCertificates(ByteSpan blob);

// GHCB certificate table ({guid[16], offset u32, length u32}..., all-zero terminator; offsets
// from the table start). Returns the DER certificates (VCEK, VLEK, ASK, ARK entries); other
// GUIDs (CRL, vendor data) are skipped. Errors are kParse.
absl::StatusOr<std::vector<Bytes>> ParseSnpCertTable(ByteSpan table);
// Builds a table from (guid, der) entries; used by the simulator and tests.
Bytes BuildSnpCertTable(const std::vector<std::pair<std::array<uint8_t, 16>, Bytes>>& entries);
extern const std::array<uint8_t, 16> kGuidArk, kGuidAsk, kGuidVcek, kGuidVlek;

struct VekExtensions {
  std::optional<int64_t> struct_version;
  std::string product_name;                  // "Milan-B0", "Milan", "Genoa", "Turin"
  std::optional<uint8_t> bl_spl, tee_spl, snp_spl, ucode_spl, fmc_spl;
  std::array<std::optional<uint8_t>, 4> spl4_7;
  std::optional<Bytes> hw_id;                // VCEK only: 64 bytes, 8 on Turin
  std::optional<std::string> csp_id;         // VLEK only
};

// Decodes the AMD extensions of a VCEK/VLEK. Malformed values are kCertificate errors.
absl::StatusOr<VekExtensions> ParseVekExtensions(X509* cert);

// The certificate's subject CN ("SEV-VCEK", "ARK-Milan", ...), empty if none.
std::string SubjectCommonName(X509* cert);
Bytes CertDer(X509* cert);
absl::StatusOr<absl::Time> Asn1TimeToAbsl(const ASN1_TIME* t);

}  // namespace c8s::attest
