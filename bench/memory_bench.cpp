// Steady memory of the daemon: sckd with 10 simulated sensors (1 s interval) publishing over
// TLS to a loopback mosquitto, side by side with a mosquitto_sub holding the same kind of
// TLS connection, which is the floor for any libmosquitto client (OpenSSL's share).
//   memory_bench SCKD_BINARY [SECONDS]   (default 20 s of steady running)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"

namespace {

struct Memory {
  long rssAnonKb = -1, vmRssKb = -1, vmHwmKb = -1;
};

Memory readMemory(pid_t pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  std::string unit;
  while (in >> key) {
    if (key == "RssAnon:" && in >> value >> unit)
      m.rssAnonKb = value;
    else if (key == "VmRSS:" && in >> value >> unit)
      m.vmRssKb = value;
    else if (key == "VmHWM:" && in >> value >> unit)
      m.vmHwmKb = value;
    else
      in.ignore(4096, '\n');
  }
  return m;
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: memory_bench SCKD_BINARY [SECONDS]\n");
    return 2;
  }
  const std::string sckd = argv[1];
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
  bench::Broker broker;
  if (!broker.start(true)) return 1;

  const std::string config = broker.dir() + "/sckd.yaml";
  {
    std::ofstream out(config);
    out << "platform:\n  token: bench01\n  host: localhost\n  port: " << broker.tlsPort()
        << "\n  tls: true\n  ca_file: " << broker.caFile() << "\n"
        << "clock:\n  require_sync: false\n"
        << "outbox:\n  path: " << broker.dir() << "/outbox.db\n"
        << "sensors:\n";
    for (int i = 0; i < 10; ++i) {
      out << "  - driver: sim\n    waveform: sine\n    interval: 1s\n    id: " << 55 + i << "\n";
    }
  }
  pid_t daemon = bench::spawn({sckd, "run", "--config", config});
  pid_t sub =
      bench::spawn({"mosquitto_sub", "-h", "localhost", "-p", std::to_string(broker.tlsPort()),
                    "--cafile", broker.caFile(), "-q", "1", "-t", "device/sck/bench01/readings"});
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  Memory d = readMemory(daemon);
  Memory s = readMemory(sub);
  int alive = waitpid(daemon, nullptr, WNOHANG) == 0;
  stop(daemon);
  stop(sub);
  if (!alive || d.rssAnonKb < 0) {
    std::fprintf(stderr, "memory_bench: sckd did not stay up (try: %s check --config %s)\n",
                 sckd.c_str(), config.c_str());
    return 1;
  }
  std::printf("memory_bench: after %d s, 10 sim sensors at 1 s, MQTT over TLS to loopback\n",
              seconds);
  std::printf("  %-30s %10s %10s %10s\n", "process", "RssAnon", "VmRSS", "VmHWM");
  std::printf("  %-30s %7ld kB %7ld kB %7ld kB\n", "sckd run", d.rssAnonKb, d.vmRssKb, d.vmHwmKb);
  std::printf("  %-30s %7ld kB %7ld kB %7ld kB\n", "mosquitto_sub (TLS floor)", s.rssAnonKb,
              s.vmRssKb, s.vmHwmKb);
  std::printf("  sckd above the floor: %+ld kB anon, %+ld kB total (target: RssAnon <= 2048 kB)\n",
              d.rssAnonKb - s.rssAnonKb, d.vmRssKb - s.vmRssKb);
  return 0;
}
