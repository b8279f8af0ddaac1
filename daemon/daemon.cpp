#include "daemon/daemon.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>

#include "daemon/base/log.h"
#include "daemon/base/notify.h"
#include "daemon/sampling/sensor_setup.h"
#include "drivers/driver.h"
#include "sckd_version.h"

namespace sckd {
namespace {

// One journal entry per config problem, each with its own file:line:column.
void logEachLine(std::string_view text) {
  while (!text.empty()) {
    auto end = text.find('\n');
    log::error(log::Category::Config, text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// What the local copy announces to Home Assistant: every quantity the config gives an id,
// which is every quantity the sensor is read for.
LocalCopy::Settings localCopySettings(const Config& config) {
  LocalCopy::Settings settings;
  settings.host = config.local->host;
  settings.port = config.local->port;
  settings.topics.topicPrefix = config.local->topicPrefix;
  settings.topics.discoveryPrefix = config.local->discoveryPrefix;
  settings.device.id = deviceIdentity();
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') {
    std::snprintf(host.data(), host.size(), "%s", "gateway");
  }
  settings.device.name = std::string("sckd ") + host.data();
  settings.device.swVersion = SCKD_VERSION;
  for (const SensorConfig& sensor : config.sensors) {
    const DriverInfo* info = findDriver(sensor.driver);
    if (info == nullptr) continue;
    for (const Quantity& q : info->quantities) {
      if (sensor.ids.count(q.name) == 0) continue;
      settings.entities.push_back(HaEntity{.sensor = sensor.name,
                                           .quantity = std::string(q.name),
                                           .unit = std::string(q.unit),
                                           .decimals = q.decimals,
                                           .interval = sensor.interval});
    }
  }
  return settings;
}

}  // namespace

Daemon::Pipeline::~Pipeline() = default;

int Daemon::run(const std::string& configPath, const Hardware& hardware, const Clock& clock) {
  // Before anything else, so every later thread (libraries may start some) inherits the
  // blocked mask and signals reach only our signalfd.
  std::signal(SIGPIPE, SIG_IGN);
  // One thread does all the work; the only other is a brief host name lookup. One malloc
  // arena keeps that thread from keeping a heap of its own for the daemon's life.
  mallopt(M_ARENA_MAX, 1);
  Result<Config> config = loadConfig(configPath, driverSchemas());
  if (!config.ok()) {
    log::error(log::Category::Config, "invalid configuration, not starting:");
    logEachLine(config.error().message);
    return kExitConfig;
  }
  Daemon daemon(configPath, clock, hardware);
  return daemon.start(std::move(*config));
}

int Daemon::start(Config config) {
  log::setSecret(config.platform.token);
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create({SIGTERM, SIGINT, SIGHUP});
  if (!loop.ok()) {
    log::error(log::Category::Loop, "cannot start the event loop: " + loop.error().message);
    return kExitRuntime;
  }
  loop_ = std::move(*loop);
  timers_ = std::make_unique<LoopTimers>(*loop_);
  fds_ = std::make_unique<LoopFdWatcher>(*loop_);
  buses_ = hardware_.makeI2cBuses();
  gpio_ = hardware_.makeGpioChips();
  if (Status opened = openOutbox(config); !opened.ok()) {
    log::error(log::Category::Outbox, opened.error().message);
    return kExitRuntime;
  }
  config_ = std::move(config);
  log::notice(log::Category::Loop,
              std::string("sckd ") + SCKD_VERSION +
                  " starting: " + std::to_string(config_.sensors.size()) + " sensors, outbox " +
                  outbox_->path() + " (" + std::to_string(outbox_->queuedCount()) +
                  " readings queued), broker " + config_.platform.host + ":" +
                  std::to_string(config_.platform.port) + (config_.platform.tls ? " (TLS)" : "") +
                  ", device token " + log::maskSecret(config_.platform.token));
  runtime_ =
      std::make_unique<RuntimeState>(outbox_->path(), ::getpid(), toUnixSeconds(clock_.wall()));
  openRuntimeFile();
  pipeline_ = startPipeline(config_);

  loop_->onSignal(SIGTERM, [this] { shutdown(); });
  loop_->onSignal(SIGINT, [this] { shutdown(); });
  loop_->onSignal(SIGHUP, [this] { reload(); });
  if (auto interval = notify::watchdogInterval()) armWatchdog(*interval);
  notify::ready();
  updateStatus(/*writeFile=*/true);
  checkOutboxInBackground();

  Status ran = loop_->run();
  outboxCheck_.reset();  // a check still running finishes alone, on its own connection
  pipeline_.reset();     // sampler, delivery (clean DISCONNECT), publisher
  outbox_.reset();
  if (!ran.ok()) {
    log::error(log::Category::Loop, "event loop failed: " + ran.error().message);
    return kExitRuntime;
  }
  log::notice(log::Category::Loop, "stopped");
  return exitCode_;
}

Status Daemon::openOutbox(const Config& config) {
  // One daemon per outbox: refused here, before anything reads or writes the file. A
  // reload that only changes max_size keeps the lock it holds (a second flock from this
  // very process would be refused).
  std::optional<InstanceLock> lock;
  if (!lock_ || lock_->outboxPath() != config.outbox.path) {
    Result<InstanceLock> acquired = InstanceLock::acquire(config.outbox.path);
    if (!acquired.ok()) return acquired.error();
    lock = std::move(*acquired);
  }
  Result<std::unique_ptr<Outbox>> outbox = Outbox::open(config.outbox.path, config.outbox.maxSize);
  if (!outbox.ok())
    return withContext("cannot open the outbox " + config.outbox.path, outbox.error());
  outbox_ = std::move(*outbox);
  if (lock) lock_ = std::move(lock);
  if (Result<OutboxStats> stats = outbox_->stats(); stats.ok()) {
    lastDeliveryAt_ = stats->lastDeliveryAt;
  }
  return {};
}

std::unique_ptr<Daemon::Pipeline> Daemon::startPipeline(const Config& config,
                                                        std::vector<Sampler::Sensor> previous) {
  auto pipeline = std::make_unique<Pipeline>();
  Publisher::Settings publishSettings;
  publishSettings.maxEntriesPerMessage =
      static_cast<std::size_t>(config.publish.maxReadingsPerMessage);
  publishSettings.maxMessagesPerSecond = config.publish.maxMessagesPerSecond;
  pipeline->publisher = std::make_unique<Publisher>(*outbox_, clock_, publishSettings);
  pipeline->delivery = std::make_unique<Delivery>(*loop_, clock_, mqttSettings(config.platform),
                                                  readingsTopic(config.platform.token),
                                                  *pipeline->publisher, [this] { updateStatus(); });

  // A GPIO counter keeps its line and its count over a reload that leaves it as it was:
  // no pulse is lost to a SIGHUP. Other drivers start afresh, as they do at start-up, and
  // the ones not kept are closed first, so a line they held is free for their successor.
  std::vector<std::optional<Sampler::Sensor>> kept(config.sensors.size());
  for (std::size_t i = 0; i < config.sensors.size(); ++i) {
    auto same = std::find_if(previous.begin(), previous.end(), [&](const Sampler::Sensor& s) {
      return s.driver && s.info->onGpioLine && sameSensor(s.config, config.sensors[i]);
    });
    if (same == previous.end()) continue;
    same->config = config.sensors[i];  // its place in the file may have moved
    kept[i] = std::move(*same);
    previous.erase(same);
  }
  previous.clear();
  runtime_->setSensors(config.sensors);
  runtime_->setOutboxPath(outbox_->path());
  std::vector<Sampler::Sensor> sensors;
  for (std::size_t i = 0; i < config.sensors.size(); ++i) {
    if (kept[i]) {
      sensors.push_back(std::move(*kept[i]));
      continue;
    }
    Result<Sampler::Sensor> sensor =
        createSensor(config.sensors[i], clock_, *buses_, *gpio_, *fds_);
    if (!sensor.ok()) {
      // One broken sensor must not silence the others: it is left out and said loudly.
      log::error(log::Category::Driver, sensor.error().message + "; this sensor is not read");
      runtime_->notStarted(config.sensors[i], sensor.error(), toUnixSeconds(clock_.wall()));
      continue;
    }
    sensors.push_back(std::move(*sensor));
  }
  if (config.local) {
    pipeline->localCopy = std::make_unique<LocalCopy>(*loop_, clock_, localCopySettings(config));
    if (Status started = pipeline->localCopy->start(); !started.ok()) {
      // Only a client that cannot be set up at all; the platform's path goes on regardless.
      log::error(log::Category::Mqtt,
                 "no local copy to " + config.local->host + ": " + started.error().message);
      pipeline->localCopy.reset();
    }
  }
  pipeline->sampler = std::make_unique<Sampler>(*timers_, clock_, *outbox_,
                                                config.clock.requireSync, std::move(sensors));
  Delivery* delivery = pipeline->delivery.get();
  pipeline->sampler->setCommittedCallback([delivery] { delivery->kick(); });
  pipeline->sampler->setReportCallback([this](const SensorReport& r) { onSensorReport(r); });
  // Each tick; no timer of its own wakes an idle Pi for the status.
  pipeline->sampler->setTickDoneCallback([this] { updateStatus(/*writeFile=*/true); });
  pipeline->delivery->start();
  pipeline->sampler->start();
  return pipeline;
}

void Daemon::openRuntimeFile() {
  runtimeFile_.reset();  // the file of the previous outbox goes with it
  if (Result<RuntimeStateFile> file = RuntimeStateFile::create(outbox_->path()); file.ok()) {
    runtimeFile_.emplace(std::move(*file));
  } else {
    log::notice(log::Category::Loop, file.error().message);
  }
}

void Daemon::checkOutboxInBackground() {
  outboxCheck_ = std::make_unique<OffLoopCall>(*loop_);
  auto verdict = std::make_shared<Result<std::string>>(std::string());
  const std::string path = outbox_->path();
  const auto started = clock_.monotonic();
  Status running = outboxCheck_->start(
      [verdict, path] { *verdict = Outbox::check(path); },
      [this, verdict, started] {
        const auto took = std::chrono::duration_cast<Millis>(clock_.monotonic() - started);
        log::debug(log::Category::Outbox,
                   "full check of the outbox took " + std::to_string(took.count()) + " ms");
        onOutboxChecked(*verdict);
      });
  if (!running.ok()) {
    log::warning(log::Category::Outbox,
                 "cannot check the outbox in the background: " + running.error().message);
  }
}

void Daemon::onOutboxChecked(const Result<std::string>& verdict) {
  if (!verdict.ok()) {
    log::warning(log::Category::Outbox, "cannot check the outbox: " + verdict.error().message);
    return;
  }
  if (verdict->empty()) return;
  // The same promise as at open: a bad file is moved aside, never deleted, and sckd goes
  // on with a fresh one. Its readings stay in the file moved aside.
  const std::string path = outbox_->path();
  pipeline_.reset();
  outbox_.reset();
  Status moved = Outbox::moveAside(path, *verdict);
  Status opened = moved.ok() ? openOutbox(config_) : moved;
  if (!opened.ok()) {
    log::error(log::Category::Outbox, opened.error().message + "; stopping");
    exitCode_ = kExitRuntime;
    loop_->stop();
    return;
  }
  pipeline_ = startPipeline(config_);
  updateStatus(/*writeFile=*/true);
}

void Daemon::reload() {
  notify::reloading();
  log::notice(log::Category::Config, "SIGHUP: reloading " + configPath_);
  Result<Config> fresh = loadConfig(configPath_, driverSchemas());
  if (!fresh.ok()) {
    log::error(log::Category::Config,
               "new configuration is invalid; keeping the running one (CONFIG_RELOAD_FAILED):");
    logEachLine(fresh.error().message);
    notify::ready();
    updateStatus();
    return;
  }
  std::vector<Sampler::Sensor> running = pipeline_->sampler->takeSensors();
  pipeline_.reset();
  if (fresh->outbox.path != config_.outbox.path ||
      fresh->outbox.maxSize != config_.outbox.maxSize) {
    std::unique_ptr<Outbox> previous = std::move(outbox_);
    if (Status opened = openOutbox(*fresh); !opened.ok()) {
      log::error(log::Category::Outbox,
                 opened.error().message + "; keeping the previous outbox " + previous->path());
      outbox_ = std::move(previous);
      fresh->outbox = config_.outbox;
    } else if (outbox_->path() != previous->path()) {
      openRuntimeFile();
    }
  }
  config_ = std::move(*fresh);
  log::setSecret(config_.platform.token);
  pipeline_ = startPipeline(config_, std::move(running));
  log::notice(log::Category::Config,
              "configuration reloaded: " + std::to_string(config_.sensors.size()) + " sensors");
  notify::ready();
  updateStatus(/*writeFile=*/true);
}

void Daemon::shutdown() {
  log::notice(log::Category::Loop, "stopping");
  notify::stopping();
  loop_->stop();
}

void Daemon::onSensorReport(const SensorReport& report) {
  runtime_->record(report);
  if (!pipeline_) return;
  if (LocalCopy* local = pipeline_->localCopy.get()) {
    for (const SensorReport::Value& value : report.values) {
      local->copy({.sensor = report.sensor.name, .quantity = value.quantity, .text = value.text});
    }
  }
}

void Daemon::updateStatus(bool writeFile) {
  if (!pipeline_ || !outbox_ || !runtime_) return;
  const std::int64_t now = toUnixSeconds(clock_.wall());
  const MonoTime monoNow = clock_.monotonic();
  auto toUnix = [&](MonoTime t) {
    return now - std::chrono::duration_cast<Seconds>(monoNow - t).count();
  };
  if (auto delivered = pipeline_->publisher->lastDelivery()) {
    lastDeliveryAt_ = toUnixSeconds(*delivered);
  }
  runtime_->setQueue(outbox_->queuedCount(), lastDeliveryAt_);
  const Session& session = pipeline_->delivery->session();
  BrokerState broker;
  broker.endpoint = session.endpoint();
  broker.connected = session.state() == Session::State::Connected;
  if (auto since = broker.connected ? session.connectedSince() : session.downSince())
    broker.since = toUnix(*since);
  broker.lastError = session.lastFailure();
  runtime_->setBroker(std::move(broker));
  // The broker came or went: worth a write of its own, so status never shows it a whole
  // interval late. A PUBACK alone is not.
  if (std::exchange(brokerWasConnected_, runtime_->snapshot().broker.connected) !=
      runtime_->snapshot().broker.connected) {
    writeFile = true;
  }

  const std::string text = runtime_->statusLine(now);
  if (text != lastStatus_) {
    notify::status(text);
    lastStatus_ = text;
  }
  if (writeFile && runtimeFile_) {
    if (Status written = runtimeFile_->write(runtime_->toJson(now)); !written.ok()) {
      if (!runtimeWriteFailing_) log::warning(log::Category::Loop, written.error().message);
      runtimeWriteFailing_ = true;
    } else {
      runtimeWriteFailing_ = false;
    }
  }
}

void Daemon::armWatchdog(Millis interval) {
  // Sent from a loop timer, so a wedged loop stops the keep-alives and systemd restarts us.
  loop_->addTimer(clock_.monotonic() + interval, [this, interval] {
    notify::watchdog();
    armWatchdog(interval);
  });
}

}  // namespace sckd
