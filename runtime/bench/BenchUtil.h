//===- BenchUtil.h - Timing helpers of the runtime benchmarks ---*- C++ -*-===//
//
// Shared by the MPI benchmarks: each timing is the slowest rank's wall time
// of one call (barrier before), methods take turns in each round, and the
// result is the median over the rounds.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_BENCH_BENCHUTIL_H
#define SEQPAR_RUNTIME_BENCH_BENCHUTIL_H

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace seqpar::rt::bench {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2]
                      : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// Times one call of `fn` across ranks: the slowest rank's wall time.
inline double timeOnce(const std::function<void()> &fn) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  fn();
  double t = MPI_Wtime() - t0, worst = 0;
  MPI_Allreduce(&t, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return worst;
}

/// Medians of `reps` rounds that each call every method once, after one
/// warm-up round: interleaving spreads any load on the machine evenly over
/// the methods.
inline std::vector<double>
timeRounds(int reps, const std::vector<std::function<void()>> &fns) {
  std::vector<std::vector<double>> times(fns.size());
  for (int i = 0; i <= reps; ++i)
    for (size_t m = 0; m < fns.size(); ++m) {
      double t = timeOnce(fns[m]);
      if (i > 0)
        times[m].push_back(t);
    }
  std::vector<double> medians;
  for (auto &t : times)
    medians.push_back(median(t));
  return medians;
}

[[noreturn]] inline void fail(const char *what, const std::string &msg) {
  std::fprintf(stderr, "%s: %s\n", what, msg.c_str());
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

} // namespace seqpar::rt::bench

#endif // SEQPAR_RUNTIME_BENCH_BENCHUTIL_H
