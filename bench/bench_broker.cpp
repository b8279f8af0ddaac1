#include "bench/bench_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace bench {
namespace {

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

bool run(const std::string& command) {
  if (std::system(command.c_str()) == 0) return true;
  std::fprintf(stderr, "bench: failed: %s\n", command.c_str());
  return false;
}

}  // namespace

Broker::~Broker() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

bool Broker::start(bool tls) {
  char tmpl[] = "/tmp/sckd-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return false;
  dir_ = tmpl;
  port_ = freePort();
  std::ofstream conf(dir_ + "/mosquitto.conf");
  conf << "persistence false\nlog_dest file " << dir_ << "/mosquitto.log\n";
  if (geteuid() == 0) conf << "user root\n";
  conf << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\n";
  if (tls) {
    const std::string d = dir_;
    if (!run("cd " + d +
             " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca "
             "-keyout ca.key -out ca.crt >/dev/null 2>&1 && openssl req -newkey rsa:2048 -nodes "
             "-subj /CN=localhost -keyout server.key -out server.csr >/dev/null 2>&1 && "
             "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext && openssl x509 -req "
             "-in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext "
             "-out server.crt >/dev/null 2>&1")) {
      return false;
    }
    tlsPort_ = freePort();
    conf << "listener " << tlsPort_ << " 127.0.0.1\nallow_anonymous true\n"
         << "cafile " << d << "/ca.crt\ncertfile " << d << "/server.crt\nkeyfile " << d
         << "/server.key\n";
  }
  conf.close();
  tls_ = tls;
  return launch();
}

void Broker::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool Broker::restart() {
  stop();
  return launch();
}

bool Broker::launch() {
  const bool tls = tls_;
  pid_ = fork();
  if (pid_ == 0) {
    // mosquitto warns on stderr about running as root before it opens its log file.
    if (std::freopen("/dev/null", "w", stderr) == nullptr) _exit(127);
    execlp("mosquitto", "mosquitto", "-c", (dir_ + "/mosquitto.conf").c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (accepts(port_) && (!tls || accepts(tlsPort_))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr, "bench: mosquitto did not start (see %s/mosquitto.log)\n", dir_.c_str());
  return false;
}

}  // namespace bench
