#pragma once
// What `sckd status` prints, made from what it found: the outbox's figures, whether a
// daemon holds the outbox, and the daemon's runtime state. Pure functions of those facts,
// so the text is tested without a daemon.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/outbox/outbox.h"
#include "daemon/runtime_state.h"

namespace sckd {

struct StatusFacts {
  std::string outboxPath;
  std::vector<std::string> configuredSensors;  // names, in the config's order
  bool daemonRunning = false;
  std::string daemonPid;                 // empty when unknown
  std::optional<RuntimeSnapshot> state;  // the running daemon's, when readable
  std::string stateProblem;              // why there is none while the daemon runs
  std::optional<OutboxStats> outbox;
  std::string outboxProblem;  // why there are no figures
  std::int64_t now = 0;       // Unix seconds
};

// `ascii`: plain ASCII (units and sparklines); else UTF-8.
std::string statusText(const StatusFacts& facts, bool ascii);
std::string statusJson(const StatusFacts& facts);
// One character per two minutes of the last hour, scaled between the lowest and the
// highest mean shown; a space where there was no value.
std::string sparkline(const std::vector<std::optional<double>>& history, bool ascii);
// The platform's unit spelling, for a person: "degC" -> "°C" (or "degC" in ASCII).
std::string displayUnit(const std::string& unit, bool ascii);

}  // namespace sckd
