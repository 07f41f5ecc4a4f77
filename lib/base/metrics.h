// Counters and latency sums for /metrics (Prometheus text format 0.0.4), thread-safe. Shared
// by every component that serves /metrics (the CDS, the operator).
//
//   metrics.Inc("c8s_cds_issued_total", {{"kind", "node"}});
//   metrics.Observe("c8s_cds_issue_seconds", {{"kind", "node"}}, 0.0012);
//   std::string text = metrics.Render({{"c8s_cds_manifest_generation", 3}});
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace c8s {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  void Inc(const std::string& name, const Labels& labels = {}, double by = 1);
  // A summary as _sum and _count.
  void Observe(const std::string& name, const Labels& labels, double seconds);
  double Get(const std::string& name, const Labels& labels = {}) const;
  // Counters, summaries, then the given gauges; one # TYPE line per family.
  std::string Render(const std::vector<std::pair<std::string, double>>& gauges) const;

 private:
  static std::string Key(const std::string& name, const Labels& labels);
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, double>> counters_;  // family -> series -> value
  std::map<std::string, std::map<std::string, std::pair<double, double>>> summaries_;
};

// A refusal's metric label: the leading words of the message up to the first ':' or digit,
// lower-case with '_' ("challenge expired at ..." -> "challenge_expired_at").
std::string ReasonLabel(std::string_view message);

}  // namespace c8s
