#include "lib/base/status.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

absl::StatusOr<int> Half(int v) {
  if (v % 2) return absl::InvalidArgumentError("odd");
  return v / 2;
}

absl::StatusOr<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

absl::Status CheckEven(int v) {
  RETURN_IF_ERROR(Half(v).status());
  return absl::OkStatus();
}

TEST_CASE("status macros propagate the first error", "[unit]") {
  CHECK(*Quarter(8) == 2);
  CHECK(Quarter(6).status().message() == "odd");
  CHECK(CheckEven(4).ok());
  CHECK(absl::IsInvalidArgument(CheckEven(3)));
  CHECK(Annotate(absl::InvalidArgumentError("bad"), "vcek").message() == "vcek: bad");
}

}  // namespace
}  // namespace c8s
