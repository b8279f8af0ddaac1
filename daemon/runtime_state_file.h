#pragma once
// Where the runtime state (runtime_state.h) lives between the daemon and `sckd status`: a
// file in a tmpfs directory, so writing it every tick costs an SD card nothing. Under
// systemd that is the unit's RuntimeDirectory (/run/sckd, group sckd); the file is named
// after the outbox, so daemons on different outboxes never share one, and it is readable
// by the group, so a user in group sckd can run `sckd status`.
//
// The directory, for the daemon: $SCKD_RUNTIME_DIR if set, else $RUNTIME_DIRECTORY (set by
// systemd), else /run/sckd (made if missing), else $XDG_RUNTIME_DIR/sckd for a daemon run
// by hand by a user who cannot write /run. `sckd status` looks in the same places.

#include <string>
#include <vector>

#include "daemon/base/result.h"

namespace sckd {

// "var-lib-sckd-outbox.db.json" for /var/lib/sckd/outbox.db.
std::string runtimeStateFileName(const std::string& outboxPath);
// Every place the file of `outboxPath` may be, most likely first.
std::vector<std::string> runtimeStateCandidates(const std::string& outboxPath);

class RuntimeStateFile {
 public:
  // Picks the directory (making /run/sckd if it can); an error when no directory is
  // writable, and then the daemon runs without runtime state.
  static Result<RuntimeStateFile> create(const std::string& outboxPath);
  ~RuntimeStateFile();  // removes the file: a daemon that stopped leaves no stale state
  RuntimeStateFile(RuntimeStateFile&& other) noexcept;
  RuntimeStateFile& operator=(RuntimeStateFile&&) = delete;
  RuntimeStateFile(const RuntimeStateFile&) = delete;

  // Replaces the file at once (a reader sees the old or the new, never half), mode 0640.
  Status write(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  explicit RuntimeStateFile(std::string path) : path_(std::move(path)) {}
  std::string path_;  // empty once moved from
};

// The text of the state file of `outboxPath` and where it was found; ErrorCode::Absent
// when there is none (the daemon is not running, or runs without runtime state).
struct RuntimeStateText {
  std::string path;
  std::string text;
};
Result<RuntimeStateText> readRuntimeState(const std::string& outboxPath);

}  // namespace sckd
