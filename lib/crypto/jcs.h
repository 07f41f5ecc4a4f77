// JSON for signed documents: a strict parser and RFC 8785 (JCS) canonical serialization.
//
// Everything c8s signs or hashes as JSON (manifests, approval statements, history entries,
// policy bundles) goes through these two functions:
//   ASSIGN_OR_RETURN(nlohmann::json doc, ParseStrictJson(text));   // dup keys etc. refused
//   ASSIGN_OR_RETURN(std::string canon, CanonicalJson(doc));         // RFC 8785 bytes
//   std::string hash = Sha256Prefixed(AsBytes(canon));
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace c8s::crypto {

// Parses JSON text, refusing what a verifier must never guess about: duplicate object keys,
// invalid UTF-8, lone surrogates in \u escapes, trailing content, nesting deeper than
// `max_depth`, and integers with |n| > 2^53. Errors carry the byte offset.
absl::StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth = 64);

// RFC 8785 canonical form: no whitespace, object members sorted by UTF-16 code units, strings
// with the minimal escapes of §3.2.2.2, numbers formatted as ECMAScript Number.toString
// (§3.2.2.3). Fails for NaN/Infinity, integers outside ±2^53, doubles in (2^53, 1e21) (their
// ECMAScript form is a plain integer beyond 2^53 that ParseStrictJson would refuse, so every
// canonical output re-parses to itself), and strings or keys that are not valid UTF-8.
absl::StatusOr<std::string> CanonicalJson(const nlohmann::json& value);

// ECMAScript Number::toString of a double (shortest round-trip digits), e.g. 1e+21, 0.000001,
// 1e-7, -0 -> "0". Exposed for tests.
std::string FormatEcmaScriptNumber(double value);

}  // namespace c8s::crypto
