// Collateral signatures (Intel PCS API v4): ECDSA P-256/SHA-256 over the exact served bytes of
// the signed member, hex r||s in "signature".
#include "lib/attest/tdx_collateral.h"

#include <cctype>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

absl::Status JsonError(std::string_view what, size_t pos) {
  return VerifyError(VerifyErrorKind::kCollateral,
                     StrCat("collateral json: ", what, " at offset ", pos));
}

// A strict RFC 8259 scanner that only finds value extents; depth is bounded so that hostile
// input cannot exhaust the stack.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void SkipWs() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipWs();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::StatusOr<std::string_view> String() {
    SkipWs();
    if (pos_ >= s_.size() || s_[pos_] != '"') return JsonError("expected string", pos_);
    size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (static_cast<unsigned char>(s_[pos_]) < 0x20) return JsonError("control char", pos_);
      if (s_[pos_] == '\\') ++pos_;
      ++pos_;
    }
    if (pos_ >= s_.size()) return JsonError("unterminated string", start);
    return s_.substr(start, pos_++ - start);
  }
  absl::Status Value(int depth) {
    if (depth > 64) return JsonError("nesting too deep", pos_);
    SkipWs();
    if (pos_ >= s_.size()) return JsonError("expected value", pos_);
    char c = s_[pos_];
    if (c == '"') return String().status();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos_;
      if (Consume(close)) return absl::OkStatus();
      do {
        if (c == '{') {
          RETURN_IF_ERROR(String().status());
          if (!Consume(':')) return JsonError("expected ':'", pos_);
        }
        RETURN_IF_ERROR(Value(depth + 1));
      } while (Consume(','));
      if (!Consume(close)) return JsonError(StrCat("expected '", close, "'"), pos_);
      return absl::OkStatus();
    }
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.')) {
      ++pos_;
    }
    std::string_view lit = s_.substr(start, pos_ - start);
    if (lit.empty()) return JsonError("unexpected character", start);
    if (lit != "true" && lit != "false" && lit != "null" &&
        !(std::isdigit(static_cast<unsigned char>(lit[0])) || lit[0] == '-')) {
      return JsonError("bad literal", start);
    }
    return absl::OkStatus();
  }
  size_t pos() const { return pos_; }
  bool AtEnd() {
    SkipWs();
    return pos_ == s_.size();
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::string_view> ExtractJsonMember(std::string_view json, std::string_view key) {
  Scanner sc(json);
  if (!sc.Consume('{')) return JsonError("expected '{'", sc.pos());
  std::optional<std::string_view> found;
  if (!sc.Consume('}')) {
    do {
      ASSIGN_OR_RETURN(std::string_view name, sc.String());
      if (!sc.Consume(':')) return JsonError("expected ':'", sc.pos());
      sc.SkipWs();
      size_t start = sc.pos();
      RETURN_IF_ERROR(sc.Value(1));
      if (name == key) {
        if (found) return JsonError(StrCat("member \"", key, "\" appears twice"), start);
        found = json.substr(start, sc.pos() - start);
      }
    } while (sc.Consume(','));
    if (!sc.Consume('}')) return JsonError("expected '}'", sc.pos());
  }
  if (!sc.AtEnd()) return JsonError("trailing data", sc.pos());
  if (!found) {
    return VerifyError(VerifyErrorKind::kCollateral,
                       StrCat("collateral json: member \"", key, "\" missing"));
  }
  return *found;
}

absl::StatusOr<SignedJson> SplitSignedJson(std::string_view json, std::string_view key) {
  SignedJson doc;
  ASSIGN_OR_RETURN(std::string_view body, ExtractJsonMember(json, key));
  ASSIGN_OR_RETURN(std::string_view sig, ExtractJsonMember(json, "signature"));
  absl::StatusOr<Bytes> raw = sig.size() == 130 && sig.front() == '"'
                                  ? HexDecode(sig.substr(1, 128))
                                  : absl::InvalidArgumentError("size");
  if (!raw.ok()) {
    return VerifyError(VerifyErrorKind::kCollateral,
                       StrCat("collateral ", key, ": signature is not 128 hex digits"));
  }
  doc.body = std::string(body);
  doc.signature = std::move(*raw);
  return doc;
}

absl::StatusOr<ChainResult> VerifySignedJson(const SignedJson& doc, std::string_view chain_pem,
                                             const TrustAnchors& anchors, absl::Time now,
                                             const std::vector<X509_CRL*>& crls) {
  ASSIGN_OR_RETURN(CertChain chain, ParsePemChain(chain_pem));
  absl::StatusOr<ChainResult> result = VerifyIntelChain(chain, anchors, now, crls);
  if (!result.ok()) return AnnotateVerify(result.status(), "collateral signing chain");
  crypto::EvpPkeyPtr key(X509_get_pubkey(chain.front().get()));
  absl::Status st = key ? VerifyP256RawSignature(key.get(), AsBytes(doc.body), doc.signature)
                        : absl::InvalidArgumentError("no key");
  if (!st.ok()) {
    return VerifyError(VerifyErrorKind::kCollateral,
                       "collateral signature: ECDSA P-256 signature over the signed JSON value "
                       "does not verify with the TCB signing certificate");
  }
  return result;
}

}  // namespace c8s::attest
