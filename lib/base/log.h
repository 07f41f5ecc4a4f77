// Structured logging: one event per line, `key=value` fields, a level and a component.
//
//   c8s::log::Info("node joined", {{"node", name}, {"generation", gen}});
//   -> ts=2026-11-22T10:00:00.123Z level=info component=cds msg="node joined" node=n1 generation=7
//
// Values with spaces, quotes or '=' are quoted. Output goes to stderr (or a sink set by tests).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"

namespace c8s::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  Field(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  std::string key;
  std::string value;
};
using Fields = std::initializer_list<Field>;

// Process-wide settings; set once at start-up from flags.
void SetComponent(std::string_view component);
void SetMinLevel(Level level);
// Replaces the output (default: one write(2) per line to stderr). For tests.
void SetSink(std::function<void(std::string_view line)> sink);
absl::StatusOr<Level> ParseLevel(std::string_view name);

void Write(Level level, std::string_view message, Fields fields);
inline void Debug(std::string_view m, Fields f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, Fields f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, Fields f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, Fields f = {}) { Write(Level::kError, m, f); }

// Formats one line without writing it (used by Write and by tests).
std::string Format(Level level, std::string_view component, std::string_view message,
                   Fields fields, std::string_view timestamp);

}  // namespace c8s::log
