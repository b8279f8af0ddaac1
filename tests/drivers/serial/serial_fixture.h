#pragma once
// The driver fixture for the UART sensors: a simulator on a real pseudo-terminal, and one
// reading taken the way the sampler takes it, with the simulator served after every step
// of the driver (start, each collect), so the test drives both ends in turn: no thread, no
// sleep, the fake clock advanced by exactly the delays the driver asks for.

#include <chrono>
#include <filesystem>
#include <string>

#include "tests/drivers/driver_fixture.h"
#include "tests/fakes/sim_serial.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {

class SerialFixture : public DriverFixture {
 protected:
  // One reading: start(), serve, wait the delay, then collect() and serve for every step.
  // `elapsed` (when given) gets the time the reading took.
  Result<Measurement> reading(Driver& d, SimSerialSensor& sim, Millis* elapsed = nullptr) {
    Millis spent(0);
    Result<Measurement> m = run(d, sim, spent);
    if (elapsed != nullptr) *elapsed = spent;
    return m;
  }

  // The same inside a sampler loop of `interval`: the clock ends one interval after the
  // start, with the simulator served on the way (it sends what it would meanwhile).
  Result<Measurement> readingEvery(Driver& d, SimSerialSensor& sim, Seconds interval) {
    Millis spent(0);
    Result<Measurement> m = run(d, sim, spent);
    clock_.advance(interval - spent);
    sim.serve();
    return m;
  }

  // A symlink in a scratch dir that names the simulator's current pty, as a udev rule's
  // stable name would: the config's `port:` stays the same when the pty is new.
  std::string link(const SimSerialSensor& sim) {
    const std::string path = dir_.file("sensor");
    std::filesystem::remove(path);
    std::filesystem::create_symlink(sim.path(), path);
    return path;
  }

  TempDir dir_{"sckd-serial"};

 private:
  Result<Measurement> run(Driver& d, SimSerialSensor& sim, Millis& spent) {
    Result<Millis> delay = d.start(SampleContext{clock_.wall()});
    sim.serve();
    if (!delay.ok()) return delay.error();
    clock_.advance(*delay);
    spent += *delay;
    sim.serve();
    Measurement whole;
    for (;;) {
      Result<Measurement> step = d.collect();
      sim.serve();
      if (!step.ok()) return step;
      whole.append(*step);
      if (!step->continueAfter) return whole;
      clock_.advance(*step->continueAfter);
      spent += *step->continueAfter;
    }
  }
};

}  // namespace sckd::testing
