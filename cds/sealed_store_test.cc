#include "cds/sealed_store.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"
#include "test/support/test_env.h"

namespace c8s::cds {
namespace {

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

// Acknowledges writes but keeps the first blob it was given.
class DroppingStorage : public MemoryStorage {
 public:
  absl::Status Write(std::string_view name, ByteSpan data) override {
    if (!objects().count(std::string(name))) return MemoryStorage::Write(name, data);
    return absl::OkStatus();
  }
};

TEST_CASE("sealed store: round trip, versions, and a second store with the seed reads it",
          "[unit]") {
  Bytes seed = crypto::RandomBytes(32);
  MemoryStorage storage;
  auto store = SealedStore::Create(seed, &storage);
  REQUIRE(store.ok());
  auto none = store->Get("state");
  REQUIRE(none.ok());
  CHECK(!none->has_value());
  REQUIRE(store->Put("state", {{"a", 1}}).ok());
  REQUIRE(store->Put("state", {{"a", 2}}).ok());
  CHECK(store->version("state") == 2);
  Bytes blob = storage.objects()["state"];
  std::string text(blob.begin(), blob.end());
  CHECK(text.find("\"a\"") == std::string::npos);  // encrypted
  auto other = SealedStore::Create(seed, &storage);
  auto got = other->Get("state");
  REQUIRE(got.ok());
  CHECK((**got)["a"] == 2);
  CHECK(other->version("state") == 2);
}

TEST_CASE("sealed store: corruption, tearing, swapping, stale and lying storage are detected",
          "[unit]") {
  Bytes seed = crypto::RandomBytes(32);
  MemoryStorage storage;
  auto store = SealedStore::Create(seed, &storage);
  REQUIRE(store->Put("state", {{"v", 1}}).ok());
  Bytes v1 = storage.objects()["state"];
  REQUIRE(store->Put("state", {{"v", 2}}).ok());
  Bytes v2 = storage.objects()["state"];

  SECTION("corrupted byte") {
    Bytes bad = v2;
    bad[bad.size() / 2] ^= 0x01;
    storage.Set("state", bad);
    CHECK(Msg(store->Get("state").status()) ==
          "state object \"state\": authentication failed (corrupted, torn, swapped, or not "
          "sealed with this seed)");
  }
  SECTION("torn write") {
    storage.Set("state", Bytes(v2.begin(), v2.begin() + v2.size() / 2));
    CHECK(store->Get("state").status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("not a blob") {
    storage.Set("state", ToBytes("hello"));
    CHECK(Msg(store->Get("state").status()) ==
          "state object \"state\": not a c8s state blob (bad header, 5 bytes)");
  }
  SECTION("another object's blob swapped in") {
    REQUIRE(store->Put("other", {{"x", 1}}).ok());
    storage.Set("state", storage.objects()["other"]);
    CHECK(store->Get("state").status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("older version served back") {
    storage.Set("state", v1);
    CHECK(Msg(store->Get("state").status()) ==
          "state object \"state\": stale: storage served version 1, version 2 was already seen");
  }
  SECTION("object emptied") {
    auto fresh = SealedStore::Create(seed, &storage);
    REQUIRE(fresh->Get("state").ok());
    storage.Set("state", {});
    CHECK(fresh->Get("state").status().code() == absl::StatusCode::kDataLoss);
  }
  SECTION("another seed") {
    auto foreign = SealedStore::Create(crypto::RandomBytes(32), &storage);
    CHECK(foreign->Get("state").status().code() == absl::StatusCode::kDataLoss);
  }
  // Nothing refused above changed what the store believes is newest.
  CHECK(store->version("state") == 2);
}

TEST_CASE("sealed store: a storage that acknowledges but drops a write is caught", "[unit]") {
  DroppingStorage storage;
  auto store = SealedStore::Create(crypto::RandomBytes(32), &storage);
  REQUIRE(store->Put("state", {{"v", 1}}).ok());
  CHECK(Msg(store->Put("state", {{"v", 2}})) ==
        "state object \"state\": storage did not keep the write of version 2 (lying storage)");
  CHECK(store->version("state") == 1);
}

TEST_CASE("directory storage: atomic files, names checked, missing is nullopt", "[unit]") {
  c8s::testing::TempDir dir;
  DirectoryStorage storage(dir.Path("state"));
  auto missing = storage.Read("state");
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  REQUIRE(storage.Write("state", ToBytes("abc")).ok());
  auto got = storage.Read("state");
  REQUIRE((got.ok() && got->has_value()));
  CHECK(**got == ToBytes("abc"));
  CHECK(!storage.Write("../escape", ToBytes("x")).ok());
  CHECK(!storage.Read("A").ok());
}

}  // namespace
}  // namespace c8s::cds
