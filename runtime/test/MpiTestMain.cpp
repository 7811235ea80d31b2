//===- MpiTestMain.cpp - gtest main for tests run under mpirun ------------===//
//
// Initializes MPI itself, so that the tests can initialize and finalize the
// runtime several times (the runtime only finalizes MPI it initialized).
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int result = RUN_ALL_TESTS();
  int worst = 0;
  MPI_Allreduce(&result, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
