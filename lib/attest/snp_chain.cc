#include "lib/attest/snp_chain.h"

#include <dirent.h>
#include <openssl/core_names.h>

#include <algorithm>

#include "lib/attest/amd_roots.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

using crypto::X509Ptr;

struct Pool {
  std::vector<X509Ptr> evidence;   // from the evidence: each must end up in the chain
  std::vector<X509Ptr> cache;      // from the cache directory
  std::vector<X509Ptr> builtin;    // compiled-in ASK/ASVK
  std::vector<X509Ptr> roots;      // compiled-in ARKs
  std::vector<X509Ptr> sim_roots;  // caller-provided simulated roots
};

absl::Status ChainError(std::string_view msg) {
  crypto::ClearOpenSslErrors();
  return VerifyError(VerifyErrorKind::kChain, msg);
}

bool IsEc(X509* c) {
  return X509_get0_pubkey(c) && EVP_PKEY_get_base_id(X509_get0_pubkey(c)) == EVP_PKEY_EC;
}
bool IsSelfIssued(X509* c) {
  return X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)) == 0;
}
bool SameCert(X509* a, X509* b) { return X509_cmp(a, b) == 0 && CertDer(a) == CertDer(b); }

std::string Describe(std::string_view role, X509* c) {
  return StrCat(role, " (CN=", SubjectCommonName(c), ")");
}

absl::Status AddBlob(ByteSpan blob, std::vector<X509Ptr>& out) {
  ASSIGN_OR_RETURN(std::vector<X509Ptr> certs, ParseCertificates(blob));
  for (auto& c : certs) out.push_back(std::move(c));
  return absl::OkStatus();
}

// The compiled-in AMD certificates, parsed once: every cold verification needs all of them,
// and parsing nine RSA-4096 PEM certificates per report was most of its cost. X509 objects are
// reference-counted and safe to share read-only between threads.
struct BuiltinCerts {
  std::vector<X509Ptr> roots;   // ARKs
  std::vector<X509Ptr> others;  // ASKs and ASVKs
};

absl::StatusOr<const BuiltinCerts*> CompiledInCerts() {
  static const absl::StatusOr<BuiltinCerts>* parsed = [] {
    BuiltinCerts b;
    for (const AmdCert& c : AmdCertificates()) {
      absl::Status st = AddBlob(AsBytes(c.pem), c.kind == AmdCertKind::kArk ? b.roots : b.others);
      if (!st.ok()) return new absl::StatusOr<BuiltinCerts>(st);
    }
    return new absl::StatusOr<BuiltinCerts>(std::move(b));
  }();
  if (!parsed->ok()) return parsed->status();
  return &**parsed;
}

absl::Status LoadPool(const Evidence& ev, const SnpVerifyOptions& opt, Pool& pool) {
  for (const Bytes& blob : ev.certs) RETURN_IF_ERROR(AddBlob(blob, pool.evidence));
  if (!ev.auxblob.empty()) {
    ASSIGN_OR_RETURN(std::vector<Bytes> ders, ParseSnpCertTable(ev.auxblob));
    for (const Bytes& der : ders) RETURN_IF_ERROR(AddBlob(der, pool.evidence));
  }
  if (!opt.cert_cache_dir.empty()) {
    DIR* d = opendir(opt.cert_cache_dir.c_str());
    if (!d) {
      return VerifyError(
          VerifyErrorKind::kCertificate,
          StrCat("certificate cache directory ", opt.cert_cache_dir, " cannot be opened"));
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      absl::StatusOr<std::string> data = ReadFile(opt.cert_cache_dir + "/" + n, 1 << 20);
      if (!data.ok()) continue;  // subdirectories and unreadable files are not certificates
      // A cache may hold other files (CRLs, notes): only certificate files count.
      std::vector<X509Ptr> certs;
      if (AddBlob(AsBytes(*data), certs).ok()) {
        for (auto& c : certs) pool.cache.push_back(std::move(c));
      }
    }
  }
  ASSIGN_OR_RETURN(const BuiltinCerts* builtin, CompiledInCerts());
  for (auto [from, to] :
       {std::pair{&builtin->roots, &pool.roots}, {&builtin->others, &pool.builtin}}) {
    for (const X509Ptr& c : *from) {
      X509_up_ref(c.get());
      to->emplace_back(c.get());
    }
  }
  for (const Bytes& blob : opt.simulated_roots) RETURN_IF_ERROR(AddBlob(blob, pool.sim_roots));
  return absl::OkStatus();
}

bool HwIdMatches(const VekExtensions& ext, const SnpReport& r) {
  if (!ext.hw_id) return false;
  return std::equal(ext.hw_id->begin(), ext.hw_id->end(), r.chip_id.begin());
}

absl::StatusOr<absl::Time> NotBefore(X509* c) { return Asn1TimeToAbsl(X509_get0_notBefore(c)); }
absl::StatusOr<absl::Time> NotAfter(X509* c) { return Asn1TimeToAbsl(X509_get0_notAfter(c)); }

absl::Status AddWindow(SnpValidatedChain& chain, std::string what, X509* c) {
  ASSIGN_OR_RETURN(absl::Time nb, NotBefore(c));
  ASSIGN_OR_RETURN(absl::Time na, NotAfter(c));
  chain.windows.push_back({std::move(what), nb, na});
  return absl::OkStatus();
}

absl::Status VerifySignedBy(X509* cert, X509* issuer, std::string_view what) {
  if (X509_get_signature_nid(cert) != NID_rsassaPss) {
    return ChainError(StrCat(what, " is not signed with RSASSA-PSS"));
  }
  if (X509_verify(cert, X509_get0_pubkey(issuer)) != 1) {
    return ChainError(
        StrCat(what, ": signature by ", Describe("issuer", issuer), " does not verify"));
  }
  return absl::OkStatus();
}

absl::Status CheckCrls(const SnpVerifyOptions& opt, X509* ark, X509* ask, X509* vek,
                       SnpValidatedChain& chain) {
  for (const Bytes& blob : opt.crls) {
    crypto::BioPtr bio = crypto::ReadOnlyBio(blob);
    X509Ptr unused;
    crypto::X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) {
      crypto::ClearOpenSslErrors();
      const unsigned char* p = blob.data();
      crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(blob.size())));
    }
    if (!crl) return VerifyError(VerifyErrorKind::kCertificate, "CRL does not parse");
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ark)) != 0) continue;
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ark)) != 1) {
      return ChainError(StrCat("CRL signature by ", Describe("ARK", ark), " does not verify"));
    }
    ASSIGN_OR_RETURN(absl::Time last, Asn1TimeToAbsl(X509_CRL_get0_lastUpdate(crl.get())));
    absl::Time next = absl::InfiniteFuture();
    if (X509_CRL_get0_nextUpdate(crl.get())) {
      ASSIGN_OR_RETURN(next, Asn1TimeToAbsl(X509_CRL_get0_nextUpdate(crl.get())));
    }
    chain.windows.push_back({StrCat("CRL of ", SubjectCommonName(ark)), last, next});
    for (auto [role, c] : {std::pair<const char*, X509*>{"ASK", ask}, {"VEK", vek}}) {
      // AMD's ARK-issued CRL lists serials of certificates below it (ASK and VEKs); match by
      // serial, since the VEK's issuer is the ASK, not the CRL issuer.
      X509_REVOKED* rev = nullptr;
      if (X509_CRL_get0_by_serial(crl.get(), &rev, X509_get0_serialNumber(c)) == 1) {
        return VerifyError(
            VerifyErrorKind::kRevoked,
            StrCat(Describe(role, c), " is revoked by the CRL of ", SubjectCommonName(ark)));
      }
    }
    return absl::OkStatus();
  }
  return VerifyError(VerifyErrorKind::kRevoked, StrCat("CRL check requested but no CRL issued by ",
                                                       Describe("ARK", ark), " was given"));
}

// The certificate's P-384 key for lib/crypto/p384, from its affine coordinates (whatever
// point encoding the certificate used).
absl::StatusOr<crypto::P384VerifyingKey> VerifyingKeyOf(EVP_PKEY* key, std::string_view what) {
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  Bytes point(crypto::P384VerifyingKey::kPointSize);
  point[0] = 0x04;
  bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
            BN_bn2binpad(x, point.data() + 1, 48) == 48 &&
            BN_bn2binpad(y, point.data() + 49, 48) == 48;
  BN_free(x);
  BN_free(y);
  if (!ok) {
    crypto::ClearOpenSslErrors();
    return VerifyError(VerifyErrorKind::kCertificate, StrCat(what, " key has no P-384 point"));
  }
  absl::StatusOr<crypto::P384VerifyingKey> verifying =
      crypto::P384VerifyingKey::FromUncompressedPoint(point);
  if (!verifying.ok()) {
    return VerifyError(VerifyErrorKind::kCertificate,
                       StrCat(what, " key: ", verifying.status().message()));
  }
  return verifying;
}

}  // namespace

Bytes SnpChainCacheKey(const SnpReport& r, const Evidence& ev, const SnpVerifyOptions& opt) {
  Bytes buf;
  auto add = [&buf](ByteSpan b) {
    uint64_t n = b.size();
    Append(buf, ByteSpan(reinterpret_cast<const uint8_t*>(&n), 8));
    Append(buf, b);
  };
  for (const Bytes& b : ev.certs) add(b);
  add(ev.auxblob);
  for (const Bytes& b : opt.crls) add(b);
  for (const Bytes& b : opt.simulated_roots) add(b);
  add(AsBytes(opt.cert_cache_dir));
  uint8_t sk = static_cast<uint8_t>(r.signing_key());
  add(ByteSpan(&sk, 1));
  add(r.chip_id);
  add(ByteSpan(reinterpret_cast<const uint8_t*>(&r.reported_tcb), 8));
  return buf;
}

absl::StatusOr<std::shared_ptr<const SnpValidatedChain>> BuildSnpChain(
    const SnpReport& r, const Evidence& ev, const SnpVerifyOptions& opt) {
  Pool pool;
  RETURN_IF_ERROR(LoadPool(ev, opt, pool));
  auto chain = std::make_shared<SnpValidatedChain>();
  bool want_vlek = r.signing_key() == kSnpSigningKeyVlek;
  std::string_view want_name = want_vlek ? "VLEK" : "VCEK";

  // 1. The VCEK/VLEK: an EC certificate, from the evidence first, else from the cache.
  X509* vek = nullptr;
  bool other_kind_seen = false;
  for (auto* list : {&pool.evidence, &pool.cache}) {
    for (auto& c : *list) {
      if (!IsEc(c.get())) continue;
      absl::StatusOr<VekExtensions> parsed = ParseVekExtensions(c.get());
      if (!parsed.ok()) {
        if (list == &pool.evidence) return parsed.status();
        continue;  // a cache may hold broken downloads; the evidence may not
      }
      VekExtensions ext = *std::move(parsed);
      bool is_vlek = ext.csp_id.has_value() || SubjectCommonName(c.get()) == "SEV-VLEK";
      if (is_vlek != want_vlek) {
        other_kind_seen = true;
        continue;
      }
      // Among several candidates (a cache of many chips), take the one for this chip.
      if (!vek || (!want_vlek && HwIdMatches(ext, r))) {
        vek = c.get();
        chain->ext = std::move(ext);
      }
    }
    if (vek) break;
  }
  if (!vek) {
    if (other_kind_seen) {
      return VerifyError(VerifyErrorKind::kKeyKind,
                         StrCat("report KEY_INFO says it is signed by the ", want_name,
                                " but only a ", want_vlek ? "VCEK" : "VLEK", " was given"));
    }
    return VerifyError(VerifyErrorKind::kCertificate,
                       StrCat("no ", want_name, " certificate in the evidence or cache"));
  }
  chain->kind = want_vlek ? SigningKeyKind::kVlek : SigningKeyKind::kVcek;
  if (want_vlek && !chain->ext.csp_id) {
    return VerifyError(VerifyErrorKind::kCertificate, "VLEK has no csp_id extension");
  }
  if (want_vlek && chain->ext.hw_id) {
    return VerifyError(VerifyErrorKind::kCertificate, "VLEK carries a hwID extension");
  }
  if (!want_vlek && chain->ext.csp_id) {
    return VerifyError(VerifyErrorKind::kCertificate, "VCEK carries a csp_id extension");
  }
  if (!want_vlek && !chain->ext.hw_id) {
    return VerifyError(VerifyErrorKind::kCertificate, "VCEK has no hwID extension");
  }
  std::string vek_desc = Describe(want_name, vek);
  {
    EVP_PKEY* k = X509_get0_pubkey(vek);
    char group[32] = {0};
    size_t glen = 0;
    if (EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) != 1 ||
        std::string_view(group) != "secp384r1") {
      return VerifyError(VerifyErrorKind::kCertificate, StrCat(vek_desc, " key is not EC P-384"));
    }
    ASSIGN_OR_RETURN(chain->vek_key, VerifyingKeyOf(k, vek_desc));
  }

  // 2. The ASK/ASVK: subject equal to the VEK issuer; evidence first, never falling back to
  // another copy when the supplied one is bad.
  X509* ask = nullptr;
  for (auto* list : {&pool.evidence, &pool.cache, &pool.builtin}) {
    for (auto& c : *list) {
      if (!IsEc(c.get()) && !IsSelfIssued(c.get()) &&
          X509_NAME_cmp(X509_get_subject_name(c.get()), X509_get_issuer_name(vek)) == 0) {
        ask = c.get();
        break;
      }
    }
    if (ask) break;
  }
  if (!ask) return ChainError(StrCat("no ASK/ASVK certificate issued the ", vek_desc));
  std::string ask_cn = SubjectCommonName(ask);
  bool is_asvk = ask_cn.rfind("SEV-VLEK-", 0) == 0;
  if (is_asvk != want_vlek) {
    return ChainError(StrCat(vek_desc, " is issued by ", ask_cn, "; a ", want_name,
                             " must be issued by ", want_vlek ? "an ASVK" : "an ASK"));
  }
  if (X509_check_ca(ask) < 1) return ChainError(StrCat(ask_cn, " is not a CA certificate"));
  RETURN_IF_ERROR(VerifySignedBy(vek, ask, vek_desc));

  // 3. The ARK: a compiled-in AMD root (or a simulated root) that signed the ASK.
  X509* ark = nullptr;
  for (auto* list : {&pool.roots, &pool.sim_roots}) {
    for (auto& c : *list) {
      if (X509_NAME_cmp(X509_get_subject_name(c.get()), X509_get_issuer_name(ask)) == 0 &&
          VerifySignedBy(ask, c.get(), ask_cn).ok()) {
        ark = c.get();
        chain->simulated = list == &pool.sim_roots;
        break;
      }
    }
    if (ark) break;
  }
  if (!ark) {
    return ChainError(StrCat(ask_cn, " is not signed by any compiled-in AMD ARK",
                             opt.simulated_roots.empty() ? "" : " or simulated root"));
  }
  RETURN_IF_ERROR(VerifySignedBy(ark, ark, Describe("ARK", ark)));

  // 4. Every certificate the evidence supplied must be part of this chain or a known AMD
  // certificate: a changed certificate is never silently replaced by a good copy.
  for (auto& c : pool.evidence) {
    bool known = c.get() == vek || c.get() == ask || SameCert(c.get(), ark);
    for (auto* list : {&pool.roots, &pool.builtin}) {
      for (auto& k : *list) known = known || SameCert(c.get(), k.get());
    }
    if (!known) {
      return ChainError(StrCat("certificate CN=", SubjectCommonName(c.get()),
                               " in the evidence is not part of the chain to ",
                               SubjectCommonName(ark)));
    }
  }

  // 5. Products: the ARK's and the VEK's must agree.
  std::string ark_cn = SubjectCommonName(ark);
  SnpProduct ark_product = SnpProductFromName(ark_cn.rfind("ARK-", 0) == 0 ? ark_cn.substr(4) : "");
  chain->product = SnpProductFromName(chain->ext.product_name);
  if (chain->product == SnpProduct::kUnknown) {
    return VerifyError(VerifyErrorKind::kProduct,
                       StrCat(vek_desc, " product name '", chain->ext.product_name,
                              "' is not Milan, Genoa or Turin"));
  }
  if (ark_product != chain->product) {
    return VerifyError(VerifyErrorKind::kProduct,
                       StrCat(vek_desc, " is for ", SnpProductName(chain->product),
                              " but the chain ends in ", ark_cn));
  }

  RETURN_IF_ERROR(AddWindow(*chain, vek_desc, vek));
  RETURN_IF_ERROR(AddWindow(*chain, Describe("ASK", ask), ask));
  RETURN_IF_ERROR(AddWindow(*chain, Describe("ARK", ark), ark));
  if (!opt.crls.empty()) RETURN_IF_ERROR(CheckCrls(opt, ark, ask, vek, *chain));
  return std::shared_ptr<const SnpValidatedChain>(std::move(chain));
}

absl::Status CheckSnpChainTime(const SnpValidatedChain& chain, absl::Time now) {
  for (const auto& w : chain.windows) {
    if (now < w.not_before || now > w.not_after) {
      return VerifyError(
          VerifyErrorKind::kExpired,
          StrCat(w.what, " is not valid at ", FormatRfc3339(now), ": valid from ",
                 FormatRfc3339(w.not_before), " to ",
                 w.not_after == absl::InfiniteFuture() ? std::string("(no end)")
                                                       : FormatRfc3339(w.not_after)));
    }
  }
  return absl::OkStatus();
}

}  // namespace c8s::attest
