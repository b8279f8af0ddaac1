#include "drivers/bus/offload.h"

#include <system_error>
#include <thread>

namespace sckd {
namespace {

class ThreadOffload final : public Offload {
 public:
  std::shared_ptr<const std::atomic<bool>> start(std::function<void()> work) override {
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto run = [done, work = std::move(work)] {
      work();
      done->store(true, std::memory_order_release);
    };
    try {
      // Detached: a read that never returns must not hold up the daemon's exit.
      std::thread(run).detach();
    } catch (const std::system_error&) {
      run();  // no thread to be had (EAGAIN): blocking once beats never reading
    }
    return done;
  }
};

}  // namespace

Offload& threadOffload() {
  static ThreadOffload offload;
  return offload;
}

}  // namespace sckd
