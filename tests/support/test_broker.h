#pragma once
// A real mosquitto on loopback for integration tests: free ports picked at run time, an
// optional TLS listener with certificates made by the openssl CLI, stop and restart on the
// same ports (to play "broker down, then back").

#include <sys/types.h>

#include <memory>
#include <string>

#include "tests/support/temp_dir.h"

namespace sckd::testing {

// A loopback TCP port that was free a moment ago (bind to port 0, read it, close).
int freeTcpPort();

// Blocks until 127.0.0.1:port accepts a connection or the timeout passes.
bool waitForPort(int port, int timeoutMs);

struct TlsFiles {
  std::string caCert;
  std::string serverCert;  // signed by caCert, SAN DNS:localhost, IP:127.0.0.1
  std::string serverKey;
  std::string otherCaCert;  // an unrelated CA: a client trusting only this must refuse
};

// Makes the files under `dir`; empty strings (and a gtest failure) when openssl fails.
TlsFiles makeTlsFiles(const std::string& dir);

class TestBroker {
 public:
  struct Options {
    bool tls = false;
    std::string dir;  // empty: a TempDir of the broker's own
  };

  // nullptr (with a gtest failure saying why) when mosquitto does not come up.
  static std::unique_ptr<TestBroker> start(const Options& options);
  ~TestBroker();
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  int port() const { return port_; }
  int tlsPort() const { return tlsPort_; }  // 0 without tls
  const TlsFiles& tls() const { return tls_; }
  const std::string& dir() const { return dir_; }
  std::string log() const;  // mosquitto's own log file
  bool running() const { return pid_ > 0; }

  void stop();     // SIGTERM, waitpid (SIGKILL after 5 s)
  bool restart();  // same ports, same files; false (and a gtest failure) if it fails

 private:
  TestBroker() = default;
  bool launch();

  std::unique_ptr<TempDir> ownDir_;
  std::string dir_;
  std::string confPath_;
  bool tlsEnabled_ = false;
  int port_ = 0;
  int tlsPort_ = 0;
  TlsFiles tls_;
  pid_t pid_ = -1;
};

}  // namespace sckd::testing
