#include "bench/cds/join_breakdown.h"

#include <chrono>
#include <cstdio>

#include "cds/cds.h"
#include "lib/attest/report_data.h"
#include "lib/base/clock.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/serialize.h"

namespace c8s::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace c8s::cds;

// Microseconds per call of `op`, over `n` calls.
template <typename Op>
double Micros(int n, Op op) {
  auto start = SteadyClock::now();
  for (int i = 0; i < n; ++i) op(i);
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count() / n;
}

}  // namespace

std::vector<std::pair<std::string, double>> JoinBreakdown(attest::SimulatedSnp& tee, int n) {
  std::vector<std::pair<std::string, double>> out;
  // Inputs made beforehand: a key, a CSR and fresh evidence per join.
  MemoryStorage storage;
  CdsOptions options;
  options.simulated_roots = {ToBytes(tee.ArkPem())};
  options.issue_node_limit = {};
  options.challenge_limit = {};
  auto cds = Cds::Open(crypto::RandomBytes(32), &storage, options, Clock::Real(), nullptr);
  if (!cds.ok()) return out;
  auto owner = crypto::PrivateKey::Generate(crypto::KeyType::kP256).value();
  manifest::Manifest m = BenchManifest(owner.GetPublicKey());
  AttestationInfo info = (*cds)->Attestation();
  manifest::ApprovalStatement st{info.cluster, 1, std::string(manifest::kZeroEntryHash),
                                 manifest::ManifestHash(m).value()};
  if (!(*cds)
           ->Claim(manifest::CanonicalBytes(m).value(), manifest::CanonicalBytes(st).value(),
                   m.owners[0].name, manifest::SignApproval(st, owner).value())
           .ok()) {
    return out;
  }
  std::vector<cds::NodeJoinInput> joins;
  for (int i = 0; i < n; ++i) {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256).value();
    auto csr = crypto::CertificateRequest::Create(key, {StrCat("node-", i)}, {}).value();
    cds::Challenge c = *(*cds)->NewChallenge();
    auto ev =
        tee.GetEvidence(attest::NodeReportData(c.token, key.GetPublicKey().SpkiDer())).value();
    joins.push_back({csr.ToDer(), ev, c.token, StrCat("node-", i)});
  }
  bench::P384Sample p384 = bench::P384Sample::Make();
  out.push_back(
      {"P-384 verify, OpenSSL (baseline)", Micros(n, [&](int) { (void)p384.VerifyOpenSsl(); })});
  out.push_back({"P-384 verify, lib/crypto/p384", Micros(n, [&](int) { (void)p384.VerifyC8s(); })});
  std::vector<crypto::CertificateRequest> csrs;
  out.push_back({"CSR parse", Micros(n, [&](int i) {
                   csrs.push_back(crypto::CertificateRequest::FromDer(joins[i].csr_der).value());
                 })});
  out.push_back(
      {"CSR proof of possession", Micros(n, [&](int i) { (void)csrs[i].VerifySelfSignature(); })});
  out.push_back(
      {"CSR key SPKI", Micros(n, [&](int i) { (void)csrs[i].GetPublicKey().value().SpkiDer(); })});
  attest::SnpChainCache cache;
  cds::EvidenceCheck check;
  check.simulated_roots = options.simulated_roots;
  check.chain_cache = &cache;
  check.now = absl::Now();
  (void)cds::VerifyEvidence(joins[0].evidence, check);
  out.push_back({"SNP evidence verify (chain cached)",
                 Micros(n, [&](int i) { (void)cds::VerifyEvidence(joins[i].evidence, check); })});
  auto ca = cds::ClusterCa::Generate(absl::Now()).value();
  attest::Claims claims = cds::VerifyEvidence(joins[0].evidence, check).value();
  out.push_back({"node certificate (build + P-256 sign)", Micros(n, [&](int i) {
                   cds::NodeCertRequest req{StrCat("node-", i), "bench.c8s.dev", claims, {},
                                            absl::Now(),        absl::Hours(24)};
                   (void)ca.IssueNode(csrs[i], req);
                 })});
  auto signer = crypto::PrivateKey::Generate(crypto::KeyType::kP256).value();
  out.push_back({"P-256 sign (raw)", Micros(n, [&](int) { (void)signer.Sign(p384.message); })});
  cds::AuditLog* audit = &(*cds)->audit();
  out.push_back({"audit record", Micros(n, [&](int i) {
                   audit->Record("bench", "issued", "",
                                 {{"node", StrCat("node-", i)}, {"serial", std::string(32, 'a')}});
                 })});
  out.push_back({"Cds::IssueNode (all of the above + cert)", Micros(n, [&](int i) {
                   auto cert = (*cds)->IssueNode(joins[i], {});
                   if (!cert.ok()) std::fprintf(stderr, "%s\n", cert.status().ToString().c_str());
                 })});
  return out;
}

}  // namespace c8s::bench
