// libFuzzer target for the SDS011 frame reader: the first byte picks a chunk size, the rest
// is the byte stream, fed whole and in chunks. Aborts unless every frame found really is in
// the input (in order, re-encoded byte for byte), has its head, kind and tail, carries a
// right checksum (summed here, independently of the decoder), and the same frames come out
// however the stream was cut; a reading's values are in the frame's 0..6553.5 range.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "drivers/serial/sds_frame.h"

namespace {

std::vector<sckd::SdsFrame> readAll(std::span<const std::uint8_t> input, std::size_t chunk) {
  sckd::SdsFrameReader reader;
  std::vector<sckd::SdsFrame> frames;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.feed(input.subspan(at, std::min(chunk, input.size() - at)));
    while (auto f = reader.next()) frames.push_back(*f);
  }
  return frames;
}

void check(bool property) {
  if (!property) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 16;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  // Fed in pieces below the reader's buffer cap, so no byte is dropped unread.
  const std::vector<sckd::SdsFrame> whole = readAll(input, 512);
  const std::vector<sckd::SdsFrame> pieces = readAll(input, chunk);
  check(whole.size() == pieces.size());
  auto from = input.begin();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    check(whole[i].kind == pieces[i].kind && whole[i].data == pieces[i].data);
    const auto bytes = sckd::encodeSdsFrame(whole[i]);
    check(bytes[0] == 0xAA && bytes[9] == 0xAB && (bytes[1] == 0xC0 || bytes[1] == 0xC5));
    unsigned sum = 0;
    for (std::size_t b = 2; b < 8; ++b) sum += bytes[b];
    check((sum & 0xFF) == bytes[8]);
    from = std::search(from, input.end(), bytes.begin(), bytes.end());
    check(from != input.end());
    from += static_cast<std::ptrdiff_t>(bytes.size());
    if (auto values = sckd::decodeSdsData(whole[i])) {
      check(bytes[1] == 0xC0);
      check(values->pm25 >= 0 && values->pm25 <= 6553.5 && values->pm10 >= 0 &&
            values->pm10 <= 6553.5);
    } else {
      check(bytes[1] == 0xC5);
    }
  }
  return 0;
}
