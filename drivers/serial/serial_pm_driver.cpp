#include "drivers/serial/serial_pm_driver.h"

#include <utility>

#include "daemon/base/log.h"
#include "drivers/bus/serial_port.h"

namespace sckd {
namespace {

constexpr std::string_view kWiring =
    "check the wiring: sensor TX to the Pi's RXD (GPIO15), sensor RX to TXD (GPIO14), and its "
    "5 V supply";

class SerialPmDriver final : public Driver {
 public:
  SerialPmDriver(std::unique_ptr<SerialPmProtocol> protocol, SerialPmSettings settings,
                 const Clock& clock)
      : protocol_(std::move(protocol)),
        settings_(std::move(settings)),
        clock_(clock),
        sleeps_(serialPmSleepsBetween(settings_.interval, settings_.warmup)) {}

  // Puts the sensor to sleep when sckd stops or reloads, or `sckd check` is done: the
  // laser's hours are the sensor's life. Best effort: the port may be gone.
  ~SerialPmDriver() override {
    if (port_ && awake_) (void)port_->write(protocol_->sleep());
  }

  Result<Millis> start(const SampleContext&) override {
    phase_ = Phase::Idle;  // a start without the last collect (never from the sampler)
    if (Status s = ensureOpen(); !s.ok()) return s.error();
    const MonoTime now = clock_.monotonic();
    if (!awake_) {
      if (Status s = send(protocol_->wake(), "wake up"); !s.ok()) return s.error();
      awake_ = true;
      awakeSince_ = now;
    }
    phase_ = Phase::WarmingUp;
    // Stable values only once the fan has run for the warm-up (PMS data manual: 30 s after
    // waking). Awake all along (a short interval), this is long past and the delay is 0.
    const MonoTime ready = awakeSince_ + settings_.warmup;
    return ready > now ? std::chrono::ceil<Millis>(ready - now) : Millis(0);
  }

  Result<Measurement> collect() override {
    switch (phase_) {
      case Phase::Idle:
        return makeError(ErrorCode::Internal, "collect() without start()");
      case Phase::WarmingUp:
        return request();
      case Phase::Waiting:
        return poll();
    }
    return makeError(ErrorCode::Internal, "unknown phase");
  }

 private:
  enum class Phase { Idle, WarmingUp, Waiting };

  Status ensureOpen() {
    if (port_) return {};
    Result<SerialPort> port = SerialPort::open(settings_.port);
    if (!port.ok()) return port.error();
    port_ = std::move(*port);
    awake_ = false;
    // A sensor that was power-cycled is awake in active mode, sending a frame every second
    // or two: ask for passive mode, so it speaks only when asked. Then the wake-up: one
    // that was left asleep (by an earlier sckd) takes no other command.
    if (Status s = send(protocol_->passiveMode(), "set passive mode"); !s.ok()) return s;
    log::info(
        log::Category::Driver,
        std::string(protocol_->model()) + " on " + settings_.port + ": passive mode; " +
            (sleeps_ ? "sleeping between readings"
                     : "staying awake (interval " + std::to_string(settings_.interval.count()) +
                           " s leaves no rest after the " +
                           std::to_string(settings_.warmup.count()) + " s warm-up)"));
    return {};
  }

  // Asks for one reading, after dropping what came before (active-mode frames, answers).
  Result<Measurement> request() {
    if (Status s = port_->flushInput(); !s.ok()) return lose(s.error());
    protocol_->clear();
    received_ = 0;
    if (Status s = send(protocol_->readRequest(), "request a reading"); !s.ok()) return s.error();
    deadline_ = clock_.monotonic() + kSerialPmAnswerTimeout;
    phase_ = Phase::Waiting;
    Measurement m;
    m.continueAfter = kSerialPmPoll;
    return m;
  }

  Result<Measurement> poll() {
    std::vector<std::uint8_t> bytes;
    Result<std::size_t> n = port_->readAvailable(bytes);
    if (!n.ok()) return lose(n.error());
    received_ += *n;
    if (std::optional<Measurement> m = protocol_->feed(bytes)) {
      phase_ = Phase::Idle;
      if (sleeps_) {
        // The reading is good even if the sleep cannot be sent; the port is reopened at
        // the next reading, which then says what is wrong.
        if (Status s = port_->write(protocol_->sleep()); s.ok()) {
          awake_ = false;
        } else {
          drop();
        }
      }
      return std::move(*m);
    }
    if (clock_.monotonic() < deadline_) {
      Measurement m;
      m.continueAfter = kSerialPmPoll;
      return m;
    }
    // Silent or garbled: it may have been power-cycled or swapped, so the next reading
    // starts over with passive mode, a wake-up and the warm-up.
    const std::size_t bad = protocol_->badChecksums();
    drop();
    const std::string model(protocol_->model());
    const std::string within =
        " within " + std::to_string(kSerialPmAnswerTimeout.count() / 1000) + " s";
    if (received_ == 0) {
      return makeError(ErrorCode::Timeout, "no answer from the " + model + " on " + settings_.port +
                                               within + ": " + std::string(kWiring));
    }
    return makeError(bad > 0 ? ErrorCode::Crc : ErrorCode::Invalid,
                     std::to_string(received_) + " bytes from " + settings_.port +
                         " but no valid " + model + " reading" + within + " (" +
                         std::to_string(bad) +
                         " frames with a wrong checksum): a loose wire, or another device on "
                         "that port?");
  }

  Status send(std::span<const std::uint8_t> bytes, std::string_view what) {
    if (Status s = port_->write(bytes); !s.ok()) {
      Error why = withContext(what, s.error());
      drop();
      return why;
    }
    return {};
  }

  // The port failed (unplugged, hung up) or the sensor went silent: closed now, opened
  // again by the next reading, which starts over with passive mode and a wake-up.
  void drop() {
    port_.reset();
    awake_ = false;
    phase_ = Phase::Idle;
  }

  Result<Measurement> lose(Error why) {
    drop();
    return why;
  }

  std::unique_ptr<SerialPmProtocol> protocol_;
  SerialPmSettings settings_;
  const Clock& clock_;
  const bool sleeps_;
  std::optional<SerialPort> port_;
  bool awake_ = false;  // woken by this driver since the port was opened
  MonoTime awakeSince_{};
  Phase phase_ = Phase::Idle;
  MonoTime deadline_{};
  std::size_t received_ = 0;  // bytes since the request
};

}  // namespace

std::vector<OptionSpec> serialPmOptions(std::string_view defaultPort) {
  return {
      OptionSpec{"port",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {},
                 defaultPort,
                 "the serial device: /dev/serial0 (the Pi's UART on GPIO14/15) or a USB "
                 "adapter's /dev/ttyUSB0"},
      OptionSpec{"warmup",
                 OptionType::Duration,
                 false,
                 1,
                 600,
                 {},
                 "30s",
                 "how long the fan runs after waking before a reading counts"},
  };
}

SerialPmSettings serialPmSettings(const SensorConfig& sensor) {
  SerialPmSettings s;
  s.port = optionString(sensor, "port");
  s.warmup = Seconds(optionInt(sensor, "warmup"));
  s.interval = sensor.interval;
  return s;
}

bool serialPmSleepsBetween(Seconds interval, Seconds warmup) {
  return interval >= warmup + std::chrono::ceil<Seconds>(kSerialPmAnswerTimeout) + kSerialPmMinRest;
}

std::unique_ptr<Driver> makeSerialPmDriver(std::unique_ptr<SerialPmProtocol> protocol,
                                           SerialPmSettings settings, const Clock& clock) {
  return std::make_unique<SerialPmDriver>(std::move(protocol), std::move(settings), clock);
}

}  // namespace sckd
