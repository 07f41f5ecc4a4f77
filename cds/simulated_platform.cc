#include "cds/simulated_platform.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

absl::StatusOr<std::unique_ptr<attest::SimulatedSnp>> LoadSimulatedSnp(
    const std::string& dir, const attest::SimulatedSnpConfig& config) {
  attest::SimulatedSnpParts parts;
  ASSIGN_OR_RETURN(parts.ark_pem, ReadFile(dir + "/ark.pem"));
  ASSIGN_OR_RETURN(parts.ask_pem, ReadFile(dir + "/ask.pem"));
  ASSIGN_OR_RETURN(std::string vek, ReadFile(dir + "/vek.der"));
  parts.vek_der = ToBytes(vek);
  ASSIGN_OR_RETURN(parts.vek_key_pem, ReadFile(dir + "/vek.key.pem"));
  return attest::SimulatedSnp::FromParts(config, parts);
}

absl::StatusOr<std::unique_ptr<attest::SimulatedSnp>> LoadOrCreateSimulatedSnp(
    const std::string& dir, const attest::SimulatedSnpConfig& config) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus("mkdir " + dir, errno);
  // Two processes starting together: one creates, the other waits for it and loads.
  ASSIGN_OR_RETURN(UniqueFd lock, OpenFile(dir + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (::flock(lock.get(), LOCK_EX) != 0) return ErrnoStatus("flock " + dir, errno);
  if (::access((dir + "/vek.key.pem").c_str(), F_OK) == 0) return LoadSimulatedSnp(dir, config);
  ASSIGN_OR_RETURN(std::unique_ptr<attest::SimulatedSnp> sim, attest::SimulatedSnp::Create(config));
  attest::SimulatedSnpParts parts = sim->Parts();
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ark.pem", parts.ark_pem, 0644));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ask.pem", parts.ask_pem, 0644));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/vek.der", AsChars(parts.vek_der), 0644));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/vek.key.pem", parts.vek_key_pem, 0600));
  return sim;
}

}  // namespace c8s::cds
