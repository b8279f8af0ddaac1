#pragma once
// 127.0.0.1:port as a socket address: every test server and client here lives on loopback.

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>

namespace sckd::testing {

inline sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace sckd::testing
