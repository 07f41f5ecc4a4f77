#include "node-agent/hook/process_pin.h"

#include "lib/base/strings.h"

namespace c8s::hook {
namespace {

std::string Quoted(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += StrCat(i ? ", " : "", "\"", v[i], "\"");
  return out + "]";
}

// Empty when `process` satisfies `c`, else the first mismatch.
std::string Mismatch(const OciProcess& process, const manifest::Container& c) {
  if (c.args && process.args != *c.args) {
    return StrCat("args ", Quoted(process.args), " differ from the pinned ", Quoted(*c.args));
  }
  if (c.env) {
    for (const auto& [key, want] : *c.env) {
      bool seen = false;
      for (const std::string& kv : process.env) {
        if (kv.size() <= key.size() || kv.compare(0, key.size(), key) != 0 || kv[key.size()] != '=')
          continue;
        seen = true;
        std::string got = kv.substr(key.size() + 1);
        if (got != want) {
          return StrCat("env ", key, "=\"", got, "\" differs from the pinned \"", want, "\"");
        }
      }
      if (!seen) return StrCat("env ", key, " is pinned to \"", want, "\" but not set");
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> CheckPinnedProcess(const OciProcess& process, const std::string& image,
                                            const manifest::BundleIdentity& identity) {
  std::vector<std::string> mismatches;
  for (const manifest::Container& c : identity.containers) {
    if (c.image != image) continue;
    std::string m = Mismatch(process, c);
    if (m.empty()) return {};
    mismatches.push_back(m);
  }
  if (mismatches.empty()) {
    return {StrCat("image ", image, " is not listed by identity ", identity.ref)};
  }
  std::vector<std::string> out;
  for (const std::string& m : mismatches) out.push_back(StrCat("process: ", m));
  return out;
}

}  // namespace c8s::hook
