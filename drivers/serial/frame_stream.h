#pragma once
// Finding a serial protocol's frames in a byte stream that arrives in pieces, whatever the
// protocol: a frame split across reads is completed by the next feed(), and garbage, a
// frame whose header cannot be right and a frame with a wrong checksum are skipped one
// byte at a time, so a real frame that starts inside them is still found. The protocol
// only says what the bytes at one position are (a FrameCheck).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace sckd {

// What a protocol makes of the bytes from one position on.
struct FrameCheck {
  enum class Kind {
    NotAFrame,    // no frame starts here: skip this byte
    Incomplete,   // may be a frame; its rest is still on its way
    BadChecksum,  // a whole frame, corrupted: skip this byte (and count it)
    Frame,        // a whole good frame of `size` bytes
  };
  Kind kind = Kind::NotAFrame;
  std::size_t size = 0;
};
using FrameChecker = std::function<FrameCheck(std::span<const std::uint8_t> from)>;

class FrameStream {
 public:
  // `maxBuffered`: past it the oldest bytes are dropped, so a sensor that never sends a
  // valid frame cannot grow the buffer.
  FrameStream(FrameChecker check, std::size_t maxBuffered)
      : check_(std::move(check)), maxBuffered_(maxBuffered) {}

  void feed(std::span<const std::uint8_t> bytes);
  // The bytes of the next whole good frame, or nullopt until more bytes arrive.
  std::optional<std::vector<std::uint8_t>> next();
  void clear() { buffer_.clear(); }

  std::size_t skippedBytes() const { return skipped_; }
  std::size_t badChecksums() const { return badChecksums_; }

 private:
  FrameChecker check_;
  std::size_t maxBuffered_;
  std::vector<std::uint8_t> buffer_;
  std::size_t skipped_ = 0;
  std::size_t badChecksums_ = 0;
};

}  // namespace sckd
