#include <iostream>
#include <string>
#include <vector>

#include "node-agent/cli/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return c8s::node_agent::RunNodeAgent(args, std::cout, std::cerr);
}
