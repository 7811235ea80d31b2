//===- ShardingTest.cpp - Shardings and the reshard planner ---------------===//
//
// Shardings against their definition; every plan between shardings of a 3-D
// tensor with uneven dims on 2x2 and 2x3 grids executed on simulated ranks
// (the op model's resolver and block plans, as the runtime runs them) and
// compared with the target's layout; and the planner's cost against an
// exhaustive search over the data layouts that ops reach.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Layout/Sharding.h"
#include "AllShardings.h"
#include "BoxCopy.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <queue>
#include <random>
#include <tuple>

using namespace seqpar::layout;

namespace {

Sharding sharding(Shape grid, std::vector<DimSharding> dims) {
  return Sharding{std::move(grid), std::move(dims)};
}

/// Rank r's local tensor under `s`: each element the global row-major id of
/// the element it holds.
std::vector<int64_t> localData(const Sharding &s, const Shape &shape,
                               int64_t r) {
  std::vector<Pieces> held = *heldPieces(s, shape, r);
  std::vector<std::vector<int64_t>> ids(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    for (const Interval &iv : held[d])
      for (int64_t i = 0; i < iv.size; ++i)
        ids[d].push_back(iv.begin + i);
  Shape local;
  for (const auto &v : ids)
    local.push_back(int64_t(v.size()));
  std::vector<int64_t> data;
  forEach(local, [&](const Shape &idx) {
    Shape g(idx.size());
    for (size_t d = 0; d < idx.size(); ++d)
      g[d] = ids[d][idx[d]];
    data.push_back(offsetIn(denseBlock(shape), g));
  });
  return data;
}

struct RankData {
  Shape shape;
  std::vector<int64_t> data;
  bool operator<(const RankData &o) const {
    return std::tie(shape, data) < std::tie(o.shape, o.data);
  }
  bool operator==(const RankData &o) const {
    return shape == o.shape && data == o.data;
  }
};

/// Runs on every rank of `grid` the op `opOf(rank)` over its group, as the
/// runtime does (resolve, then the block plans); an error when a rank's op
/// does not resolve.
Result<std::vector<RankData>> runOp(const Shape &grid,
                                    const std::function<Op(int64_t)> &opOf,
                                    const std::vector<RankData> &in) {
  Grid g{grid};
  const int64_t ranks = g.numRanks();
  std::vector<Resolved> res(ranks);
  for (int64_t r = 0; r < ranks; ++r) {
    Op op = opOf(r);
    Result<Resolved> rr = resolve(op, in[r].shape, g.groupRank(r, op.axes));
    if (!rr)
      return Error{rr.error()};
    res[r] = *rr;
  }
  // What the runtime's agreement check demands: the members of a group
  // agree on every input dim but the gathered one.
  for (int64_t r = 0; r < ranks; ++r) {
    const Op &op = res[r].op;
    const int64_t varying = op.kind == OpKind::Split ? -1 : op.gather.dim;
    for (int64_t q : g.groupMembers(r, op.axes))
      for (size_t d = 0; d < in[r].shape.size(); ++d)
        if (int64_t(d) != varying && in[q].shape[d] != in[r].shape[d])
          return Error{"the members' input shapes differ"};
  }
  std::vector<RankData> out(ranks);
  for (int64_t r = 0; r < ranks; ++r) {
    const Resolved &me = res[r];
    out[r].shape = me.outShape;
    out[r].data.assign(numElements(me.outShape), -1);
    Shape inStrides = denseStrides(in[r].shape);
    Shape outStrides = denseStrides(me.outShape);
    std::vector<int64_t> members = g.groupMembers(r, me.op.axes);
    if (me.op.kind == OpKind::Split) {
      for (const CopyStep &step : planSplit(me, inStrides, outStrides))
        copyStep(in[r].data, out[r].data, step);
    } else if (me.op.kind == OpKind::Gather) {
      GatherPlan plan = planGather(me, inStrides, outStrides);
      for (size_t q = 0; q < members.size(); ++q) {
        if (numElements(in[members[q]].shape) != plan.recvCounts[q])
          return Error{"the gather's pieces do not fit"};
        for (const CopyStep &step : plan.unpack[q])
          copyStep(in[members[q]].data, out[r].data, step);
      }
    } else {
      AllToAllPlan plan = planAllToAll(me, inStrides, outStrides);
      for (size_t q = 0; q < members.size(); ++q) {
        const Resolved &peer = res[members[q]];
        AllToAllPlan sent = planAllToAll(peer, denseStrides(peer.inShape),
                                         denseStrides(peer.outShape));
        if (sent.send[me.groupRank].shape != plan.recv[q].shape)
          return Error{"the all_to_all's blocks do not fit"};
        copyStep(in[members[q]].data, out[r].data,
                 {sent.send[me.groupRank], plan.recv[q]});
      }
    }
  }
  return out;
}

std::vector<RankData> layoutOf(const Sharding &s, const Shape &shape) {
  std::vector<RankData> all;
  for (int64_t r = 0; r < numElements(s.gridShape); ++r)
    all.push_back({*localShape(s, shape, r), localData(s, shape, r)});
  return all;
}

//===----------------------------------------------------------------------===//
// Shardings
//===----------------------------------------------------------------------===//

TEST(Sharding, HeldPiecesFollowTheLevels) {
  // Dim 0 (10) over axes {1, 0} of a 2x3 grid: the split rule over axis 1
  // (3 ranks: 4, 3, 3), then each piece over axis 0 (2 ranks).
  Sharding s = sharding({2, 3}, {{{1, 0}, {}}, {}});
  Grid grid{{2, 3}};
  auto held = [&](int64_t a0, int64_t a1) {
    return (*heldPieces(s, {10, 2}, grid.rankOf({a0, a1})))[0];
  };
  EXPECT_EQ(held(0, 0), (Pieces{{0, 2}}));
  EXPECT_EQ(held(1, 0), (Pieces{{2, 2}}));
  EXPECT_EQ(held(0, 1), (Pieces{{4, 2}}));
  EXPECT_EQ(held(1, 1), (Pieces{{6, 1}}));
  EXPECT_EQ(held(1, 2), (Pieces{{9, 1}}));
  // Zigzag first, then the split rule: hybrid ring x Ulysses.
  Sharding hybrid = sharding({2, 2}, {{{0, 1}, dist(DistKind::Zigzag)}});
  EXPECT_EQ((*heldPieces(hybrid, {8}, 0))[0], (Pieces{{0, 2}}));
  EXPECT_EQ((*heldPieces(hybrid, {8}, 1))[0], (Pieces{{6, 2}}));
  EXPECT_EQ((*heldPieces(hybrid, {8}, 2))[0], (Pieces{{2, 2}}));
  EXPECT_EQ((*heldPieces(hybrid, {8}, 3))[0], (Pieces{{4, 2}}));
  EXPECT_EQ(str(hybrid, {"ring", "ulysses"}), "[{ring zigzag, ulysses}]");
  EXPECT_EQ(str(s), "[{1, 0}, {}]");
}

TEST(Sharding, DimLengthsAreTheLocalShapes) {
  for (const Shape &grid : {Shape{2, 2}, Shape{2, 3}})
    for (const Sharding &s : allShardings(grid, {8, 5, 3}, true)) {
      Grid g{grid};
      for (int64_t d = 0; d < 3; ++d) {
        Result<std::vector<int64_t>> lengths = dimLengths(s, {8, 5, 3}, d);
        ASSERT_TRUE(lengths) << lengths.error();
        EXPECT_EQ(int64_t(lengths->size()), g.groupSize(s.dims[d].axes));
        for (int64_t r = 0; r < g.numRanks(); ++r) {
          // The rank's coordinates on the dim's axes, row-major in order.
          int64_t index = 0;
          for (int64_t a : s.dims[d].axes)
            index = index * grid[a] + g.coords(r)[a];
          EXPECT_EQ((*lengths)[index], (*localShape(s, {8, 5, 3}, r))[d])
              << str(s) << " dim " << d << " rank " << r;
        }
      }
    }
  EXPECT_EQ(dimLengths(sharding({2}, {{}}), {4}, 1).error(),
            "dim 1 is out of range for rank 1");
}

TEST(Sharding, EveryDimTilesOverItsAxes) {
  for (const Shape &grid : {Shape{2, 2}, Shape{2, 3}})
    for (const Sharding &s : allShardings(grid, {8, 5, 3}, true)) {
      // Over the ranks that differ only on a dim's axes, the dim's pieces
      // cover it exactly once.
      Grid g{grid};
      for (size_t d = 0; d < 3; ++d) {
        std::map<Shape, std::vector<int64_t>> count;
        for (int64_t r = 0; r < g.numRanks(); ++r) {
          Shape key = g.coords(r);
          for (int64_t a : s.dims[d].axes)
            key[a] = -1;
          std::vector<int64_t> &c = count[key];
          c.resize(Shape{8, 5, 3}[d], 0);
          std::vector<Pieces> held = *heldPieces(s, {8, 5, 3}, r);
          for (const Interval &iv : held[d])
            for (int64_t i = 0; i < iv.size; ++i)
              ++c[iv.begin + i];
        }
        for (auto &[key, c] : count)
          for (int64_t n : c)
            EXPECT_EQ(n, 1) << str(s);
      }
    }
}

TEST(Sharding, ErrorsNameTheValues) {
  auto error = [](const Sharding &s, const Shape &shape) {
    return verifySharding(s, shape).error();
  };
  EXPECT_EQ(error(sharding({2, 2}, {{{0}, {}}}), {4, 4}),
            "the sharding has 1 dims but the tensor has rank 2");
  EXPECT_EQ(error(sharding({2, 2}, {{{0}, {}}, {{0}, {}}}), {4, 4}),
            "dim 1: axis 0 shards the tensor more than once");
  EXPECT_EQ(error(sharding({2, 2}, {{{2}, {}}}), {4}),
            "dim 0: axis 2 is out of range for grid [2, 2]");
  EXPECT_EQ(error(sharding({2, 3}, {{{1}, dist(DistKind::Zigzag)}}), {8}),
            "dim 0: zigzag length 8 is not a multiple of 2 * 3 = 6");
  EXPECT_EQ(error(sharding({2}, {{{0}, replicatedDist(2)}}), {4}),
            "dim 0: a sharding distributes by the split rule, explicit "
            "sizes, zigzag or packed sequences, not by replicated blocks");
  EXPECT_EQ(error(sharding({2}, {{{0}, dist(DistKind::Sizes, {1, 2})}}), {4}),
            "dim 0: sizes [1, 2] sum to 3 but the dim has size 4");
  EXPECT_EQ(error(sharding({0}, {{{0}, {}}}), {4}),
            "grid [0] has an axis of size 0");
  EXPECT_EQ(
      planReshard(sharding({2}, {{}}), sharding({4}, {{}}), {4}, 4).error(),
      "the shardings are on different grids, [2] and [4]");
  EXPECT_EQ(
      planReshard(sharding({2}, {{}}), sharding({2}, {{}}), {4}, 0).error(),
      "the element size 0 is not positive");
  EXPECT_EQ(error(sharding({256, 257}, {{}}), {4}),
            "the grid [256, 257] has 65792 ranks; a sharding's grid has at "
            "most 65536");
  // Three axes moving between three dims take more than four steps priced
  // on ranks (each step priced costs the grid's 8).
  EXPECT_EQ(planReshard(sharding({2, 2, 2}, {{{0}, {}}, {{1}, {}}, {{2}, {}}}),
                        sharding({2, 2, 2}, {{{2}, {}}, {{0}, {}}, {{1}, {}}}),
                        {4, 4, 4}, 4, {}, 4)
                .error(),
            "the search from [{0}, {1}, {2}] to [{2}, {0}, {1}] priced more "
            "than 4 steps on ranks without an answer; reshard over fewer axes "
            "at once");
}

TEST(Sharding, AxesOfOneRankSplitNothing) {
  // On a grid [2, 1, 1], axes 1 and 2 hold everything whatever their
  // distribution, first or further.
  Sharding withUnit =
      sharding({2, 1, 1}, {{{1}, dist(DistKind::Sizes, {5})}, {{0, 2}, {}}});
  Sharding without = sharding({2, 1, 1}, {{}, {{0}, {}}});
  EXPECT_TRUE(canonicalSharding(withUnit, {5, 3}) == without);
  Result<ReshardPlan> plan = planReshard(withUnit, without, {5, 3}, 4);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_TRUE(plan->steps.empty()) << explain(*plan);
}

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

/// Executes `plan` on simulated ranks and checks every step's sharding and
/// the final layout against the target's.
void checkPlanExecutes(const ReshardPlan &plan) {
  std::vector<RankData> data = layoutOf(plan.from, plan.shape);
  Sharding s = plan.from;
  for (const ReshardStep &step : plan.steps) {
    Result<std::vector<RankData>> next = runOp(
        s.gridShape, [&](int64_t r) { return *stepOp(s, step, plan.shape, r); },
        data);
    ASSERT_TRUE(next) << next.error() << " in " << explain(plan);
    data = *next;
    s = *applyStep(s, step, plan.shape);
    std::vector<RankData> expected = layoutOf(s, plan.shape);
    for (size_t r = 0; r < data.size(); ++r)
      ASSERT_EQ(data[r].data, expected[r].data)
          << "rank " << r << " after a step of " << explain(plan);
  }
  EXPECT_TRUE(s == plan.to) << explain(plan);
}

TEST(Reshard, EveryPairExecutesExactly) {
  const Shape shape = {8, 5, 3}; // Uneven over 3 ranks, and over 2 ranks.
  int64_t pairs = 0;
  for (const Shape &grid : {Shape{2, 2}, Shape{2, 3}}) {
    std::vector<Sharding> all = allShardings(grid, shape, false);
    for (const Sharding &from : all)
      for (const Sharding &to : all) {
        Result<ReshardPlan> plan = planReshard(from, to, shape, 2);
        ASSERT_TRUE(plan) << plan.error();
        checkPlanExecutes(*plan);
        ++pairs;
      }
  }
  EXPECT_EQ(pairs, 2 * 19 * 19);
  // And pairs with zigzag, explicit sizes and packed first axes.
  std::mt19937_64 rng(9);
  for (const Shape &grid : {Shape{2, 2}, Shape{2, 3}}) {
    std::vector<Sharding> all = allShardings(grid, shape, true);
    for (int i = 0; i < 300; ++i) {
      const Sharding &from = all[rng() % all.size()];
      const Sharding &to = all[rng() % all.size()];
      Result<ReshardPlan> plan = planReshard(from, to, shape, 2);
      ASSERT_TRUE(plan) << plan.error();
      checkPlanExecutes(*plan);
    }
  }
}

/// The cheapest cost from `from` to `to` over every sequence of ops on one
/// grid axis (split by the split rule or by the first distributions of
/// either sharding, gather of any rank's pieces in rank order, all_to_all
/// between any two dims), searched over the data layouts the ops produce
/// (run on simulated ranks) rather than over shardings. The cost of an op
/// is the planner's model, computed here from the layouts' shapes.
double bruteForce(const Sharding &from, const Sharding &to, const Shape &shape,
                  int64_t es, const CostModel &model,
                  std::string *path = nullptr) {
  const Shape &grid = from.gridShape;
  Grid g{grid};
  const int64_t ranks = g.numRanks();
  const std::vector<RankData> goal = layoutOf(to, shape);
  std::vector<Distribution> dists = {Distribution()};
  const Sharding canonicalFrom = canonicalSharding(from, shape);
  const Sharding canonicalTo = canonicalSharding(to, shape);
  for (const Sharding *s : {&from, &to, &canonicalFrom, &canonicalTo})
    for (const DimSharding &d : s->dims)
      if (!d.axes.empty() && d.dist.kind != DistKind::Even)
        dists.push_back(d.dist);
  using State = std::vector<RankData>;
  std::map<State, double> best;
  std::map<State, std::string> how;
  std::priority_queue<std::pair<double, State>,
                      std::vector<std::pair<double, State>>,
                      std::greater<std::pair<double, State>>>
      queue;
  queue.push({0.0, layoutOf(from, shape)});
  while (!queue.empty()) {
    auto [cost, state] = queue.top();
    queue.pop();
    if (state == goal) {
      if (path)
        *path = how[state];
      return cost;
    }
    auto it = best.find(state);
    if (it != best.end() && it->second < cost)
      continue;
    auto tryOp = [&](OpKind kind, int64_t axis, int64_t dim, int64_t other,
                     const Distribution &dd) {
      auto opOf = [&](int64_t r) {
        Op op;
        op.kind = kind;
        op.gridShape = grid;
        op.axes = {axis};
        // Gathers concatenate the members' pieces in rank order.
        Distribution cat;
        cat.kind = DistKind::Sizes;
        const int64_t gathered = kind == OpKind::Gather ? dim : other;
        if (kind != OpKind::Split)
          for (int64_t q : g.groupMembers(r, {axis}))
            cat.values.push_back(state[q].shape[gathered]);
        if (kind == OpKind::Split)
          op.scatter = {dim, dd};
        else if (kind == OpKind::Gather)
          op.gather = {dim, dd.kind == DistKind::Even ? cat : dd};
        else
          op.scatter = {dim, dd}, op.gather = {other, cat};
        return op;
      };
      Result<State> next = runOp(grid, opOf, state);
      if (!next)
        return;
      double seconds = 0;
      const int64_t p = grid[axis];
      const int64_t calls = kind != OpKind::Split && p > 1 ? 1 : 0;
      for (int64_t r = 0; r < ranks; ++r) {
        int64_t in = numElements(state[r].shape) * es;
        int64_t out = numElements((*next)[r].shape) * es;
        int64_t sent = 0, received = 0, copied = out;
        if (kind == OpKind::Gather) {
          sent = in * (p - 1), received = out - in, copied = in;
        } else if (kind == OpKind::AllToAll) {
          Shape own = state[r].shape;
          own[dim] = (*next)[r].shape[dim];
          copied = numElements(own) * es;
          sent = in - copied, received = out - copied;
        }
        seconds =
            std::max(seconds, double(calls) * model.latency +
                                  double(std::max(sent, received)) /
                                      model.linkBytesPerSecond +
                                  double(copied) / model.copyBytesPerSecond);
      }
      auto [at, inserted] = best.emplace(*next, cost + seconds);
      if (!inserted && at->second <= cost + seconds)
        return;
      at->second = cost + seconds;
      how[*next] = how[state] + "; " + opName(opOf(0)) + " axis " +
                   std::to_string(axis) + " dim " + std::to_string(dim) +
                   " other " + std::to_string(other) + " " + distName(dd.kind) +
                   " " + str(dd.values);
      queue.push({cost + seconds, *next});
    };
    for (int64_t axis = 0; axis < int64_t(grid.size()); ++axis)
      for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
        for (const Distribution &dd : dists) {
          tryOp(OpKind::Split, axis, d, -1, dd);
          for (int64_t e = 0; e < int64_t(shape.size()); ++e)
            if (e != d && dd.kind != DistKind::Zigzag &&
                dd.kind != DistKind::Packed)
              tryOp(OpKind::AllToAll, axis, d, e, dd);
        }
        for (const Distribution &dd : dists)
          tryOp(OpKind::Gather, axis, d, -1, dd);
      }
  }
  return -1;
}

TEST(Reshard, PlannerFindsTheOptimumOfAnExhaustiveSearch) {
  const Shape shape = {8, 5, 3};
  CostModel model;
  std::mt19937_64 rng(4);
  int64_t compared = 0;
  for (const Shape &grid : {Shape{2, 2}, Shape{2, 3}}) {
    std::vector<Sharding> all = allShardings(grid, shape, true);
    for (int i = 0; i < 12; ++i) {
      const Sharding &from = all[rng() % all.size()];
      const Sharding &to = all[rng() % all.size()];
      Result<ReshardPlan> plan = planReshard(from, to, shape, 2, model);
      ASSERT_TRUE(plan) << plan.error();
      std::string path;
      double brute = bruteForce(from, to, shape, 2, model, &path);
      ASSERT_GE(brute, 0) << str(from) << " -> " << str(to);
      EXPECT_NEAR(plan->seconds, brute, 1e-12) << explain(*plan) << path;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 24);
}

//===----------------------------------------------------------------------===//
// The textbook cases
//===----------------------------------------------------------------------===//

TEST(Reshard, TextbookPlans) {
  const std::vector<std::string> names = {"ring", "ulysses"};
  auto plan = [&](const Sharding &from, const Sharding &to,
                  const Shape &shape) {
    Result<ReshardPlan> p = planReshard(from, to, shape, 2);
    EXPECT_TRUE(p) << p.error();
    if (numElements(shape) <= 4096)
      checkPlanExecutes(*p);
    return *p;
  };
  // Ulysses forward: [S/P, H, D] -> [S, H/P, D] is one all_to_all, on
  // uneven heads too; backward the reverse.
  Sharding seq = sharding({1, 4}, {{{1}, {}}, {}, {}});
  Sharding heads = sharding({1, 4}, {{}, {{1}, {}}, {}});
  ReshardPlan forward = plan(seq, heads, {4096, 30, 128});
  ASSERT_EQ(forward.steps.size(), 1u);
  EXPECT_EQ(forward.steps[0].kind, OpKind::AllToAll);
  // 30 heads over 4 ranks: 8, 8, 7, 7. Rank 0 keeps 1024 x 8 x 128 bf16
  // (2 MiB) and receives 3 such blocks; rank 3 sends all but its 7 heads.
  EXPECT_EQ(explain(forward, names),
            "reshard [4096, 30, 128] from [{ulysses}, {}, {}] to [{}, "
            "{ulysses}, {}]: 1 step, 754.0 us\n"
            "  1. all_to_all over 'ulysses' (4 ranks): gather dim 0, "
            "scatter dim 1\n"
            "     -> [{}, {ulysses}, {}]; per rank at most 5.75 MiB sent, "
            "6.00 MiB received, 2.00 MiB copied; 1 call; 754.0 us\n");
  EXPECT_EQ(plan(seq, heads, {22, 30, 4}).steps.size(), 1u); // Executed.
  ReshardPlan backward = plan(heads, seq, {22, 30, 4});
  ASSERT_EQ(backward.steps.size(), 1u);
  EXPECT_EQ(backward.steps[0].kind, OpKind::AllToAll);
  // Ring attention: zigzag to contiguous, and a hybrid split from a
  // replicated sequence (zigzag over the ring, then the split rule over
  // Ulysses: two local copies) and its gather.
  Sharding zigzag = sharding({2, 2}, {{{0}, dist(DistKind::Zigzag)}, {}});
  Sharding contiguous = sharding({2, 2}, {{{0}, {}}, {}});
  ReshardPlan ring = plan(zigzag, contiguous, {16, 8});
  EXPECT_EQ(ring.steps.size(), 2u); // Gather the zigzag, split again.
  Sharding whole = sharding({2, 2}, {{}, {}});
  Sharding hybrid = sharding({2, 2}, {{{0, 1}, dist(DistKind::Zigzag)}, {}});
  ReshardPlan split = plan(whole, hybrid, {16, 8});
  ASSERT_EQ(split.steps.size(), 2u);
  EXPECT_EQ(split.steps[0].kind, OpKind::Split);
  EXPECT_EQ(split.steps[1].kind, OpKind::Split);
  EXPECT_EQ(split.steps[0].calls + split.steps[1].calls, 0);
  ReshardPlan gather = plan(hybrid, whole, {16, 8});
  ASSERT_EQ(gather.steps.size(), 2u);
  EXPECT_EQ(gather.steps[0].axis, 1); // Ulysses first, then the ring.
  // Axis reorder on one dim: {ring, ulysses} -> {ulysses, ring}.
  Sharding ab = sharding({2, 2}, {{{0, 1}, {}}, {}});
  Sharding ba = sharding({2, 2}, {{{1, 0}, {}}, {}});
  ReshardPlan reorder = plan(ab, ba, {10, 6});
  EXPECT_FALSE(reorder.steps.empty());
  // Nothing to do.
  EXPECT_TRUE(plan(ab, ab, {10, 6}).steps.empty());
  EXPECT_EQ(explain(plan(ab, ab, {10, 6})),
            "reshard [10, 6] from [{0, 1}, {}] to [{0, 1}, {}]: nothing to "
            "do\n");
}

} // namespace
