// The Intel SGX Root CA, the trust anchor of PCK certificate chains and of the TCB signing
// chain of TDX collateral (TCB info, QE identity, CRLs). Public certificate, valid to 2049.
//   X509Ptr root = ParseIntelRoot();
//   if (X509_cmp(root.get(), chain_root) != 0) ...
#pragma once

#include <string_view>

namespace c8s::attest {

// PEM of the Intel SGX Root CA (SHA-256 fingerprint
// 44:A0:19:6B:2B:99:F8:89:B8:E1:49:E9:5B:80:7A:35:0E:74:24:96:43:99:E8:85:A7:CB:B8:CC:FA:B6:74:D3).
std::string_view IntelSgxRootCaPem();

}  // namespace c8s::attest
