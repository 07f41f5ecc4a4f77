// Short, readable descriptions of a manifest for owners deciding whether to approve it.
//   ctx.out << ManifestSummary(m);
#pragma once

#include <string>

#include "lib/manifest/model.h"

namespace c8s::cli {

// trust domain, approval mode, owners, recovery keys, counts of identities/secrets/ingresses.
std::string ManifestSummary(const manifest::Manifest& m, std::string_view indent = "  ");

}  // namespace c8s::cli
