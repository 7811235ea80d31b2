//===- ReshardBench.cpp - Planned reshards against gather-then-slice ------===//
//
// Run under mpirun on 4 ranks (a 2 x 2 grid, axes "ring" and "ulysses").
// For a set of reshards of a [S, H, D] bf16 tensor (S = 4096 or 4092, H =
// 32 or 31, D = 128: 32 MiB in all), times on the same ranks, taking turns:
//   seqpar  the plan of layout::planReshard, each step one Runtime::run;
//   naive   what a compiler without a planner emits: gather every sharded
//           axis, then split to the target (the same runtime, the same
//           direct path; only the plan differs).
// Outputs come from Runtime::allocate (the direct path). Prints one markdown
// table row per reshard with the medians of the slowest rank's time, their
// ratio, and the cost model's prediction for both plans.
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"
#include "seqpar/Layout/Sharding.h"
#include "seqpar/Runtime/Runtime.h"

#include <mpi.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace seqpar;
using namespace seqpar::rt;
using namespace seqpar::rt::bench;
using layout::DimSharding;
using layout::Distribution;
using layout::ReshardPlan;
using layout::ReshardStep;
using layout::Shape;
using layout::Sharding;

namespace {

const std::vector<std::string> kAxes = {"ring", "ulysses"};

Distribution zigzag() {
  Distribution d;
  d.kind = layout::DistKind::Zigzag;
  return d;
}

/// The plan a compiler without a planner emits: every axis gathered (last
/// first), then every target axis split in order.
ReshardPlan naivePlan(const ReshardPlan &best) {
  ReshardPlan plan = best;
  plan.steps.clear();
  plan.seconds = 0;
  Sharding s = best.from;
  auto add = [&](ReshardStep step) {
    if (!layout::priceStep(s, step, plan.shape, plan.elementBytes, {}))
      fail("naive", "a step does not apply");
    s = *layout::applyStep(s, step, plan.shape);
    plan.seconds += step.seconds;
    plan.steps.push_back(step);
  };
  for (size_t d = 0; d < s.dims.size(); ++d)
    while (!s.dims[d].axes.empty()) {
      ReshardStep step;
      step.kind = layout::OpKind::Gather;
      step.dim = int64_t(d);
      step.axis = s.dims[d].axes.back();
      add(step);
    }
  for (size_t d = 0; d < best.to.dims.size(); ++d)
    for (size_t i = 0; i < best.to.dims[d].axes.size(); ++i) {
      ReshardStep step;
      step.kind = layout::OpKind::Split;
      step.dim = int64_t(d);
      step.axis = best.to.dims[d].axes[i];
      if (i == 0)
        step.dist = best.to.dims[d].dist;
      add(step);
    }
  return plan;
}

/// Runs `plan` on this rank from `input` (whose buffer stays); the buffers
/// of the steps come from the runtime and are freed after the next step.
void runPlan(Runtime &rt, const ReshardPlan &plan, void *input) {
  const int64_t me = rt.world().rank();
  Sharding s = plan.from;
  Shape local = *layout::localShape(s, plan.shape, me);
  void *in = input;
  for (const ReshardStep &step : plan.steps) {
    Op op = *layout::stepOp(s, step, plan.shape, me);
    Shape outShape;
    if (Status st = rt.outputShape(op, local, outShape); !st)
      fail("outputShape", st.message());
    void *out = nullptr;
    if (Status st = rt.allocate(layout::numElements(outShape) * 2, out); !st)
      fail("allocate", st.message());
    if (Status st = rt.run(op, denseTensor(in, DType::BF16, local),
                           denseTensor(out, DType::BF16, outShape));
        !st)
      fail("run", st.message());
    if (in != input)
      (void)rt.deallocate(in);
    in = out;
    local = outShape;
    s = *layout::applyStep(s, step, plan.shape);
  }
  if (in != input)
    (void)rt.deallocate(in);
}

} // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int P = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  if (P != 4)
    fail("init", "run on 4 ranks (a 2 x 2 grid)");
  std::unique_ptr<Backend> world;
  if (Status st = createMpiWorldBackend(world); !st)
    fail("init", st.message());
  std::unique_ptr<Runtime> rt;
  if (Status st = Runtime::create(std::move(world), {2, 2}, rt); !st)
    fail("init", st.message());
  const int64_t me = rt->world().rank();
  const Shape grid = {2, 2};
  const int64_t R = 0, U = 1;
  struct Case {
    const char *name;
    Sharding from, to;
  };
  auto sh = [&](std::vector<DimSharding> dims) {
    return Sharding{grid, std::move(dims)};
  };
  const std::vector<Case> cases = {
      {"Ulysses forward (sequence to heads on ulysses)",
       sh({{{R, U}, {}}, {}, {}}), sh({{{R}, {}}, {{U}, {}}, {}})},
      {"Ulysses backward", sh({{{R}, {}}, {{U}, {}}, {}}),
       sh({{{R, U}, {}}, {}, {}})},
      {"ring zigzag to contiguous", sh({{{R, U}, zigzag()}, {}, {}}),
       sh({{{R, U}, {}}, {}, {}})},
      {"hybrid CP to heads on both axes", sh({{{R, U}, zigzag()}, {}, {}}),
       sh({{}, {{R, U}, {}}, {}})},
      {"axis reorder on the sequence", sh({{{R, U}, {}}, {}, {}}),
       sh({{{U, R}, {}}, {}, {}})},
      {"swap the axes of two dims", sh({{{R}, {}}, {{U}, {}}, {}}),
       sh({{{U}, {}}, {{R}, {}}, {}})},
      {"add an axis (replicated heads to split)", sh({{{R}, {}}, {}, {}}),
       sh({{{R}, {}}, {{U}, {}}, {}})},
  };
  if (me == 0)
    std::printf("| reshard | shape | seqpar steps | seqpar ms | naive steps "
                "| naive ms | naive / seqpar | model seqpar ms | model "
                "naive ms |\n|---|---|---|---|---|---|---|---|---|\n");
  for (bool aligned : {true, false}) {
    // Unaligned: 31 heads; the sequence stays a multiple of 4 (the zigzag
    // over the 2-rank ring needs it) but not of 8 (uneven Ulysses halves).
    const Shape shape = aligned ? Shape{4096, 32, 128} : Shape{4092, 31, 128};
    for (const Case &c : cases) {
      layout::Result<ReshardPlan> best =
          layout::planReshard(c.from, c.to, shape, 2);
      if (!best)
        fail("plan", best.error());
      ReshardPlan naive = naivePlan(*best);
      Shape local = *layout::localShape(best->from, shape, me);
      void *input = nullptr;
      if (Status st = rt->allocate(layout::numElements(local) * 2, input); !st)
        fail("allocate", st.message());
      std::memset(input, 1, size_t(layout::numElements(local) * 2));
      std::vector<double> t =
          timeRounds(9, {[&] { runPlan(*rt, *best, input); },
                         [&] { runPlan(*rt, naive, input); }});
      (void)rt->deallocate(input);
      if (me == 0)
        std::printf("| %s | %s | %zu | %.2f | %zu | %.2f | %.2f | %.2f | "
                    "%.2f |\n",
                    c.name, layout::str(shape).c_str(), best->steps.size(),
                    t[0] * 1e3, naive.steps.size(), t[1] * 1e3, t[1] / t[0],
                    best->seconds * 1e3, naive.seconds * 1e3);
      std::fflush(stdout);
    }
  }
  if (me == 0) {
    layout::Result<ReshardPlan> example =
        layout::planReshard(cases[2].from, cases[2].to, {4092, 31, 128}, 2);
    std::printf("\n```\n%s```\n", layout::explain(*example, kAxes).c_str());
  }
  rt.reset();
  MPI_Finalize();
  return 0;
}
