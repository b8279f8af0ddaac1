#pragma once
// A throwaway mosquitto on a free loopback port for benchmarks (tests use tests/support,
// which reports through gtest; a benchmark just prints and exits).

#include <sys/types.h>

#include <string>

namespace bench {

class Broker {
 public:
  ~Broker();
  // Starts mosquitto in a fresh temp dir; with tls, also a CA and server certificate made
  // by openssl and a TLS listener. Prints why and returns false on failure.
  bool start(bool tls);
  // A broker that goes away (SIGTERM, connections dropped, port refused) and comes back on
  // the same port with the same config, for benchmarks of a flapping broker.
  void stop();
  bool restart();
  int port() const { return port_; }
  int tlsPort() const { return tlsPort_; }
  const std::string& dir() const { return dir_; }
  std::string caFile() const { return dir_ + "/ca.crt"; }

 private:
  std::string dir_;
  int port_ = 0;
  int tlsPort_ = 0;
  pid_t pid_ = -1;
  bool tls_ = false;
  bool launch();
};

}  // namespace bench
