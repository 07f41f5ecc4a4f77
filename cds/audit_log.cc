#include "cds/audit_log.h"

#include <fcntl.h>

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {

absl::StatusOr<AuditHead> VerifyAuditLog(std::string_view text) {
  AuditHead head;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      return absl::DataLossError(StrCat("audit log line ", head.seq + 1, ": torn (no newline)"));
    }
    std::string_view line = text.substr(pos, nl - pos);
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("prev") ||
        !doc["prev"].is_string() || !doc.contains("seq") || !doc["seq"].is_number_unsigned()) {
      return absl::DataLossError(StrCat("audit log line ", head.seq + 1, ": malformed"));
    }
    if (doc["seq"].get<uint64_t>() != head.seq + 1) {
      return absl::DataLossError(StrCat("audit log line ", head.seq + 1, ": seq ",
                                        doc["seq"].get<uint64_t>(), ", want ", head.seq + 1));
    }
    if (doc["prev"].get<std::string>() != head.hash) {
      return absl::DataLossError(StrCat("audit log line ", head.seq + 1, ": prev ",
                                        doc["prev"].get<std::string>(), " but line ", head.seq,
                                        " hashes to ", head.hash, " (edited or removed lines)"));
    }
    head.seq++;
    head.hash = crypto::Sha256Prefixed(AsBytes(line));
    pos = nl + 1;
  }
  return head;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path,
                                                         const Clock& clock) {
  AuditHead head;
  UniqueFd fd;
  if (!path.empty()) {
    ASSIGN_OR_RETURN(fd, OpenFile(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1u << 30));
    absl::StatusOr<AuditHead> h = VerifyAuditLog(text);
    if (!h.ok()) return Annotate(h.status(), path);
    head = *h;
  }
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(fd), clock, head));
}

namespace {

void AppendJson(std::string& out, const nlohmann::json& value) {
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void AuditLog::Record(std::string_view event, std::string_view outcome, std::string_view reason,
                      nlohmann::json details) {
  // The line is what nlohmann's dump of one object with these keys gives (sorted keys,
  // compact), written out directly: building the object first costs as much as the rest
  // of recording, and every issuance records a line.
  std::string line;
  line.reserve(384);
  line += "{\"details\":";
  AppendJson(line, details);
  line += ",\"event\":";
  AppendJson(line, std::string(event));
  line += ",\"outcome\":";
  AppendJson(line, std::string(outcome));
  std::lock_guard lock(mu_);  // seq, prev and time in the order of the lines
  std::string time = FormatRfc3339(clock_.Now());
  line += ",\"prev\":";
  AppendJson(line, head_.hash);
  line += ",\"reason\":";
  AppendJson(line, std::string(reason));
  line += ",\"seq\":";
  line += std::to_string(head_.seq + 1);
  line += ",\"time\":";
  AppendJson(line, time);
  line += "}\n";
  if (fd_.valid()) {
    if (absl::Status st = WriteAll(fd_.get(), line); !st.ok()) {
      log::Error("audit log write failed", {{"error", StatusText(st)}, {"line", line}});
    }
  }
  line.pop_back();  // the newline ends the line in the file; the hash covers the line
  head_.seq++;
  head_.hash = crypto::Sha256Prefixed(AsBytes(line));
  recent_.push_back(std::move(line));
  if (recent_.size() > 1024) recent_.erase(recent_.begin(), recent_.begin() + 512);
}

AuditHead AuditLog::head() const {
  std::lock_guard lock(mu_);
  return head_;
}

std::vector<std::string> AuditLog::recent() const {
  std::lock_guard lock(mu_);
  return recent_;
}

}  // namespace c8s::cds
