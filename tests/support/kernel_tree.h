#pragma once
// A temporary tree shaped like the kernel's sysfs and procfs files that sckd reads: 1-wire
// probes, IIO devices, thermal zones, /proc/net/wireless and friends. Unit tests hand its
// paths to the drivers (HostPaths); the end-to-end tests bind-mount its sys/bus and
// sys/class over the real ones in sckd's own mount namespace. The files hold exactly what a
// real kernel writes into them (trailing newline included).

#include <map>
#include <string>

#include "tests/support/temp_dir.h"

namespace sckd::testing {

class KernelTree {
 public:
  KernelTree();

  std::string sysRoot() const { return dir_.path() + "/sys"; }
  std::string procRoot() const { return dir_.path() + "/proc"; }

  // A DS18B20 (or other 1-wire device) directory with w1_slave showing `milli` millidegrees
  // and a valid CRC; with `temperatureFile`, also the newer kernels' `temperature`.
  void addW1Probe(const std::string& name, int milli, bool temperatureFile = false);
  // The probe's w1_slave, whole (a CRC failure, all zeros, ...).
  void setW1Slave(const std::string& name, const std::string& text);
  void removeW1Probe(const std::string& name);

  // iio:device<n> with its `name` file and the attribute files given (name -> content;
  // a trailing newline is added).
  void addIioDevice(int n, const std::string& name,
                    const std::map<std::string, std::string>& files);
  void setIioFile(int n, const std::string& file, const std::string& content);
  // An attribute whose read fails, as a kernel driver's read that returns EIO does: a
  // directory where a file is expected makes read() fail with EISDIR.
  void breakIioFile(int n, const std::string& file);

  // thermal_zone<n> of `type` ("cpu-thermal" on a Pi) at `milli` millidegrees.
  void addThermalZone(int n, const std::string& type, int milli);
  // A file under proc (e.g. "net/wireless", "loadavg"), whole.
  void setProcFile(const std::string& relative, const std::string& content);

  // Writes `content` at sys/`relative`, making directories on the way.
  void writeSys(const std::string& relative, const std::string& content);

 private:
  TempDir dir_;
};

}  // namespace sckd::testing
