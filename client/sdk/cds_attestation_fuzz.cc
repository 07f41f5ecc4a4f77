// libFuzzer: a CDS's GetAttestation answer and History entries are outside input. Whatever
// the fields hold, verification must refuse with a status (never crash), and nothing made of
// fuzz bytes may verify: there is no simulated root it could chain to but the one created
// here, whose key the fuzzer does not have.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>

#include "client/sdk/cds_attestation.h"
#include "client/sdk/cds_session.h"
#include "lib/attest/simulated_snp.h"

namespace {

const c8s::client::CdsReferenceValues& Reference() {
  static const c8s::client::CdsReferenceValues ref = [] {
    c8s::client::CdsReferenceValues r;
    c8s::attest::AttestationPolicy p;
    p.allow_simulated = true;
    p.snp = c8s::attest::SnpPolicy{};
    p.snp->measurements = {c8s::Bytes(48, 0x5a)};
    r.node = p;
    r.images = {"sha256:" + std::string(64, '0')};
    return r;
  }();
  return ref;
}

const c8s::client::VerifyCdsOptions& Options() {
  static const c8s::client::VerifyCdsOptions opt = [] {
    c8s::client::VerifyCdsOptions o;
    auto sim = c8s::attest::SimulatedSnp::Create({});
    if (sim.ok()) o.simulated_roots = {c8s::ToBytes((*sim)->ArkPem())};
    return o;
  }();
  return opt;
}

c8s::Bytes Take(FuzzedDataProvider& in) {
  return in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(0, 4096));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  c8s::client::CdsAttestation att;
  att.evidence.platform = static_cast<c8s::attest::Platform>(in.ConsumeIntegralInRange(0, 3));
  att.evidence.report = Take(in);
  att.evidence.certs = {Take(in), Take(in)};
  att.ca_certificate_der = Take(in);
  att.sealing_public_key_der = Take(in);
  att.image_digest = in.ConsumeRandomLengthString(100);
  att.pod_ref = in.ConsumeRandomLengthString(100);
  att.claimed = in.ConsumeBool();
  att.history_generation = in.ConsumeIntegral<int64_t>();
  att.history_head_hash = in.ConsumeRandomLengthString(80);
  att.approval_mode = in.ConsumeRandomLengthString(12);
  c8s::Bytes nonce = in.ConsumeBytes<uint8_t>(32);
  if (c8s::client::VerifyCdsAttestation(nonce, att, Reference(), Options()).ok()) std::abort();

  std::vector<c8s::client::RawHistoryEntry> raw;
  while (in.remaining_bytes() > 0 && raw.size() < 4) {
    raw.push_back({in.ConsumeRandomLengthString(2048), Take(in)});
  }
  (void)c8s::client::ParseServedHistory(raw);
  return 0;
}
