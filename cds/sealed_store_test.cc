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
  absl::StatusOr<std::string> Write(std::string_view name, ByteSpan data,
                                    const std::optional<std::string>& expected) override {
    if (!objects().count(std::string(name))) return MemoryStorage::Write(name, data, expected);
    return std::string("acknowledged");
  }
};

TEST_CASE("sealed store: round trip, versions, and a second store with the seed reads it",
          "[unit]") {
  Bytes seed = crypto::RandomBytes(32);
  MemoryStorage storage;
  auto store = SealedStore::Create(seed, &storage);
  REQUIRE(store.ok());
  auto none = store->Get("state");  // learns that the object does not exist yet
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
  REQUIRE(store->Get("state").ok());
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
    REQUIRE(store->Get("other").ok());
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
  REQUIRE(store->Put("state", {{"v", 1}}).ok());  // never read: created only if absent
  CHECK(Msg(store->Put("state", {{"v", 2}})) ==
        "state object \"state\": storage did not keep the write of version 2 (lying storage)");
  CHECK(store->version("state") == 1);
}

TEST_CASE("sealed store: two writers on one storage never both succeed", "[unit]") {
  Bytes seed = crypto::RandomBytes(32);
  MemoryStorage storage;
  auto a = SealedStore::Create(seed, &storage);
  auto b = SealedStore::Create(seed, &storage);
  // Both saw an empty storage; only the first creation wins.
  REQUIRE(a->Get("state").ok());
  REQUIRE(b->Get("state").ok());
  REQUIRE(a->Put("state", {{"ca", "a"}}).ok());
  absl::Status lost = b->Put("state", {{"ca", "b"}});
  CHECK(lost.code() == absl::StatusCode::kAborted);
  CHECK(Msg(lost).rfind("storage conflict on \"state\": expected revision (absent), found ", 0) ==
        0);
  auto got = b->Get("state");
  REQUIRE(got.ok());
  CHECK((**got)["ca"] == "a");
  // b is now current and may write; a's next write conflicts.
  REQUIRE(b->Put("state", {{"ca", "a"}, {"n", 2}}).ok());
  CHECK(a->Put("state", {{"ca", "a"}, {"n", 3}}).code() == absl::StatusCode::kAborted);
}

TEST_CASE("sealed store: adopting pushed blobs refuses stale ones and forks", "[unit]") {
  Bytes seed = crypto::RandomBytes(32);
  MemoryStorage storage;
  auto leader = SealedStore::Create(seed, &storage);
  REQUIRE(leader->Get("state").ok());
  REQUIRE(leader->Put("state", {{"v", 1}}).ok());
  Bytes v1 = *leader->LastBlob("state");
  REQUIRE(leader->Put("state", {{"v", 2}}).ok());
  Bytes v2 = *leader->LastBlob("state");
  MemoryStorage other;
  auto follower = SealedStore::Create(seed, &other);
  auto adopted = follower->Adopt("state", v2);
  REQUIRE(adopted.ok());
  CHECK((*adopted)["v"] == 2);
  CHECK(Msg(follower->Adopt("state", v1).status()) ==
        "state object \"state\": stale: offered version 1, version 2 was already seen");
  auto fork = SealedStore::Create(seed, &other);
  REQUIRE(fork->Adopt("state", v1).ok());
  REQUIRE(fork->Put("state", {{"v", "forked"}}).ok());
  CHECK(Msg(follower->Adopt("state", *fork->LastBlob("state")).status()) ==
        "state object \"state\": fork: two different blobs claim version 2");
}

TEST_CASE("directory storage: atomic files, conditional writes, names checked", "[unit]") {
  c8s::testing::TempDir dir;
  DirectoryStorage storage(dir.Path("state"));
  auto missing = storage.Read("state");
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  auto rev = storage.Write("state", ToBytes("abc"), std::string(""));
  REQUIRE(rev.ok());
  CHECK(*rev == crypto::Sha256Prefixed(AsBytes("abc")));
  auto got = storage.Read("state");
  REQUIRE((got.ok() && got->has_value()));
  CHECK((*got)->data == ToBytes("abc"));
  CHECK((*got)->revision == *rev);
  CHECK(storage.Write("state", ToBytes("x"), std::string("")).status().code() ==
        absl::StatusCode::kAborted);
  CHECK(storage.Write("state", ToBytes("def"), *rev).ok());
  CHECK(storage.Write("state", ToBytes("ghi"), *rev).status().code() == absl::StatusCode::kAborted);
  REQUIRE(storage.Write("other", ToBytes("1")).ok());
  CHECK(*storage.List() == std::vector<std::string>{"other", "state"});
  CHECK(!storage.Write("../escape", ToBytes("x")).ok());
  CHECK(!storage.Read("A").ok());
}

}  // namespace
}  // namespace c8s::cds
