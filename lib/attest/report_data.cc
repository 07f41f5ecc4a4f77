#include "lib/attest/report_data.h"

#include <algorithm>

#include "lib/crypto/hash.h"

namespace c8s::attest {

ReportData BindReportData(std::string_view label, std::initializer_list<ByteSpan> parts) {
  Bytes msg = c8s::ToBytes(label);
  for (ByteSpan p : parts) Append(msg, p);
  Bytes digest = crypto::Sha512(msg);
  ReportData out{};
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

ReportData NodeReportData(ByteSpan challenge, ByteSpan csr_spki_der) {
  Bytes h = crypto::Sha256(csr_spki_der);
  return BindReportData(kLabelNode, {challenge, h});
}

ReportData PodReportData(std::string_view image_digest, std::string_view pod_ref,
                         const ReportData& role_binding) {
  Bytes h = crypto::Sha256(role_binding);
  return PodReportDataFromHash(image_digest, pod_ref, h);
}

ReportData PodReportDataFromHash(std::string_view image_digest, std::string_view pod_ref,
                                 ByteSpan role_binding_hash) {
  return BindReportData(kLabelPod, {AsBytes(image_digest), AsBytes(pod_ref), role_binding_hash});
}

ReportData CdsRoleBinding(ByteSpan nonce, ByteSpan ca_cert_der, ByteSpan sealing_spki_der) {
  Bytes ca = crypto::Sha256(ca_cert_der);
  Bytes seal = crypto::Sha256(sealing_spki_der);
  return BindReportData(kLabelCds, {nonce, ca, seal});
}

ReportData ReplicaRoleBinding(ByteSpan tls_exporter) {
  return BindReportData(kLabelReplica, {tls_exporter});
}

ReportData RecoverRoleBinding(ByteSpan nonce, ByteSpan hpke_public_key) {
  Bytes h = crypto::Sha256(hpke_public_key);
  return BindReportData(kLabelRecover, {nonce, h});
}

ReportData IngressRoleBinding(ByteSpan nonce, ByteSpan tls_cert_der) {
  Bytes h = crypto::Sha256(tls_cert_der);
  return BindReportData(kLabelIngress, {nonce, h});
}

Bytes ToBytes(const ReportData& rd) { return Bytes(rd.begin(), rd.end()); }

}  // namespace c8s::attest
