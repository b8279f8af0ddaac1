// The Linux GPIO backend (libgpiod v1 or v2, whichever this build has) where no GPIO chip
// exists: listing, and the errors of a request, which must name the device and say why.
// Finding a chip by label and a line by name runs on the fake chips. The real kernel paths
// (gpio-sim under qemu) are tests/kernel/.
#include "drivers/bus/linux_gpio.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "drivers/bus/gpio_devices.h"
#include "tests/fakes/fake_gpio.h"

namespace sckd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sckd-gpio-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  void touch(const std::string& name) const { std::ofstream(path_ + "/" + name) << "x"; }

 private:
  std::string path_;
};

TEST(LinuxGpio, ChipsAreFoundInNumberOrder) {
  TempDir dir;
  for (const char* name : {"gpiochip10", "gpiochip2", "gpiochip", "gpiochipX", "i2c-1"}) {
    dir.touch(name);
  }
  EXPECT_THAT(gpio_detail::chipDeviceNames(dir.path()), ElementsAre("gpiochip2", "gpiochip10"));
  EXPECT_TRUE(gpio_detail::chipDeviceNames("/nonexistent").empty());
}

TEST(LinuxGpio, AMachineWithoutGpioListsNoChip) {
  TempDir dir;
  auto chips = makeLinuxGpioChips(dir.path());
  Result<std::vector<GpioChipInfo>> list = chips->list();
  if (!gpioCompiledIn()) {
    ASSERT_FALSE(list.ok());
    EXPECT_THAT(list.error().message, HasSubstr("not compiled in"));
    return;
  }
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_TRUE(list->empty());
}

TEST(LinuxGpio, AFileThatIsNoChipIsAnErrorNamingIt) {
  if (!gpioCompiledIn()) {
    GTEST_SKIP() << "this build has no libgpiod (-Dgpio=disabled, as ./run-tests's ASan build "
                    "is): no chip file is opened at all, and AMachineWithoutGpioListsNoChip "
                    "checks the \"not compiled in\" answer; the main build runs this case";
  }
  TempDir dir;
  dir.touch("gpiochip0");
  auto chips = makeLinuxGpioChips(dir.path());
  Result<std::vector<GpioChipInfo>> list = chips->list();
  ASSERT_FALSE(list.ok());
  EXPECT_THAT(list.error().message, HasSubstr(dir.path() + "/gpiochip0"));
}

TEST(LinuxGpio, RequestingOnAMissingChipSaysWhichDevice) {
  TempDir dir;
  auto chips = makeLinuxGpioChips(dir.path());
  GpioLineRequest request;
  request.chip = "gpiochip0";
  request.offset = 17;
  request.consumer = "sckd";
  request.edges = GpioEdges::Falling;
  Result<std::unique_ptr<GpioLine>> line = chips->request(request);
  ASSERT_FALSE(line.ok());
  if (!gpioCompiledIn()) {
    EXPECT_EQ(line.error().code, ErrorCode::Unsupported);
    EXPECT_THAT(line.error().message, HasSubstr("-Dgpio=enabled"));
    return;
  }
  EXPECT_EQ(line.error().code, ErrorCode::Absent);
  EXPECT_THAT(line.error().message, HasSubstr(dir.path() + "/gpiochip0"));
  EXPECT_THAT(line.error().message, HasSubstr("No such file or directory"));
}

TEST(GpioLookup, FindsAChipByNameOrLabelAndALineByNumberOrName) {
  testing::FakeGpioChips chips;
  chips.addChip("gpiochip0", "pinctrl-bcm2711", 58, {"ID_SDA", "ID_SCL", "GPIO2", "GPIO3"});
  chips.addChip("gpiochip4", "pinctrl-rp1", 54, {"ID_SD", "ID_SC", "GPIO2", "GPIO3"});

  auto byName = findGpioLine(chips, "gpiochip4", "3");
  ASSERT_TRUE(byName.ok()) << byName.error().message;
  EXPECT_EQ(byName->chip, "gpiochip4");
  EXPECT_EQ(byName->offset, 3u);

  auto byLabel = findGpioLine(chips, "pinctrl-rp1", "GPIO2");
  ASSERT_TRUE(byLabel.ok()) << byLabel.error().message;
  EXPECT_EQ(byLabel->chip, "gpiochip4");
  EXPECT_EQ(byLabel->offset, 2u);
}

TEST(GpioLookup, SaysWhatThereIsWhenNothingMatches) {
  testing::FakeGpioChips chips;
  chips.addChip("gpiochip0", "pinctrl-bcm2711", 58, {"ID_SDA", "ID_SCL", "GPIO2"});

  auto noChip = findGpioLine(chips, "pinctrl-rp1", "17");
  ASSERT_FALSE(noChip.ok());
  EXPECT_EQ(noChip.error().code, ErrorCode::Absent);
  EXPECT_THAT(noChip.error().message, HasSubstr("\"pinctrl-rp1\""));
  EXPECT_THAT(noChip.error().message, HasSubstr("gpiochip0 (pinctrl-bcm2711)"));

  auto noNumber = findGpioLine(chips, "gpiochip0", "58");
  ASSERT_FALSE(noNumber.ok());
  EXPECT_THAT(noNumber.error().message, HasSubstr("has no line 58 (it has 58"));

  auto noName = findGpioLine(chips, "gpiochip0", "GPIO99");
  ASSERT_FALSE(noName.ok());
  EXPECT_THAT(noName.error().message, HasSubstr("no line named \"GPIO99\""));

  testing::FakeGpioChips none;
  auto nothing = findGpioLine(none, "gpiochip0", "17");
  ASSERT_FALSE(nothing.ok());
  EXPECT_THAT(nothing.error().message, HasSubstr("there is no GPIO chip"));
}

}  // namespace
}  // namespace sckd
