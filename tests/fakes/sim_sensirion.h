#pragma once
// What every Sensirion chip simulator shares: commands parsed from the wire (16-bit code,
// each argument word followed by its CRC; a bad CRC is NACKed), replies framed as
// [msb, lsb, crc] words, and the "wrong CRC in word N of the next frame" fault.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

struct SensirionCommand {
  std::uint16_t code = 0;
  std::vector<std::uint16_t> args;
};

// The command a write carries; nothing when its length is not 2 + 3n bytes or an argument's
// CRC is wrong (the chip NACKs those).
std::optional<SensirionCommand> parseSensirionCommand(std::span<const std::uint8_t> bytes);

// A physical value already scaled to ticks, rounded and clamped into 0..65535.
std::uint16_t sensirionTicks(double value);

// Base of the Sensirion simulators.
class SensirionSim : public ChipSimulator {
 public:
  explicit SensirionSim(const Clock& clock) : clock_(clock) {}

  // Fault: word `word` of the next result frame carries a wrong CRC.
  void corruptNextCrc(int word = 0) { corruptWord_ = word; }

 protected:
  // Fills `out` with `words` and their CRCs; bytes past the last word read 0xFF, as the idle
  // bus does. A frame that `takesFault` gets (and uses up) the armed CRC fault; status and
  // data-ready words of chips whose fault targets the result frame pass false.
  void reply(std::span<std::uint8_t> out, std::span<const std::uint16_t> words,
             bool takesFault = true);

  const Clock& clock_;

 private:
  int corruptWord_ = -1;
};

// The particulate matter modules (SPS30, SEN5x): idle or measuring (since when), one new
// measurement a second, none during a fan cleaning (10 s), busy after a reset (every transfer
// NACKed meanwhile), the pointer the next read answers, resets counted.
class SensirionModuleSim : public SensirionSim {
 public:
  using SensirionSim::SensirionSim;

  // Power lost and back: idle mode, as after power-up.
  void powerCycle() {
    measuring_ = false;
    pointer_.reset();
    cleaningFrom_.reset();
  }
  bool measuring() const { return measuring_; }
  int resets() const { return resets_; }
  // The fan cleaning begins now (its interval has come round, or 0x5607 was sent): for its
  // 10 s the chip measures nothing, so the data-ready flag stays 0.
  void startFanCleaning();

 protected:
  bool busy() const { return clock_.monotonic() < busyUntil_; }
  void busyFor(std::chrono::milliseconds duration) { busyUntil_ = clock_.monotonic() + duration; }
  void startMeasuring() {
    measuring_ = true;
    measuringSince_ = clock_.monotonic();
  }
  // The commands both modules answer alike: stop measurement 0x0104 (back to idle) and device
  // reset 0xD304 (idle, then busy for `resetTime`). Whether `command` was one of them.
  bool stopOrReset(std::uint16_t command, std::chrono::milliseconds resetTime);

  // When the newest measurement was made: one each whole second after the start, none
  // during a fan cleaning; nothing before the first.
  std::optional<MonoTime> newestMeasurement() const;

  std::optional<std::uint16_t> pointer_;
  bool measuring_ = false;
  MonoTime measuringSince_{};

 private:
  MonoTime busyUntil_{};
  int resets_ = 0;
  std::optional<MonoTime> cleaningFrom_;  // the latest fan cleaning, if any
};

// The single-shot humidity/temperature chips (SHT3x, SHT4x): a conversion the read header is
// NACKed during, a state set physically, overridden raw (any words, with their CRCs) or
// stuck (the bus floating: every byte 0xFF, CRCs included), and soft resets counted.
class SensirionRhtSim : public SensirionSim {
 public:
  using SensirionSim::SensirionSim;

  void setTemperature(double degC) { temperature_ = degC; }
  void setHumidity(double percent) { humidity_ = percent; }
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setRawOverride(std::uint16_t t, std::uint16_t rh) { raw_ = {t, rh}; }
  int softResets() const { return softResets_; }

 protected:
  void startConversion(std::chrono::microseconds duration) {
    converting_ = true;
    readyAt_ = clock_.monotonic() + duration;
  }
  void cancelConversion() { converting_ = false; }
  void countSoftReset() { ++softResets_; }
  // The 6-byte result once the conversion is over (NACK before): T by the family's
  // -45 + 175 * S/65535, RH by rhOffset + rhSpan * S/65535 (both inverted here), then the
  // overrides and faults.
  Status replyResult(std::span<std::uint8_t> out, double rhOffset, double rhSpan);

 private:
  bool converting_ = false;
  MonoTime readyAt_{};
  double temperature_ = 21.5;
  double humidity_ = 45.0;
  bool stuck_ = false;
  std::optional<std::array<std::uint16_t, 2>> raw_;
  int softResets_ = 0;
};

}  // namespace sckd::testing
