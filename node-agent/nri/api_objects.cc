// PodSandbox and Container (api.proto v0.8.0, note §4.3).
#include "lib/base/status.h"
#include "lib/ttrpc/wire.h"
#include "node-agent/nri/api.h"

namespace c8s::nri {
namespace {

using ttrpc::WireReader;
using ttrpc::WireType;
using ttrpc::WireWriter;

absl::Status ReadMapField(const WireReader& r, StringMap* out) {
  RETURN_IF_ERROR(r.ExpectType(WireType::kLen));
  std::string key, value;
  RETURN_IF_ERROR(ttrpc::ReadMapEntry(r.bytes(), &key, &value));
  (*out)[std::move(key)] = std::move(value);  // protobuf: the last entry for a key wins
  return absl::OkStatus();
}

// Keeps only io.kubernetes.cri.* entries (what containerd itself sets; pod annotations are
// passed through here too and can be large).
absl::Status ReadCriAnnotation(const WireReader& r, StringMap* out) {
  RETURN_IF_ERROR(r.ExpectType(WireType::kLen));
  // Peek at the key without copying the value of entries we drop.
  WireReader entry(r.bytes());
  std::string_view key;
  while (entry.Next()) {
    if (entry.field() == 1 && entry.type() == WireType::kLen) key = entry.bytes();
  }
  RETURN_IF_ERROR(entry.status());
  if (!key.starts_with(kCriAnnotationPrefix)) return absl::OkStatus();
  return ReadMapField(r, out);
}

absl::Status ReadRepeatedString(const WireReader& r, std::vector<std::string>* out) {
  return r.ReadString(&out->emplace_back());
}

void WriteMap(WireWriter& w, uint32_t field, const StringMap& m) {
  for (const auto& [key, value] : m) w.MapEntry(field, key, value);
}

}  // namespace

std::string EncodePodSandbox(const PodSandbox& p) {
  WireWriter w;
  w.StringIfSet(1, p.id);
  w.StringIfSet(2, p.name);
  w.StringIfSet(3, p.uid);
  w.StringIfSet(4, p.namespace_name);
  WriteMap(w, 5, p.labels);
  w.StringIfSet(7, p.runtime_handler);
  if (p.pid != 0) w.Varint(9, p.pid);
  return w.Take();
}

absl::StatusOr<PodSandbox> DecodePodSandbox(std::string_view data) {
  PodSandbox p;
  WireReader r(data);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        RETURN_IF_ERROR(r.ReadString(&p.id));
        break;
      case 2:
        RETURN_IF_ERROR(r.ReadString(&p.name));
        break;
      case 3:
        RETURN_IF_ERROR(r.ReadString(&p.uid));
        break;
      case 4:
        RETURN_IF_ERROR(r.ReadString(&p.namespace_name));
        break;
      case 5:
        RETURN_IF_ERROR(ReadMapField(r, &p.labels));
        break;
      case 7:
        RETURN_IF_ERROR(r.ReadString(&p.runtime_handler));
        break;
      case 9:
        RETURN_IF_ERROR(r.ReadUint32(&p.pid));
        break;
      default:
        break;  // annotations, linux, ips, and fields of later NRI versions
    }
  }
  RETURN_IF_ERROR(r.status());
  return p;
}

std::string EncodeContainer(const Container& c) {
  WireWriter w;
  w.StringIfSet(1, c.id);
  w.StringIfSet(2, c.pod_sandbox_id);
  w.StringIfSet(3, c.name);
  if (c.state != 0) w.Int32(4, c.state);
  WriteMap(w, 6, c.annotations);
  for (const std::string& a : c.args) w.String(7, a);
  for (const std::string& e : c.env) w.String(8, e);
  if (c.pid != 0) w.Varint(12, c.pid);
  return w.Take();
}

absl::StatusOr<Container> DecodeContainer(std::string_view data) {
  Container c;
  WireReader r(data);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        RETURN_IF_ERROR(r.ReadString(&c.id));
        break;
      case 2:
        RETURN_IF_ERROR(r.ReadString(&c.pod_sandbox_id));
        break;
      case 3:
        RETURN_IF_ERROR(r.ReadString(&c.name));
        break;
      case 4:
        RETURN_IF_ERROR(r.ReadInt32(&c.state));
        break;
      case 6:
        RETURN_IF_ERROR(ReadCriAnnotation(r, &c.annotations));
        break;
      case 7:
        RETURN_IF_ERROR(ReadRepeatedString(r, &c.args));
        break;
      case 8:
        RETURN_IF_ERROR(ReadRepeatedString(r, &c.env));
        break;
      case 12:
        RETURN_IF_ERROR(r.ReadUint32(&c.pid));
        break;
      default:
        break;  // labels, mounts, hooks, linux, rlimits, later fields
    }
  }
  RETURN_IF_ERROR(r.status());
  return c;
}

}  // namespace c8s::nri
