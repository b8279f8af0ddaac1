// libFuzzer target for the Plantower frame reader: the first byte picks a chunk size, the
// rest is the byte stream, fed whole and in chunks. Aborts unless every frame found
// really is in the input (in order, re-encoded byte for byte), carries a right check code
// (summed here, independently of the decoder), has a possible length, and the same frames
// come out however the stream was cut.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "drivers/serial/pms_frame.h"

namespace {

std::vector<sckd::PmsFrame> readAll(std::span<const std::uint8_t> input, std::size_t chunk) {
  sckd::PmsFrameReader reader;
  std::vector<sckd::PmsFrame> frames;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.feed(input.subspan(at, std::min(chunk, input.size() - at)));
    while (auto f = reader.next()) frames.push_back(std::move(*f));
  }
  return frames;
}

void check(bool property) {
  if (!property) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 40;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  // Fed in pieces below the reader's buffer cap, so no byte is dropped unread.
  const std::vector<sckd::PmsFrame> whole = readAll(input, 512);
  const std::vector<sckd::PmsFrame> pieces = readAll(input, chunk);
  check(whole.size() == pieces.size());
  auto from = input.begin();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    check(whole[i].payload == pieces[i].payload);
    const std::vector<std::uint8_t> bytes = sckd::encodePmsFrame(whole[i]);
    const std::size_t length = bytes.size() - 4;
    check(length >= sckd::kPmsMinLength && length <= sckd::kPmsMaxLength && length % 2 == 0);
    unsigned sum = 0;
    for (std::size_t b = 0; b + 2 < bytes.size(); ++b) sum += bytes[b];
    check((sum & 0xFFFF) == (unsigned(bytes[bytes.size() - 2]) << 8 | bytes.back()));
    // Round trip: the frame's bytes are in the input, after the previous frame's.
    from = std::search(from, input.end(), bytes.begin(), bytes.end());
    check(from != input.end());
    from += static_cast<std::ptrdiff_t>(bytes.size());
    if (auto values = sckd::decodePmsData(whole[i])) {
      check(length == sckd::kPmsDataLength);
      check(sckd::encodePmsFrame(sckd::pmsDataFrame(*values)) == bytes);
    } else {
      check(length != sckd::kPmsDataLength);
    }
  }
  return 0;
}
