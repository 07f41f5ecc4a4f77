// Identities: selector, containers, runtime policy, ports, allowFrom, egress.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/parse_internal.h"

namespace c8s::manifest::internal {
namespace {

std::string DescribeContainer(const Container& c) { return StrCat("container ", c.image); }
std::string DescribeEgress(const EgressRule& e) {
  return StrCat("egress ", e.cidr, " ", e.protocol);
}
std::string DescribeHostPath(const HostPath& h) { return StrCat("\"", h.path, "\""); }

absl::Status ParseContainer(const Json& j, const std::string& path, Container* out) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, path, {"image", "args", "env"}));
  RETURN_IF_ERROR(r.String("image", &out->image));
  RETURN_IF_ERROR(CheckImage(out->image, r.PathOf("image")));
  if (r.Has("args")) {
    out->args.emplace();
    RETURN_IF_ERROR(r.StringList("args", &*out->args));
  }
  if (r.Has("env")) {
    out->env.emplace();
    ASSIGN_OR_RETURN(const Json* env, r.Required("env"));
    RETURN_IF_ERROR(ReadStringMap(*env, r.PathOf("env"), &*out->env));
    for (const auto& [key, value] : *out->env) {
      if (key.empty() || key.find('=') != std::string::npos) {
        return PathError(Member(r.PathOf("env"), key), "invalid environment variable name");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseHostPath(const Json& j, const std::string& path, HostPath* out) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, path, {"path", "readOnly"}));
  RETURN_IF_ERROR(r.String("path", &out->path));
  RETURN_IF_ERROR(CheckHostPath(out->path, r.PathOf("path")));
  return r.Bool("readOnly", &out->read_only);
}

}  // namespace

absl::Status ParseSelector(const Json& j, const std::string& path, Selector* out) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, path, {"labels"}));
  ASSIGN_OR_RETURN(const Json* labels, r.Required("labels"));
  RETURN_IF_ERROR(ReadStringMap(*labels, r.PathOf("labels"), &out->labels));
  if (out->labels.empty()) {
    return PathError(r.PathOf("labels"), "empty selector would match every pod");
  }
  for (const auto& [key, value] : out->labels) {
    RETURN_IF_ERROR(CheckLabelKey(key, Member(r.PathOf("labels"), key)));
    RETURN_IF_ERROR(CheckLabelValue(value, Member(r.PathOf("labels"), key)));
  }
  return absl::OkStatus();
}

absl::Status ParseContainers(const Json& j, const std::string& path, std::vector<Container>* out) {
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(j, path));
  if (arr->empty()) return PathError(path, "an identity needs at least one container");
  out->assign(arr->size(), Container{});
  for (size_t i = 0; i < arr->size(); ++i) {
    RETURN_IF_ERROR(ParseContainer((*arr)[i], Element(path, i), &(*out)[i]));
  }
  return CheckSet(*out, path, std::less<Container>(), &DescribeContainer);
}

absl::Status ParseRuntime(const Json& j, const std::string& path, RuntimePolicy* out) {
  ASSIGN_OR_RETURN(
      ObjectReader r,
      ObjectReader::Open(j, path,
                         {"privileged", "hostNetwork", "hostPID", "hostIPC", "hostPaths", "devices",
                          "addCapabilities", "runAsNonRoot", "readOnlyRootFilesystem"}));
  RETURN_IF_ERROR(r.Bool("privileged", &out->privileged));
  RETURN_IF_ERROR(r.Bool("hostNetwork", &out->host_network));
  RETURN_IF_ERROR(r.Bool("hostPID", &out->host_pid));
  RETURN_IF_ERROR(r.Bool("hostIPC", &out->host_ipc));
  ASSIGN_OR_RETURN(const Json* paths, r.Required("hostPaths"));
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(*paths, r.PathOf("hostPaths")));
  out->host_paths.assign(arr->size(), HostPath{});
  for (size_t i = 0; i < arr->size(); ++i) {
    RETURN_IF_ERROR(
        ParseHostPath((*arr)[i], Element(r.PathOf("hostPaths"), i), &out->host_paths[i]));
  }
  RETURN_IF_ERROR(CheckSet(
      out->host_paths, r.PathOf("hostPaths"),
      [](const HostPath& a, const HostPath& b) { return a.path < b.path; }, &DescribeHostPath));
  RETURN_IF_ERROR(r.StringList("devices", &out->devices));
  for (size_t i = 0; i < out->devices.size(); ++i) {
    RETURN_IF_ERROR(CheckDevicePath(out->devices[i], Element(r.PathOf("devices"), i)));
  }
  RETURN_IF_ERROR(CheckStringSet(out->devices, r.PathOf("devices")));
  RETURN_IF_ERROR(r.StringList("addCapabilities", &out->add_capabilities));
  for (size_t i = 0; i < out->add_capabilities.size(); ++i) {
    RETURN_IF_ERROR(
        CheckCapability(out->add_capabilities[i], Element(r.PathOf("addCapabilities"), i)));
  }
  RETURN_IF_ERROR(CheckStringSet(out->add_capabilities, r.PathOf("addCapabilities")));
  RETURN_IF_ERROR(r.Bool("runAsNonRoot", &out->run_as_non_root));
  return r.Bool("readOnlyRootFilesystem", &out->read_only_root_filesystem);
}

absl::Status ParsePorts(const Json& j, const std::string& path, std::vector<int64_t>* out) {
  RETURN_IF_ERROR(ReadIntList(j, path, 1, 65535, out));
  return CheckIntSet(*out, path);
}

absl::Status ParseRefSet(const Json& j, const std::string& path, std::vector<std::string>* out) {
  RETURN_IF_ERROR(ReadStringList(j, path, out));
  for (size_t i = 0; i < out->size(); ++i) RETURN_IF_ERROR(CheckRef((*out)[i], Element(path, i)));
  return CheckStringSet(*out, path);
}

absl::Status ParseEgress(const Json& j, const std::string& path, std::vector<EgressRule>* out) {
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(j, path));
  out->assign(arr->size(), EgressRule{});
  for (size_t i = 0; i < arr->size(); ++i) {
    EgressRule& rule = (*out)[i];
    ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open((*arr)[i], Element(path, i),
                                                        {"cidr", "ports", "protocol"}));
    RETURN_IF_ERROR(r.String("cidr", &rule.cidr));
    RETURN_IF_ERROR(CheckCidr(rule.cidr, r.PathOf("cidr")));
    ASSIGN_OR_RETURN(const Json* ports, r.Required("ports"));
    RETURN_IF_ERROR(ParsePorts(*ports, r.PathOf("ports"), &rule.ports));
    RETURN_IF_ERROR(r.String("protocol", &rule.protocol));
    if (rule.protocol != "TCP" && rule.protocol != "UDP" && rule.protocol != "ICMP") {
      return PathError(r.PathOf("protocol"),
                       StrCat("\"", rule.protocol, "\" is not TCP, UDP or ICMP"));
    }
    // ICMP has no ports; for TCP and UDP an empty list would read as "every port".
    if (rule.protocol == "ICMP" && !rule.ports.empty()) {
      return PathError(r.PathOf("ports"), "ICMP egress takes no ports");
    }
    if (rule.protocol != "ICMP" && rule.ports.empty()) {
      return PathError(r.PathOf("ports"), "egress needs at least one port");
    }
  }
  return CheckSet(*out, path, std::less<EgressRule>(), &DescribeEgress);
}

absl::Status ParseIdentity(const Json& j, const std::string& path, Identity* out) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(j, path,
                                      {"ref", "selector", "containers", "runtime", "dnsNames",
                                       "ports", "allowFrom", "egress"}));
  RETURN_IF_ERROR(r.String("ref", &out->ref));
  RETURN_IF_ERROR(CheckRef(out->ref, r.PathOf("ref")));
  ASSIGN_OR_RETURN(const Json* selector, r.Required("selector"));
  RETURN_IF_ERROR(ParseSelector(*selector, r.PathOf("selector"), &out->selector));
  ASSIGN_OR_RETURN(const Json* containers, r.Required("containers"));
  RETURN_IF_ERROR(ParseContainers(*containers, r.PathOf("containers"), &out->containers));
  ASSIGN_OR_RETURN(const Json* runtime, r.Required("runtime"));
  RETURN_IF_ERROR(ParseRuntime(*runtime, r.PathOf("runtime"), &out->runtime));
  RETURN_IF_ERROR(r.StringList("dnsNames", &out->dns_names));
  for (size_t i = 0; i < out->dns_names.size(); ++i) {
    RETURN_IF_ERROR(CheckDnsName(out->dns_names[i], Element(r.PathOf("dnsNames"), i)));
  }
  RETURN_IF_ERROR(CheckStringSet(out->dns_names, r.PathOf("dnsNames")));
  ASSIGN_OR_RETURN(const Json* ports, r.Required("ports"));
  RETURN_IF_ERROR(ParsePorts(*ports, r.PathOf("ports"), &out->ports));
  ASSIGN_OR_RETURN(const Json* allow, r.Required("allowFrom"));
  RETURN_IF_ERROR(ParseRefSet(*allow, r.PathOf("allowFrom"), &out->allow_from));
  ASSIGN_OR_RETURN(const Json* egress, r.Required("egress"));
  return ParseEgress(*egress, r.PathOf("egress"), &out->egress);
}

}  // namespace c8s::manifest::internal
