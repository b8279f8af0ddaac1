#pragma once
// The daemon: wires config, outbox, sensors, MQTT and the loop together, in that order, and
// takes them down in reverse. SIGTERM/SIGINT stop it cleanly; SIGHUP re-reads the config and
// swaps it in only if it is entirely valid.

#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/fd_watcher.h"
#include "daemon/base/off_loop_call.h"
#include "daemon/base/timers.h"
#include "daemon/outbox/instance_lock.h"
#include "daemon/outbox/outbox.h"
#include "daemon/runtime_state.h"
#include "daemon/runtime_state_file.h"
#include "daemon/sampling/hardware.h"
#include "daemon/sampling/sampler.h"
#include "daemon/uplink/delivery.h"
#include "daemon/uplink/local_copy.h"
#include "daemon/uplink/publisher.h"
#include "drivers/bus/i2c_bus.h"

namespace sckd {

// Exit codes of `sckd run` (docs/sckd.8, EXIT STATUS).
inline constexpr int kExitOk = 0;
inline constexpr int kExitConfig = 1;
inline constexpr int kExitRuntime = 2;

class Daemon {
 public:
  // Runs until SIGTERM/SIGINT; returns the process exit code. `clock` stamps readings and
  // says whether the wall clock is synchronised; its monotonic time must be the kernel's
  // (the event loop's timerfd runs on it).
  static int run(const std::string& configPath, const Hardware& hardware, const Clock& clock);

 private:
  // What a reload replaces: everything that depends on the config but the outbox file.
  struct Pipeline {
    std::unique_ptr<Publisher> publisher;
    std::unique_ptr<Delivery> delivery;
    std::unique_ptr<LocalCopy> localCopy;  // config `local:`; before the sampler that feeds it
    std::unique_ptr<Sampler> sampler;
    ~Pipeline();
  };

  Daemon(std::string configPath, const Clock& clock, const Hardware& hardware)
      : configPath_(std::move(configPath)), clock_(clock), hardware_(hardware) {}
  int start(Config config);
  Status openOutbox(const Config& config);
  // `previous`: the sensors of the pipeline this one replaces (a reload); a driver that
  // keeps counts between readings carries on if its sensor's config did not change.
  std::unique_ptr<Pipeline> startPipeline(const Config& config,
                                          std::vector<Sampler::Sensor> previous = {});
  // The full check of the outbox file (every page), run after start on a thread so that
  // READY=1 does not wait for it; a file found bad is moved aside and a fresh one used.
  void checkOutboxInBackground();
  // The runtime state file named after the outbox now open (at start, and when a reload
  // moves the outbox).
  void openRuntimeFile();
  void onOutboxChecked(const Result<std::string>& verdict);
  void reload();
  void shutdown();
  // A sensor's reading, as stored or failed (the sampler's report): into the runtime state
  // and, with `local:`, to the local broker.
  void onSensorReport(const SensorReport& report);
  // Refreshes the runtime state's queue and broker, sends STATUS= if it changed and, with
  // `writeFile`, replaces the runtime state file (once per tick, and when the broker
  // connects or goes: never per PUBACK).
  void updateStatus(bool writeFile = false);
  void armWatchdog(Millis interval);

  std::string configPath_;
  const Clock& clock_;
  const Hardware& hardware_;
  Config config_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<LoopTimers> timers_;
  std::unique_ptr<LoopFdWatcher> fds_;  // for drivers driven by a device fd
  std::unique_ptr<I2cBuses> buses_;     // before the pipeline: its drivers hold references
  std::unique_ptr<GpioChips> gpio_;     // likewise
  std::optional<InstanceLock> lock_;    // held before the outbox is touched, released after
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<OffLoopCall> outboxCheck_;
  std::optional<std::int64_t> lastDeliveryAt_;  // Unix seconds, from the outbox at start
  std::unique_ptr<RuntimeState> runtime_;
  std::optional<RuntimeStateFile> runtimeFile_;  // none: status shows the outbox only
  bool brokerWasConnected_ = false;
  bool runtimeWriteFailing_ = false;  // said once, not every tick
  std::string lastStatus_;
  int exitCode_ = kExitOk;
};

}  // namespace sckd
