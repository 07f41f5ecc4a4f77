#include "test/kube-local/credentials.h"

#include "absl/time/clock.h"
#include "lib/base/bytes.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509.h"

namespace c8s::kubelocal {

absl::StatusOr<Credentials> CreateCredentials(const std::string& dir, const std::string& host) {
  absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(crypto::PrivateKey ca_key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(
      crypto::CertificateAuthority ca,
      crypto::CertificateAuthority::CreateSelfSigned(
          ca_key, {"c8s-kube-local CA", "c8s"}, now - absl::Hours(1), now + absl::Hours(24 * 365)));
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  crypto::IssueOptions opts =
      crypto::LeafOptions({"c8s-kube-local", "c8s"}, now, absl::Hours(24 * 365));
  opts.server_auth = true;
  opts.sans.dns = {"localhost", "kubernetes", "kubernetes.default.svc"};
  bool is_ip = !host.empty() && host.find_first_not_of("0123456789.:") == std::string::npos;
  if (is_ip) opts.sans.ips.push_back(host);
  if (host != "127.0.0.1") opts.sans.ips.push_back("127.0.0.1");
  if (!is_ip) opts.sans.dns.push_back(host);
  ASSIGN_OR_RETURN(crypto::Certificate cert, ca.Issue(key.GetPublicKey(), opts));
  Credentials c;
  c.ca_pem = ca.certificate().ToPem();
  c.cert_file = dir + "/server.pem";
  c.key_file = dir + "/server-key.pem";
  RETURN_IF_ERROR(WriteFileAtomic(c.cert_file, cert.ToPem(), 0644));
  RETURN_IF_ERROR(WriteFileAtomic(c.key_file, key.ToPem(), 0600));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ca.pem", c.ca_pem, 0644));
  c.token = HexEncode(crypto::RandomBytes(24));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/token", c.token, 0600));
  return c;
}

absl::Status WriteKubeconfig(const Credentials& creds, const std::string& host, int port,
                             const std::string& path) {
  std::string ca = Base64Encode(Bytes(creds.ca_pem.begin(), creds.ca_pem.end()));
  std::string text = StrCat(
      "apiVersion: v1\nkind: Config\nclusters:\n- name: kube-local\n  cluster:\n"
      "    server: https://",
      host, ":", port, "\n    certificate-authority-data: ", ca,
      "\nusers:\n- name: admin\n  user:\n    token: ", creds.token,
      "\ncontexts:\n- name: kube-local\n  context:\n    cluster: kube-local\n"
      "    user: admin\n    namespace: default\ncurrent-context: kube-local\n");
  return WriteFileAtomic(path, text, 0600);
}

}  // namespace c8s::kubelocal
