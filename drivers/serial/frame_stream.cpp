#include "drivers/serial/frame_stream.h"

namespace sckd {

void FrameStream::feed(std::span<const std::uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  if (buffer_.size() > maxBuffered_) {
    const std::size_t drop = buffer_.size() - maxBuffered_;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
    skipped_ += drop;
  }
}

std::optional<std::vector<std::uint8_t>> FrameStream::next() {
  std::size_t at = 0;  // where a frame may start; every byte before it is skipped
  std::optional<std::vector<std::uint8_t>> found;
  while (at < buffer_.size() && !found) {
    const FrameCheck c = check_(std::span(buffer_).subspan(at));
    switch (c.kind) {
      case FrameCheck::Kind::Incomplete:
        skipped_ += at;
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at));
        return std::nullopt;
      case FrameCheck::Kind::BadChecksum:
        ++badChecksums_;
        ++at;
        break;
      case FrameCheck::Kind::NotAFrame:
        ++at;
        break;
      case FrameCheck::Kind::Frame:
        found.emplace(buffer_.begin() + static_cast<std::ptrdiff_t>(at),
                      buffer_.begin() + static_cast<std::ptrdiff_t>(at + c.size));
        break;
    }
  }
  skipped_ += at;
  const std::size_t consumed = at + (found ? found->size() : 0);
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed));
  return found;
}

}  // namespace sckd
