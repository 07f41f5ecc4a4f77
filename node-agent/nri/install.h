// Installing the plugin as a pre-launched NRI plugin: containerd runs every executable in its
// plugin directory (/opt/nri/plugins) named `NN-name` with no arguments and only the NRI_*
// variables, and one badly named executable makes its whole NRI setup, and with it CRI, fail
// (nri-protocol.md §3.3). So the installer checks the name it writes and every executable
// already there, and writes a wrapper script carrying the plugin's flags.
//
//   RETURN_IF_ERROR(CheckPluginFileName("05-c8s-image-policy"));
//   RETURN_IF_ERROR(InstallPlugin({.plugin_dir = "/opt/nri/plugins", .file_name = "05-c8s",
//                                  .command = {"/usr/bin/c8s-node-agent", "nri", ...}}));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace c8s::nri {

inline constexpr std::string_view kDefaultPluginDir = "/opt/nri/plugins";

// `NN-name`: two ASCII digits, '-', then 1-63 of [A-Za-z0-9._+-] (NRI's CheckPluginName
// alphabet), not ending in ".conf" or a temporary-file suffix.
absl::Status CheckPluginFileName(std::string_view file_name);
// Every executable non-directory entry of `dir` (symlinks count, as for containerd) must have a
// valid name; the error lists each offender.
absl::Status CheckPluginDir(const std::string& dir);

struct InstallOptions {
  std::string plugin_dir = std::string(kDefaultPluginDir);
  std::string file_name;             // NN-name
  std::vector<std::string> command;  // absolute program path, then its arguments
};

// Checks the name and the directory, then writes `#!/bin/sh` + `exec <command>` as
// plugin_dir/file_name: first without execute bits (containerd ignores it), renamed into
// place, then made executable, so containerd never starts a half-written file.
absl::Status InstallPlugin(const InstallOptions& options);

// The wrapper text, each word single-quoted for /bin/sh.
std::string WrapperScript(const std::vector<std::string>& command);

}  // namespace c8s::nri
