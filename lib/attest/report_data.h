// Report-data bindings (ARCHITECTURE.md §4 table): the 64 bytes a party puts into its SNP
// REPORT_DATA / TDX REPORTDATA so that the evidence names its key, nonce and role.
// H = SHA-256, the outer hash SHA-512, `||` plain concatenation with the label first.
//   ReportData rd = NodeReportData(challenge, csr_spki_der);            // c8s/node/v1
//   ReportData role = CdsRoleBinding(nonce, ca_cert_der, sealing_spki);  // c8s/cds/v1
//   ReportData pod = PodReportData("sha256:ab…", "c8s-system/cds-0", role);
#pragma once

#include <string_view>

#include "lib/attest/evidence.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

inline constexpr std::string_view kLabelNode = "c8s/node/v1";
inline constexpr std::string_view kLabelPod = "c8s/pod/v1";
inline constexpr std::string_view kLabelCds = "c8s/cds/v1";
inline constexpr std::string_view kLabelReplica = "c8s/replica/v1";
inline constexpr std::string_view kLabelRecover = "c8s/recover/v1";
inline constexpr std::string_view kLabelIngress = "c8s/ingress/v1";

// SHA-512(label || parts...), the common shape of every binding.
ReportData BindReportData(std::string_view label, std::initializer_list<ByteSpan> parts);

// c8s/node/v1: SHA-512(label || challenge || H(CSR SPKI DER)); the challenge token whole.
ReportData NodeReportData(ByteSpan challenge, ByteSpan csr_spki_der);
// c8s/pod/v1: SHA-512(label || image digest || pod ref || H(role binding)); wraps the role
// bindings below when a pod (CDS, ingress) attests through its node.
ReportData PodReportData(std::string_view image_digest, std::string_view pod_ref,
                         const ReportData& role_binding);
// The same when the caller hands over H(role binding) itself (32 bytes), as pods do in the
// node agent's GetEvidence: the agent never sees the role binding's inputs.
ReportData PodReportDataFromHash(std::string_view image_digest, std::string_view pod_ref,
                                 ByteSpan role_binding_hash);
// c8s/cds/v1: SHA-512(label || nonce || H(CA cert DER) || H(sealing key SPKI DER)).
ReportData CdsRoleBinding(ByteSpan nonce, ByteSpan ca_cert_der, ByteSpan sealing_spki_der);
// c8s/replica/v1: SHA-512(label || TLS exporter "EXPORTER-c8s-replica", 32 bytes).
ReportData ReplicaRoleBinding(ByteSpan tls_exporter);
// c8s/recover/v1: SHA-512(label || nonce || H(HPKE recipient public key)).
ReportData RecoverRoleBinding(ByteSpan nonce, ByteSpan hpke_public_key);
// c8s/ingress/v1: SHA-512(label || nonce || H(TLS cert DER)).
ReportData IngressRoleBinding(ByteSpan nonce, ByteSpan tls_cert_der);

Bytes ToBytes(const ReportData& rd);

}  // namespace c8s::attest
