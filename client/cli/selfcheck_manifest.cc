// The manifest checks of `c8sctl selfcheck`: the example of MANIFEST.md is canonicalized
// (RFC 8785), hashed, signed by the owner key and verified with the owner's public key; a
// tampered copy must hash differently and fail verification.
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "client/cli/selfcheck_keys.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"

namespace c8s::cli {
namespace {

CheckResult Result(std::string name, bool passed, std::string detail) {
  return {std::move(name), passed, std::move(detail)};
}

// The first ```json fenced block of a Markdown document.
absl::StatusOr<std::string> FirstJsonBlock(const std::string& markdown, const std::string& path) {
  const std::string open = "```json\n";
  size_t start = markdown.find(open);
  if (start == std::string::npos) {
    return absl::NotFoundError(StrCat(path, ": no ```json block"));
  }
  start += open.size();
  size_t end = markdown.find("\n```", start);
  if (end == std::string::npos) {
    return absl::InvalidArgumentError(StrCat(path, ": unterminated ```json block"));
  }
  return markdown.substr(start, end - start + 1);
}

}  // namespace

void CheckManifest(const SelfCheckKeys& keys, const SelfCheckInputs& inputs,
                   std::vector<CheckResult>& out) {
  auto canonical = [&]() -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(std::string doc, ReadFile(inputs.manifest_doc, 1 << 20));
    ASSIGN_OR_RETURN(std::string text, FirstJsonBlock(doc, inputs.manifest_doc));
    ASSIGN_OR_RETURN(nlohmann::json parsed,
                     Annotate(crypto::ParseStrictJson(text), "example manifest"));
    return crypto::CanonicalJson(parsed);
  }();
  if (!canonical.ok()) {
    out.push_back(Result("manifest.canonicalize", false, StatusText(canonical.status())));
    return;
  }
  const std::string hash = crypto::Sha256Prefixed(AsBytes(*canonical));
  out.push_back(Result("manifest.canonicalize", true,
                       StrCat(inputs.manifest_doc, " example: ", canonical->size(),
                              " canonical bytes, manifestHash=", hash)));

  if (!keys.owner_key.ok() || !keys.owner_public.ok()) {
    const absl::Status& st = keys.owner_key.ok() ? keys.owner_public.status()
                                                 : keys.owner_key.status();
    out.push_back(Result("manifest.sign-verify", false, StatusText(st)));
    return;
  }
  auto signature = keys.owner_key->Sign(AsBytes(*canonical));
  if (!signature.ok()) {
    out.push_back(Result("manifest.sign-verify", false,
                         StrCat("sign: ", StatusText(signature.status()))));
    return;
  }
  absl::Status verified = keys.owner_public->Verify(AsBytes(*canonical), *signature);
  out.push_back(Result("manifest.sign-verify", verified.ok(),
                       verified.ok()
                           ? StrCat(crypto::KeyTypeName(keys.owner_public->type()),
                                    " owner signature (", signature->size(),
                                    " bytes) over the canonical bytes verifies")
                           : StrCat("owner.pub does not verify the owner.key signature: ",
                                    StatusText(verified))));
  if (!verified.ok()) return;

  // Tamper with one value: the approval must no longer cover the document.
  nlohmann::json tampered = nlohmann::json::parse(*canonical);
  tampered["trustDomain"] = "evil.example.com";
  auto tampered_canonical = crypto::CanonicalJson(tampered);
  if (!tampered_canonical.ok()) {
    out.push_back(Result("manifest.reject-tampered", false,
                         StatusText(tampered_canonical.status())));
    return;
  }
  const std::string tampered_hash = crypto::Sha256Prefixed(AsBytes(*tampered_canonical));
  absl::Status refused = keys.owner_public->Verify(AsBytes(*tampered_canonical), *signature);
  bool ok = !refused.ok() && tampered_hash != hash;
  out.push_back(Result("manifest.reject-tampered", ok,
                       ok ? StrCat("trustDomain changed: hash ", tampered_hash.substr(0, 19),
                                   "… != ", hash.substr(0, 19), "…, signature refused: ",
                                   StatusText(refused))
                          : "a tampered manifest still verified"));
}

}  // namespace c8s::cli
