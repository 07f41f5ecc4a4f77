#include <catch2/catch_test_macros.hpp>

#include "node-agent/agent/bpf_feed.h"

namespace c8s::agent {
namespace {

TEST_CASE("data-plane bootstrap includes the CDS the agent must reach", "[unit]") {
  BpfConfig c;
  c.bootstrap.api_server = {"10.0.0.1:443"};
  CHECK(BootstrapInfrastructure(c, "10.0.0.5:7443").cds ==
        std::vector<std::string>{"10.0.0.5:7443"});
  CHECK(BootstrapInfrastructure(c, "10.0.0.5:7443").api_server == c.bootstrap.api_server);
  CHECK(BootstrapInfrastructure(c, "[fd00::5]:7443").cds ==
        std::vector<std::string>{"[fd00::5]:7443"});
  // A name cannot be matched by the data plane: only the configured list.
  CHECK(BootstrapInfrastructure(c, "cds.c8s-system.svc:7443").cds.empty());
  c.bootstrap.cds = {"10.0.0.5:7443"};
  CHECK(BootstrapInfrastructure(c, "10.0.0.5:7443").cds.size() == 1);
  CHECK(BootstrapInfrastructure(c, "fd00::5:7443").cds == c.bootstrap.cds);  // unbracketed v6
}

}  // namespace
}  // namespace c8s::agent
