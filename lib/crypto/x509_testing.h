// Test-only helpers: a CA and leaves generated at test time (nothing checked in), and running
// the `openssl` command line on them. Included only by *_test.cc files.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto::testing {

inline CertificateAuthority MakeCa(const std::string& cn, absl::Time now = absl::Now()) {
  return CertificateAuthority::CreateSelfSigned(PrivateKey::Generate(KeyType::kP256).value(),
                                                {cn, "c8s"}, now - absl::Hours(1),
                                                now + absl::Hours(24 * 365))
      .value();
}

struct Leaf {
  PrivateKey key;
  Certificate cert;
};

inline Leaf IssueLeaf(const CertificateAuthority& ca, const std::string& cn, IssueOptions options) {
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();
  options.subject = {cn, "c8s"};
  Certificate cert = ca.Issue(key.GetPublicKey(), options).value();
  return {std::move(key), std::move(cert)};
}

// A leaf valid for [now - 5 min, now + 1 h] with serverAuth+clientAuth and a SPIFFE URI.
inline Leaf IssueWorkloadLeaf(const CertificateAuthority& ca, const std::string& cn,
                              const std::string& spiffe_id, absl::Time now = absl::Now()) {
  IssueOptions options = LeafOptions({cn, "c8s"}, now, absl::Hours(1));
  options.server_auth = true;
  options.client_auth = true;
  options.sans.uris = {spiffe_id};
  options.sans.dns = {cn};
  return IssueLeaf(ca, cn, options);
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line (tests build it from fixed text and temp paths only).
inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace c8s::crypto::testing
