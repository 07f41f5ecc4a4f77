// libFuzzer target: arbitrary bytes as a manifest. A parse must never crash; an accepted
// manifest must canonicalize, re-parse to the same model and hash identically (the canonical
// form is a fixed point). Seeds: fuzz/corpus/manifest/ (the golden manifests).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lib/manifest/bundle.h"
#include "lib/manifest/diff.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "manifest_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c8s::manifest;  // NOLINT
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = ParseManifest(text);
  if (!m.ok()) return 0;
  auto canon = CanonicalBytes(*m);
  Check(canon.ok(), "accepted manifest does not canonicalize");
  auto again = ParseManifest(*canon);
  Check(again.ok(), "canonical bytes of an accepted manifest are refused");
  Check(*again == *m, "re-parsed manifest differs");
  Check(*ManifestHash(*again) == *ManifestHash(*m), "hash changed after re-parse");
  Check(Diff(*m, *again).empty(), "diff of a manifest with itself is not empty");
  auto bundle = DeriveBundle(*m, 1, {}, {}, "2026-01-01T00:00:00Z");
  Check(bundle.ok(), "bundle of an accepted manifest does not derive");
  return 0;
}
