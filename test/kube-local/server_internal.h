// Pieces shared by server.cc and watch.cc (not part of the public interface).
#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "test/kube-local/resource_types.h"

namespace httplib {
struct Response;
}

namespace c8s::kubelocal {

struct Server::Route {
  ResourceType type;
  std::string ns;
  std::string name;
  std::string subresource;
};

void Reply(httplib::Response& res, int code, const nlohmann::json& body);
void ReplyError(httplib::Response& res, const ApiError& e);

}  // namespace c8s::kubelocal
