// Test-only: OCI specs shaped like the ones containerd's CRI writes for an unprivileged pod
// container (and runc's defaults), to mutate in table-driven tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace c8s::hook::testing {

inline constexpr char kPodUid[] = "5f0c2b9e-8d1a-4f3e-9b7a-2c4d6e8f0a1b";
inline constexpr char kSandboxId[] =
    "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233";

inline nlohmann::json CompliantSpec() {
  std::string caps = R"(["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",
      "CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"])";
  std::string text = R"({
    "ociVersion": "1.1.0",
    "process": {"user": {"uid": 1000, "gid": 1000}, "args": ["/api", "--port=8080"],
                "env": ["PATH=/usr/bin", "MODE=prod"], "cwd": "/",
                "capabilities": {"bounding": )" +
                     caps + R"(, "effective": )" + caps + R"(, "permitted": )" + caps + R"(}},
    "root": {"path": "rootfs", "readonly": false},
    "mounts": [
      {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid","noexec","nodev"]},
      {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","strictatime","mode=755","size=65536k"]},
      {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
      {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid","noexec","nodev"]},
      {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid","noexec","nodev","ro"]},
      {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid","noexec","nodev","relatime","ro"]},
      {"destination": "/etc/hosts", "type": "bind", "source": "/var/lib/kubelet/pods/5f0c2b9e-8d1a-4f3e-9b7a-2c4d6e8f0a1b/etc-hosts", "options": ["rbind","rprivate","rw"]},
      {"destination": "/etc/hostname", "type": "bind", "source": "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233/hostname", "options": ["rbind","rprivate","rw"]}
    ],
    "annotations": {"io.kubernetes.cri.container-type": "container",
                    "io.kubernetes.cri.sandbox-id": "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233"},
    "linux": {
      "resources": {"devices": [{"allow": false, "access": "rwm"}]},
      "namespaces": [{"type": "pid", "path": "/proc/4242/ns/pid"}, {"type": "ipc", "path": "/proc/4242/ns/ipc"},
                     {"type": "uts", "path": "/proc/4242/ns/uts"}, {"type": "mount"},
                     {"type": "network", "path": "/proc/4242/ns/net"}],
      "maskedPaths": ["/proc/acpi","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list",
                      "/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys/firmware"],
      "readonlyPaths": ["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]
    }
  })";
  return nlohmann::json::parse(text);
}

}  // namespace c8s::hook::testing
