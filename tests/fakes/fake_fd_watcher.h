#pragma once
// The FdWatcher seam for unit tests: remembers which fds a driver asked to watch and runs
// a handler when the test says its fd is readable, as the event loop would.

#include <functional>
#include <map>

#include "daemon/base/fd_watcher.h"

namespace sckd::testing {

class FakeFdWatcher final : public FdWatcher {
 public:
  Status watchReadable(int fd, std::function<void()> onReadable) override {
    if (handlers_.count(fd) != 0) {
      return makeError(ErrorCode::Internal, "fd " + std::to_string(fd) + " is already watched");
    }
    handlers_[fd] = std::move(onReadable);
    return {};
  }
  void unwatch(int fd) override { handlers_.erase(fd); }

  bool watching(int fd) const { return handlers_.count(fd) != 0; }
  std::size_t watched() const { return handlers_.size(); }
  // Runs fd's handler once, as the loop does when data arrives; false if it is not watched.
  bool makeReadable(int fd) {
    auto it = handlers_.find(fd);
    if (it == handlers_.end()) return false;
    std::function<void()> handler = it->second;  // the handler may unwatch its own fd
    handler();
    return true;
  }

 private:
  std::map<int, std::function<void()>> handlers_;
};

}  // namespace sckd::testing
