// A readable diff of two manifests, shown to the owner before approving (ARCHITECTURE.md §3.2).
//
//   std::vector<DiffLine> lines = Diff(active, pending);
//   std::cout << RenderDiff(lines);
//   // "! + identities[shop/api].runtime.hostPaths: {"path":"/var/log","readOnly":true}"
//
// The diff is computed over the JSON form, with lists of objects matched by their `ref` or
// `name` (shown as `identities[shop/api]`) and other lists compared as sets, so a reordering
// never shows. Any line that widens what the cluster trusts or permits is marked `!`
// (privileged modes, host paths/devices/capabilities, new images, allowFrom/egress/ports/DNS
// additions, new owners or recovery keys, approval switched to Automatic, weaker attestation).
#pragma once

#include <string>
#include <vector>

#include "lib/manifest/model.h"

namespace c8s::manifest {

struct DiffLine {
  enum class Op { kAdded, kRemoved, kChanged };
  Op op;
  std::string path;       // "identities[shop/api].runtime.privileged"
  std::string old_value;  // compact JSON; empty for kAdded
  std::string new_value;  // compact JSON; empty for kRemoved
  bool widens = false;
  bool operator==(const DiffLine&) const = default;
};

// Lines in document order of the new manifest (removed items after their kept siblings).
std::vector<DiffLine> Diff(const Manifest& old_manifest, const Manifest& new_manifest);

// One line each: "<! or space> <+ - ~> <path>: <value>" (changes: "<old> -> <new>"), then a
// summary line "N changes, M widen permissions" (or "no changes").
std::string RenderDiff(const std::vector<DiffLine>& lines);

}  // namespace c8s::manifest
