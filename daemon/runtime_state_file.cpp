#include "daemon/runtime_state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "daemon/base/file.h"
#include "daemon/base/unique_fd.h"

namespace sckd {
namespace {

constexpr const char* kSystemRuntimeDir = "/run/sckd";
// A state file is a few kB per sensor; anything far larger is not one.
constexpr std::size_t kMaxStateBytes = 4 * 1024 * 1024;
// Past this a file name would near the 255-byte limit: the tail of the path is kept.
constexpr std::size_t kMaxNameChars = 200;

std::string envDir(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::string();
}

bool writableDir(const std::string& dir) {
  return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

std::string errnoText(int err) {
  return std::strerror(err);
}

}  // namespace

std::string runtimeStateFileName(const std::string& outboxPath) {
  // Like systemd's path escaping: "/" becomes "-", so the name says which outbox it is.
  std::string name;
  for (char c : outboxPath) {
    if (c == '/') {
      if (!name.empty() && name.back() != '-') name += '-';
    } else {
      name += c;
    }
  }
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  if (name.size() > kMaxNameChars) name = name.substr(name.size() - kMaxNameChars);
  return name + ".json";
}

std::vector<std::string> runtimeStateCandidates(const std::string& outboxPath) {
  const std::string name = "/" + runtimeStateFileName(outboxPath);
  if (std::string dir = envDir("SCKD_RUNTIME_DIR"); !dir.empty()) return {dir + name};
  std::vector<std::string> out;
  if (std::string dir = envDir("RUNTIME_DIRECTORY"); !dir.empty()) out.push_back(dir + name);
  out.push_back(kSystemRuntimeDir + name);
  if (std::string dir = envDir("XDG_RUNTIME_DIR"); !dir.empty())
    out.push_back(dir + "/sckd" + name);
  return out;
}

Result<RuntimeStateFile> RuntimeStateFile::create(const std::string& outboxPath) {
  const std::string name = "/" + runtimeStateFileName(outboxPath);
  std::string dir = envDir("SCKD_RUNTIME_DIR");
  if (dir.empty()) dir = envDir("RUNTIME_DIRECTORY");
  if (dir.empty()) {
    // Outside systemd (by hand, in tests): /run/sckd as root, else the user's own
    // runtime directory. Group-readable, like the unit's RuntimeDirectoryMode.
    ::mkdir(kSystemRuntimeDir, 0750);
    dir = kSystemRuntimeDir;
    if (!writableDir(dir)) {
      if (std::string user = envDir("XDG_RUNTIME_DIR"); !user.empty()) {
        dir = user + "/sckd";
        ::mkdir(dir.c_str(), 0750);
      }
    }
  }
  if (!writableDir(dir)) {
    return makeError(ErrorCode::Permission, "cannot write the runtime state to " + dir + ": " +
                                                errnoText(errno) +
                                                "; `sckd status` will show the outbox only");
  }
  return RuntimeStateFile(dir + name);
}

RuntimeStateFile::RuntimeStateFile(RuntimeStateFile&& other) noexcept
    : path_(std::exchange(other.path_, std::string())) {}

RuntimeStateFile::~RuntimeStateFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status RuntimeStateFile::write(const std::string& text) {
  const std::string temporary = path_ + ".new";
  UniqueFd fd(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640));
  if (!fd) {
    const int err = errno;
    return makeError(errorCodeFromErrno(err), "cannot write " + temporary + ": " + errnoText(err));
  }
  // The unit's UMask may be stricter; the group (sckd) reads it for `sckd status`.
  ::fchmod(fd.get(), 0640);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::unlink(temporary.c_str());
      return makeError(errorCodeFromErrno(err),
                       "cannot write " + temporary + ": " + errnoText(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // No fsync: the file lives on tmpfs and means nothing after a reboot.
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    return makeError(errorCodeFromErrno(err), "cannot replace " + path_ + ": " + errnoText(err));
  }
  return {};
}

Result<RuntimeStateText> readRuntimeState(const std::string& outboxPath) {
  std::string firstError;
  for (const std::string& path : runtimeStateCandidates(outboxPath)) {
    Result<std::string> text = readFileBounded(path, kMaxStateBytes);
    if (text.ok()) return RuntimeStateText{path, std::move(*text)};
    if (text.error().code != ErrorCode::Absent && firstError.empty())
      firstError = text.error().message;
  }
  if (!firstError.empty()) return makeError(ErrorCode::Permission, firstError);
  return makeError(ErrorCode::Absent, "no runtime state for " + outboxPath);
}

}  // namespace sckd
