#include "lib/ttrpc/message.h"

#include "lib/base/status.h"
#include "lib/ttrpc/wire.h"

namespace c8s::ttrpc {
namespace {

absl::Status DecodeKeyValue(std::string_view data, std::pair<std::string, std::string>* out) {
  return ReadMapEntry(data, &out->first, &out->second);
}

}  // namespace

std::string EncodeRequest(const Request& r) {
  WireWriter w;
  w.StringIfSet(1, r.service);
  w.StringIfSet(2, r.method);
  w.StringIfSet(3, r.payload);
  if (r.timeout_nano != 0) w.Int64(4, r.timeout_nano);
  for (const auto& [key, value] : r.metadata) w.MapEntry(5, key, value);
  return w.Take();
}

absl::StatusOr<Request> DecodeRequest(std::string_view data) {
  Request r;
  WireReader rd(data);
  while (rd.Next()) {
    switch (rd.field()) {
      case 1:
        RETURN_IF_ERROR(rd.ReadString(&r.service));
        break;
      case 2:
        RETURN_IF_ERROR(rd.ReadString(&r.method));
        break;
      case 3:
        RETURN_IF_ERROR(rd.ReadString(&r.payload));
        break;
      case 4:
        RETURN_IF_ERROR(rd.ReadInt64(&r.timeout_nano));
        break;
      case 5: {
        RETURN_IF_ERROR(rd.ExpectType(WireType::kLen));
        RETURN_IF_ERROR(DecodeKeyValue(rd.bytes(), &r.metadata.emplace_back()));
        break;
      }
      default:
        break;  // unknown fields are skipped
    }
  }
  RETURN_IF_ERROR(rd.status());
  return r;
}

std::string EncodeRpcStatus(const RpcStatus& s) {
  WireWriter w;
  if (s.code != 0) w.Int32(1, s.code);
  w.StringIfSet(2, s.message);
  return w.Take();
}

absl::StatusOr<RpcStatus> DecodeRpcStatus(std::string_view data) {
  RpcStatus s;
  WireReader rd(data);
  while (rd.Next()) {
    if (rd.field() == 1) {
      RETURN_IF_ERROR(rd.ReadInt32(&s.code));
    } else if (rd.field() == 2) {
      RETURN_IF_ERROR(rd.ReadString(&s.message));
    }  // 3 details: skipped
  }
  RETURN_IF_ERROR(rd.status());
  return s;
}

std::string EncodeResponse(const Response& r) {
  WireWriter w;
  if (r.status.has_value()) w.Bytes(1, EncodeRpcStatus(*r.status));
  w.StringIfSet(2, r.payload);
  return w.Take();
}

absl::StatusOr<Response> DecodeResponse(std::string_view data) {
  Response r;
  WireReader rd(data);
  while (rd.Next()) {
    if (rd.field() == 1) {
      RETURN_IF_ERROR(rd.ExpectType(WireType::kLen));
      ASSIGN_OR_RETURN(r.status, DecodeRpcStatus(rd.bytes()));
    } else if (rd.field() == 2) {
      RETURN_IF_ERROR(rd.ReadString(&r.payload));
    }
  }
  RETURN_IF_ERROR(rd.status());
  return r;
}

absl::Status StatusFromRpc(const std::optional<RpcStatus>& status) {
  if (!status.has_value() || status->code == 0) return absl::OkStatus();
  int code = status->code;
  if (code < 0 || code > 16) code = static_cast<int>(absl::StatusCode::kUnknown);
  return absl::Status(static_cast<absl::StatusCode>(code), status->message);
}

std::optional<RpcStatus> RpcFromStatus(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  return RpcStatus{static_cast<int32_t>(status.code()), std::string(status.message())};
}

}  // namespace c8s::ttrpc
