#include "node-agent/agent/trust_anchor.h"

#include "client/sdk/cds_session.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {
namespace {

class ConfiguredCa : public TrustAnchor {
 public:
  explicit ConfiguredCa(std::string path) : path_(std::move(path)) {}
  absl::StatusOr<crypto::Certificate> Obtain() override {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(path_, 1 << 20));
    ASSIGN_OR_RETURN(crypto::Certificate ca,
                     Annotate(crypto::Certificate::FromPem(pem), StrCat("CA file ", path_)));
    if (!ca.IsCa()) {
      return absl::InvalidArgumentError(StrCat("CA file ", path_, ": not a CA certificate"));
    }
    log::Warn("trust anchor from the configuration: the CDS is NOT attested (development only)",
              {{"ca_file", path_}, {"fingerprint", HexEncode(ca.Sha256Fingerprint())}});
    return ca;
  }
  std::string Describe() const override { return StrCat("configured CA file ", path_); }

 private:
  std::string path_;
};

class AttestedCds : public TrustAnchor {
 public:
  explicit AttestedCds(AttestedCdsOptions o) : o_(std::move(o)) {}
  absl::StatusOr<crypto::Certificate> Obtain() override {
    client::ConnectOptions connect;
    connect.target = o_.target;  // no pin: VerifyCds binds the attestation to this connection
    ASSIGN_OR_RETURN(std::unique_ptr<client::CdsClient> boot, o_.connect(connect));
    client::VerifyCdsOptions verify;
    verify.simulated_roots = o_.simulated_roots;
    ASSIGN_OR_RETURN(client::VerifiedCds cds,
                     Annotate(client::VerifyCds(*boot, o_.reference, verify),
                              StrCat("attesting the CDS at ", o_.target)));
    log::Info("CDS attested: pinning its CA",
              {{"cds", o_.target},
               {"cluster", cds.cluster},
               {"image", cds.image_digest},
               {"pod", cds.pod_ref},
               {"platform", std::string(attest::PlatformName(cds.claims.platform))},
               {"fingerprint", HexEncode(cds.ca.Sha256Fingerprint())}});
    return cds.ca;
  }
  std::string Describe() const override {
    return StrCat("attested CDS at ", o_.target, " (c8s/cds/v1)");
  }

 private:
  AttestedCdsOptions o_;
};

}  // namespace

std::unique_ptr<TrustAnchor> AttestedCdsAnchor(AttestedCdsOptions options) {
  return std::make_unique<AttestedCds>(std::move(options));
}

std::unique_ptr<TrustAnchor> ConfiguredCaAnchor(std::string path) {
  return std::make_unique<ConfiguredCa>(std::move(path));
}

}  // namespace c8s::agent
