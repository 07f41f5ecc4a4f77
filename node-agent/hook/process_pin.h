// Command line and environment pinning (MANIFEST.md `containers[].args` / `env`) checked on the
// process the runtime is about to start, so that an adjustment made after the NRI decision (by
// another NRI plugin, or by nothing at all when the plugin was down) cannot change what runs.
//
//   std::vector<std::string> v = CheckPinnedProcess(spec.process, admitted_image, identity);
#pragma once

#include <string>
#include <vector>

#include "lib/manifest/bundle.h"
#include "node-agent/hook/oci_spec.h"

namespace c8s::hook {

// The identity's container entries for `image` (several may differ in args/env): the process
// must match one. An image the identity does not list at all is a violation.
std::vector<std::string> CheckPinnedProcess(const OciProcess& process, const std::string& image,
                                            const manifest::BundleIdentity& identity);

}  // namespace c8s::hook
