#pragma once
// Runs the sensors. On each scheduler tick it starts every due sensor, collects each one
// when its conversion is done (two-phase drivers never block the loop), and commits all of
// that tick's readings to the outbox in ONE transaction, stamped with the tick's second.
// While the wall clock is not synchronised (clock.require_sync), readings are stored with
// the boot's own time instead and stamped when it syncs (Outbox::stampBoot).
// A sensor that fails is left out and logged (rate-limited); it never stops the others.
// A sensor with `samples:` N > 1 is also measured at N-1 instants spread over the interval
// before each tick (Scheduler); its samples are reduced to one reading stored with the
// tick's other readings (SampleWindow). Each value is calibrated as it is stored.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/log.h"
#include "daemon/base/timers.h"
#include "daemon/outbox/outbox.h"
#include "daemon/sampling/sample_window.h"
#include "daemon/sampling/scheduler.h"
#include "daemon/sampling/sensor_report.h"
#include "drivers/driver.h"

namespace sckd {

class Sampler {
 public:
  struct Sensor {
    SensorConfig config;
    const DriverInfo* info = nullptr;
    std::unique_ptr<Driver> driver;
  };
  Sampler(Timers& timers, const Clock& clock, Outbox& outbox, bool requireSync,
          std::vector<Sensor> sensors);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Drops readings that earlier boots left unstamped (said in one warning) and arms the
  // first tick.
  void start();
  // Called after every successful commit, so the publisher can send at once.
  void setCommittedCallback(std::function<void()> callback) { committed_ = std::move(callback); }
  // Called when a tick's readings are all done and it stored or reported one, whether or
  // not anything was stored (a tick where every sensor failed commits nothing, yet changed
  // what status shows). A tick that only took samples toward a later reading does not count.
  void setTickDoneCallback(std::function<void()> callback) { tickDone_ = std::move(callback); }
  // Called once per reading of a sensor, kept or failed, before its tick commits: once per
  // interval for a sensor with samples, after the reduction and calibration.
  void setReportCallback(std::function<void(const SensorReport&)> callback) {
    report_ = std::move(callback);
  }

  // Hands the sensors, drivers included, to the sampler that replaces this one (a reload):
  // any measurement in progress is abandoned, and no timer of this sampler is left.
  std::vector<Sensor> takeSensors();
  // "indoor (sht31@i2c-1:0x44)": how every log line names a sensor.
  static std::string describe(const SensorConfig& sensor);

 private:
  struct SensorState {
    Sensor sensor;
    bool busy = false;             // a measurement is started and not yet collected
    bool failing = false;          // the last measurement failed (for STATUS and recovery notice)
    bool failureReported = false;  // this failure episode was logged, so its end is too
    log::RateLimiter failureLog{std::chrono::minutes(10)};
    Timers::Id collectTimer = 0;
    Measurement partial;      // the steps so far of a multi-step measurement
    std::size_t wakeUps = 0;  // extra readings the driver asked for (Driver::setWakeUp)
    Timers::Id wakeTimer = 0;
    std::optional<SampleWindow> window;  // with samples > 1: the samples so far
  };
  struct Tick;
  // One measurement to take in a tick.
  struct Job {
    std::size_t index = 0;
    std::optional<MonoTime> window;  // the window it is a sample of; nullopt: stored alone
    bool last = true;                // a reading is stored when it is done
  };

  void armNextTick();
  void onTick();
  void runTick(const std::vector<Job>& jobs);
  void wakeUp(std::size_t index);
  void runWakeUps(std::size_t index);
  // Whether this tick's readings get a recorded_at now; says when the clock's state
  // changes or it steps, and stamps the readings that waited for it.
  bool clockSynchronised();
  void noticeStep(std::int64_t offsetUs);  // offsetUs: wall - CLOCK_BOOTTIME now, in µs
  void collect(const Job& job, const std::shared_ptr<Tick>& tick);
  // A measurement is done (or failed, or was skipped): into its window, or stored.
  void measured(const Job& job, const std::shared_ptr<Tick>& tick, Result<Measurement> result);
  // A reading's values calibrated, rounded and added to the tick, or its failure; reported.
  void store(SensorState& state, const std::shared_ptr<Tick>& tick,
             Result<Measurement> measurement);
  // Logs (rate-limited) and reports a reading that failed altogether.
  void sensorFailed(SensorState& state, const Error& error, WallTime at);
  void logFailure(SensorState& state, const Error& error);
  void sensorSucceeded(SensorState& state);
  void finishTick(const std::shared_ptr<Tick>& tick);
  void commit(std::vector<NewReading> readings);

  Timers& timers_;
  const Clock& clock_;
  Outbox& outbox_;
  bool requireSync_;
  std::vector<SensorState> sensors_;
  Scheduler scheduler_;
  Timers::Id tickTimer_ = 0;
  std::function<void()> committed_;
  std::function<void(const SensorReport&)> report_;
  std::function<void()> tickDone_;
  bool clockWasUnsynced_ = false;
  // Readings of this boot may wait in the outbox for a stamp (a previous run of this boot
  // may have left some too, so it starts true when sync is required).
  bool stampPending_ = false;
  std::optional<std::int64_t> lastOffsetUs_;  // wall - CLOCK_BOOTTIME at the last tick, µs
  // Readings that could not be committed (disk full): retried with the next commit.
  std::deque<NewReading> unsaved_;
  log::RateLimiter commitFailureLog_{std::chrono::minutes(5)};
  bool commitFailing_ = false;
};

}  // namespace sckd
