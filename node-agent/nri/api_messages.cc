// Request and response messages of the Plugin and Runtime services (note §4.2).
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/ttrpc/wire.h"
#include "node-agent/nri/api.h"

namespace c8s::nri {
namespace {

using ttrpc::WireReader;
using ttrpc::WireType;
using ttrpc::WireWriter;

template <typename T>
absl::Status ReadMessage(const WireReader& r, absl::StatusOr<T> (*decode)(std::string_view),
                         T* out) {
  RETURN_IF_ERROR(r.ExpectType(WireType::kLen));
  ASSIGN_OR_RETURN(*out, decode(r.bytes()));
  return absl::OkStatus();
}

}  // namespace

std::string EncodeRegisterPluginRequest(const RegisterPluginRequest& m) {
  WireWriter w;
  w.StringIfSet(1, m.plugin_name);
  w.StringIfSet(2, m.plugin_idx);
  return w.Take();
}

absl::StatusOr<RegisterPluginRequest> DecodeRegisterPluginRequest(std::string_view data) {
  RegisterPluginRequest m;
  WireReader r(data);
  while (r.Next()) {
    if (r.field() == 1) RETURN_IF_ERROR(r.ReadString(&m.plugin_name));
    if (r.field() == 2) RETURN_IF_ERROR(r.ReadString(&m.plugin_idx));
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeConfigureRequest(const ConfigureRequest& m) {
  WireWriter w;
  w.StringIfSet(1, m.config);
  w.StringIfSet(2, m.runtime_name);
  w.StringIfSet(3, m.runtime_version);
  if (m.registration_timeout_ms != 0) w.Int64(4, m.registration_timeout_ms);
  if (m.request_timeout_ms != 0) w.Int64(5, m.request_timeout_ms);
  return w.Take();
}

absl::StatusOr<ConfigureRequest> DecodeConfigureRequest(std::string_view data) {
  ConfigureRequest m;
  WireReader r(data);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        RETURN_IF_ERROR(r.ReadString(&m.config));
        break;
      case 2:
        RETURN_IF_ERROR(r.ReadString(&m.runtime_name));
        break;
      case 3:
        RETURN_IF_ERROR(r.ReadString(&m.runtime_version));
        break;
      case 4:
        RETURN_IF_ERROR(r.ReadInt64(&m.registration_timeout_ms));
        break;
      case 5:
        RETURN_IF_ERROR(r.ReadInt64(&m.request_timeout_ms));
        break;
      default:
        break;  // 6 NRI_version (v0.12+)
    }
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeConfigureResponse(const ConfigureResponse& m) {
  WireWriter w;
  if (m.events != 0) w.Int32(2, m.events);  // field 2: there is no field 1
  return w.Take();
}

absl::StatusOr<ConfigureResponse> DecodeConfigureResponse(std::string_view data) {
  ConfigureResponse m;
  WireReader r(data);
  while (r.Next()) {
    if (r.field() == 2) RETURN_IF_ERROR(r.ReadInt32(&m.events));
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeSynchronizeRequest(const SynchronizeRequest& m) {
  WireWriter w;
  for (const PodSandbox& p : m.pods) w.Bytes(1, EncodePodSandbox(p));
  for (const Container& c : m.containers) w.Bytes(2, EncodeContainer(c));
  if (m.more) w.Bool(3, true);
  return w.Take();
}

absl::StatusOr<SynchronizeRequest> DecodeSynchronizeRequest(std::string_view data) {
  SynchronizeRequest m;
  WireReader r(data);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        RETURN_IF_ERROR(ReadMessage(r, &DecodePodSandbox, &m.pods.emplace_back()));
        break;
      case 2:
        RETURN_IF_ERROR(ReadMessage(r, &DecodeContainer, &m.containers.emplace_back()));
        break;
      case 3:
        RETURN_IF_ERROR(r.ReadBool(&m.more));
        break;
      default:
        break;
    }
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeSynchronizeResponse(const SynchronizeResponse& m) {
  WireWriter w;
  if (m.more) w.Bool(2, true);
  return w.Take();
}

absl::StatusOr<SynchronizeResponse> DecodeSynchronizeResponse(std::string_view data) {
  SynchronizeResponse m;
  WireReader r(data);
  while (r.Next()) {
    if (r.field() == 1) return absl::InvalidArgumentError("SynchronizeResponse carries updates");
    if (r.field() == 2) RETURN_IF_ERROR(r.ReadBool(&m.more));
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodePodContainerRequest(const PodContainerRequest& m) {
  WireWriter w;
  w.Bytes(1, EncodePodSandbox(m.pod));
  w.Bytes(2, EncodeContainer(m.container));
  return w.Take();
}

absl::StatusOr<PodContainerRequest> DecodePodContainerRequest(std::string_view data) {
  // An absent pod or container decodes as an empty one; the decision refuses what it cannot
  // identify, and StopContainer must not fail on it.
  PodContainerRequest m;
  WireReader r(data);
  while (r.Next()) {
    if (r.field() == 1) RETURN_IF_ERROR(ReadMessage(r, &DecodePodSandbox, &m.pod));
    if (r.field() == 2) RETURN_IF_ERROR(ReadMessage(r, &DecodeContainer, &m.container));
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeStateChangeEvent(const StateChangeEvent& m) {
  WireWriter w;
  if (m.event != Event::kUnknown) w.Int32(1, static_cast<int32_t>(m.event));
  w.Bytes(2, EncodePodSandbox(m.pod));
  if (m.container) w.Bytes(3, EncodeContainer(*m.container));
  return w.Take();
}

absl::StatusOr<StateChangeEvent> DecodeStateChangeEvent(std::string_view data) {
  StateChangeEvent m;
  WireReader r(data);
  while (r.Next()) {
    if (r.field() == 1) {
      int32_t event = 0;
      RETURN_IF_ERROR(r.ReadInt32(&event));
      m.event = static_cast<Event>(event);
    } else if (r.field() == 2) {
      RETURN_IF_ERROR(ReadMessage(r, &DecodePodSandbox, &m.pod));
    } else if (r.field() == 3) {
      RETURN_IF_ERROR(ReadMessage(r, &DecodeContainer, &m.container.emplace()));
    }
  }
  RETURN_IF_ERROR(r.status());
  return m;
}

}  // namespace c8s::nri
