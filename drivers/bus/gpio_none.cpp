// GpioChips in a build without libgpiod: there is no chip to list or line to request, and
// each attempt says why.

#include "drivers/bus/linux_gpio.h"

namespace sckd {
namespace {

Error notCompiledIn() {
  return makeError(ErrorCode::Unsupported,
                   "GPIO support is not compiled in (rebuild with -Dgpio=enabled and "
                   "libgpiod-dev)");
}

class NoGpioChips final : public GpioChips {
 public:
  Result<std::vector<GpioChipInfo>> list() override { return notCompiledIn(); }
  Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest&) override {
    return notCompiledIn();
  }
};

}  // namespace

std::unique_ptr<GpioChips> makeLinuxGpioChips(std::string) {
  return std::make_unique<NoGpioChips>();
}

}  // namespace sckd
