#include "test/kube-local/table.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace c8s::kubelocal {
namespace {

struct Step {
  enum Kind { kField, kIndex, kAll, kFilter } kind;
  std::string name;  // field name, or filter key path (dotted, after "@.")
  int64_t index = 0;
  std::string value;  // filter value
};

absl::StatusOr<std::vector<Step>> ParsePath(std::string p) {
  if (p.size() >= 2 && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
  std::vector<Step> steps;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') {
      size_t j = i + 1;
      while (j < p.size() && p[j] != '.' && p[j] != '[') ++j;
      if (j > i + 1) steps.push_back({Step::kField, p.substr(i + 1, j - i - 1), 0, ""});
      i = j;
    } else if (p[i] == '[') {
      size_t close = p.find(']', i);
      if (close == std::string::npos) return absl::InvalidArgumentError("jsonpath: unclosed [");
      std::string inner = p.substr(i + 1, close - i - 1);
      if (inner == "*") {
        steps.push_back({Step::kAll, "", 0, ""});
      } else if (inner.rfind("?(@.", 0) == 0 && inner.back() == ')') {
        std::string cond = inner.substr(4, inner.size() - 5);
        size_t eq = cond.find("==");
        if (eq == std::string::npos) return absl::InvalidArgumentError("jsonpath: want ==");
        std::string value = cond.substr(eq + 2);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
          value = value.substr(1, value.size() - 2);
        }
        steps.push_back({Step::kFilter, cond.substr(0, eq), 0, value});
      } else {
        char* end = nullptr;
        long long n = std::strtoll(inner.c_str(), &end, 10);
        if (inner.empty() || *end != '\0') return absl::InvalidArgumentError("jsonpath: bad index");
        steps.push_back({Step::kIndex, "", n, ""});
      }
      i = close + 1;
    } else {
      return absl::InvalidArgumentError("jsonpath: unexpected character");
    }
  }
  return steps;
}

const nlohmann::json* Lookup(const nlohmann::json& v, const std::string& dotted) {
  const nlohmann::json* cur = &v;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string key =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::string Text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

nlohmann::json Cell(const nlohmann::json& column, const nlohmann::json& obj) {
  absl::StatusOr<std::vector<nlohmann::json>> hits =
      EvalJsonPath(column.value("jsonPath", ""), obj);
  if (!hits.ok() || hits->empty()) return nullptr;
  const nlohmann::json& v = hits->front();
  std::string type = column.value("type", "string");
  if (type == "date") {
    absl::Time t;
    std::string err;
    if (!v.is_string() || !absl::ParseTime(absl::RFC3339_full, v.get<std::string>(), &t, &err)) {
      return "<invalid>";
    }
    return HumanDuration(absl::ToInt64Seconds(absl::Now() - t));
  }
  if (type == "integer" && v.is_number_integer()) return v;
  if (type == "number" && v.is_number()) return v;
  if (type == "boolean" && v.is_boolean()) return v;
  return Text(v);
}

}  // namespace

absl::StatusOr<std::vector<nlohmann::json>> EvalJsonPath(const std::string& path,
                                                         const nlohmann::json& root) {
  absl::StatusOr<std::vector<Step>> steps = ParsePath(path);
  if (!steps.ok()) return steps.status();
  std::vector<nlohmann::json> cur = {root};
  for (const Step& s : *steps) {
    std::vector<nlohmann::json> next;
    for (const nlohmann::json& v : cur) {
      if (s.kind == Step::kField) {
        if (v.is_object() && v.contains(s.name)) next.push_back(v[s.name]);
      } else if (s.kind == Step::kIndex) {
        if (!v.is_array()) continue;
        int64_t i = s.index < 0 ? static_cast<int64_t>(v.size()) + s.index : s.index;
        if (i >= 0 && i < static_cast<int64_t>(v.size())) next.push_back(v[i]);
      } else if (v.is_array()) {
        for (const auto& e : v) {
          if (s.kind == Step::kAll) {
            next.push_back(e);
          } else if (const nlohmann::json* k = Lookup(e, s.name);
                     k != nullptr && Text(*k) == s.value) {
            next.push_back(e);
          }
        }
      }
    }
    cur = std::move(next);
  }
  return cur;
}

std::string HumanDuration(int64_t s) {
  if (s < 0) s = 0;
  int64_t m = s / 60, h = s / 3600, d = s / 86400;
  auto str = [](int64_t v) { return std::to_string(v); };
  if (s < 120) return str(s) + "s";
  if (m < 10) return s % 60 == 0 ? str(m) + "m" : str(m) + "m" + str(s % 60) + "s";
  if (m < 180) return str(m) + "m";
  if (h < 8) return m % 60 == 0 ? str(h) + "h" : str(h) + "h" + str(m % 60) + "m";
  if (h < 48) return str(h) + "h";
  if (h < 24 * 8) return h % 24 == 0 ? str(d) + "d" : str(d) + "d" + str(h % 24) + "h";
  if (d < 365 * 2) return str(d) + "d";
  return str(d / 365) + "y";
}

bool WantsTable(const std::string& accept) { return accept.find("as=Table") != std::string::npos; }

nlohmann::json ToTable(const ResourceType& t, const std::vector<nlohmann::json>& objects,
                       const std::string& resource_version, const std::string& include_object) {
  nlohmann::json columns = nlohmann::json::array();
  columns.push_back({{"name", "Name"},
                     {"type", "string"},
                     {"format", "name"},
                     {"priority", 0},
                     {"description", "Name must be unique within a namespace."}});
  nlohmann::json printer = t.printer_columns();
  if (!printer.is_array() || printer.empty()) {
    printer = nlohmann::json::array();
    if (t.resource == "namespaces" || t.resource == "pods") {
      printer.push_back({{"name", "Status"}, {"type", "string"}, {"jsonPath", ".status.phase"}});
    }
    printer.push_back(
        {{"name", "Age"}, {"type", "date"}, {"jsonPath", ".metadata.creationTimestamp"}});
  }
  for (const auto& c : printer) {
    columns.push_back({{"name", c.value("name", "")},
                       {"type", c.value("type", "string")},
                       {"format", c.value("format", "")},
                       {"description", c.value("description", "")},
                       {"priority", c.value("priority", 0)}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const nlohmann::json& obj : objects) {
    nlohmann::json cells = {obj["metadata"].value("name", "")};
    for (const auto& c : printer) cells.push_back(Cell(c, obj));
    nlohmann::json row = {{"cells", cells}};
    if (include_object == "Object") {
      row["object"] = obj;
    } else if (include_object != "None") {
      row["object"] = {{"kind", "PartialObjectMetadata"},
                       {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", obj["metadata"]}};
    }
    rows.push_back(std::move(row));
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", columns},
          {"rows", rows}};
}

}  // namespace c8s::kubelocal
