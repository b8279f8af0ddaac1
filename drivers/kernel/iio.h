#pragma once
// Sensors the kernel drives through IIO (a DHT22, SHT4x, BME680, TSL2591... after one
// dtoverlay= line), as its sysfs ABI shows them: /sys/bus/iio/devices/iio:deviceN with a
// `name` file and one file per channel value. A channel is read from `<channel>_input`
// (already in the ABI's unit) or from `<channel>_raw` with `_scale` and `_offset`
// ((raw + offset) * scale), each of those either the channel's own or shared by its type.

#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/result.h"
#include "drivers/bus/host_paths.h"

namespace sckd {

// A kind of value sckd reads from IIO devices, keyed as the config's `ids:` names it.
struct IioChannelKind {
  std::string_view key;   // "temperature", "voltage0"
  std::string_view type;  // the channel type's sysfs name, for shared attributes: "in_temp"
  std::vector<std::string_view> channels;  // file prefixes tried in order: "in_temp", "in_temp0"
  std::string_view unit;                   // the platform's unit
  double factor = 1;                       // ABI unit -> platform unit (millidegrees -> degC)
  int decimals = 2;
};

// Every kind, in the order the iio driver's quantities list them.
const std::vector<IioChannelKind>& iioChannelKinds();

struct IioDevice {
  std::string dir;   // its full path
  std::string node;  // "iio:device0"
  std::string name;  // the kernel driver's name for the chip: "dht11", "bmp280"
};

// The IIO devices present now, by number.
std::vector<IioDevice> iioDevices(const HostPaths& host);

// The device a sensor's `device:` option names: "iio:deviceN", or the chip's name when
// exactly one device has it. Absent lists what there is; a name two devices share is a
// Config error that lists their iio:deviceN names.
Result<IioDevice> findIioDevice(const HostPaths& host, std::string_view device);

// The file prefix of `kind` that `deviceDir` offers ("in_temp0"), or empty for none.
std::string iioChannel(const std::string& deviceDir, const IioChannelKind& kind);

// The keys of the kinds the device offers, in table order: "temperature", "humidity".
std::vector<std::string_view> iioChannelKeys(const std::string& deviceDir);

// A channel's value from the texts of its `_raw`, `_scale` and `_offset` files (empty: the
// file is absent: scale 1, offset 0), in the platform's unit; `where` names the device.
Result<double> iioRawValue(std::string_view raw, std::string_view scale, std::string_view offset,
                           const IioChannelKind& kind, std::string_view where);

// One value of `kind` from the device, in the platform's unit. Blocks while the kernel's
// driver talks to the chip (a DHT22: up to a second): call it off the loop.
Result<double> readIioChannel(const IioDevice& device, const IioChannelKind& kind);

}  // namespace sckd
