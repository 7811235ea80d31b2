//===- ReinitTest.cpp - MPI owned by the runtime --------------------------===//
//
// Run under mpirun without initializing MPI first: seqpar_rt_init must
// initialize MPI, seqpar_rt_finalize must finalize it, and a second init must
// fail with an error (MPI cannot start twice) instead of aborting.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/CApi.h"

#include <mpi.h>

#include <cstdio>
#include <cstring>

static int check(bool ok, const char *what) {
  if (!ok)
    std::fprintf(stderr, "failed: %s (last error: %s)\n", what,
                 seqpar_rt_last_error());
  return ok ? 0 : 1;
}

int main() {
  int failures = 0, flag = 0;
  MPI_Initialized(&flag);
  failures += check(!flag, "MPI starts uninitialized");
  int64_t grid[1] = {1};
  failures += check(seqpar_rt_init(1, grid) == SEQPAR_RT_OK, "first init");
  MPI_Initialized(&flag);
  failures += check(flag, "init initialized MPI");
  failures += check(seqpar_rt_finalize() == SEQPAR_RT_OK, "finalize");
  MPI_Finalized(&flag);
  failures += check(flag, "finalize finalized MPI");
  failures += check(seqpar_rt_init(1, grid) == SEQPAR_RT_BACKEND_ERROR,
                    "second init fails");
  failures += check(std::strcmp(seqpar_rt_last_error(),
                                "init: mpi: MPI is already finalized and "
                                "cannot be initialized again") == 0,
                    "second init's message");
  failures += check(seqpar_rt_finalize() == SEQPAR_RT_OK,
                    "finalize without a runtime is a no-op");
  if (!failures)
    std::puts("ok");
  return failures ? 1 : 0;
}
