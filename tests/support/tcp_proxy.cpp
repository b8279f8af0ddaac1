#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>

#include "tests/support/loopback.h"

namespace sckd::testing {

struct TcpProxy::Conn {
  int client = -1;
  int broker = -1;
  std::string fromClient;  // bytes not yet forwarded (an incomplete packet)
  std::string fromBroker;
  int protocolLevel = 4;  // from CONNECT; 5 means PUBLISH carries properties
  bool swallow = false;   // drop every client PUBLISH: a broker that never answers them
  bool closed = false;
  ~Conn() {
    if (client >= 0) ::close(client);
    if (broker >= 0) ::close(broker);
  }
};

namespace {

// Length of the whole packet at the front of `buf`, or nullopt while incomplete.
// Also returns where the variable header starts.
std::optional<std::size_t> packetLength(const std::string& buf, std::size_t* headerLen) {
  std::size_t remaining = 0;
  std::size_t multiplier = 1;
  for (std::size_t i = 1; i < 5; ++i) {
    if (i >= buf.size()) return std::nullopt;
    const auto byte = static_cast<unsigned char>(buf[i]);
    remaining += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) == 0) {
      *headerLen = i + 1;
      if (buf.size() < i + 1 + remaining) return std::nullopt;
      return i + 1 + remaining;
    }
  }
  return std::nullopt;  // a malformed length; the broker will drop the client anyway
}

std::size_t readVarint(const std::string& p, std::size_t pos, std::size_t* value) {
  *value = 0;
  std::size_t mult = 1;
  while (pos < p.size()) {
    const auto b = static_cast<unsigned char>(p[pos++]);
    *value += (b & 0x7f) * mult;
    mult *= 128;
    if ((b & 0x80) == 0) break;
  }
  return pos;
}

// The application payload of a PUBLISH packet.
std::string publishPayload(const std::string& pkt, std::size_t headerLen, int level) {
  const int qos = (static_cast<unsigned char>(pkt[0]) >> 1) & 3;
  std::size_t pos = headerLen;
  if (pos + 2 > pkt.size()) return {};
  const std::size_t topicLen =
      (static_cast<unsigned char>(pkt[pos]) << 8) | static_cast<unsigned char>(pkt[pos + 1]);
  pos += 2 + topicLen + (qos > 0 ? 2 : 0);
  if (level == 5) {
    std::size_t propLen = 0;
    pos = readVarint(pkt, pos, &propLen);
    pos += propLen;
  }
  return pos <= pkt.size() ? pkt.substr(pos) : std::string();
}

bool sendAll(int fd, const char* data, std::size_t len) {
  while (len > 0) {
    const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<TcpProxy> TcpProxy::start(int upstreamPort) {
  std::unique_ptr<TcpProxy> p(new TcpProxy());
  p->upstreamPort_ = upstreamPort;
  if (!p->listenOn(0)) {
    ADD_FAILURE() << "proxy: cannot listen on loopback";
    return nullptr;
  }
  p->wakeFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  p->thread_ = std::thread([raw = p.get()] { raw->run(); });
  return p;
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  if (wakeFd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  conns_.clear();
  if (listenFd_ >= 0) ::close(listenFd_);
  if (wakeFd_ >= 0) ::close(wakeFd_);
}

bool TcpProxy::listenOn(int port) {
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(port);
  socklen_t len = sizeof addr;
  if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listenFd_, 16) != 0 ||
      ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listenFd_ >= 0) ::close(listenFd_);
    listenFd_ = -1;
    return false;
  }
  port_ = ntohs(addr.sin_port);
  return true;
}

void TcpProxy::pause() {
  paused_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
  // The proxy thread closes the socket; wait until it has, so the caller can rely on it.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mutex_);
      if (listenFd_ < 0) return;
    }
    ::usleep(5000);
  }
}

bool TcpProxy::resume() {
  std::lock_guard lock(mutex_);
  if (listenFd_ >= 0) return true;
  // Same port again; retry briefly in case the old socket still lingers.
  for (int i = 0; i < 50; ++i) {
    if (listenOn(port_)) {
      paused_ = false;
      const std::uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
      return true;
    }
    ::usleep(20000);
  }
  ADD_FAILURE() << "proxy: cannot listen on port " << port_ << " again";
  return false;
}

void TcpProxy::cutAfterPublish(int n) {
  cutArmed_ = n;
}

std::vector<std::string> TcpProxy::cutPayloads() const {
  std::lock_guard lock(mutex_);
  return cutPayloads_;
}

void TcpProxy::acceptOne() {
  int listenFd;
  {
    std::lock_guard lock(mutex_);
    listenFd = listenFd_;
  }
  if (listenFd < 0) return;
  const int client = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  auto c = std::make_unique<Conn>();
  if (int armed = swallowArmed_.load();
      armed > 0 && swallowArmed_.compare_exchange_strong(armed, armed - 1)) {
    c->swallow = true;
  }
  c->client = client;
  c->broker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(upstreamPort_);
  if (::connect(c->broker, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return;  // broker down: dropping the client is what a real network would do
  }
  ++accepted_;
  conns_.push_back(std::move(c));
}

bool TcpProxy::pump(Conn& c, bool fromClient) {
  std::string& buf = fromClient ? c.fromClient : c.fromBroker;
  const int out = fromClient ? c.broker : c.client;
  for (;;) {
    std::size_t headerLen = 0;
    const auto len = packetLength(buf, &headerLen);
    if (!len) return true;
    const std::string pkt = buf.substr(0, *len);
    buf.erase(0, *len);
    if (silent_.load()) continue;
    const int type = static_cast<unsigned char>(pkt[0]) >> 4;
    if (fromClient && type == 1 && pkt.size() > headerLen + 6) {
      c.protocolLevel = static_cast<unsigned char>(pkt[headerLen + 6]);
    }
    if (fromClient && type == 1 && refuseCode_.load() != 0) {
      const char connack[] = {0x20, 0x02, 0x00, static_cast<char>(refuseCode_.load())};
      (void)sendAll(c.client, connack, sizeof connack);
      return false;  // the broker refused: it closes the connection after its CONNACK
    }
    if (fromClient && type == 3 && c.swallow) {
      ++publishes_;
      continue;  // the broker never sees it, so no PUBACK will ever come
    }
    if (!sendAll(out, pkt.data(), pkt.size())) return false;
    if (!fromClient && type == 4) {
      ++pubacks_;
      if (cutAfterPuback_.load()) return false;  // delivered, acknowledged, then dropped
    }
    if (fromClient && type == 3) {
      ++publishes_;
      int armed = cutArmed_.load();
      if (armed > 0 && cutArmed_.compare_exchange_strong(armed, armed - 1) && armed == 1) {
        {
          std::lock_guard lock(mutex_);
          cutPayloads_.push_back(publishPayload(pkt, headerLen, c.protocolLevel));
        }
        ++cuts_;
        return false;  // close both sides before anything else passes
      }
    }
  }
}

void TcpProxy::run() {
  while (!stop_) {
    int listenFd;
    {
      std::lock_guard lock(mutex_);
      if (paused_ && listenFd_ >= 0) {
        ::close(listenFd_);
        listenFd_ = -1;
        conns_.clear();
      }
      listenFd = listenFd_;
    }
    std::vector<pollfd> fds{{listenFd, POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    for (const auto& c : conns_) {
      fds.push_back({c->client, POLLIN, 0});
      fds.push_back({c->broker, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 500) < 0) continue;
    if (fds[1].revents & POLLIN) {
      std::uint64_t value = 0;
      [[maybe_unused]] ssize_t n = ::read(wakeFd_, &value, sizeof value);
    }
    const std::size_t polled = conns_.size();  // a connection accepted now has no pollfd yet
    if (fds[0].revents & POLLIN) acceptOne();
    for (std::size_t i = 0; i < polled; ++i) {
      Conn& c = *conns_[i];
      for (int side = 0; side < 2 && !c.closed; ++side) {
        const pollfd& pfd = fds[2 + 2 * i + side];
        if (pfd.revents == 0) continue;
        char data[16384];
        const ssize_t n = ::recv(pfd.fd, data, sizeof data, 0);
        if (n <= 0) {
          c.closed = true;
          break;
        }
        (side == 0 ? c.fromClient : c.fromBroker).append(data, static_cast<std::size_t>(n));
        if (!pump(c, side == 0)) c.closed = true;
      }
    }
    std::erase_if(conns_, [](const auto& c) { return c->closed; });
  }
}

}  // namespace sckd::testing
