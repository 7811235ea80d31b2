//===- ReshardTest.cpp - Every reshard plan executed under mpirun ---------===//
//
// Usage: mpirun -np N seqpar-runtime-reshard <axis size>... (N = product).
// For every pair of shardings of an uneven 3-D tensor on the grid (every
// placement and order of the axes with the split rule, and pairs with
// zigzag, explicit-size and packed first axes), plans the reshard
// (layout::planReshard), runs each step's op on every rank with
// Runtime::run, and compares every rank's result with the target's layout
// bit for bit. Outputs alternate between plain buffers and the runtime's
// (the direct path between ranks that share memory).
//
//===----------------------------------------------------------------------===//

#include "../../unittests/Layout/AllShardings.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace seqpar;
using namespace seqpar::rt;
using layout::Shape;
using layout::Sharding;

namespace {

/// Rank `rank`'s local tensor under `s`: every element the global row-major
/// id of the element it holds.
std::vector<int64_t> localIds(const Sharding &s, const Shape &shape,
                              int64_t rank) {
  std::vector<layout::Pieces> held = *layout::heldPieces(s, shape, rank);
  std::vector<std::vector<int64_t>> ids(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    for (const layout::Interval &iv : held[d])
      for (int64_t i = 0; i < iv.size; ++i)
        ids[d].push_back(iv.begin + i);
  std::vector<int64_t> out = {0};
  for (size_t d = 0; d < shape.size(); ++d) {
    std::vector<int64_t> next;
    for (int64_t base : out)
      for (int64_t i : ids[d])
        next.push_back(base * shape[d] + i);
    out = std::move(next);
  }
  return out;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <axis size>...\n", argv[0]);
    return 2;
  }
  Shape grid;
  for (int i = 1; i < argc; ++i)
    grid.push_back(std::atoll(argv[i]));
  if (seqpar_rt_init(int64_t(grid.size()), grid.data()) != SEQPAR_RT_OK) {
    std::fprintf(stderr, "init failed: %s\n", seqpar_rt_last_error());
    return 1;
  }
  Runtime &rt = *globalRuntime();
  rt.setSharedMinBytes(0);
  const int64_t me = rt.world().rank();
  const Shape shape = {8, 5, 3};
  std::vector<std::pair<Sharding, Sharding>> pairs;
  std::vector<Sharding> even = layout::allShardings(grid, shape, false);
  for (const Sharding &a : even)
    for (const Sharding &b : even)
      pairs.push_back({a, b});
  std::vector<Sharding> all = layout::allShardings(grid, shape, true);
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200; ++i)
    pairs.push_back({all[rng() % all.size()], all[rng() % all.size()]});

  int failures = 0;
  int64_t steps = 0, index = 0;
  auto fail = [&](const std::string &what, const layout::ReshardPlan &plan) {
    if (++failures <= 5)
      std::fprintf(stderr, "rank %lld: %s in\n%s", static_cast<long long>(me),
                   what.c_str(), layout::explain(plan).c_str());
  };
  for (const auto &[from, to] : pairs) {
    layout::Result<layout::ReshardPlan> plan =
        layout::planReshard(from, to, shape, 8);
    if (!plan) {
      std::fprintf(stderr, "plan: %s\n", plan.error().c_str());
      ++failures;
      continue;
    }
    Sharding s = plan->from;
    std::vector<int64_t> data = localIds(s, shape, me);
    Shape local = *layout::localShape(s, shape, me);
    for (const layout::ReshardStep &step : plan->steps) {
      Op op = *layout::stepOp(s, step, shape, me);
      Shape outShape;
      if (Status st = rt.outputShape(op, local, outShape); !st) {
        fail(st.message(), *plan);
        break;
      }
      const int64_t count = layout::numElements(outShape);
      const bool shared = (index++ % 2) == 0;
      std::vector<int64_t> plain;
      void *buffer = nullptr;
      if (shared) {
        if (Status st = rt.allocate(count * 8, buffer); !st) {
          fail(st.message(), *plan);
          break;
        }
      } else {
        plain.assign(size_t(count), -1);
        buffer = plain.data();
      }
      Status st = rt.run(op, denseTensor(data.data(), DType::I64, local),
                         denseTensor(buffer, DType::I64, outShape));
      const auto *out = static_cast<const int64_t *>(buffer);
      data.assign(out, out + count);
      if (shared)
        (void)rt.deallocate(buffer);
      if (!st) {
        fail(st.message(), *plan);
        break;
      }
      local = outShape;
      s = *layout::applyStep(s, step, shape);
      ++steps;
    }
    if (data != localIds(plan->to, shape, me))
      fail("the result differs from the target's layout", *plan);
  }
  int sum = 0;
  MPI_Allreduce(&failures, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (me == 0)
    std::printf("%zu reshards (%lld steps) of %s on grid %s: %d failures\n",
                pairs.size(), static_cast<long long>(steps),
                layout::str(shape).c_str(), layout::str(grid).c_str(), sum);
  seqpar_rt_finalize();
  return sum == 0 ? 0 : 1;
}
