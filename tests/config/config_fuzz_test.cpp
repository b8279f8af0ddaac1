// Runs the config fuzz target under plain gtest: deterministic mutations of the shipped
// files (seeded PRNG), so the same inputs run on every build and a failure reproduces.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sckd::testing {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Bytes that matter to YAML and to the loader's own checks.
constexpr std::string_view kInteresting = ":-[]{}#&*!|>'\"%@`,? \n\t\\0x/+";
const std::vector<std::string> kTokens{"0x44",
                                       "-1",
                                       "99999999999999999999",
                                       "1.5m",
                                       "5m",
                                       "256MB",
                                       "1TiB",
                                       "raw",
                                       "inventory",
                                       "~",
                                       "null",
                                       "true",
                                       "&a",
                                       "*a",
                                       "!!str",
                                       "!!int",
                                       "<<: *a",
                                       "sim",
                                       "thchip",
                                       "ids: {value: 55}",
                                       "id: 55",
                                       "\n  - driver: sim\n    id: 55\n",
                                       "\t",
                                       "\"\\0\"",
                                       "[[[[",
                                       "}}}}",
                                       "---\n",
                                       "...\n",
                                       "? ",
                                       "\xff\xfe",
                                       "\xc3\xa9"};

void run(const std::string& input) {
  EXPECT_NO_THROW(
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
}

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&rng](std::size_t n) {
    return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    std::size_t at = pick(s.size() + 1);
    switch (pick(7)) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      case 1:  // insert a YAML-significant byte
        s.insert(at, 1, kInteresting[pick(kInteresting.size())]);
        break;
      case 2:  // delete a run
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(16));
        break;
      case 3:  // insert a token
        s.insert(at, kTokens[pick(kTokens.size())]);
        break;
      case 4: {  // duplicate a line elsewhere (duplicate keys, odd nesting)
        std::size_t begin = s.rfind('\n', at == 0 ? 0 : at - 1);
        begin = begin == std::string::npos ? 0 : begin + 1;
        std::size_t end = s.find('\n', begin);
        std::string line = s.substr(begin, end == std::string::npos ? end : end - begin + 1);
        s.insert(pick(s.size() + 1), line);
        break;
      }
      case 5:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      default:  // change indentation
        s.insert(at, std::string(pick(5), ' '));
        break;
    }
  }
  return s;
}

TEST(ConfigFuzz, ShippedFilesAndEdgeCases) {
  const std::string root = SCKD_SOURCE_ROOT;
  std::vector<std::string> seeds{readFile(root + "/config/examples/demo.yaml"),
                                 readFile(root + "/config/sckd.yaml")};
  for (const std::string& s : seeds) ASSERT_FALSE(s.empty());
  for (const std::string& s : seeds) run(s);
  for (const char* s :
       {"", "\n", "---", "~", "[]", "{}", "a: &a [*a]", "\0", "- - - -", "platform: &p {token: *p}",
        "sensors: !!map {}", ", b\n"}) {  // yaml-cpp's LoadAll allocates forever on a stray ','

    run(s);
  }
  run(std::string(100000, '['));  // deep nesting: yaml-cpp must stop, not overflow
  run(std::string(100000, '{'));
}

TEST(ConfigFuzz, DeterministicMutationsOfTheShippedFiles) {
  const std::string root = SCKD_SOURCE_ROOT;
  std::vector<std::string> seeds{readFile(root + "/config/examples/demo.yaml"),
                                 readFile(root + "/config/sckd.yaml")};
  std::mt19937 rng(20261124);  // fixed: the same inputs every run
  constexpr int kIterations = 4000;
  for (int i = 0; i < kIterations; ++i) {
    std::string input = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
    // Feed some mutants back in so mutations compound.
    if (i % 5 == 0) input = mutate(input, rng);
    run(input);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "input #" << i << ":\n" << input;
      break;
    }
  }
}

}  // namespace
}  // namespace sckd::testing
