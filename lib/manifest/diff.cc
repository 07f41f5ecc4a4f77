#include "lib/manifest/diff.h"

#include <nlohmann/json.hpp>
#include <set>

#include "lib/base/strings.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using Json = nlohmann::json;
using Op = DiffLine::Op;

std::string Compact(const Json* j) {
  return j == nullptr ? "" : j->dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool StartsWith(std::string_view s, std::string_view head) {
  return s.substr(0, head.size()) == head;
}
bool IsTrue(const Json* j) { return j != nullptr && j->is_boolean() && j->get<bool>(); }
bool IsFalse(const Json* j) { return j != nullptr && j->is_boolean() && !j->get<bool>(); }

// Whether a change at `g` (the path with keys and map members replaced by "[]" / "*") grants
// more than before. Unlisted paths never widen.
bool Widens(const std::string& g, Op op, const Json* old_v, const Json* new_v) {
  bool added = op == Op::kAdded;
  if (g == "approval") return new_v != nullptr && *new_v == "Automatic";
  if (g == "trustDomain" || StartsWith(g, "roles.")) return op == Op::kChanged;
  if (StartsWith(g, "owners[]") || StartsWith(g, "recoveryKeys[]")) return op != Op::kRemoved;
  if (StartsWith(g, "attestationPolicies.*")) {
    std::string_view tail =
        std::string_view(g).substr(std::string_view("attestationPolicies.*").size());
    if (tail.empty() || tail == ".snp" || tail == ".tdx") return added;
    if (EndsWith(g, ".allowSimulated") || EndsWith(g, ".allowDebug") ||
        EndsWith(g, ".allowMigrationAgent")) {
      return IsTrue(new_v);
    }
    if (StartsWith(tail, ".snp.minTcb.") || StartsWith(tail, ".snp.minAbi.")) {
      return op == Op::kChanged && new_v->is_number() && *new_v < *old_v;
    }
    if (EndsWith(g, ".minTeeTcbSvn")) {
      if (op != Op::kChanged) return false;
      std::string a = old_v->get<std::string>(), b = new_v->get<std::string>();
      for (size_t i = 0; i + 1 < std::min(a.size(), b.size()); i += 2) {
        if (b.substr(i, 2) < a.substr(i, 2)) return true;  // any SVN component lowered
      }
      return false;
    }
    return added && old_v == nullptr && op == Op::kAdded;  // a new accepted value
  }
  if (g == "identities[]" || g == "ingresses[]") return added;
  if (StartsWith(g, "identities[]")) {
    std::string_view tail = std::string_view(g).substr(std::string_view("identities[]").size());
    if (StartsWith(tail, ".selector.labels")) return op != Op::kAdded;
    if (tail == ".runtime.privileged" || tail == ".runtime.hostNetwork" ||
        tail == ".runtime.hostPID" || tail == ".runtime.hostIPC") {
      return IsTrue(new_v);
    }
    if (tail == ".runtime.runAsNonRoot") return IsFalse(new_v);
    if (tail == ".runtime.readOnlyRootFilesystem") return IsFalse(new_v) && op == Op::kChanged;
    if (StartsWith(tail, ".containers") || StartsWith(tail, ".runtime.hostPaths") ||
        StartsWith(tail, ".runtime.devices") || StartsWith(tail, ".runtime.addCapabilities") ||
        tail == ".dnsNames" || tail == ".ports" || tail == ".allowFrom" || tail == ".egress") {
      return added;
    }
    return false;
  }
  if (StartsWith(g, "secrets[]")) {
    if (EndsWith(g, ".releaseTo")) return added;
    if (EndsWith(g, ".policy")) return op == Op::kChanged;
    if (EndsWith(g, ".notAfter")) {
      return op == Op::kRemoved || (op == Op::kChanged && *new_v > *old_v);
    }
    return false;
  }
  if (StartsWith(g, "ingresses[]")) {
    if (EndsWith(g, ".hosts") || EndsWith(g, ".routes")) return added;
    if (EndsWith(g, ".encrypted")) return IsFalse(new_v) && op == Op::kChanged;
  }
  return false;
}

// Lists whose emptiness means "not pinned": emptying one widens the policy.
bool EmptyMeansUnpinned(const std::string& g) {
  return EndsWith(g, ".hostData") || EndsWith(g, ".chipIds") || EndsWith(g, ".rtmrs") ||
         EndsWith(g, ".mrConfigId");
}

class Differ {
 public:
  std::vector<DiffLine> lines;

  void Emit(Op op, const std::string& path, const std::string& g, const Json* a, const Json* b,
            bool with_values = true) {
    DiffLine line{op, path, with_values ? Compact(a) : "", with_values ? Compact(b) : "",
                  Widens(g, op, a, b)};
    lines.push_back(std::move(line));
  }

  void Node(const Json* a, const Json* b, const std::string& path, const std::string& g) {
    if (a != nullptr && b != nullptr && *a == *b) return;
    bool objects = (a == nullptr || a->is_object()) && (b == nullptr || b->is_object());
    bool arrays = (a == nullptr || a->is_array()) && (b == nullptr || b->is_array());
    if (objects && b == nullptr) return Emit(Op::kRemoved, path, g, a, nullptr, false);
    if (objects) return Object(a, *b, path, g);
    if (arrays && !EndsWith(g, ".args")) return Array(a, b, path, g);
    if (a == nullptr) return Emit(Op::kAdded, path, g, nullptr, b);
    if (b == nullptr) return Emit(Op::kRemoved, path, g, a, nullptr);
    Emit(Op::kChanged, path, g, a, b);
  }

 private:
  static std::string MemberPath(const std::string& p, const std::string& k) {
    return p.empty() ? k : p + "." + k;
  }

  void Object(const Json* a, const Json& b, const std::string& path, const std::string& g) {
    // Map members (policy names, labels, env) are data, not schema: generalize them.
    bool is_map = g == "attestationPolicies" || EndsWith(g, ".labels") || EndsWith(g, ".env");
    for (const auto& [key, value] : b.items()) {
      // The key of a new list element is already in its path: "+ identities[shop/web]".
      if (a == nullptr && !path.empty() && path.back() == ']' && (key == "ref" || key == "name")) {
        continue;
      }
      const Json* old_v = a != nullptr && a->contains(key) ? &(*a)[key] : nullptr;
      Node(old_v, &value, MemberPath(path, key), MemberPath(g, is_map ? "*" : key));
    }
    if (a == nullptr) return;
    for (const auto& [key, value] : a->items()) {
      if (!b.contains(key))
        Node(&value, nullptr, MemberPath(path, key), MemberPath(g, is_map ? "*" : key));
    }
  }

  static std::string KeyOf(const Json& e) {
    for (const char* k : {"ref", "name"}) {
      if (e.is_object() && e.contains(k) && e[k].is_string()) return e[k].get<std::string>();
    }
    return "";
  }

  static bool Keyed(const Json* arr) {
    if (arr == nullptr || arr->empty()) return false;
    for (const Json& e : *arr) {
      if (KeyOf(e).empty()) return false;
    }
    return true;
  }

  void Array(const Json* a, const Json* b, const std::string& path, const std::string& g) {
    bool keyed = (Keyed(a) || Keyed(b)) && (a == nullptr || a->empty() || Keyed(a)) &&
                 (b == nullptr || b->empty() || Keyed(b));
    static const Json kEmpty = Json::array();
    const Json& old_arr = a == nullptr ? kEmpty : *a;
    if (keyed) {
      std::set<std::string> seen;
      if (b != nullptr) {
        for (const Json& e : *b) {
          std::string key = KeyOf(e);
          seen.insert(key);
          const Json* old_e = nullptr;
          for (const Json& o : old_arr) {
            if (KeyOf(o) == key) old_e = &o;
          }
          if (old_e == nullptr)
            Emit(Op::kAdded, path + "[" + key + "]", g + "[]", nullptr, nullptr, false);
          Node(old_e, &e, path + "[" + key + "]", g + "[]");
        }
      }
      for (const Json& o : old_arr) {
        if (!seen.count(KeyOf(o)))
          Emit(Op::kRemoved, path + "[" + KeyOf(o) + "]", g + "[]", nullptr, nullptr, false);
      }
      return;
    }
    std::set<std::string> old_items, new_items;
    if (a != nullptr)
      for (const Json& e : *a) old_items.insert(Compact(&e));
    if (b != nullptr)
      for (const Json& e : *b) new_items.insert(Compact(&e));
    if (b != nullptr) {
      for (const Json& e : *b) {
        if (!old_items.count(Compact(&e))) Emit(Op::kAdded, path, g, nullptr, &e);
      }
    }
    if (a != nullptr) {
      for (const Json& e : *a) {
        if (new_items.count(Compact(&e))) continue;
        Emit(Op::kRemoved, path, g, &e, nullptr);
        if (new_items.empty() && EmptyMeansUnpinned(g)) lines.back().widens = true;
      }
    }
  }
};

}  // namespace

std::vector<DiffLine> Diff(const Manifest& old_manifest, const Manifest& new_manifest) {
  Json a = ToJson(old_manifest), b = ToJson(new_manifest);
  Differ d;
  d.Node(&a, &b, "", "");
  return std::move(d.lines);
}

std::string RenderDiff(const std::vector<DiffLine>& lines) {
  std::string out;
  size_t widening = 0;
  for (const DiffLine& l : lines) {
    widening += l.widens ? 1 : 0;
    char op = l.op == DiffLine::Op::kAdded ? '+' : l.op == DiffLine::Op::kRemoved ? '-' : '~';
    out += StrCat(l.widens ? '!' : ' ', ' ', op, ' ', l.path);
    if (l.op == DiffLine::Op::kChanged) {
      out += StrCat(": ", l.old_value, " -> ", l.new_value);
    } else if (!l.old_value.empty() || !l.new_value.empty()) {
      out += StrCat(": ", l.op == DiffLine::Op::kAdded ? l.new_value : l.old_value);
    }
    out += "\n";
  }
  if (lines.empty()) return "no changes\n";
  out += StrCat(lines.size(), " changes, ", widening, " widen permissions (marked !)\n");
  return out;
}

}  // namespace c8s::manifest
