#include "daemon/sampling/sampler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "daemon/outbox/value_text.h"

namespace sckd {
namespace {

// While the disk is full, readings wait in memory; past this many the oldest are dropped
// (about a day of 10 sensors at 1 s), so a long outage cannot exhaust a Pi's RAM.
constexpr std::size_t kMaxUnsaved = 1'000'000;

// A tick's boot time, rounded up to the millisecond: ticks fall just after a whole second,
// and rounding down would stamp a reading taken 0.3 ms into a second into the one before.
// Rounded up, the stamp errs by under a millisecond into the future, which changes the
// second only for a reading taken in a second's last millisecond.
std::int64_t sinceBootMs(const Clock& clock) {
  return std::chrono::ceil<Millis>(clock.sinceBoot()).count();
}

}  // namespace

// The readings of one tick, gathered while its sensors' measurements complete.
struct Sampler::Tick {
  std::int64_t recordedAt = 0;
  WallTime takenAt{};             // the wall clock at the tick, synchronised or not
  std::optional<BootStamp> boot;  // set while the clock is not synchronised
  std::size_t pending = 0;        // started measurements not yet collected
  std::vector<NewReading> readings;
  bool reported = false;  // a sensor's reading (not just a sample) was stored or failed
};

Sampler::Sampler(Timers& timers, const Clock& clock, Outbox& outbox, bool requireSync,
                 std::vector<Sensor> sensors)
    : timers_(timers),
      clock_(clock),
      outbox_(outbox),
      requireSync_(requireSync),
      scheduler_(clock),
      stampPending_(requireSync) {
  sensors_.reserve(sensors.size());
  for (auto& sensor : sensors) {
    SensorState state;
    state.sensor = std::move(sensor);
    // A new sampler (a start, a reload) starts with a fresh window.
    if (state.sensor.config.samples > 1) state.window.emplace(state.sensor.config.reduce);
    sensors_.push_back(std::move(state));
  }
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const SensorConfig& config = sensors_[i].sensor.config;
    scheduler_.add(i, config.interval, config.samples);
  }
}

Sampler::~Sampler() {
  timers_.cancelTimer(tickTimer_);
  for (auto& state : sensors_) {
    timers_.cancelTimer(state.collectTimer);
    timers_.cancelTimer(state.wakeTimer);
  }
  // A tick interrupted by shutdown or reload is not committed: its readings were never
  // stored, so nothing stored is lost. Readings still waiting for disk space are.
  if (!unsaved_.empty()) {
    log::error(log::Category::Outbox, "stopping with " + std::to_string(unsaved_.size()) +
                                          " readings that could not be stored (disk full)");
  }
}

std::string Sampler::describe(const SensorConfig& sensor) {
  std::string text = sensor.name + " (" + sensor.driver;
  if (sensor.bus && sensor.address) {
    char where[32];
    std::snprintf(where, sizeof where, "@i2c-%d:0x%02x", *sensor.bus, *sensor.address);
    text += where;
  }
  return text + ")";
}

void Sampler::start() {
  if (requireSync_) {
    Result<std::uint64_t> dropped = outbox_.dropOtherBoots(clock_.bootId());
    if (!dropped.ok()) {
      log::warning(log::Category::Outbox, dropped.error().message);
    } else if (*dropped > 0) {
      log::warning(log::Category::Clock,
                   "dropped " + std::to_string(*dropped) +
                       " readings taken before an earlier boot's clock was synchronised: that "
                       "boot ended before it synced, so their time can never be known "
                       "(CLOCK_NEVER_SYNCHRONIZED)");
    }
  }
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    sensors_[i].sensor.driver->setWakeUp([this, i] { wakeUp(i); });
  }
  armNextTick();
}

std::vector<Sampler::Sensor> Sampler::takeSensors() {
  std::vector<Sensor> out;
  for (SensorState& state : sensors_) {
    timers_.cancelTimer(std::exchange(state.collectTimer, 0));
    timers_.cancelTimer(std::exchange(state.wakeTimer, 0));
    if (state.sensor.driver) state.sensor.driver->setWakeUp(nullptr);
    out.push_back(std::move(state.sensor));
  }
  sensors_.clear();
  return out;
}

void Sampler::armNextTick() {
  MonoTime deadline = scheduler_.nextDeadline();
  if (deadline == MonoTime::max()) return;
  tickTimer_ = timers_.addTimer(deadline, [this] { onTick(); });
}

bool Sampler::clockSynchronised() {
  // Wall minus boot time, read once per tick: the step check and the stamping share it.
  // Microseconds, not milliseconds: ticks fall just after a whole second, and a rounding
  // error of a millisecond would stamp a reading into the second before (sinceBootMs).
  const std::int64_t offsetUs = std::chrono::floor<std::chrono::microseconds>(
                                    clock_.wall().time_since_epoch() - clock_.sinceBoot())
                                    .count();
  noticeStep(offsetUs);
  if (requireSync_ && !clock_.synchronized()) {
    if (!clockWasUnsynced_) {
      // Said once: a Pi without a real-time clock boots in 1970 until NTP answers, and the
      // platform would store such readings at that date (docs/protocol.md, recorded_at).
      log::warning(log::Category::Clock,
                   "system clock is not synchronised: readings are kept with the time since "
                   "boot and get their date when it is (CLOCK_UNSYNCHRONIZED); check "
                   "systemd-timesyncd or chrony, or set clock.require_sync: false on a "
                   "machine without NTP");
      clockWasUnsynced_ = true;
    }
    stampPending_ = true;
    return false;
  }
  if (stampPending_) {
    Result<std::uint64_t> stamped = outbox_.stampBoot(clock_.bootId(), offsetUs);
    if (!stamped.ok()) {
      // Tried again next tick; this tick's readings are stamped with the clock as usual.
      log::warning(log::Category::Outbox, stamped.error().message);
    } else {
      stampPending_ = false;
      if (clockWasUnsynced_ || *stamped > 0) {
        log::notice(log::Category::Clock,
                    "clock synchronised (CLOCK_SYNCHRONIZED): " + std::to_string(*stamped) +
                        " readings taken before it got their time");
      }
      clockWasUnsynced_ = false;
      if (*stamped > 0 && committed_) committed_();
    }
  }
  return true;
}

void Sampler::noticeStep(std::int64_t offsetUs) {
  const std::optional<std::int64_t> last = std::exchange(lastOffsetUs_, offsetUs);
  // Below a few seconds it is slewing or scheduling noise, not a step.
  if (!last || std::llabs(offsetUs - *last) < 2'000'000) return;
  const std::int64_t step = offsetUs - *last;
  const std::int64_t magnitude = std::llabs(step) / 1'000'000;
  std::string size;
  if (magnitude >= 2 * 86400) {
    size = std::to_string(magnitude / 86400) + " days";
  } else if (magnitude >= 2 * 3600) {
    size =
        std::to_string(magnitude / 3600) + " h " + std::to_string(magnitude % 3600 / 60) + " min";
  } else if (magnitude >= 120) {
    size = std::to_string(magnitude / 60) + " min " + std::to_string(magnitude % 60) + " s";
  } else {
    size = std::to_string(magnitude) + " s";
  }
  log::notice(log::Category::Clock, std::string("system clock stepped ") +
                                        (step > 0 ? "forward" : "back") + " by " + size +
                                        " (CLOCK_STEPPED)");
}

void Sampler::onTick() {
  tickTimer_ = 0;
  std::vector<Job> jobs;
  for (const Scheduler::Due& due : scheduler_.takeDue()) {
    Job job{due.sensor, std::nullopt, due.last};
    if (sensors_[due.sensor].window) job.window = due.windowEnd;
    jobs.push_back(job);
  }
  armNextTick();
  runTick(jobs);
}

void Sampler::wakeUp(std::size_t index) {
  // From the driver's own event handler: the reading runs from the loop a moment later,
  // never inside the handler that asked for it.
  SensorState& state = sensors_[index];
  ++state.wakeUps;
  if (state.wakeTimer == 0) {
    state.wakeTimer = timers_.addTimer(clock_.monotonic(), [this, index] { runWakeUps(index); });
  }
}

void Sampler::runWakeUps(std::size_t index) {
  SensorState& state = sensors_[index];
  state.wakeTimer = 0;
  // One tick, so one commit, per reading asked for: each is its own event, stored alone.
  for (std::size_t n = std::exchange(state.wakeUps, 0); n > 0 && !state.busy; --n) {
    runTick({Job{index, std::nullopt, true}});
  }
}

void Sampler::runTick(const std::vector<Job>& jobs) {
  const bool synchronised = clockSynchronised();

  const WallTime now = clock_.wall();
  auto tick = std::make_shared<Tick>();
  tick->takenAt = now;
  if (synchronised) {
    tick->recordedAt = toUnixSeconds(now);
  } else {
    tick->boot = BootStamp{clock_.bootId(), sinceBootMs(clock_)};
  }
  // Held at one while starting, so a measurement that completes inline cannot finish the
  // tick before every due sensor has been started.
  tick->pending = 1;
  for (const Job& job : jobs) {
    SensorState& state = sensors_[job.index];
    if (state.busy) {
      measured(job, tick,
               makeError(ErrorCode::Timeout,
                         "previous measurement still running; skipped this one "
                         "(interval shorter than the conversion time?)"));
      continue;
    }
    Result<Millis> delay = state.sensor.driver->start(SampleContext{now});
    if (!delay.ok()) {
      measured(job, tick, withContext("start measurement", delay.error()));
      continue;
    }
    state.busy = true;
    ++tick->pending;
    if (delay->count() <= 0) {
      collect(job, tick);
    } else {
      state.collectTimer =
          timers_.addTimer(clock_.monotonic() + *delay, [this, job, tick] { collect(job, tick); });
    }
  }
  if (--tick->pending == 0) finishTick(tick);
}

void Sampler::collect(const Job& job, const std::shared_ptr<Tick>& tick) {
  SensorState& state = sensors_[job.index];
  state.collectTimer = 0;
  Result<Measurement> measurement = state.sensor.driver->collect();
  if (measurement.ok() && measurement->continueAfter) {
    // One more step to go: keep what this step measured and come back for the rest.
    state.partial.append(*measurement);
    state.collectTimer = timers_.addTimer(clock_.monotonic() + *measurement->continueAfter,
                                          [this, job, tick] { collect(job, tick); });
    return;
  }
  if (measurement.ok() && (!state.partial.samples.empty() || !state.partial.failures.empty())) {
    Measurement whole = std::move(state.partial);
    whole.append(*measurement);
    measurement = std::move(whole);
  }
  state.partial = Measurement{};
  state.busy = false;
  if (!measurement.ok()) measurement = withContext("read", measurement.error());
  measured(job, tick, std::move(measurement));
  if (--tick->pending == 0) finishTick(tick);
}

void Sampler::measured(const Job& job, const std::shared_ptr<Tick>& tick,
                       Result<Measurement> result) {
  SensorState& state = sensors_[job.index];
  if (job.window) {
    // A sample: kept in its window until the window's last one, whose tick stores the
    // reduction. Neither logged nor reported before that: the reading is what counts.
    state.window->add(*job.window, result);
    if (!job.last) return;
    result = state.window->take(*job.window);
  }
  store(state, tick, std::move(result));
}

void Sampler::store(SensorState& state, const std::shared_ptr<Tick>& tick,
                    Result<Measurement> measurement) {
  tick->reported = true;
  if (!measurement.ok()) {
    sensorFailed(state, measurement.error(), tick->takenAt);
  } else {
    const auto& quantities = state.sensor.info->quantities;
    SensorReport report{state.sensor.config, *state.sensor.info, tick->takenAt, {}, {}};
    for (const Sample& sample : measurement->samples) {
      const Quantity& quantity = quantities.at(sample.quantity);
      // Calibrated before the rounding, so what is stored is what is sent and reported. A
      // value that is its own recorded_at is rewritten when stamped: never calibrated (the
      // config refuses calibrate for the sim counter).
      const double value = sample.isRecordedAt
                               ? sample.value
                               : calibrated(state.sensor.config, quantity.name, sample.value);
      Result<std::string> text = formatValue(value, quantity.decimals);
      auto id = state.sensor.config.ids.find(quantity.name);
      if (!text.ok()) {
        measurement->failures.push_back(withContext(quantity.name, text.error()));
        continue;
      }
      if (id == state.sensor.config.ids.end()) continue;  // an optional quantity, not asked for
      report.values.push_back(SensorReport::Value{quantity.name, quantity.unit, id->second,
                                                  std::strtod(text->c_str(), nullptr), *text});
      NewReading reading(tick->recordedAt, id->second, std::move(*text));
      reading.boot = tick->boot;
      reading.valueIsRecordedAt = sample.isRecordedAt;
      tick->readings.push_back(std::move(reading));
    }
    if (!measurement->failures.empty()) {
      std::string what;
      for (const Error& e : measurement->failures) what += (what.empty() ? "" : "; ") + e.message;
      report.failure = makeError(measurement->failures.front().code, what);
      logFailure(state, *report.failure);
    } else {
      sensorSucceeded(state);
    }
    if (report_) report_(report);
  }
}

void Sampler::sensorFailed(SensorState& state, const Error& error, WallTime at) {
  logFailure(state, error);
  if (report_) report_(SensorReport{state.sensor.config, *state.sensor.info, at, {}, error});
}

void Sampler::logFailure(SensorState& state, const Error& error) {
  const bool first = !state.failing;
  state.failing = true;
  // The limiter is kept across failure episodes, so a sensor that flips between failing and
  // working on every reading still produces one line per interval, not two per reading.
  std::uint64_t suppressed = 0;
  if (!state.failureLog.allow(clock_.monotonic(), &suppressed)) return;
  state.failureReported = true;
  std::string line = describe(state.sensor.config) + ": " + error.message;
  if (first) line += " (SENSOR_FAILING)";
  if (suppressed > 0)
    line += " [" + std::to_string(suppressed) + " more failures since last report]";
  log::warning(log::Category::Driver, line);
}

void Sampler::sensorSucceeded(SensorState& state) {
  if (!state.failing) return;
  state.failing = false;
  if (!state.failureReported) return;  // the operator never heard of this episode
  state.failureReported = false;
  log::notice(log::Category::Driver,
              describe(state.sensor.config) + ": reading again (SENSOR_RECOVERED)");
}

void Sampler::finishTick(const std::shared_ptr<Tick>& tick) {
  if (!tick->readings.empty()) commit(std::move(tick->readings));
  if (tickDone_ && tick->reported) tickDone_();
}

void Sampler::commit(std::vector<NewReading> readings) {
  if (!unsaved_.empty()) {
    // Older readings first, so row ids keep following time.
    readings.insert(readings.begin(), unsaved_.begin(), unsaved_.end());
    unsaved_.clear();
  }
  const bool anyUnstamped =
      std::any_of(readings.begin(), readings.end(), [](const NewReading& r) { return r.boot; });
  Status stored = outbox_.commit(readings);
  if (!stored.ok()) {
    commitFailing_ = true;
    for (auto& reading : readings) unsaved_.push_back(std::move(reading));
    std::size_t lost = 0;
    while (unsaved_.size() > kMaxUnsaved) {
      unsaved_.pop_front();
      ++lost;
    }
    std::uint64_t suppressed = 0;
    if (commitFailureLog_.allow(clock_.monotonic(), &suppressed)) {
      std::string line = "cannot store readings (OUTBOX_WRITE_FAILED): " + stored.error().message +
                         " (" + std::to_string(unsaved_.size()) +
                         " readings now waiting in memory)";
      if (lost > 0) line += "; " + std::to_string(lost) + " oldest unsaved readings dropped";
      log::error(log::Category::Outbox, line);
    }
    return;
  }
  // Kept aside after the stamping (retried from memory past a full disk): stamped next tick.
  if (anyUnstamped) stampPending_ = true;
  if (commitFailing_) {
    commitFailing_ = false;
    commitFailureLog_.reset();
    log::notice(log::Category::Outbox, "storing readings again (OUTBOX_WRITE_RECOVERED)");
  }
  std::uint64_t dropped = outbox_.takeDroppedCount();
  if (dropped > 0) {
    log::warning(log::Category::Outbox, "outbox reached outbox.max_size: dropped the " +
                                            std::to_string(dropped) +
                                            " oldest queued readings (OUTBOX_FULL)");
  }
  if (committed_) committed_();
}

}  // namespace sckd
