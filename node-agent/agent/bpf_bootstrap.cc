#include <arpa/inet.h>

#include <algorithm>

#include "lib/base/log.h"
#include "node-agent/agent/bpf_feed.h"

namespace c8s::agent {
namespace {

// "1.2.3.4:443" or "[fd00::1]:443": a literal the data plane can match (a name cannot be).
bool IsAddressLiteral(const std::string& hostport) {
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos || colon + 1 == hostport.size()) return false;
  std::string host = hostport.substr(0, colon);
  unsigned char buf[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return ::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
  }
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1;
}

}  // namespace

manifest::BundleInfrastructure BootstrapInfrastructure(const BpfConfig& config,
                                                       const std::string& cds_address) {
  manifest::BundleInfrastructure b = config.bootstrap;
  if (std::find(b.cds.begin(), b.cds.end(), cds_address) != b.cds.end()) return b;
  if (IsAddressLiteral(cds_address)) {
    b.cds.push_back(cds_address);
  } else {
    log::Warn(
        "the CDS address is not an ip:port literal: the data plane admits only "
        "bpf.bootstrap.cds before the first bundle",
        {{"cds", cds_address}, {"bootstrap_cds", b.cds.size()}});
  }
  return b;
}

}  // namespace c8s::agent
