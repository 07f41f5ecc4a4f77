#include "lib/attest/configfs_tsm.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "lib/attest/verify_error.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

std::atomic<uint64_t> g_entry_counter{0};

// Removes the report entry on every path out of an attempt (configfs rmdir).
class EntryDir {
 public:
  EntryDir(std::string path, const ConfigfsTsmOptions& opt) : path_(std::move(path)), opt_(opt) {}
  ~EntryDir() {
    if (!created_) return;
    if (opt_.fake_kernel) opt_.fake_kernel("rmdir", path_);
    rmdir(path_.c_str());
  }
  absl::Status Create() {
    if (mkdir(path_.c_str(), 0700) != 0) return ErrnoStatus("mkdir " + path_, errno);
    created_ = true;
    return absl::OkStatus();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const ConfigfsTsmOptions& opt_;
  bool created_ = false;
};

absl::StatusOr<uint64_t> ReadGeneration(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(dir + "/generation", 64));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError(StrCat(dir, "/generation: '", text, "' is not a number"));
  }
  return std::stoull(text);
}

// configfs attributes are written with a single write(2).
absl::Status WriteAttr(const std::string& path, std::string_view data) {
  ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_WRONLY));
  return WriteAll(fd.get(), data);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConfigfsTsmProvider>> ConfigfsTsmProvider::Open(
    ConfigfsTsmOptions options) {
  struct stat st {};
  if (stat(options.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return VerifyError(VerifyErrorKind::kUnavailable,
                       StrCat("configfs-tsm is not available: ", options.root,
                              " does not exist (needs Linux >= 6.7 with TSM reports, configfs "
                              "mounted, and a SEV-SNP or TDX guest)"));
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  return std::unique_ptr<ConfigfsTsmProvider>(new ConfigfsTsmProvider(std::move(options)));
}

absl::StatusOr<std::optional<Evidence>> ConfigfsTsmProvider::Attempt(const ReportData& rd) {
  EntryDir entry(StrCat(opt_.root, "/c8s-", getpid(), "-", g_entry_counter.fetch_add(1)), opt_);
  RETURN_IF_ERROR(entry.Create());
  const std::string& dir = entry.path();
  auto step = [this, &dir](const char* name) {
    if (opt_.fake_kernel) opt_.fake_kernel(name, dir);
  };
  step("mkdir");
  ASSIGN_OR_RETURN(uint64_t before, ReadGeneration(dir));
  uint64_t writes = 0;
  if (opt_.privlevel) {
    RETURN_IF_ERROR(WriteAttr(dir + "/privlevel", std::to_string(*opt_.privlevel)));
    ++writes;
    step("write:privlevel");
  }
  RETURN_IF_ERROR(WriteAttr(dir + "/inblob", AsChars(rd)));
  ++writes;
  step("write:inblob");
  ASSIGN_OR_RETURN(std::string outblob, ReadFile(dir + "/outblob", 1 << 20));
  step("read:outblob");
  ASSIGN_OR_RETURN(std::string provider, ReadFile(dir + "/provider", 256));
  while (!provider.empty() && provider.back() == '\n') provider.pop_back();
  std::string auxblob;
  if (access((dir + "/auxblob").c_str(), F_OK) == 0) {
    ASSIGN_OR_RETURN(auxblob, ReadFile(dir + "/auxblob", 1 << 20));
  }
  ASSIGN_OR_RETURN(uint64_t after, ReadGeneration(dir));
  if (after != before + writes) return std::optional<Evidence>();  // someone else wrote

  Evidence ev;
  if (provider == "sev_guest") {
    ev.platform = Platform::kSevSnp;
  } else if (provider == "tdx_guest") {
    ev.platform = Platform::kTdx;
  } else {
    return VerifyError(VerifyErrorKind::kUnavailable,
                       StrCat("configfs-tsm provider '", provider,
                              "' is not supported (sev_guest or tdx_guest)"));
  }
  if (outblob.empty()) return VerifyError(VerifyErrorKind::kParse, "configfs-tsm outblob is empty");
  ev.report = ToBytes(outblob);
  ev.auxblob = ToBytes(auxblob);
  return std::optional<Evidence>(std::move(ev));
}

absl::StatusOr<Evidence> ConfigfsTsmProvider::GetEvidence(const ReportData& report_data) {
  for (int i = 0; i < opt_.max_attempts; ++i) {
    ASSIGN_OR_RETURN(std::optional<Evidence> ev, Attempt(report_data));
    if (ev) return *std::move(ev);
  }
  return absl::AbortedError(StrCat("configfs-tsm: generation changed during each of ",
                                   opt_.max_attempts,
                                   " attempts (a concurrent writer on the report entry)"));
}

}  // namespace c8s::attest
