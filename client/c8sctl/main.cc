#include <iostream>
#include <string>
#include <vector>

#include "client/c8sctl/connector.h"
#include "client/cli/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return c8s::cli::RunC8sctl(args, std::cout, std::cerr, c8s::cli::DefaultConnector());
}
