#include "tests/support/fake_dns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sckd::testing {
namespace {

constexpr std::size_t kHeaderBytes = 12;

// The end of the question section (name, type, class) of a query, or 0 if malformed.
std::size_t questionEnd(const std::uint8_t* msg, std::size_t len, std::uint16_t* type) {
  std::size_t at = kHeaderBytes;
  while (at < len && msg[at] != 0) {
    if ((msg[at] & 0xC0) != 0) return 0;  // no compression in a query's question
    at += 1 + msg[at];
  }
  if (at + 5 > len) return 0;
  *type = static_cast<std::uint16_t>(msg[at + 1] << 8 | msg[at + 2]);
  return at + 5;
}

}  // namespace

std::unique_ptr<FakeDns> FakeDns::start(Mode mode, std::string* why) {
  std::unique_ptr<FakeDns> dns(new FakeDns());
  dns->mode_ = mode;
  dns->fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(53);
  ::inet_pton(AF_INET, kAddress, &addr.sin_addr);
  if (dns->fd_ < 0 || ::bind(dns->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (why) *why = std::string("cannot bind ") + kAddress + ":53: " + std::strerror(errno);
    return nullptr;
  }
  dns->wakeFd_ = ::eventfd(0, EFD_CLOEXEC);
  dns->thread_ = std::thread([d = dns.get()] { d->run(); });
  return dns;
}

FakeDns::~FakeDns() {
  stopping_ = true;
  if (wakeFd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
  if (wakeFd_ >= 0) ::close(wakeFd_);
}

std::string FakeDns::resolvConf() {
  // One try each, short timeout: the test's daemon still spends seconds per lookup.
  return std::string("nameserver ") + kAddress + "\noptions timeout:2 attempts:2\n";
}

void FakeDns::run() {
  std::vector<std::uint8_t> buf(512);
  while (!stopping_) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    if (::poll(fds, 2, 500) <= 0 || !(fds[0].revents & POLLIN)) continue;
    sockaddr_in from{};
    socklen_t fromLen = sizeof from;
    const ssize_t n =
        ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fromLen);
    if (n < static_cast<ssize_t>(kHeaderBytes)) continue;
    ++queries_;
    const Mode mode = mode_.load();
    if (mode == Mode::Swallow) continue;
    std::uint16_t type = 0;
    const std::size_t end = questionEnd(buf.data(), static_cast<std::size_t>(n), &type);
    if (end == 0) continue;
    std::vector<std::uint8_t> reply(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(end));
    reply[2] = 0x81;                                    // a response, recursion desired (copied)
    reply[3] = mode == Mode::NoSuchName ? 0x83 : 0x80;  // recursion available; NXDOMAIN?
    reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;  // no records yet
    if (mode == Mode::Loopback && type == 1) {
      reply[7] = 1;  // one answer: the question's name, A, IN, 60 s, 127.0.0.1
      const std::uint8_t answer[] = {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1};
      reply.insert(reply.end(), std::begin(answer), std::end(answer));
    }
    (void)::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), fromLen);
  }
}

}  // namespace sckd::testing
