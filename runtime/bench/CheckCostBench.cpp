//===- CheckCostBench.cpp - What the default agreement checks cost --------===//
//
// Run under mpirun (2 or 4 ranks). The Ulysses all-to-all
// [S/P, H, D] -> [S, H/P, D] (bf16, H = 32, D = 128) at about 64 KiB, 1 MiB
// and 64 MiB per rank (or the KiB sizes given as arguments), timed with the
// agreement checks on (the default) and off (setCheckMode(false)), taking
// turns in each round; each timing is the slowest rank's time of one call
// (barrier before), medians over the rounds. Prints one markdown table row
// per size.
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"
#include "seqpar/Runtime/Runtime.h"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace seqpar::rt;
using namespace seqpar::rt::bench;

namespace {

constexpr int64_t kH = 32, kD = 128, kElem = 2;

} // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int P = 0, r = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  std::vector<int64_t> kibs = {64, 1024, 65536};
  if (argc > 1) {
    kibs.clear();
    for (int i = 1; i < argc; ++i)
      kibs.push_back(std::atoll(argv[i]));
  }
  std::unique_ptr<Backend> world;
  if (Status st = createMpiWorldBackend(world); !st)
    fail("init", st.message());
  std::unique_ptr<Runtime> rt;
  if (Status st = Runtime::create(std::move(world), {P}, rt); !st)
    fail("init", st.message());
  if (!rt->checkMode())
    fail("init", "the checks are off by default (SEQPAR_RT_CHECK=0 set?)");

  for (int64_t kib : kibs) {
    const int64_t rows = std::max<int64_t>(1, (kib << 10) / (kH * kD * kElem));
    const int64_t S = P * rows;
    std::vector<char> in(size_t(rows * kH * kD * kElem), char(r)),
        out(size_t(S * (kH / P) * kD * kElem), 0);
    Op op = allToAllOp({0}, /*scatter=*/1, /*gather=*/0);
    TensorRef inT = denseTensor(in.data(), DType::BF16, {rows, kH, kD});
    TensorRef outT = denseTensor(out.data(), DType::BF16, {S, kH / P, kD});
    const int reps = kib <= 1024 ? 401 : 41;
    // The caller's buffers do not take the direct path; with it off, checks
    // off is the path without any record exchange.
    rt->setDirect(false);
    auto run = [&](bool check) {
      return [&rt, &op, &inT, &outT, check] {
        rt->setCheckMode(check);
        if (Status st = rt->run(op, inT, outT); !st)
          fail("run", st.message());
      };
    };
    std::vector<double> t = timeRounds(reps, {run(true), run(false)});
    double tOn = t[0], tOff = t[1];
    if (r == 0)
      std::printf("| %d | %lld KiB | %.4f | %.4f | %+.1f%% |\n", P,
                  static_cast<long long>(in.size() >> 10), tOn * 1e3,
                  tOff * 1e3, (tOn / tOff - 1) * 100);
    std::fflush(stdout);
  }
  rt.reset();
  MPI_Finalize();
  return 0;
}
