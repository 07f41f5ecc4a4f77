// Test-only: a simulated CDS as the SDK sees it — a cluster CA, a sealing key, simulated
// SEV-SNP evidence bound to them by c8s/pod/v1(c8s/cds/v1), and matching reference values.
//
//   FakeCds cds;  CdsAttestation att = cds.Attest(nonce);
//   auto v = VerifyCdsAttestation(nonce, att, cds.Reference(), cds.Options());
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <memory>

#include "client/sdk/cds_attestation.h"
#include "lib/attest/report_data.h"
#include "lib/attest/simulated_snp.h"
#include "lib/crypto/hash.h"

namespace c8s::client::testing {

inline attest::SimulatedSnp& Sim(int which = 0) {
  static std::unique_ptr<attest::SimulatedSnp> sims[2];
  if (!sims[which]) {
    attest::SimulatedSnpConfig c;
    if (which == 1) c.measurement = Bytes(48, 0x66);
    auto s = attest::SimulatedSnp::Create(c);
    REQUIRE(s.ok());
    sims[which] = std::move(*s);
  }
  return *sims[which];
}

inline const std::string kImage = "sha256:" + std::string(64, 'c');
inline const std::string kPod = "c8s-system/cds-0";

struct FakeCds {
  crypto::CertificateAuthority ca = *crypto::CertificateAuthority::CreateSelfSigned(
      *crypto::PrivateKey::Generate(crypto::KeyType::kP256), {"c8s cluster CA", "c8s"},
      absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(24 * 365));
  crypto::PrivateKey sealing = *crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  int sim = 0;

  CdsAttestation Attest(ByteSpan nonce, std::string image = kImage) const {
    CdsAttestation att;
    att.image_digest = std::move(image);
    att.pod_ref = kPod;
    att.ca_certificate_der = ca.certificate().ToDer();
    att.sealing_public_key_der = sealing.GetPublicKey().SpkiDer();
    att.approval_mode = "Owner";
    att.history_head_hash = "sha256:" + std::string(64, '0');
    return Sign(nonce, std::move(att));
  }
  // Evidence over whatever `att` says (so tests can bind unusual CA or key bytes).
  CdsAttestation Sign(ByteSpan nonce, CdsAttestation att) const {
    auto ev = Sim(sim).GetEvidence(ExpectedCdsReportData(nonce, att));
    REQUIRE(ev.ok());
    att.evidence = *ev;
    return att;
  }
  static CdsReferenceValues Reference(bool allow_simulated = true) {
    CdsReferenceValues ref;
    attest::AttestationPolicy p;
    p.allow_simulated = allow_simulated;
    p.snp = attest::SnpPolicy{};
    p.snp->measurements = {Bytes(48, 0x5a)};
    ref.node = p;
    ref.images = {kImage};
    return ref;
  }
  static VerifyCdsOptions Options() {
    VerifyCdsOptions o;
    o.simulated_roots = {ToBytes(Sim(0).ArkPem()), ToBytes(Sim(1).ArkPem())};
    return o;
  }
};

}  // namespace c8s::client::testing
