#include "lib/crypto/openssl_util.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "lib/base/strings.h"

namespace c8s::crypto {

absl::Status OpenSslError(std::string_view what) {
  std::string details;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!details.empty()) details += "; ";
    details += buf;
  }
  if (details.empty()) details = "no OpenSSL error recorded";
  return absl::InvalidArgumentError(StrCat(what, ": ", details));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

BioPtr ReadOnlyBio(ByteSpan data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Bytes BioContents(BIO* bio) {
  char* ptr = nullptr;
  long len = BIO_get_mem_data(bio, &ptr);
  return Bytes(reinterpret_cast<uint8_t*>(ptr), reinterpret_cast<uint8_t*>(ptr) + len);
}

namespace {

const EVP_MD* FetchOnce(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) {
    std::fprintf(stderr, "fatal: OpenSSL has no %s\n", name);
    std::abort();
  }
  return md;  // kept for the life of the process
}

}  // namespace

const EVP_MD* Sha1Md() {
  static const EVP_MD* md = FetchOnce("SHA1");
  return md;
}
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = FetchOnce("SHA256");
  return md;
}
const EVP_MD* Sha384Md() {
  static const EVP_MD* md = FetchOnce("SHA384");
  return md;
}

}  // namespace c8s::crypto
