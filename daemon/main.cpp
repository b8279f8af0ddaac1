// sckd: everything but this line lives in the core library, so tests exercise it all.
#include "daemon/cli/cli.h"

int main(int argc, char** argv) {
  return sckd::runCli(argc, argv);
}
