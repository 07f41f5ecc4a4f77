#include "node-agent/agent/trust_anchor.h"

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

}  // namespace

std::unique_ptr<TrustAnchor> ConfiguredCaAnchor(std::string path) {
  return std::make_unique<ConfiguredCa>(std::move(path));
}

}  // namespace c8s::agent
