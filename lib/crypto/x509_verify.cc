// Chain verification with OpenSSL's X509_STORE, pinned to a caller-given time, with errors
// that say which certificate failed which check.
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

std::string Describe(X509* cert) {
  if (cert == nullptr) return "unknown certificate";
  std::string subject = internal::NameToString(X509_get_subject_name(cert));
  return StrCat(subject.empty() ? "<empty subject>" : subject, ", serial ",
                internal::SerialToHex(X509_get0_serialNumber(cert)));
}

std::string TimeText(const ASN1_TIME* t) {
  absl::StatusOr<absl::Time> time = internal::FromAsn1Time(t);
  return time.ok() ? FormatRfc3339(*time) : "<unreadable time>";
}

// The check that failed, in words, with the values involved.
std::string Check(int err, X509* cert, absl::Time at) {
  std::string when = FormatRfc3339(at);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return StrCat("expired at ", TimeText(X509_get0_notAfter(cert)), ", checked at ", when);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return StrCat("not valid before ", TimeText(X509_get0_notBefore(cert)), ", checked at ",
                    when);
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return StrCat("signature does not verify with the key of issuer ",
                    internal::NameToString(X509_get_issuer_name(cert)));
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      return StrCat("issuer mismatch: no trusted certificate named ",
                    internal::NameToString(X509_get_issuer_name(cert)),
                    " with a matching key identifier");
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "self-signed certificate that is not a trusted root";
    case X509_V_ERR_INVALID_CA:
      return "used as an issuer but is not a CA (basicConstraints/keyUsage)";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
      return "path length constraint exceeded";
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
      return "carries an unknown critical extension";
    default:
      return StrCat(X509_verify_cert_error_string(err), " (X509_V_ERR ", err, ")");
  }
}

}  // namespace

absl::Status VerifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                         const std::vector<Certificate>& roots, absl::Time at) {
  if (roots.empty()) return absl::InvalidArgumentError("certificate chain: no trusted roots");
  X509StorePtr store(X509_STORE_new());
  for (const Certificate& root : roots) {
    if (X509_STORE_add_cert(store.get(), root.x509()) != 1) {
      return OpenSslError("certificate chain: add root");
    }
  }
  X509StackPtr untrusted(sk_X509_new_null());
  for (const Certificate& cert : intermediates) {
    X509_up_ref(cert.x509());
    sk_X509_push(untrusted.get(), cert.x509());
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.x509(), untrusted.get()) != 1) {
    return OpenSslError("certificate chain: init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(at));
  // Only the given roots are anchors: the store has no default paths, and partial chains
  // (X509_V_FLAG_PARTIAL_CHAIN) stay off, so an intermediate alone never suffices.
  int rc = X509_verify_cert(ctx.get());
  if (rc == 1) return absl::OkStatus();
  int err = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* failed = X509_STORE_CTX_get_current_cert(ctx.get());
  ClearOpenSslErrors();
  return absl::PermissionDeniedError(StrCat("certificate chain: depth ", depth, " (",
                                            Describe(failed), "): ", Check(err, failed, at)));
}

}  // namespace c8s::crypto
