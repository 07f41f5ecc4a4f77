// Capabilities: every set of process.capabilities may hold only the default set without NET_RAW
// plus what the policy's addCapabilities lists.
#include <algorithm>
#include <set>

#include "lib/base/strings.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::hook {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

void CheckCapabilities(const OciSpec& spec, const manifest::RuntimePolicy& policy,
                       std::vector<std::string>& out) {
  std::set<std::string> allowed;
  for (const std::string& c : DefaultCapabilities()) {
    if (c != "NET_RAW") allowed.insert(c);
  }
  allowed.insert(policy.add_capabilities.begin(), policy.add_capabilities.end());

  // capability -> the sets that hold it, in spec order.
  std::map<std::string, std::vector<std::string>> extra;
  const OciCapabilities& caps = spec.process.capabilities;
  std::pair<const char*, const std::vector<std::string>*> sets[] = {
      {"bounding", &caps.bounding},
      {"effective", &caps.effective},
      {"inheritable", &caps.inheritable},
      {"permitted", &caps.permitted},
      {"ambient", &caps.ambient}};
  for (const auto& [set_name, list] : sets) {
    for (const std::string& cap : *list) {
      std::string name = cap.rfind("CAP_", 0) == 0 ? cap.substr(4) : cap;
      if (allowed.count(name)) continue;
      std::vector<std::string>& where = extra[name];
      if (std::find(where.begin(), where.end(), set_name) == where.end()) {
        where.push_back(set_name);
      }
    }
  }
  std::vector<std::string> allowed_list(allowed.begin(), allowed.end());
  for (const auto& [name, where] : extra) {
    if (name == "NET_RAW") {
      out.push_back(StrCat("capabilities: NET_RAW must be dropped (present in ", Join(where),
                           "; addCapabilities does not list it)"));
    } else {
      out.push_back(StrCat("capabilities: ", name, " added (in ", Join(where),
                           ") but addCapabilities is [", Join(policy.add_capabilities), "]"));
    }
  }
}

}  // namespace c8s::hook
