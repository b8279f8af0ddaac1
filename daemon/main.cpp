#include <cstdio>

#include "sckd_version.h"

int main() {
  std::printf("sckd %s\n", SCKD_VERSION);
  return 0;
}
