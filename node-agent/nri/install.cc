#include "node-agent/nri/install.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::nri {
namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '+' || c == '-';
}

std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

}  // namespace

absl::Status CheckPluginFileName(std::string_view n) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        StrCat("NRI plugin file name \"", n, "\" ", why,
               " (containerd needs NN-name: two digits, '-', a name; a bad name makes its NRI and "
               "CRI setup fail)"));
  };
  if (n.size() < 4 || n[0] < '0' || n[0] > '9' || n[1] < '0' || n[1] > '9' || n[2] != '-') {
    return bad("does not start with two digits and '-'");
  }
  std::string_view name = n.substr(3);
  if (name.size() > 63) return bad("has a name longer than 63 characters");
  for (char c : name) {
    if (!NameChar(c)) return bad("has a character outside [A-Za-z0-9._+-]");
  }
  if (name.ends_with(".conf") || name.find(".tmp") != std::string_view::npos) {
    return bad("looks like a configuration or temporary file");
  }
  return absl::OkStatus();
}

absl::Status CheckPluginDir(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
  if (!d) {
    if (errno == ENOENT) return absl::OkStatus();  // InstallPlugin creates it
    return ErrnoStatus(StrCat("opendir ", dir), errno);
  }
  std::string offenders;
  while (dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::lstat(StrCat(dir, "/", name).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) continue;  // containerd skips these
    // containerd only splits on the first '-' and wants two digits; our own stricter alphabet
    // is for what we write, not a reason to refuse someone else's working plugin.
    bool ok = name.size() >= 4 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' &&
              name[1] <= '9' && name[2] == '-';
    if (!ok) offenders += StrCat(offenders.empty() ? "" : ", ", "\"", name, "\"");
  }
  if (!offenders.empty()) {
    return absl::FailedPreconditionError(StrCat("NRI plugin directory ", dir,
                                                " holds executables containerd cannot parse as "
                                                "NN-name, which makes its NRI and CRI setup fail: ",
                                                offenders));
  }
  return absl::OkStatus();
}

std::string WrapperScript(const std::vector<std::string>& command) {
  std::string out =
      "#!/bin/sh\n# Written by c8s-node-agent nri install; containerd runs it as a "
      "pre-launched NRI plugin.\nexec";
  for (const std::string& word : command) out += " " + ShellQuote(word);
  return out + "\n";
}

absl::Status InstallPlugin(const InstallOptions& o) {
  RETURN_IF_ERROR(CheckPluginFileName(o.file_name));
  if (o.command.empty() || o.command[0].empty() || o.command[0][0] != '/') {
    return absl::InvalidArgumentError(
        "the plugin command needs an absolute program path (containerd passes no PATH)");
  }
  RETURN_IF_ERROR(CheckPluginDir(o.plugin_dir));
  if (::mkdir(o.plugin_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("mkdir ", o.plugin_dir), errno);
  }
  std::string path = StrCat(o.plugin_dir, "/", o.file_name);
  RETURN_IF_ERROR(WriteFileAtomic(path, WrapperScript(o.command), 0644));
  if (::chmod(path.c_str(), 0755) != 0) return ErrnoStatus(StrCat("chmod ", path), errno);
  return absl::OkStatus();
}

}  // namespace c8s::nri
