#include "lib/kube/selector.h"

#include <algorithm>
#include <cctype>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::kube {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ValidToken(std::string_view s) {
  if (s.empty() || s.size() > 316) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

// Splits on commas that are not inside parentheses ("a in (x,y),b").
absl::StatusOr<std::vector<std::string_view>> SplitTerms(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      std::string_view term = Trim(text.substr(start, i - start));
      if (!term.empty()) out.push_back(term);
      start = i + 1;
    } else if (text[i] == '(') {
      if (++depth > 1) return absl::InvalidArgumentError("label selector: nested '('");
    } else if (text[i] == ')') {
      if (--depth < 0) return absl::InvalidArgumentError("label selector: unbalanced ')'");
    }
  }
  if (depth != 0) return absl::InvalidArgumentError("label selector: unbalanced '('");
  return out;
}

absl::StatusOr<LabelSelector::Requirement> ParseSetTerm(std::string_view term, size_t op_pos,
                                                        bool negate) {
  LabelSelector::Requirement r;
  r.key = std::string(Trim(term.substr(0, op_pos)));
  r.op = negate ? LabelSelector::Op::kNotIn : LabelSelector::Op::kIn;
  size_t open = term.find('(', op_pos);
  size_t close = term.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return absl::InvalidArgumentError(StrCat("label selector: '", term, "': want (v1,v2)"));
  }
  std::string_view inner = term.substr(open + 1, close - open - 1);
  size_t start = 0;
  for (size_t i = 0; i <= inner.size(); ++i) {
    if (i == inner.size() || inner[i] == ',') {
      std::string_view v = Trim(inner.substr(start, i - start));
      if (!v.empty()) r.values.emplace_back(v);
      start = i + 1;
    }
  }
  if (r.values.empty()) {
    return absl::InvalidArgumentError(StrCat("label selector: '", term, "': empty value set"));
  }
  if (!Trim(term.substr(close + 1)).empty() ||
      Trim(term.substr(op_pos, open - op_pos)) != (negate ? "notin" : "in")) {
    return absl::InvalidArgumentError(StrCat("label selector: '", term, "': malformed set term"));
  }
  if (!ValidToken(r.key)) {
    return absl::InvalidArgumentError(StrCat("label selector: invalid key in '", term, "'"));
  }
  for (const std::string& v : r.values) {
    if (!ValidToken(v)) {
      return absl::InvalidArgumentError(StrCat("label selector: invalid value in '", term, "'"));
    }
  }
  return r;
}

absl::StatusOr<LabelSelector::Requirement> ParseTerm(std::string_view term) {
  using Op = LabelSelector::Op;
  LabelSelector::Requirement r;
  if (term[0] == '!') {
    r.key = std::string(Trim(term.substr(1)));
    r.op = Op::kNotExists;
  } else if (size_t p = term.find("!="); p != std::string_view::npos) {
    r.key = std::string(Trim(term.substr(0, p)));
    r.op = Op::kNotEquals;
    r.values.emplace_back(Trim(term.substr(p + 2)));
  } else if (size_t p2 = term.find("=="); p2 != std::string_view::npos) {
    r.key = std::string(Trim(term.substr(0, p2)));
    r.op = Op::kEquals;
    r.values.emplace_back(Trim(term.substr(p2 + 2)));
  } else if (size_t p3 = term.find('='); p3 != std::string_view::npos) {
    r.key = std::string(Trim(term.substr(0, p3)));
    r.op = Op::kEquals;
    r.values.emplace_back(Trim(term.substr(p3 + 1)));
  } else if (size_t p4 = term.find(" notin "); p4 != std::string_view::npos) {
    return ParseSetTerm(term, p4, true);
  } else if (size_t p5 = term.find(" in "); p5 != std::string_view::npos) {
    return ParseSetTerm(term, p5, false);
  } else {
    r.key = std::string(term);
    r.op = Op::kExists;
  }
  if (!ValidToken(r.key)) {
    return absl::InvalidArgumentError(StrCat("label selector: invalid key in '", term, "'"));
  }
  for (const std::string& v : r.values) {
    if (!v.empty() && !ValidToken(v)) {
      return absl::InvalidArgumentError(StrCat("label selector: invalid value in '", term, "'"));
    }
  }
  return r;
}

std::string ValueOf(const nlohmann::json& labels, const std::string& key, bool* present) {
  *present = false;
  if (!labels.is_object()) return "";
  auto it = labels.find(key);
  if (it == labels.end() || !it->is_string()) return "";
  *present = true;
  return it->get<std::string>();
}

}  // namespace

absl::StatusOr<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector sel;
  ASSIGN_OR_RETURN(std::vector<std::string_view> terms, SplitTerms(text));
  for (std::string_view term : terms) {
    ASSIGN_OR_RETURN(Requirement r, ParseTerm(term));
    sel.requirements_.push_back(std::move(r));
  }
  return sel;
}

absl::StatusOr<LabelSelector> LabelSelector::FromJson(const nlohmann::json& selector) {
  LabelSelector sel;
  if (selector.is_null()) return sel;
  if (!selector.is_object()) return absl::InvalidArgumentError("label selector: not an object");
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && ml->is_object()) {
    for (auto& [k, v] : ml->items()) {
      if (!v.is_string()) return absl::InvalidArgumentError("matchLabels: value not a string");
      sel.requirements_.push_back({k, Op::kEquals, {v.get<std::string>()}});
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
    for (const auto& e : *me) {
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string() ||
          !e.contains("operator") || !e["operator"].is_string()) {
        return absl::InvalidArgumentError("matchExpressions: want key and operator");
      }
      Requirement r{e["key"].get<std::string>(), Op::kIn, {}};
      std::string op = e["operator"].get<std::string>();
      if (op == "In")
        r.op = Op::kIn;
      else if (op == "NotIn")
        r.op = Op::kNotIn;
      else if (op == "Exists")
        r.op = Op::kExists;
      else if (op == "DoesNotExist")
        r.op = Op::kNotExists;
      else
        return absl::InvalidArgumentError(StrCat("matchExpressions: unknown operator ", op));
      if (auto vals = e.find("values"); vals != e.end() && vals->is_array()) {
        for (const auto& v : *vals) {
          if (v.is_string()) r.values.push_back(v.get<std::string>());
        }
      }
      sel.requirements_.push_back(std::move(r));
    }
  }
  return sel;
}

bool LabelSelector::Matches(const nlohmann::json& labels) const {
  for (const Requirement& r : requirements_) {
    bool present = false;
    std::string value = ValueOf(labels, r.key, &present);
    bool in = std::find(r.values.begin(), r.values.end(), value) != r.values.end();
    switch (r.op) {
      case Op::kEquals:
      case Op::kIn:
        if (!present || !in) return false;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        if (present && in) return false;
        break;
      case Op::kExists:
        if (!present) return false;
        break;
      case Op::kNotExists:
        if (present) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const Requirement& r : requirements_) {
    if (!out.empty()) out += ",";
    auto join = [&] {
      std::string s;
      for (const auto& v : r.values) s += (s.empty() ? "" : ",") + v;
      return s;
    };
    switch (r.op) {
      case Op::kEquals:
        out += r.key + "=" + r.values[0];
        break;
      case Op::kNotEquals:
        out += r.key + "!=" + r.values[0];
        break;
      case Op::kIn:
        out += r.key + " in (" + join() + ")";
        break;
      case Op::kNotIn:
        out += r.key + " notin (" + join() + ")";
        break;
      case Op::kExists:
        out += r.key;
        break;
      case Op::kNotExists:
        out += "!" + r.key;
        break;
    }
  }
  return out;
}

absl::StatusOr<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector sel;
  ASSIGN_OR_RETURN(std::vector<std::string_view> terms, SplitTerms(text));
  for (std::string_view term : terms) {
    Term t;
    size_t p = term.find("!=");
    size_t op_len = 2;
    t.negate = p != std::string_view::npos;
    if (!t.negate) {
      p = term.find("==");
      if (p == std::string_view::npos) {
        p = term.find('=');
        op_len = 1;
      }
    }
    if (p == std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat("field selector: '", term, "': want key=value"));
    }
    std::string_view key = Trim(term.substr(0, p));
    t.value = std::string(Trim(term.substr(p + op_len)));
    size_t start = 0;
    for (size_t i = 0; i <= key.size(); ++i) {
      if (i == key.size() || key[i] == '.') {
        if (i == start) return absl::InvalidArgumentError("field selector: empty path element");
        t.path.emplace_back(key.substr(start, i - start));
        start = i + 1;
      }
    }
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

bool FieldSelector::Matches(const nlohmann::json& object) const {
  for (const Term& t : terms_) {
    const nlohmann::json* cur = &object;
    for (const std::string& p : t.path) {
      if (!cur->is_object() || !cur->contains(p)) {
        cur = nullptr;
        break;
      }
      cur = &(*cur)[p];
    }
    std::string value;
    if (cur != nullptr) value = cur->is_string() ? cur->get<std::string>() : cur->dump();
    if ((value == t.value) == t.negate) return false;
  }
  return true;
}

}  // namespace c8s::kube
