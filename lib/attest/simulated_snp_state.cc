// SimulatedSnp::ExportState / FromState: the simulated chain survives a process restart.
#include <openssl/pem.h>

#include "lib/attest/simulated_certs.h"
#include "lib/attest/simulated_snp.h"
#include "lib/attest/snp_certs.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

std::string KeyPem(EVP_PKEY* key) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("simulated SNP state: ", what));
}

}  // namespace

std::string SimulatedSnp::ExportState() const {
  std::string vek_pem;
  {
    const unsigned char* p = vek_der_.data();
    crypto::X509Ptr vek(d2i_X509(nullptr, &p, static_cast<long>(vek_der_.size())));
    vek_pem = SimCertPem(vek.get());
  }
  return StrCat(KeyPem(vek_key_.get()), KeyPem(ark_key_.get()), ark_pem_, ask_pem_, vek_pem);
}

absl::StatusOr<std::unique_ptr<SimulatedSnp>> SimulatedSnp::FromState(
    const SimulatedSnpConfig& config, std::string_view state) {
  // Create() validates the config and fills the defaults (chip ID); its fresh keys and
  // certificates are then replaced by the saved ones.
  SimulatedSnpConfig quick = config;
  quick.rsa_bits = 1024;
  ASSIGN_OR_RETURN(std::unique_ptr<SimulatedSnp> sim, Create(quick));
  sim->config_.rsa_bits = config.rsa_bits;
  crypto::BioPtr bio = crypto::ReadOnlyBio(AsBytes(state));
  crypto::EvpPkeyPtr vek_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  crypto::EvpPkeyPtr ark_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!vek_key || !ark_key) return Bad("expected the VEK and ARK private keys first");
  crypto::X509Ptr certs[3];
  for (auto& c : certs) {
    c.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!c) return Bad("expected the ARK, ASK and VEK certificates after the keys");
  }
  if (X509_check_private_key(certs[0].get(), ark_key.get()) != 1 ||
      X509_check_private_key(certs[2].get(), vek_key.get()) != 1) {
    return Bad("the keys do not belong to the ARK and VEK certificates");
  }
  sim->vek_key_ = std::move(vek_key);
  sim->ark_key_ = std::move(ark_key);
  sim->ark_pem_ = SimCertPem(certs[0].get());
  sim->ask_pem_ = SimCertPem(certs[1].get());
  sim->vek_der_ = CertDer(certs[2].get());
  return sim;
}

}  // namespace c8s::attest
