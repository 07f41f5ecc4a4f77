#include "lib/attest/simulated_snp.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "lib/attest/simulated_certs.h"
#include "lib/attest/snp_certs.h"
#include "lib/attest/verify_error.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

void Put32(Bytes& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void Put64(Bytes& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutBytes(Bytes& b, size_t off, ByteSpan v, size_t max) {
  std::memcpy(b.data() + off, v.data(), std::min(v.size(), max));
}

// CPUID family/model/stepping written into version 3+ reports.
void Cpuid(SnpProduct p, uint8_t out[3]) {
  switch (p) {
    case SnpProduct::kGenoa:
      out[0] = 0x19, out[1] = 0x11, out[2] = 0x01;
      break;
    case SnpProduct::kTurin:
      out[0] = 0x1a, out[1] = 0x02, out[2] = 0x00;
      break;
    default:
      out[0] = 0x19, out[1] = 0x01, out[2] = 0x01;
      break;
  }
}

const char kAmdArc[] = "1.3.6.1.4.1.3704.1.";

}  // namespace

// Checks the config and fills its defaults; keys and certificates come later.
absl::StatusOr<std::unique_ptr<SimulatedSnp>> SimulatedSnp::New(const SimulatedSnpConfig& c) {
  if (c.version < kSnpMinVersion || c.version > kSnpMaxVersion) {
    return absl::InvalidArgumentError(
        StrCat("simulated SNP report version ", c.version, " is not 2 to 5"));
  }
  if (c.product == SnpProduct::kUnknown) {
    return absl::InvalidArgumentError("simulated SNP product must be Milan, Genoa or Turin");
  }
  std::unique_ptr<SimulatedSnp> sim(new SimulatedSnp(c));
  SimulatedSnpConfig& cfg = sim->config_;
  bool turin = cfg.product == SnpProduct::kTurin;
  if (cfg.chip_id.empty()) {
    cfg.chip_id = Bytes(64, 0);
    std::fill(cfg.chip_id.begin(), cfg.chip_id.begin() + (turin ? 8 : 64), 0xc8);
  }
  if (cfg.measurement.size() != 48 || cfg.host_data.size() != 32 || cfg.chip_id.size() != 64) {
    return absl::InvalidArgumentError(
        "simulated SNP: measurement must be 48 bytes, host data 32, chip id 64");
  }
  return sim;
}

absl::StatusOr<std::unique_ptr<SimulatedSnp>> SimulatedSnp::FromParts(
    const SimulatedSnpConfig& c, const SimulatedSnpParts& parts) {
  ASSIGN_OR_RETURN(std::unique_ptr<SimulatedSnp> sim, New(c));
  if (parts.ark_pem.empty() || parts.ask_pem.empty() || parts.vek_der.empty()) {
    return absl::InvalidArgumentError("simulated SNP parts: ARK, ASK and VEK certificate needed");
  }
  ASSIGN_OR_RETURN(sim->vek_key_, PrivateKeyFromPem(parts.vek_key_pem));
  sim->config_.vek_key_pem = parts.vek_key_pem;
  sim->ark_pem_ = parts.ark_pem;
  sim->ask_pem_ = parts.ask_pem;
  sim->vek_der_ = parts.vek_der;
  return sim;
}

SimulatedSnpParts SimulatedSnp::Parts() const {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  std::string key_pem;
  if (bio && PEM_write_bio_PrivateKey(bio.get(), vek_key_.get(), nullptr, nullptr, 0, nullptr,
                                      nullptr) == 1) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    key_pem.assign(data, static_cast<size_t>(len));
  }
  return {ark_pem_, ask_pem_, vek_der_, std::move(key_pem)};
}

absl::StatusOr<std::unique_ptr<SimulatedSnp>> SimulatedSnp::Create(const SimulatedSnpConfig& c) {
  ASSIGN_OR_RETURN(std::unique_ptr<SimulatedSnp> sim, New(c));
  SimulatedSnpConfig& cfg = sim->config_;
  bool turin = cfg.product == SnpProduct::kTurin;
  if (cfg.vek_key_pem.empty()) {
    ASSIGN_OR_RETURN(sim->vek_key_, GenerateP384Key());
  } else {
    ASSIGN_OR_RETURN(sim->vek_key_, PrivateKeyFromPem(cfg.vek_key_pem));
  }
  ASSIGN_OR_RETURN(crypto::EvpPkeyPtr ark_key, GenerateRsaKey(cfg.rsa_bits));
  ASSIGN_OR_RETURN(crypto::EvpPkeyPtr ask_key, GenerateRsaKey(cfg.rsa_bits));
  std::string product(SnpProductName(cfg.product));
  std::string ark_cn = "ARK-" + product;
  std::string ask_cn = (cfg.vlek ? "SEV-VLEK-" : "SEV-") + product;

  SimCertSpec ark{ark_cn,        ark_cn, ark_key.get(), ark_key.get(), true, 1, cfg.not_before,
                  cfg.not_after, {}};
  ASSIGN_OR_RETURN(crypto::X509Ptr ark_cert, MakeSimCert(ark));
  SimCertSpec ask{ask_cn,        ark_cn, ask_key.get(), ark_key.get(), true, 2, cfg.not_before,
                  cfg.not_after, {}};
  ASSIGN_OR_RETURN(crypto::X509Ptr ask_cert, MakeSimCert(ask));

  // The VEK carries the TCB it was derived from, as KDS issues it.
  auto arc = [](const char* sub) { return std::string(kAmdArc) + sub; };
  std::vector<std::pair<std::string, Bytes>> ext;
  ext.push_back({arc("1"), DerInteger(turin ? 1 : 0)});
  ext.push_back({arc("2"), DerIa5(cfg.vlek ? product : product + (turin ? "" : "-B0"))});
  ext.push_back({arc("3.1"), DerInteger(cfg.tcb.bootloader)});
  ext.push_back({arc("3.2"), DerInteger(cfg.tcb.tee)});
  if (!turin) {
    for (const char* spl : {"3.4", "3.5", "3.6", "3.7"}) ext.push_back({arc(spl), DerInteger(0)});
  }
  ext.push_back({arc("3.3"), DerInteger(cfg.tcb.snp)});
  ext.push_back({arc("3.8"), DerInteger(cfg.tcb.microcode)});
  if (turin) ext.push_back({arc("3.9"), DerInteger(cfg.tcb.fmc)});
  if (cfg.vlek) {
    ext.push_back({arc("5"), DerIa5("CN=simulated.c8s.dev")});
  } else {
    ext.push_back({arc("4"), Bytes(cfg.chip_id.begin(), cfg.chip_id.begin() + (turin ? 8 : 64))});
  }
  SimCertSpec vek{cfg.vlek ? "SEV-VLEK" : "SEV-VCEK",
                  ask_cn,
                  sim->vek_key_.get(),
                  ask_key.get(),
                  false,
                  0,
                  cfg.not_before,
                  cfg.not_after,
                  std::move(ext)};
  ASSIGN_OR_RETURN(crypto::X509Ptr vek_cert, MakeSimCert(vek));
  sim->ark_pem_ = SimCertPem(ark_cert.get());
  sim->ark_key_ = std::move(ark_key);
  sim->ask_pem_ = SimCertPem(ask_cert.get());
  sim->vek_der_ = CertDer(vek_cert.get());
  return sim;
}

Bytes SimulatedSnp::BuildUnsignedReport(const ReportData& rd) const {
  const SimulatedSnpConfig& c = config_;
  Bytes b(kSnpReportSize, 0);
  uint64_t tcb = EncodeSnpTcb(c.tcb, c.product);
  Put32(b, 0x000, c.version);
  Put32(b, 0x004, c.guest_svn);
  Put64(b, 0x008, c.policy);
  PutBytes(b, 0x010, c.family_id, 16);
  PutBytes(b, 0x020, c.image_id, 16);
  Put32(b, 0x030, c.vmpl);
  Put32(b, 0x034, 1);  // ECDSA P-384 with SHA-384
  Put64(b, 0x038, tcb);
  Put64(b, 0x040, c.platform_info);
  Put32(b, 0x048, (c.vlek ? kSnpSigningKeyVlek : kSnpSigningKeyVcek) << 2);
  PutBytes(b, 0x050, rd, 64);
  PutBytes(b, 0x090, c.measurement, 48);
  PutBytes(b, 0x0C0, c.host_data, 32);
  PutBytes(b, 0x0E0, c.id_key_digest, 48);
  PutBytes(b, 0x110, c.author_key_digest, 48);
  PutBytes(b, 0x140, c.report_id, 32);
  std::memset(b.data() + 0x160, 0xff, 32);  // REPORT_ID_MA: no migration agent
  Put64(b, 0x180, tcb);
  if (c.version >= 3) {
    uint8_t cpuid[3];
    Cpuid(c.product, cpuid);
    PutBytes(b, 0x188, ByteSpan(cpuid, 3), 3);
  }
  PutBytes(b, 0x1A0, c.chip_id, 64);
  Put64(b, 0x1E0, tcb);
  b[0x1E8] = c.fw_build;
  b[0x1E9] = c.fw_minor;
  b[0x1EA] = c.fw_major;
  b[0x1EC] = c.fw_build;
  b[0x1ED] = c.fw_minor;
  b[0x1EE] = c.fw_major;
  Put64(b, 0x1F0, tcb);
  return b;
}

absl::Status SimulatedSnp::SignReport(Bytes& report) const {
  crypto::EvpMdCtxPtr md(EVP_MD_CTX_new());
  size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha384(), nullptr, vek_key_.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, report.data(), kSnpSignedSize) != 1) {
    return crypto::OpenSslError("simulated report signature");
  }
  Bytes der(len);
  if (EVP_DigestSign(md.get(), der.data(), &len, report.data(), kSnpSignedSize) != 1) {
    return crypto::OpenSslError("simulated report signature");
  }
  const unsigned char* p = der.data();
  crypto::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) return crypto::OpenSslError("simulated report signature DER");
  std::memset(report.data() + kSnpSignatureOffset, 0, 0x200);
  if (BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), report.data() + kSnpSignatureOffset, 72) != 72 ||
      BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), report.data() + kSnpSignatureOffset + 72, 72) !=
          72) {
    return crypto::OpenSslError("simulated report signature encoding");
  }
  return absl::OkStatus();
}

absl::StatusOr<Evidence> SimulatedSnp::GetEvidence(const ReportData& report_data) {
  Evidence ev;
  ev.platform = Platform::kSimulatedSevSnp;
  ev.report = BuildUnsignedReport(report_data);
  RETURN_IF_ERROR(SignReport(ev.report));
  ev.certs = {vek_der_, ToBytes(ask_pem_ + ark_pem_)};
  return ev;
}

absl::StatusOr<Bytes> SimulatedSnp::MakeCrl(const std::vector<long>& revoked_serials,
                                            absl::Time this_update, absl::Time next_update) const {
  if (!ark_key_) {
    return absl::FailedPreconditionError("simulated CRL: platform built from parts has no ARK key");
  }
  ASSIGN_OR_RETURN(auto ark_certs, ParseCertificates(AsBytes(ark_pem_)));
  X509* ark = ark_certs[0].get();
  crypto::X509CrlPtr crl(X509_CRL_new());
  crypto::Asn1TimePtr last(ASN1_TIME_set(nullptr, absl::ToTimeT(this_update)));
  crypto::Asn1TimePtr next(ASN1_TIME_set(nullptr, absl::ToTimeT(next_update)));
  if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ark)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return crypto::OpenSslError("simulated CRL");
  }
  for (long serial : revoked_serials) {
    X509_REVOKED* rev = X509_REVOKED_new();
    crypto::Asn1IntegerPtr sn(ASN1_INTEGER_new());
    ASN1_INTEGER_set(sn.get(), serial);
    X509_REVOKED_set_serialNumber(rev, sn.get());
    X509_REVOKED_set_revocationDate(rev, last.get());
    X509_CRL_add0_revoked(crl.get(), rev);
  }
  X509_CRL_sort(crl.get());
  crypto::EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sha384(), nullptr, ark_key_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
      X509_CRL_sign_ctx(crl.get(), md.get()) <= 0) {
    return crypto::OpenSslError("signing simulated CRL");
  }
  int len = i2d_X509_CRL(crl.get(), nullptr);
  Bytes out(len);
  unsigned char* p = out.data();
  i2d_X509_CRL(crl.get(), &p);
  return out;
}

absl::Status SimulatedSnp::WriteToDirectory(const std::string& dir, const ReportData& rd) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus("mkdir " + dir, errno);
  ASSIGN_OR_RETURN(Evidence ev, GetEvidence(rd));
  RETURN_IF_ERROR(WriteFile(dir + "/report.bin", AsChars(ev.report)));
  RETURN_IF_ERROR(WriteFile(dir + (config_.vlek ? "/vlek.der" : "/vcek.der"), AsChars(vek_der_)));
  RETURN_IF_ERROR(WriteFile(dir + "/cert_chain.pem", ask_pem_ + ark_pem_));
  std::string roots = dir + "/roots";
  if (mkdir(roots.c_str(), 0755) != 0 && errno != EEXIST)
    return ErrnoStatus("mkdir " + roots, errno);
  RETURN_IF_ERROR(WriteFile(roots + "/sim_ark.pem", ark_pem_));
  return absl::OkStatus();
}

}  // namespace c8s::attest
