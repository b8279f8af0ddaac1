// `sckd status`: the outbox, read without touching it, beside the running daemon's
// runtime state (daemon/runtime_state.h), gathered here and printed by status_report.
#include <langinfo.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <string>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_file.h"
#include "daemon/cli/status_report.h"
#include "daemon/outbox/instance_lock.h"
#include "daemon/outbox/outbox.h"
#include "daemon/runtime_state_file.h"

namespace sckd {
namespace {

bool terminalIsUtf8() {
  std::setlocale(LC_CTYPE, "");
  const char* codeset = nl_langinfo(CODESET);
  return codeset && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

bool processAlive(std::int64_t pid) {
  // EPERM: it exists, as another user (the sckd user, seen from a plain user's shell).
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// Whether a daemon holds the outbox and, if so, its runtime state.
void findDaemon(StatusFacts& facts) {
  const InstanceLock::Holder holder = InstanceLock::probe(facts.outboxPath);
  Result<RuntimeStateText> text = readRuntimeState(facts.outboxPath);
  std::optional<RuntimeSnapshot> state;
  if (text.ok()) {
    Result<RuntimeSnapshot> parsed = runtimeSnapshotFromJson(text->text);
    if (!parsed.ok()) {
      facts.stateProblem = text->path + ": " + parsed.error().message;
    } else if (parsed->outboxPath != facts.outboxPath) {
      facts.stateProblem = text->path + " is about another outbox (" + parsed->outboxPath + ")";
    } else {
      state = std::move(*parsed);
    }
  } else {
    facts.stateProblem = text.error().code == ErrorCode::Absent
                             ? "the daemon writes none (see its log)"
                             : text.error().message;
  }
  switch (holder.state) {
    case InstanceLock::Holder::State::Running:
      facts.daemonRunning = true;
      facts.daemonPid = holder.pid;
      break;
    case InstanceLock::Holder::State::NotRunning:
      // A state file left by a daemon killed with -9 describes a daemon that is gone.
      facts.daemonRunning = false;
      state.reset();
      break;
    case InstanceLock::Holder::State::Unknown:
      // The lock file is not ours to open: judge by the state file's process.
      facts.daemonRunning = state && processAlive(state->pid);
      if (!facts.daemonRunning) state.reset();
      break;
  }
  facts.state = std::move(state);
}

}  // namespace

int statusCommand(const StatusOptions& options) {
  Result<Config> config = loadCommandConfig(options.configPath);
  if (!config.ok()) {
    std::fprintf(stderr, "sckd status: the config is invalid, so the outbox path is unknown:\n%s\n",
                 config.error().message.c_str());
    return 1;
  }
  StatusFacts facts;
  facts.outboxPath = config->outbox.path;
  for (const SensorConfig& sensor : config->sensors) facts.configuredSensors.push_back(sensor.name);
  facts.now = toUnixSeconds(SystemClock().wall());
  findDaemon(facts);
  Result<OutboxStats> stats = Outbox::readStats(facts.outboxPath);
  if (stats.ok()) {
    facts.outbox = *stats;
  } else {
    facts.outboxProblem = stats.error().message;
  }
  if (options.json) {
    std::printf("%s\n", statusJson(facts).c_str());
  } else {
    const bool ascii = options.ascii || !terminalIsUtf8();
    std::fputs(statusText(facts, ascii).c_str(), stdout);
  }
  if (!stats.ok()) {
    std::fprintf(stderr, "sckd status: %s\n", stats.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace sckd
