// Runs the kernel-files fuzz target under plain gtest: the real files' shapes, their
// mutations, and seeded pseudo-random bytes (the same on every build, so a failure
// reproduces).

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

using namespace std::string_literals;

int run(std::uint8_t selector, const std::string& text) {
  std::vector<std::uint8_t> in{selector};
  in.insert(in.end(), text.begin(), text.end());
  return LLVMFuzzerTestOneInput(in.data(), in.size());
}

const std::vector<std::string> kSeeds = {
    "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n",
    "72 01 4b 46 7f ff 0e 10 57 : crc=57 NO\n72 01 4b 46 7f ff 0e 10 57 t=23125\n",
    "crc= YES\nt=\n",
    "crc=00 YES\nt=1e999\n",
    "23125\n",
    "-0.000061035\n",
    "1e308",
    "nan",
    "1650\0002.000000\000-500"s,  // raw, scale, offset
    "1e308\0001e308\0000"s,
    " wlan0: 0000   54.  -56.  -256        0      0      0      0     36        0\n",
    "h1\nh2\n wl\x01\x1b[31man0: 0000   54.  -56.\n",
    "MemTotal:        3882300 kB\nMemAvailable:    2911725 kB\n",
    "MemTotal: 0 kB\nMemAvailable: 5 kB\n",
    "",
};

TEST(KernelFuzz, RealShapesAndTheirMutations) {
  for (int selector = 0; selector < 256; ++selector) {
    for (const std::string& seed : kSeeds) {
      EXPECT_EQ(run(static_cast<std::uint8_t>(selector), seed), 0);
      for (std::size_t cut = 0; cut < seed.size(); cut += 7) {
        EXPECT_EQ(run(static_cast<std::uint8_t>(selector), seed.substr(0, cut)), 0);
      }
    }
  }
}

TEST(KernelFuzz, SeededRandomBytes) {
  std::mt19937 random(12345);
  for (int i = 0; i < 20000; ++i) {
    std::string text(random() % 200, '\0');
    for (char& c : text) c = static_cast<char>(random() % 256);
    EXPECT_EQ(run(static_cast<std::uint8_t>(random() % 256), text), 0);
  }
}

}  // namespace
}  // namespace sckd::testing
