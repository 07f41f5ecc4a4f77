#include "lib/base/metrics.h"

#include <cstdio>

#include "lib/base/strings.h"

namespace c8s {
namespace {

std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string Metrics::Key(const std::string& name, const Labels& labels) {
  std::string s = name;
  if (!labels.empty()) {
    s += "{";
    for (size_t i = 0; i < labels.size(); ++i) {
      s += StrCat(i ? "," : "", labels[i].first, "=\"", Escape(labels[i].second), "\"");
    }
    s += "}";
  }
  return s;
}

void Metrics::Inc(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mu_);
  counters_[name][Key(name, labels)] += by;
}

void Metrics::Observe(const std::string& name, const Labels& labels, double seconds) {
  std::lock_guard lock(mu_);
  auto& s = summaries_[name][Key("", labels)];
  s.first += seconds;
  s.second += 1;
}

double Metrics::Get(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto f = counters_.find(name);
  if (f == counters_.end()) return 0;
  auto it = f->second.find(Key(name, labels));
  return it == f->second.end() ? 0 : it->second;
}

std::string Metrics::Render(const std::vector<std::pair<std::string, double>>& gauges) const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [family, series] : counters_) {
    out += StrCat("# TYPE ", family, " counter\n");
    for (const auto& [key, v] : series) out += StrCat(key, " ", Num(v), "\n");
  }
  for (const auto& [family, series] : summaries_) {
    out += StrCat("# TYPE ", family, " summary\n");
    for (const auto& [labels, v] : series) {
      out += StrCat(family, "_sum", labels, " ", Num(v.first), "\n");
      out += StrCat(family, "_count", labels, " ", Num(v.second), "\n");
    }
  }
  for (const auto& [name, v] : gauges) {
    out += StrCat("# TYPE ", name, " gauge\n", name, " ", Num(v), "\n");
  }
  return out;
}

std::string ReasonLabel(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == ':' || (c >= '0' && c <= '9') || c == '"' || out.size() >= 48) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back((c >= 'a' && c <= 'z') ? c : '_');
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace c8s
