#include "tests/support/kernel_tree.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sckd::testing {
namespace {

void writeWhole(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::filesystem::remove_all(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// The nine scratchpad bytes of a DS18B20 holding `milli` millidegrees at 12 bits, and
// their Dallas/Maxim CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected), as w1_slave shows.
std::string scratchpadLine(int milli) {
  const int raw = milli * 16 / 1000;  // 1/16 degC per bit
  unsigned char pad[9] = {static_cast<unsigned char>(raw & 0xFF),
                          static_cast<unsigned char>((raw >> 8) & 0xFF),
                          0x4B,
                          0x46,
                          0x7F,
                          0xFF,
                          0x0C,
                          0x10,
                          0};
  unsigned char crc = 0;
  for (int i = 0; i < 8; ++i) {
    unsigned char byte = pad[i];
    for (int bit = 0; bit < 8; ++bit) {
      const bool mix = ((crc ^ byte) & 1) != 0;
      crc >>= 1;
      if (mix) crc ^= 0x8C;
      byte >>= 1;
    }
  }
  pad[8] = crc;
  std::string line;
  char hex[4];
  for (unsigned char b : pad) {
    std::snprintf(hex, sizeof hex, "%02x ", b);
    line += hex;
  }
  return line;
}

}  // namespace

KernelTree::KernelTree() : dir_("sckd-kernel") {
  std::filesystem::create_directories(sysRoot() + "/bus");
  std::filesystem::create_directories(sysRoot() + "/class");
  std::filesystem::create_directories(procRoot());
}

void KernelTree::writeSys(const std::string& relative, const std::string& content) {
  writeWhole(sysRoot() + "/" + relative, content);
}

void KernelTree::addW1Probe(const std::string& name, int milli, bool temperatureFile) {
  const std::string pad = scratchpadLine(milli);
  const std::string crcText = pad.substr(24, 2);  // the ninth byte
  const std::string dir = "bus/w1/devices/" + name;
  writeSys(dir + "/w1_slave",
           pad + ": crc=" + crcText + " YES\n" + pad + "t=" + std::to_string(milli) + "\n");
  writeSys(dir + "/name", name + "\n");
  if (temperatureFile) writeSys(dir + "/temperature", std::to_string(milli) + "\n");
  // The bus master sits beside its probes, as on a real kernel.
  writeSys("bus/w1/devices/w1_bus_master1/w1_master_slave_count", "1\n");
}

void KernelTree::setW1Slave(const std::string& name, const std::string& text) {
  writeSys("bus/w1/devices/" + name + "/w1_slave", text);
}

void KernelTree::removeW1Probe(const std::string& name) {
  std::filesystem::remove_all(sysRoot() + "/bus/w1/devices/" + name);
}

void KernelTree::addIioDevice(int n, const std::string& name,
                              const std::map<std::string, std::string>& files) {
  const std::string dir = "bus/iio/devices/iio:device" + std::to_string(n);
  writeSys(dir + "/name", name + "\n");
  for (const auto& [file, content] : files) writeSys(dir + "/" + file, content + "\n");
}

void KernelTree::setIioFile(int n, const std::string& file, const std::string& content) {
  writeSys("bus/iio/devices/iio:device" + std::to_string(n) + "/" + file, content + "\n");
}

void KernelTree::breakIioFile(int n, const std::string& file) {
  const std::string path =
      sysRoot() + "/bus/iio/devices/iio:device" + std::to_string(n) + "/" + file;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
}

void KernelTree::addThermalZone(int n, const std::string& type, int milli) {
  const std::string dir = "class/thermal/thermal_zone" + std::to_string(n);
  writeSys(dir + "/type", type + "\n");
  writeSys(dir + "/temp", std::to_string(milli) + "\n");
}

void KernelTree::setProcFile(const std::string& relative, const std::string& content) {
  writeWhole(procRoot() + "/" + relative, content);
}

}  // namespace sckd::testing
