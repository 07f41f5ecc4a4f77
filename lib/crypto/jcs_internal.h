// Internal helpers shared by the strict JSON parser and the RFC 8785 serializer (jcs*.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace c8s::crypto::jcs_internal {

// Decodes one strictly valid UTF-8 sequence at s[i] (no overlong forms, no encoded surrogates,
// nothing above U+10FFFF) and advances `i` past it. Returns -1 and leaves `i` unchanged on
// invalid or truncated input.
int32_t DecodeUtf8(std::string_view s, size_t& i);

// Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate).
void AppendUtf8(std::string& out, uint32_t code_point);

// A short, printable rendering of (possibly hostile) text for error messages: quoted, control
// and non-ASCII bytes shown as \xNN, cut after `max_bytes` with "...".
std::string QuoteForError(std::string_view text, size_t max_bytes = 64);

}  // namespace c8s::crypto::jcs_internal
