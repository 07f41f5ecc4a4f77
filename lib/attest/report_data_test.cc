// One vector per report-data label; expected values computed independently with Python's
// hashlib (e.g. sha512(b"c8s/node/v1" + challenge + sha256(spki)).hexdigest()).
#include "lib/attest/report_data.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"

namespace c8s::attest {
namespace {

Bytes Seq(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}
const Bytes kNonce(32, 0xaa);

TEST_CASE("c8s/node/v1", "[unit]") {
  CHECK(HexEncode(ToBytes(NodeReportData(Seq(32), AsBytes("spki-der")))) ==
        "54adb13d9c07eba37184d76aa938c54bd80934ec11d95777898d3b2b883deb91e02f29a0e46612ea9fe2"
        "3256bc232b97ba76129bb03a61f4ab7c6f1f6f96eaac");
}

TEST_CASE("c8s/cds/v1 wrapped in c8s/pod/v1", "[unit]") {
  ReportData cds = CdsRoleBinding(kNonce, AsBytes("ca-cert-der"), AsBytes("sealing-spki"));
  CHECK(HexEncode(ToBytes(cds)) ==
        "118b1712cd7ee20276ab1aa0da10cf4e2da490fb9377b0a0b34e0baadd3ce39015318cb00216502c1a8b"
        "6c72f2a7104a2747fc5063ab9e970f67cfbd6b99c490");
  ReportData pod = PodReportData("sha256:" + std::string(64, '0'), "c8s-system/cds-0", cds);
  CHECK(HexEncode(ToBytes(pod)) ==
        "36d927b7ff89610050571a6903d0f17de27591a8b84528427ab18c5f4bb10fb372924a32d76bfca7a976"
        "9c8adbd13b1d86cb399068a309b46936e630bd47f5db");
  // The agent's form, given H(role binding) by the pod: the same bytes.
  CHECK(PodReportDataFromHash("sha256:" + std::string(64, '0'), "c8s-system/cds-0",
                              crypto::Sha256(ToBytes(cds))) == pod);
}

TEST_CASE("c8s/replica/v1", "[unit]") {
  CHECK(HexEncode(ToBytes(ReplicaRoleBinding(Bytes(32, 0x42)))) ==
        "f51eb869bca24628290e3a61331a501411ef9575bdfa64fec9c467ec6cf94243431e7903370bc02c7662"
        "848dcd69574eec382ca83376d548789b9bfe7477006e");
}

TEST_CASE("c8s/recover/v1", "[unit]") {
  CHECK(HexEncode(ToBytes(RecoverRoleBinding(kNonce, Bytes(32, 7)))) ==
        "999b39e324a8e33bdd12e6e493dadbdd90873d2aa078547745c3b4a73789ae27ba0f93d577dafee14f5e"
        "b480841650e77a0ea1d86e5e9bbffebc12d8237e49ca");
}

TEST_CASE("c8s/ingress/v1", "[unit]") {
  CHECK(HexEncode(ToBytes(IngressRoleBinding(kNonce, AsBytes("tls-cert-der")))) ==
        "a7b6818f3ceeb28bccc920c3061e1b50ec4ab4a40d06bb029265423a8f6a6b5bbdbad9337784b98dd7b0"
        "c4f9b08292b5697b668ea6ff37a4c7cf76d7affaed51");
}

TEST_CASE("different inputs give different bindings", "[unit]") {
  CHECK(NodeReportData(Seq(32), AsBytes("a")) != NodeReportData(Seq(32), AsBytes("b")));
  CHECK(ReplicaRoleBinding(Bytes(32, 1)) != RecoverRoleBinding(Bytes(32, 1), {}));
}

}  // namespace
}  // namespace c8s::attest
