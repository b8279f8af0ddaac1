#include "tests/fakes/sim_sht3x.h"

namespace sckd::testing {

Status SimSht3x::onWrite(std::span<const std::uint8_t> bytes) {
  std::optional<SensirionCommand> cmd = parseSensirionCommand(bytes);
  if (!cmd || !cmd->args.empty()) return nack();
  commands_.push_back(cmd->code);
  // SHT3x-DIS datasheet Table 4, maximum conversion times.
  using std::chrono::microseconds;
  switch (cmd->code) {
    case 0x2400:
    case 0x240B:
    case 0x2416:
      statusPending_ = false;
      startConversion(cmd->code == 0x2400   ? microseconds(15500)
                      : cmd->code == 0x240B ? microseconds(6500)
                                            : microseconds(4500));
      return {};
    case 0x30A2:
      countSoftReset();
      statusPending_ = false;
      cancelConversion();
      return {};
    case 0xF32D:
      if (notSht3x_) return nack();
      statusPending_ = true;
      cancelConversion();
      return {};
    default:
      return nack();  // clock-stretching and periodic commands are not simulated
  }
}

Status SimSht3x::onRead(std::span<std::uint8_t> bytes) {
  if (statusPending_) {
    if (bytes.size() != 3) return makeError(ErrorCode::Invalid, "status is one word");
    statusPending_ = false;
    const std::uint16_t status[1] = {0x8010};  // alert pending + reset detected, as after power-up
    reply(bytes, status, false);
    return {};
  }
  return replyResult(bytes, 0.0, 100.0);  // RH = 100 * S/65535
}

}  // namespace sckd::testing
