// c8s-bench-attest: SEV-SNP report verifications per second on one core, with the validated
// VCEK -> ASK -> ARK chain cached (warm) and without (cold), next to raw EVP ECDSA P-384
// verifications of the same 672 bytes measured in the same run. The evidence is simulated with
// an RSA-4096 ARK/ASK like AMD's, so the run needs no files and no network.
// Goal (issue 3): warm >= 80% of the raw P-384 rate.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "bench/rate.h"
#include "lib/attest/simulated_snp.h"
#include "lib/attest/snp_certs.h"
#include "lib/attest/snp_verifier.h"
#include "lib/crypto/openssl_util.h"

namespace {

using c8s::bench::Rate;

}  // namespace

int main(int argc, char** argv) {
  using namespace c8s::attest;
  double seconds = argc > 1 ? std::atof(argv[1]) : 6.0;  // per operation, over all rounds
  SimulatedSnpConfig cfg;
  cfg.rsa_bits = 4096;
  auto sim = SimulatedSnp::Create(cfg);
  if (!sim.ok()) {
    std::fprintf(stderr, "simulator: %s\n", std::string(sim.status().message()).c_str());
    return 2;
  }
  ReportData rd{};
  Evidence ev = (*sim)->GetEvidence(rd).value();
  SnpVerifyOptions opt;
  opt.simulated_roots = {c8s::ToBytes((*sim)->ArkPem())};

  // Raw: the same SHA-384 + ECDSA P-384 verification the verifier ends with, via EVP.
  const unsigned char* p = (*sim)->VekDer().data();
  c8s::crypto::X509Ptr vek(d2i_X509(nullptr, &p, static_cast<long>((*sim)->VekDer().size())));
  EVP_PKEY* key = X509_get0_pubkey(vek.get());
  c8s::crypto::EcdsaSigPtr sig(ECDSA_SIG_new());
  ECDSA_SIG_set0(sig.get(), BN_lebin2bn(ev.report.data() + 0x2A0, 72, nullptr),
                 BN_lebin2bn(ev.report.data() + 0x2A0 + 72, 72, nullptr));
  unsigned char der[160];
  unsigned char* dp = der;
  int der_len = i2d_ECDSA_SIG(sig.get(), &dp);
  auto raw = [&] {
    c8s::crypto::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), der, der_len, ev.report.data(), 0x2A0) == 1;
  };

  SnpChainCache cache;
  SnpVerifyOptions warm_opt = opt;
  warm_opt.cache = &cache;
  auto warm = [&] { return VerifySnpEvidence(ev, warm_opt).ok(); };
  auto cold = [&] { return VerifySnpEvidence(ev, opt).ok(); };

  // Interleaved rounds, median per operation: the machine is shared, and load that changes
  // between one long raw phase and one long warm phase would skew their ratio.
  constexpr int kRounds = 7;
  std::vector<double> raws, warms, colds;
  for (int i = 0; i < kRounds; ++i) {
    raws.push_back(Rate(seconds / kRounds, raw));
    warms.push_back(Rate(seconds / kRounds, warm));
    colds.push_back(Rate(seconds / kRounds, cold));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double raw_rate = median(raws);
  double warm_rate = median(warms);
  double cold_rate = median(colds);

  std::printf("%-44s %12s %10s\n", "operation (one core, median of 7 rounds)", "per second",
              "vs raw");
  std::printf("%-44s %12.0f %9.1f%%\n", "EVP ECDSA P-384 verify (672 bytes, SHA-384)", raw_rate,
              100.0);
  std::printf("%-44s %12.0f %9.1f%%\n", "SNP verify, warm chain cache", warm_rate,
              100.0 * warm_rate / raw_rate);
  std::printf("%-44s %12.0f %9.1f%%\n", "SNP verify, cold (chain validated each time)", cold_rate,
              100.0 * cold_rate / raw_rate);
  std::printf("goal: warm >= 80%% of raw: %s\n", warm_rate >= 0.8 * raw_rate ? "met" : "NOT met");
  std::printf(
      "RESULT attest snp_verify_per_s=%.0f snp_verify_cold_per_s=%.0f p384_verify_per_s=%.0f\n",
      warm_rate, cold_rate, raw_rate);
  return 0;
}
