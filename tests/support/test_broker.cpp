#include "tests/support/test_broker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "tests/support/loopback.h"

namespace sckd::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool run(const std::string& command) {
  const int rc = std::system(command.c_str());
  if (rc != 0) ADD_FAILURE() << "command failed (" << rc << "): " << command;
  return rc == 0;
}

}  // namespace

int freeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr = loopback(0);
  int port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool waitForPort(int port, int timeoutMs) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  do {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  return false;
}

TlsFiles makeTlsFiles(const std::string& dir) {
  const std::string d = dir + "/tls";
  const std::string q = " >>" + d + "/openssl.log 2>&1";
  const std::string key = " -newkey rsa:2048 -nodes -days 3";
  bool ok = run("mkdir -p " + d) &&
            run("openssl req -x509" + key + " -keyout " + d + "/ca.key -out " + d +
                "/ca.crt -subj '/CN=sckd test CA'" + q) &&
            run("openssl req" + key + " -keyout " + d + "/server.key -out " + d +
                "/server.csr -subj '/CN=localhost'" + q) &&
            run("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > " + d + "/san.ext") &&
            run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.crt -CAkey " + d +
                "/ca.key -CAcreateserial -days 3 -out " + d + "/server.crt -extfile " + d +
                "/san.ext" + q) &&
            run("openssl req -x509" + key + " -keyout " + d + "/other.key -out " + d +
                "/other.crt -subj '/CN=unrelated CA'" + q);
  if (!ok) return {};
  return TlsFiles{d + "/ca.crt", d + "/server.crt", d + "/server.key", d + "/other.crt"};
}

std::unique_ptr<TestBroker> TestBroker::start(const Options& options) {
  std::unique_ptr<TestBroker> b(new TestBroker());
  if (options.dir.empty()) {
    b->ownDir_ = std::make_unique<TempDir>("sckd-broker");
    b->dir_ = b->ownDir_->path();
  } else {
    b->dir_ = options.dir;
  }
  b->tlsEnabled_ = options.tls;
  if (options.tls) {
    b->tls_ = makeTlsFiles(b->dir_);
    if (b->tls_.caCert.empty()) return nullptr;
  }
  // A port picked now may be taken before mosquitto binds it: try a few times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    b->port_ = freeTcpPort();
    b->tlsPort_ = options.tls ? freeTcpPort() : 0;
    std::ostringstream conf;
    conf << "user root\npersistence false\n"
         << "log_dest file " << b->dir_ << "/mosquitto.log\nlog_type all\n"
         << "listener " << b->port_ << " 127.0.0.1\nallow_anonymous true\n";
    if (options.tls) {
      conf << "listener " << b->tlsPort_ << " 127.0.0.1\nallow_anonymous true\n"
           << "cafile " << b->tls_.caCert << "\ncertfile " << b->tls_.serverCert << "\nkeyfile "
           << b->tls_.serverKey << "\n";
    }
    b->confPath_ = b->dir_ + "/mosquitto.conf";
    if (!writeFile(b->confPath_, conf.str())) {
      ADD_FAILURE() << "cannot write " << b->confPath_;
      return nullptr;
    }
    if (b->launch()) return b;
  }
  ADD_FAILURE() << "mosquitto did not start; its log:\n" << b->log();
  return nullptr;
}

bool TestBroker::launch() {
  const std::string out = dir_ + "/mosquitto.out";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execlp("mosquitto", "mosquitto", "-c", confPath_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) return false;
  pid_ = pid;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (waitForPort(port_, 50) && (tlsPort_ == 0 || waitForPort(tlsPort_, 50))) return true;
  }
  stop();
  return false;
}

std::string TestBroker::log() const {
  return readFile(dir_ + "/mosquitto.log") + readFile(dir_ + "/mosquitto.out");
}

void TestBroker::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

bool TestBroker::restart() {
  stop();
  // The old listening sockets may linger for a moment; retry on the same ports.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (launch()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "mosquitto did not restart on port " << port_ << "; its log:\n" << log();
  return false;
}

TestBroker::~TestBroker() {
  stop();
}

}  // namespace sckd::testing
