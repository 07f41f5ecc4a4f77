#include "client/cli/reference_flags.h"

#include "lib/attest/manifest_policy.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse.h"

namespace c8s::cli {
namespace {

absl::Status Usage(std::string_view msg) { return absl::InvalidArgumentError(std::string(msg)); }

}  // namespace

absl::StatusOr<client::CdsReferenceValues> BuildReference(const ReferenceFlags& a) {
  int sources = !a.reference.empty() + !a.reference_manifest.empty() + !a.measurements.empty();
  if (sources != 1) {
    return Usage(
        "give the expected CDS reference values with exactly one of --reference FILE, "
        "--reference-manifest FILE or --measurement HEX");
  }
  client::CdsReferenceValues ref;
  if (!a.reference.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(a.reference, 1 << 20));
    absl::StatusOr<client::CdsReferenceValues> r = client::ParseCdsReferenceValues(text);
    if (!r.ok()) return Usage(StrCat("--reference ", a.reference, ": ", r.status().message()));
    ref = *std::move(r);
  } else if (!a.reference_manifest.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(a.reference_manifest, 16 << 20));
    absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(text);
    if (!m.ok()) return Usage(StrCat("--reference-manifest: ", m.status().message()));
    ASSIGN_OR_RETURN(ref.cds, attest::ManifestRolePolicy(*m, m->roles.cds));
  } else {
    attest::AttestationPolicy p;
    p.allow_simulated = a.allow_simulated;
    p.snp = attest::SnpPolicy{};
    for (const std::string& hex : a.measurements) {
      absl::StatusOr<Bytes> b = HexDecode(hex);
      if (!b.ok() || b->size() != 48) return Usage(StrCat("--measurement ", hex, ": want 96 hex"));
      p.snp->measurements.push_back(*b);
    }
    ref.node = p;
  }
  for (const std::string& image : a.images) {
    if (absl::Status st = client::CheckImageDigest(image); !st.ok()) {
      return Usage(StrCat("--image: ", st.message()));
    }
    ref.images.push_back(image);
  }
  if (ref.images.empty()) return Usage("give the expected CDS image digest(s) with --image");
  if (!a.pod_refs.empty()) ref.pod_refs = a.pod_refs;
  if (!a.assurance.empty()) {
    ASSIGN_OR_RETURN(ref.assurance, client::ParseAssuranceLevel(a.assurance));
  }
  return ref;
}

absl::StatusOr<client::VerifyCdsOptions> BuildVerifyOptions(const ReferenceFlags& a) {
  client::VerifyCdsOptions options;
  options.snp_cert_cache_dir = a.cert_cache;
  options.tdx_collateral_dir = a.tdx_collateral;
  for (const std::string& f : a.simulated_roots) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(f, 1 << 20));
    options.simulated_roots.push_back(ToBytes(pem));
  }
  return options;
}

void AddReferenceFlags(CLI::App* v, ReferenceFlags& r) {
  v->add_option("--reference", r.reference,
                "Expected CDS reference values (JSON: node/cds policies, images, podRefs, "
                "assurance)");
  v->add_option("--reference-manifest", r.reference_manifest,
                "Take the hardware reference values from this manifest's `cds` role policy");
  v->add_option("--measurement", r.measurements,
                "Expected SEV-SNP launch measurement (96 hex; repeatable) instead of a file");
  v->add_flag("--allow-simulated", r.allow_simulated,
              "With --measurement: accept simulated evidence (development only)");
  v->add_option("--image", r.images, "Expected CDS image digest sha256:<64 hex> (repeatable)");
  v->add_option("--pod-ref", r.pod_refs, "Expected CDS pod namespace/name (repeatable)");
  v->add_option("--assurance", r.assurance,
                "What the launch measurement covers here: full-image, firmware-and-rtmrs, "
                "firmware-only, paravisor");
  v->add_option("--simulated-root", r.simulated_roots,
                "PEM root of simulated evidence to accept (the policy must allow simulated)");
  v->add_option("--snp-cert-cache", r.cert_cache, "Directory of AMD KDS certificates");
  v->add_option("--tdx-collateral", r.tdx_collateral,
                "Directory of Intel PCS collateral (TCB info, QE identity, CRLs)");
}

}  // namespace c8s::cli
