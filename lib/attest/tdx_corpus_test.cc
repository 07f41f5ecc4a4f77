// The checked-in libFuzzer seeds for tdx_quote and tdx_collateral (fuzz/corpus/) are simulated
// evidence (shared vectors are never copied into the repository). This test keeps them valid;
// C8S_WRITE_TDX_CORPUS=1 regenerates them from SimulatedTdx.
#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <filesystem>

#include "lib/attest/simulated_tdx.h"
#include "lib/attest/tdx_collateral.h"
#include "lib/attest/tdx_quote.h"
#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::attest {
namespace {

// A v5 quote with a TD 1.0 body (type 2) made from a v4 one: the signature no longer matches,
// but every length is consistent, which is what the parser seeds need.
Bytes ToV5(const Bytes& v4) {
  Bytes v5(v4.begin(), v4.begin() + 48);
  v5[0] = 5;
  Append(v5, Bytes{2, 0, 0x48, 0x02, 0, 0});  // body type 2, size 584
  v5.insert(v5.end(), v4.begin() + 48, v4.end());
  return v5;
}

void WriteSeeds() {
  SimulatedTdx sim = SimulatedTdx::Create().value();
  Bytes quote = sim.Quote({}).value();
  TdxCollateralBundle c = sim.Collateral({}).value();
  const std::string q = testing::SourcePath("fuzz/corpus/tdx_quote/");
  const std::string k = testing::SourcePath("fuzz/corpus/tdx_collateral/");
  std::filesystem::create_directories(q);
  std::filesystem::create_directories(k);
  REQUIRE(WriteFile(q + "sim_v4.dat", AsChars(quote)).ok());
  REQUIRE(WriteFile(q + "sim_v5_td10.dat", AsChars(ToV5(quote))).ok());
  Bytes padded = quote;
  padded.resize(quote.size() + 64, 0);
  REQUIRE(WriteFile(q + "sim_v4_padded.dat", AsChars(padded)).ok());
  REQUIRE(WriteFile(q + "truncated_header.dat", AsChars(ByteSpan(quote).first(40))).ok());
  REQUIRE(WriteFile(k + "tcb_info.json", c.tcb_info_json).ok());
  REQUIRE(WriteFile(k + "qe_identity.json", c.qe_identity_json).ok());
}

TEST_CASE("TDX fuzz seed corpora are present and parse", "[unit]") {
  const char* regen = std::getenv("C8S_WRITE_TDX_CORPUS");
  if (regen != nullptr && std::string(regen) == "1") WriteSeeds();
  const std::string q = testing::SourcePath("fuzz/corpus/tdx_quote/");
  for (const char* name : {"sim_v4.dat", "sim_v5_td10.dat", "sim_v4_padded.dat"}) {
    INFO(name);
    CHECK(ParseTdxQuote(ToBytes(testing::ReadTestFile(q + name))).ok());
  }
  CHECK_FALSE(ParseTdxQuote(ToBytes(testing::ReadTestFile(q + "truncated_header.dat"))).ok());
  const std::string k = testing::SourcePath("fuzz/corpus/tdx_collateral/");
  auto tcb = SplitSignedJson(testing::ReadTestFile(k + "tcb_info.json"), "tcbInfo");
  REQUIRE(tcb.ok());
  CHECK(ParseTdxTcbInfo(tcb->body).ok());
  auto qe = SplitSignedJson(testing::ReadTestFile(k + "qe_identity.json"), "enclaveIdentity");
  REQUIRE(qe.ok());
  CHECK(ParseQeIdentity(qe->body).ok());
}

}  // namespace
}  // namespace c8s::attest
