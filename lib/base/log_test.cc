#include "lib/base/log.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::log {
namespace {

TEST_CASE("log lines are key=value with quoting", "[unit]") {
  std::string line = Format(Level::kWarn, "cds", "node refused",
                            {{"node", "n1"}, {"reason", "tcb too low"}, {"gen", 7}, {"ok", false}},
                            "2026-11-22T10:00:00.000Z");
  CHECK(line ==
        "ts=2026-11-22T10:00:00.000Z level=warn component=cds msg=\"node refused\" node=n1 "
        "reason=\"tcb too low\" gen=7 ok=false\n");
  CHECK(Format(Level::kInfo, "x", "a=b", {{"v", "q\"\n"}}, "t") ==
        "ts=t level=info component=x msg=\"a=b\" v=\"q\\\"\\n\"\n");
}

TEST_CASE("log respects level and sink", "[unit]") {
  std::vector<std::string> lines;
  SetSink([&](std::string_view l) { lines.emplace_back(l); });
  SetMinLevel(Level::kWarn);
  Info("hidden");
  Error("shown", {{"k", "v"}});
  SetMinLevel(Level::kInfo);
  SetSink(nullptr);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("level=error") != std::string::npos);
  CHECK(lines[0].find("msg=shown k=v") != std::string::npos);
  CHECK(ParseLevel("debug").value() == Level::kDebug);
  CHECK_FALSE(ParseLevel("loud").ok());
}

}  // namespace
}  // namespace c8s::log
