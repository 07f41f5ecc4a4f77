#include "lib/base/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "lib/base/strings.h"

namespace c8s::log {
namespace {

struct State {
  std::mutex mu;
  std::string component = "c8s";
  std::function<void(std::string_view)> sink;
};
State& GetState() {
  static State* state = new State();
  return *state;
}
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "unknown";
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, std::string_view v) {
  if (!NeedsQuotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string Now() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof(ms), ".%03d", static_cast<int>(millis));
  return StrCat(buf, ms, "Z");
}

}  // namespace

void SetComponent(std::string_view component) {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  s.component = std::string(component);
}

void SetMinLevel(Level level) { g_min_level = static_cast<int>(level); }

void SetSink(std::function<void(std::string_view)> sink) {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  s.sink = std::move(sink);
}

absl::StatusOr<Level> ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  return absl::InvalidArgumentError(
      StrCat("unknown log level \"", name, "\" (want debug, info, warn or error)"));
}

std::string Format(Level level, std::string_view component, std::string_view message,
                   Fields fields, std::string_view timestamp) {
  std::string line = StrCat("ts=", timestamp, " level=", LevelName(level), " component=");
  AppendValue(line, component);
  line += " msg=";
  AppendValue(line, message);
  for (const Field& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    AppendValue(line, f.value);
  }
  line += '\n';
  return line;
}

void Write(Level level, std::string_view message, Fields fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  State& s = GetState();
  std::lock_guard lock(s.mu);
  std::string line = Format(level, s.component, message, fields, Now());
  if (s.sink) {
    s.sink(line);
    return;
  }
  // One write(2) per line so that lines of concurrent processes never interleave.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace c8s::log
