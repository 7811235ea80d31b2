//===- LayoutTest.cpp - Tests of the shard arithmetic -----------*- C++ -*-===//
//
// Checks the Layout library against the rules of DESIGN.md written out
// independently here (index vectors that are split and reassembled the way
// the seeds do it), plus randomized tiling properties.
//
//===----------------------------------------------------------------------===//

#include "BoxCopy.h"
#include "seqpar/Layout/OpModel.h"

#include <gtest/gtest.h>

#include <random>

using namespace seqpar::layout;

namespace {

/// Materializes the global indices rank `r` holds under `map`.
std::vector<int64_t> indicesOf(const ShardMap &map, int64_t r) {
  std::vector<int64_t> out;
  for (const Interval &p : map.pieces[r])
    for (int64_t i = 0; i < p.size; ++i)
      out.push_back(p.begin + i);
  return out;
}

std::vector<int64_t> iota(int64_t n, int64_t start = 0) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = start + i;
  return v;
}

/// The seeds' torch.split(x, sizes)[r] on a vector.
std::vector<int64_t> splitPart(const std::vector<int64_t> &x,
                               const std::vector<int64_t> &sizes, int64_t r) {
  int64_t start = 0;
  for (int64_t i = 0; i < r; ++i)
    start += sizes[i];
  return {x.begin() + start, x.begin() + start + sizes[r]};
}

/// The seeds' cal_split_sizes, written as the seeds write it.
std::vector<int64_t> calSplitSizes(int64_t n, int64_t p) {
  std::vector<int64_t> s;
  for (int64_t i = 0; i < p; ++i)
    s.push_back(n / p + (i < n % p ? 1 : 0));
  return s;
}

/// The seeds' zigzag split: view as [2P, c], index_select [r, 2P-1-r].
std::vector<int64_t> zigzagPart(const std::vector<int64_t> &x, int64_t p,
                                int64_t r) {
  int64_t c = static_cast<int64_t>(x.size()) / (2 * p);
  std::vector<int64_t> out(x.begin() + r * c, x.begin() + (r + 1) * c);
  out.insert(out.end(), x.begin() + (2 * p - 1 - r) * c,
             x.begin() + (2 * p - r) * c);
  return out;
}

/// The split rule's sizes of valid arguments.
std::vector<int64_t> split(int64_t n, int64_t p) { return *splitSizes(n, p); }

int64_t sum(const std::vector<int64_t> &v) { return *checkedSum(v, "values"); }

/// The shard map of `dist` over `outer` x `inner` ranks; the arguments must
/// be valid.
ShardMap mapOf(DistKind kind, int64_t length, int64_t outer, int64_t inner = 1,
               std::vector<int64_t> values = {}) {
  Distribution dist;
  dist.kind = kind;
  dist.values = std::move(values);
  dist.innerAxes = inner > 1 ? 1 : 0;
  Result<ShardMap> map = shardMap(dist, length, {outer * inner, outer, inner});
  EXPECT_TRUE(map) << map.error();
  return *map;
}

TEST(SplitRule, RemainderGoesToFirstRanks) {
  EXPECT_EQ(split(10, 4), (std::vector<int64_t>{3, 3, 2, 2}));
  EXPECT_EQ(split(8, 4), (std::vector<int64_t>{2, 2, 2, 2}));
  EXPECT_EQ(split(3, 5), (std::vector<int64_t>{1, 1, 1, 0, 0}));
  EXPECT_EQ(split(0, 3), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(splitOffset(10, 4, 0), 0);
  EXPECT_EQ(splitOffset(10, 4, 2), 6);
  EXPECT_EQ(splitOffset(10, 4, 4), 10);
  EXPECT_EQ(offsetsOf({3, 3, 2, 2}), (std::vector<int64_t>{0, 3, 6, 8}));
}

TEST(SplitRule, RandomizedAgainstSeedRule) {
  std::mt19937_64 rng(1);
  for (int iter = 0; iter < 2000; ++iter) {
    int64_t p = 1 + rng() % 9, n = rng() % 200;
    std::vector<int64_t> sizes = split(n, p);
    EXPECT_EQ(sizes, calSplitSizes(n, p));
    EXPECT_EQ(sum(sizes), n);
    EXPECT_LE(sizes.front() - sizes.back(), 1);
    for (int64_t r = 0; r <= p; ++r)
      EXPECT_EQ(splitOffset(n, p, r), r == p ? n : offsetsOf(sizes)[r]);
    EXPECT_TRUE(mapOf(DistKind::Even, n, p).tilesExactly());
    EXPECT_EQ(mapOf(DistKind::Even, n, p).isUniform(), n % p == 0);
    EXPECT_EQ(mapOf(DistKind::Sizes, n, p, 1, sizes).localSizes(), sizes);
  }
}

TEST(SplitRule, BadArgumentsAreErrors) {
  EXPECT_EQ(splitSizes(-3, 3).error(), "cannot split the negative size -3");
  EXPECT_EQ(splitSizes(5, 0).error(),
            "cannot split 5 into 0 parts (1 to 65536 are supported)");
  EXPECT_EQ(splitSize(-1, 2, 0), 0);
  EXPECT_EQ(splitOffset(4, 0, 1), 0);
  EXPECT_EQ(packedSizeTable({3, -1}, 2).error(),
            "sequence lengths [3, -1] contain a negative length -1");
}

TEST(SplitRule, PackedLengthsInvertThePackedTable) {
  std::vector<std::vector<int64_t>> table = *packedSizeTable({5, 4, 0}, 2);
  EXPECT_EQ(*packedLengths(table, 2), (std::vector<int64_t>{5, 4, 0}));
  EXPECT_EQ(packedLengths(table, 3).error(),
            "the table has 2 rows but the group has 3 ranks (one row per "
            "rank)");
  EXPECT_EQ(packedLengths({{1, 2}, {1}}, 2).error(),
            "the table's rows have different lengths: row 0 has 2, row 1 "
            "has 1");
  EXPECT_EQ(packedLengths({{int64_t(1) << 62}, {int64_t(1) << 62}}, 2).error(),
            "column 0 [4611686018427387904, 4611686018427387904] overflow "
            "int64 when summed");
  EXPECT_EQ(packedLengths({{0}, {3}}, 2).error(),
            "the table is not the split rule of the sequence lengths [3] "
            "over 2 ranks ([[2], [1]])");
}

TEST(ShardMap, ErrorsNameTheValues) {
  auto error = [](DistKind kind, int64_t length, Group group,
                  std::vector<int64_t> values = {}) {
    Distribution dist;
    dist.kind = kind;
    dist.values = std::move(values);
    return shardMap(dist, length, group).error();
  };
  EXPECT_EQ(error(DistKind::Sizes, 3, {3, 3, 1}, {1, 2}),
            "expected 3 sizes (one per rank) but got 2 [1, 2]");
  EXPECT_EQ(error(DistKind::Sizes, 6, {3, 3, 1}, {1, 2, 4}),
            "sizes [1, 2, 4] sum to 7 but the dim has size 6");
  EXPECT_EQ(error(DistKind::Sizes, 6, {3, 3, 1}, {-1, 2, 5}),
            "sizes [-1, 2, 5] contain a negative size -1");
  EXPECT_EQ(error(DistKind::Zigzag, 12, {4, 4, 1}),
            "zigzag length 12 is not a multiple of 2 * 4 = 8");
  EXPECT_EQ(error(DistKind::Packed, 8, {2, 2, 1}, {3, 4}),
            "sequence lengths [3, 4] sum to 7 but the dim has size 8");
  EXPECT_EQ(error(DistKind::Packed, 2, {2, 2, 1}, {3, -1}),
            "sequence lengths [3, -1] contain a negative length -1");
  EXPECT_EQ(error(DistKind::Sizes, 2, {4, 2, 2}, {1, 1, 0, 0}),
            "explicit sizes give every rank its piece and take no inner axes");
  EXPECT_EQ(error(DistKind::Sizes, 1, {2, 2, 1},
                  {int64_t(1) << 62, int64_t(1) << 62}),
            "sizes [4611686018427387904, 4611686018427387904] overflow int64 "
            "when summed");
  EXPECT_EQ(error(DistKind::Packed, 0, {65536, 65536, 1},
                  std::vector<int64_t>(257, 0)),
            "257 sequences over 65536 ranks make more than 16777216 pieces");
  // One rank is a disabled ring: any length, no zigzag.
  EXPECT_TRUE(error(DistKind::Zigzag, 7, {1, 1, 1}).empty());
  EXPECT_TRUE(error(DistKind::Zigzag, 7, {3, 1, 3}).empty());
}

TEST(ShardMap, SubRangeComposes) {
  Pieces p = {{0, 2}, {10, 3}, {20, 1}};
  EXPECT_EQ(subRange(p, 0, 6), p);
  EXPECT_EQ(subRange(p, 1, 3), (Pieces{{1, 1}, {10, 2}}));
  EXPECT_EQ(subRange(p, 4, 2), (Pieces{{12, 1}, {20, 1}}));
  EXPECT_TRUE(subRange(p, 6, 0).empty());
}

TEST(ShardMap, ZigzagMatchesSeed) {
  for (int64_t p = 1; p <= 8; ++p) {
    for (int64_t c = 0; c <= 3; ++c) {
      int64_t n = 2 * p * c;
      ShardMap map = mapOf(DistKind::Zigzag, n, p);
      EXPECT_TRUE(map.tilesExactly());
      EXPECT_TRUE(map.isUniform());
      for (int64_t r = 0; r < p; ++r)
        EXPECT_EQ(indicesOf(map, r), zigzagPart(iota(n), p, r));
    }
  }
}

TEST(ShardMap, PackedMatchesSeed) {
  std::mt19937_64 rng(2);
  for (int iter = 0; iter < 500; ++iter) {
    int64_t p = 1 + rng() % 8;
    std::vector<int64_t> lens(rng() % 5);
    for (int64_t &l : lens)
      l = rng() % 13;
    int64_t n = sum(lens);
    ShardMap map = mapOf(DistKind::Packed, n, p, 1, lens);
    EXPECT_TRUE(map.tilesExactly());
    std::vector<std::vector<int64_t>> table = *packedSizeTable(lens, p);
    ASSERT_EQ(static_cast<int64_t>(table.size()), p);
    // The seed: narrow each sequence, split it by cal_split_sizes, concat.
    for (int64_t r = 0; r < p; ++r) {
      std::vector<int64_t> expected;
      int64_t start = 0;
      for (size_t i = 0; i < lens.size(); ++i) {
        std::vector<int64_t> part =
            splitPart(iota(lens[i], start), calSplitSizes(lens[i], p), r);
        expected.insert(expected.end(), part.begin(), part.end());
        EXPECT_EQ(table[r][i], calSplitSizes(lens[i], p)[r]);
        start += lens[i];
      }
      EXPECT_EQ(indicesOf(map, r), expected);
    }
    EXPECT_EQ(map.globalSize, n);
  }
}

TEST(ShardMap, HybridMatchesSeed) {
  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 500; ++iter) {
    int64_t ring = 1 + rng() % 4, ulysses = 1 + rng() % 4;
    int64_t n = 2 * ring * (rng() % 7);
    ShardMap map = mapOf(DistKind::Zigzag, n, ring, ulysses);
    ASSERT_EQ(map.numRanks(), ring * ulysses);
    EXPECT_TRUE(map.tilesExactly());
    for (int64_t rr = 0; rr < ring; ++rr) {
      std::vector<int64_t> ringPart = zigzagPart(iota(n), ring, rr);
      std::vector<int64_t> uSizes =
          calSplitSizes(static_cast<int64_t>(ringPart.size()), ulysses);
      for (int64_t u = 0; u < ulysses; ++u)
        EXPECT_EQ(indicesOf(map, rr * ulysses + u),
                  splitPart(ringPart, uSizes, u));
    }
  }
}

TEST(ShardMap, PackedHybridTiles) {
  std::mt19937_64 rng(4);
  for (int iter = 0; iter < 500; ++iter) {
    int64_t ring = 1 + rng() % 4, ulysses = 1 + rng() % 4;
    std::vector<int64_t> lens(1 + rng() % 4);
    for (int64_t &l : lens)
      l = rng() % 17;
    ShardMap map = mapOf(DistKind::Packed, sum(lens), ring, ulysses, lens);
    EXPECT_TRUE(map.tilesExactly());
    EXPECT_EQ(sum(map.localSizes()), sum(lens));
  }
}

TEST(ShardMap, TilesExactlyRejectsGapsAndOverlaps) {
  ShardMap gap{5, {{{0, 2}}, {{3, 2}}}};
  EXPECT_FALSE(gap.tilesExactly());
  ShardMap overlap{4, {{{0, 3}}, {{2, 2}}}};
  EXPECT_FALSE(overlap.tilesExactly());
  ShardMap ok{4, {{{2, 2}}, {{0, 2}}}};
  EXPECT_TRUE(ok.tilesExactly());
}

TEST(Grid, RowMajorRankMaps) {
  Grid grid{{2, 3, 4}};
  EXPECT_EQ(grid.numRanks(), 24);
  for (int64_t r = 0; r < 24; ++r)
    EXPECT_EQ(grid.rankOf(grid.coords(r)), r);
  EXPECT_EQ(grid.coords(23), (Shape{1, 2, 3}));
  EXPECT_EQ(grid.coords(5), (Shape{0, 1, 1}));
  // Rank 17 = (1, 1, 1): its group over axis 2 is the last-axis row.
  EXPECT_EQ(grid.groupMembers(17, {2}), (std::vector<int64_t>{16, 17, 18, 19}));
  EXPECT_EQ(grid.groupRank(17, {2}), 1);
  EXPECT_EQ(grid.groupMembers(17, {0}), (std::vector<int64_t>{5, 17}));
  // Axes in listed order: (2, 0) linearizes axis 2 slowest.
  EXPECT_EQ(grid.groupMembers(17, {2, 0}),
            (std::vector<int64_t>{4, 16, 5, 17, 6, 18, 7, 19}));
  EXPECT_EQ(grid.groupRank(17, {2, 0}), 3);
  EXPECT_EQ(grid.groupSize({0, 2}), 8);
  EXPECT_EQ(makeGroup(grid, {0, 3}).error(),
            "axis 3 is out of range for a grid of rank 3");
  EXPECT_EQ(makeGroup(grid, {1, 1}).error(),
            "axis 1 is listed twice in [1, 1]");
  EXPECT_EQ(makeGroup(grid, {}).error(),
            "a group needs at least one grid axis");
  EXPECT_EQ(makeGroup(grid, {2, 1}, 2).error(),
            "a two-level distribution over group axes [2, 1] needs 0 to 1 "
            "inner axes, got 2");
  Result<Group> group = makeGroup(grid, {2, 1}, 1);
  ASSERT_TRUE(group);
  EXPECT_EQ(group->size, 12);
  EXPECT_EQ(group->outerSize, 4);
  EXPECT_EQ(group->innerSize, 3);
}

TEST(Grid, RandomizedGroupsPartitionTheGrid) {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 200; ++iter) {
    Grid grid{Shape(1 + rng() % 3)};
    for (int64_t &d : grid.shape)
      d = 1 + rng() % 4;
    std::vector<int64_t> axes;
    for (int64_t a = 0; a < static_cast<int64_t>(grid.shape.size()); ++a)
      if (rng() % 2)
        axes.push_back(a);
    std::shuffle(axes.begin(), axes.end(), rng);
    std::vector<int> seen(grid.numRanks(), 0);
    for (int64_t r = 0; r < grid.numRanks(); ++r) {
      std::vector<int64_t> members = grid.groupMembers(r, axes);
      ASSERT_EQ(static_cast<int64_t>(members.size()), grid.groupSize(axes));
      EXPECT_EQ(members[grid.groupRank(r, axes)], r);
      for (size_t g = 0; g < members.size(); ++g)
        EXPECT_EQ(grid.groupRank(members[g], axes), static_cast<int64_t>(g));
      if (grid.groupRank(r, axes) == 0)
        for (int64_t m : members)
          ++seen[m];
    }
    for (int s : seen)
      EXPECT_EQ(s, 1);
  }
}

TEST(StridedBlock, Contiguity) {
  EXPECT_TRUE(denseBlock({2, 3, 4}).isContiguous());
  EXPECT_TRUE(denseBlock({2, 3, 4}).slice(0, 1, 1).isContiguous());
  EXPECT_FALSE(denseBlock({2, 3, 4}).slice(1, 1, 2).isContiguous());
  EXPECT_TRUE(denseBlock({1, 3, 4}).slice(1, 1, 2).isContiguous());
  EXPECT_TRUE(denseBlock({2, 3, 4}).slice(1, 1, 0).isContiguous());
  StridedBlock transposed{0, {4, 3}, {1, 4}};
  EXPECT_FALSE(transposed.isContiguous());
  EXPECT_EQ(denseBlock({2, 3, 4}).slice(2, 1, 2).offset, 1);
}

/// Dense strides with the first dim fastest.
Shape columnMajorStrides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t acc = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    strides[d] = acc;
    acc *= std::max<int64_t>(shape[d], 1);
  }
  return strides;
}

Resolved resolved(const Op &op, const Shape &inShape, int64_t rank) {
  Result<Resolved> res = resolve(op, inShape, rank);
  EXPECT_TRUE(res) << res.error();
  return *res;
}

/// Runs the all-to-all of `planAllToAll` on every rank of a simulated group,
/// with tensors holding global ids, and checks each output against the rule.
void checkAllToAll(const Shape &base, int64_t s, int64_t g,
                   const std::vector<int64_t> &scatterSizes,
                   const std::vector<int64_t> &gatherSizes) {
  auto p = static_cast<int64_t>(scatterSizes.size());
  auto rankDim = static_cast<int64_t>(base.size());
  Op op = allToAllOp({0}, s, g, scatterSizes, gatherSizes);
  op.gridShape = {p};
  // Rank q's input: shape base with [s] = S and [g] = gatherSizes[q]; element
  // value encodes (q, multi-index) so that every element is unique.
  auto encode = [&](int64_t q, const Shape &idx) {
    int64_t v = q;
    for (int64_t d = 0; d < rankDim; ++d)
      v = v * 1000 + idx[d];
    return v;
  };
  std::vector<std::vector<int64_t>> inputs(p);
  std::vector<Resolved> res;
  std::vector<AllToAllPlan> plans;
  for (int64_t q = 0; q < p; ++q) {
    Shape sh = base;
    sh[s] = sum(scatterSizes);
    sh[g] = gatherSizes[q];
    inputs[q].resize(numElements(sh));
    StridedBlock all = denseBlock(sh);
    forEach(sh, [&](const Shape &idx) {
      inputs[q][offsetIn(all, idx)] = encode(q, idx);
    });
    res.push_back(resolved(op, sh, q));
    plans.push_back(planAllToAll(res.back(), denseStrides(sh),
                                 denseStrides(res.back().outShape)));
  }
  for (int64_t r = 0; r < p; ++r) {
    const AllToAllPlan &plan = plans[r];
    std::vector<int64_t> out(numElements(res[r].outShape), -1);
    for (int64_t q = 0; q < p; ++q) {
      // Peer q packs its block for r in row-major order; r unpacks it.
      EXPECT_EQ(plans[q].sendCounts[r], plan.recvCounts[q]);
      copyStep(inputs[q], out, {plans[q].send[r], plan.recv[q]});
    }
    // The direct path: every peer q writes its block straight into r's
    // output, here laid out column-major; it fills what the exchange does.
    Shape colMajor = columnMajorStrides(res[r].outShape);
    std::vector<int64_t> pushed(out.size(), -1);
    for (int64_t q = 0; q < p; ++q) {
      EXPECT_EQ(peerOutputShape(res[q], r), res[r].outShape);
      Result<std::vector<CopyStep>> steps =
          planPush(res[q], denseStrides(res[q].inShape), r, colMajor);
      ASSERT_TRUE(steps) << steps.error();
      ASSERT_EQ(steps->size(), 1u);
      copyStep(inputs[q], pushed, steps->front());
    }
    forEach(res[r].outShape, [&](const Shape &idx) {
      EXPECT_EQ(pushed[offsetIn({0, res[r].outShape, colMajor}, idx)],
                out[offsetIn(denseBlock(res[r].outShape), idx)]);
    });
    // The rule: out[.., j along g, .., i along s, ..] comes from rank q with
    // j in q's gather piece, at scatter index offset(S)[r] + i.
    std::vector<int64_t> gOff = offsetsOf(gatherSizes);
    int64_t sOff = offsetsOf(scatterSizes)[r];
    StridedBlock outBlock = denseBlock(res[r].outShape);
    forEach(res[r].outShape, [&](const Shape &idx) {
      int64_t q = 0;
      while (idx[g] >= gOff[q] + gatherSizes[q])
        ++q;
      Shape srcIdx = idx;
      srcIdx[g] -= gOff[q];
      srcIdx[s] += sOff;
      EXPECT_EQ(out[offsetIn(outBlock, idx)], encode(q, srcIdx));
    });
  }
}

TEST(AllToAllPlan, RandomizedAgainstRule) {
  std::mt19937_64 rng(6);
  for (int iter = 0; iter < 400; ++iter) {
    int64_t rank = 2 + rng() % 3, p = 1 + rng() % 5;
    Shape base(rank);
    for (int64_t &d : base)
      d = 1 + rng() % 3;
    int64_t s = rng() % rank, g = rng() % rank;
    if (s == g)
      g = (s + 1) % rank;
    std::vector<int64_t> scatterSizes = split(rng() % 9, p);
    std::vector<int64_t> gatherSizes(p);
    if (rng() % 2)
      gatherSizes = split(rng() % 9, p);
    else
      for (int64_t &x : gatherSizes)
        x = rng() % 4; // Variable per-rank lengths.
    checkAllToAll(base, s, g, scatterSizes, gatherSizes);
  }
}

TEST(AllToAllPlan, AlignedHasEqualCounts) {
  Op op = allToAllOp({0}, 1, 0);
  op.gridShape = {2};
  AllToAllPlan plan =
      planAllToAll(resolved(op, {8, 6, 2}, 0), denseStrides({8, 6, 2}),
                   denseStrides({16, 3, 2}));
  EXPECT_TRUE(plan.equalCounts());
  AllToAllPlan unaligned =
      planAllToAll(resolved(op, {8, 5, 2}, 0), denseStrides({8, 5, 2}),
                   denseStrides({16, 3, 2}));
  EXPECT_FALSE(unaligned.equalCounts());
  EXPECT_EQ(unaligned.sendCounts, (std::vector<int64_t>{48, 32}));
  // Scatter dim 0: each peer's block is one contiguous run of the input.
  Op outerOp = allToAllOp({0}, 0, 1);
  outerOp.gridShape = {3};
  AllToAllPlan outer =
      planAllToAll(resolved(outerOp, {6, 4}, 1), denseStrides({6, 4}),
                   denseStrides({2, 12}));
  for (const StridedBlock &b : outer.send)
    EXPECT_TRUE(b.isContiguous());
  EXPECT_FALSE(outer.recv[1].isContiguous());
}

//===----------------------------------------------------------------------===//
// The resolver against an independent global-view reference
//===----------------------------------------------------------------------===//

/// The global indices of dim `d` that group rank `r` holds, computed the
/// seeds' way on index vectors (no Layout call but the split rule's sizes,
/// which the tests above check against the seeds).
std::vector<int64_t> referencePart(const Distribution &dist, int64_t n,
                                   int64_t outer, int64_t inner, int64_t r) {
  std::vector<int64_t> all = iota(n);
  int64_t ro = r / inner, ri = r % inner;
  std::vector<int64_t> part;
  switch (dist.kind) {
  case DistKind::Even:
    part = splitPart(all, calSplitSizes(n, outer), ro);
    break;
  case DistKind::Sizes:
    return splitPart(all, dist.values, r);
  case DistKind::Zigzag:
    part = outer == 1 ? all : zigzagPart(all, outer, ro);
    break;
  case DistKind::Packed: {
    int64_t start = 0;
    for (int64_t len : dist.values) {
      std::vector<int64_t> seq =
          splitPart(iota(len, start), calSplitSizes(len, outer), ro);
      part.insert(part.end(), seq.begin(), seq.end());
      start += len;
    }
    break;
  }
  }
  auto len = static_cast<int64_t>(part.size());
  return splitPart(part, calSplitSizes(len, inner), ri);
}

/// A random valid distribution of a dim of length about `n` over `outer` x
/// `inner` ranks; returns the global length it distributes.
int64_t randomDist(std::mt19937_64 &rng, Distribution &dist, int64_t p,
                   int64_t outer, bool twoLevel) {
  dist = Distribution();
  dist.kind = static_cast<DistKind>(rng() % 4);
  if (dist.kind == DistKind::Sizes && twoLevel)
    dist.kind = DistKind::Even;
  if (twoLevel)
    dist.innerAxes = 1;
  switch (dist.kind) {
  case DistKind::Even:
    return rng() % 13;
  case DistKind::Sizes:
    dist.values.resize(p);
    for (int64_t &v : dist.values)
      v = rng() % 4;
    return sum(dist.values);
  case DistKind::Zigzag:
    // Lengths a disabled ring (one rank) accepts need not be even.
    return outer == 1 ? rng() % 7 : 2 * outer * (rng() % 3);
  case DistKind::Packed:
    dist.values.resize(rng() % 4);
    for (int64_t &v : dist.values)
      v = rng() % 9;
    return sum(dist.values);
  }
  return 0;
}

TEST(Resolver, SplitAndGatherMatchReferenceOnOrderedGroups) {
  std::mt19937_64 rng(8);
  const std::vector<Shape> grids = {{2, 2}, {2, 3}, {2, 2, 2}, {1, 3}, {4}};
  for (int iter = 0; iter < 600; ++iter) {
    Shape gridShape = grids[iter % grids.size()];
    Grid grid = *makeGrid(gridShape);
    // A random non-empty ordered subset of the axes.
    std::vector<int64_t> axes;
    for (int64_t a = 0; a < static_cast<int64_t>(gridShape.size()); ++a)
      axes.push_back(a);
    std::shuffle(axes.begin(), axes.end(), rng);
    axes.resize(1 + rng() % axes.size());
    bool twoLevel = axes.size() > 1 && rng() % 2;
    Group group = *makeGroup(grid, axes, twoLevel ? 1 : 0);
    Distribution dist;
    int64_t n = randomDist(rng, dist, group.size, group.outerSize, twoLevel);
    Shape global = {2, n, 3};
    Op split;
    split.kind = OpKind::Split;
    split.gridShape = gridShape;
    split.axes = axes;
    split.scatter = {1, dist};
    Op gather = split;
    gather.kind = OpKind::Gather;
    gather.scatter = Move();
    gather.gather = {1, dist};
    if (dist.kind == DistKind::Even || dist.kind == DistKind::Zigzag)
      gather.gather.dist.length = n;

    std::vector<int64_t> data(numElements(global));
    for (size_t i = 0; i < data.size(); ++i)
      data[i] = static_cast<int64_t>(i);
    // Every grid rank splits; the members of one group then gather.
    std::vector<std::vector<int64_t>> locals(group.size);
    std::vector<Shape> localShapes(group.size);
    for (int64_t r = 0; r < group.size; ++r) {
      Resolved res = resolved(split, global, r);
      std::vector<int64_t> ref =
          referencePart(dist, n, group.outerSize, group.innerSize, r);
      ASSERT_EQ(res.outShape[1], static_cast<int64_t>(ref.size()));
      locals[r].assign(numElements(res.outShape), -1);
      for (const CopyStep &step :
           planSplit(res, denseStrides(global), denseStrides(res.outShape)))
        copyStep(data, locals[r], step);
      // Element (a, j, c) of the local tensor is global (a, ref[j], c).
      forEach(res.outShape, [&](const Shape &idx) {
        Shape g = {idx[0], ref[idx[1]], idx[2]};
        EXPECT_EQ(locals[r][offsetIn(denseBlock(res.outShape), idx)],
                  offsetIn(denseBlock(global), g));
      });
      localShapes[r] = res.outShape;
      Result<Shape> inferred = inferShape(split, global);
      ASSERT_TRUE(inferred) << inferred.error();
      EXPECT_EQ((*inferred)[1],
                res.scatterMap.isUniform() ? res.outShape[1] : kDynamic);
    }
    for (int64_t r = 0; r < group.size; ++r) {
      Resolved res = resolved(gather, localShapes[r], r);
      ASSERT_EQ(res.outShape, global);
      GatherPlan plan =
          planGather(res, denseStrides(localShapes[r]), denseStrides(global));
      std::vector<int64_t> out(data.size(), -1);
      for (int64_t q = 0; q < group.size; ++q) {
        EXPECT_EQ(plan.recvCounts[q], numElements(localShapes[q]));
        for (const CopyStep &step : plan.unpack[q])
          copyStep(locals[q], out, step);
      }
      EXPECT_EQ(out, data);
      // The direct path: every member writes its pieces into r's output.
      std::vector<int64_t> pushed(data.size(), -1);
      Shape colMajor = columnMajorStrides(global);
      for (int64_t q = 0; q < group.size; ++q) {
        Resolved peer = resolved(gather, localShapes[q], q);
        EXPECT_EQ(peerOutputShape(peer, r), global);
        Result<std::vector<CopyStep>> steps =
            planPush(peer, denseStrides(localShapes[q]), r, colMajor);
        ASSERT_TRUE(steps) << steps.error();
        for (const CopyStep &step : *steps)
          copyStep(locals[q], pushed, step);
      }
      forEach(global, [&](const Shape &idx) {
        EXPECT_EQ(pushed[offsetIn({0, global, colMajor}, idx)],
                  data[offsetIn(denseBlock(global), idx)]);
      });
    }
    // The adjoint of the split is this gather, and of the gather the split.
    Result<Op> adj = adjointOp(split, global, 0, GradScale::Up);
    ASSERT_TRUE(adj) << adj.error();
    EXPECT_EQ(encodeOp(*adj), [&] {
      Op g = gather;
      g.scale = GradScale::Up;
      return encodeOp(g);
    }());
  }
}

TEST(Resolver, GroupRankFollowsListedAxisOrder) {
  // On a 2x3 grid, group ["b", "a"] = axes {1, 0}: rank (a, b) has group
  // rank b * 2 + a, and holds that piece of the split.
  Op op = splitOp({1, 0}, 0);
  op.gridShape = {2, 3};
  Grid grid{{2, 3}};
  for (int64_t rank = 0; rank < 6; ++rank) {
    Shape c = grid.coords(rank);
    int64_t groupRank = grid.groupRank(rank, {1, 0});
    EXPECT_EQ(groupRank, c[1] * 2 + c[0]);
    Resolved res = resolved(op, {12}, groupRank);
    EXPECT_EQ(res.scatterMap.pieces[groupRank], (Pieces{{2 * groupRank, 2}}));
  }
}

TEST(Resolver, InferShapeMarksRankDependentAndDynamicDims) {
  Op a2a = allToAllOp({0}, 2, 1);
  a2a.gridShape = {4};
  EXPECT_EQ(*inferShape(a2a, {2, 3, 8, 5}), (Shape{2, 12, 2, 5}));
  EXPECT_EQ(*inferShape(a2a, {2, kDynamic, 6, 5}),
            (Shape{2, kDynamic, kDynamic, 5}));
  Op uneven = allToAllOp({0}, 2, 1, {}, {}, 10);
  uneven.gridShape = {4};
  EXPECT_EQ(*inferShape(uneven, {2, kDynamic, 6, 5}),
            (Shape{2, 10, kDynamic, 5}));
  EXPECT_EQ(inferShape(uneven, {2, 3, 6, 5}).error(),
            "input dim 1 has static size 3 but the ranks hold [3, 3, 2, 2], "
            "so it must be dynamic");
  Op runtime = uneven;
  runtime.gather.dist.length = kRuntimeLength;
  EXPECT_EQ(*inferShape(runtime, {2, 3, 8, 5}), (Shape{2, kDynamic, 2, 5}));
  Op sizes = splitOp({0}, 0, {2, 2, 2, 2});
  sizes.gridShape = {4};
  EXPECT_EQ(*inferShape(sizes, {kDynamic}), (Shape{2}));
  Op hybrid = hybridGatherOp({0}, {1}, 0);
  hybrid.gridShape = {2, 3};
  EXPECT_EQ(*inferShape(hybrid, {4}), (Shape{24}));
  EXPECT_EQ(inferShape(hybrid, {1}).error(),
            "dim 0: input size 1 gathers to 6: zigzag length 6 is not a "
            "multiple of 2 * 2 = 4");
  EXPECT_EQ(inferShape(hybrid, {int64_t(1) << 62, kDynamic}).error(),
            "the input shape [4611686018427387904, ?] has more than 2^59 "
            "elements");
  // A ring of one rank is disabled.
  Op noRing = hybridSplitOp({0}, {1}, 0);
  noRing.gridShape = {1, 3};
  EXPECT_EQ(*inferShape(noRing, {7}), (Shape{kDynamic}));
  EXPECT_EQ(resolved(noRing, {7}, 0).outShape, (Shape{3}));
}

TEST(Resolver, PieceBalanceTellsTheFormTheShapesProve) {
  Op a2a = allToAllOp({0}, 2, 1);
  a2a.gridShape = {4};
  EXPECT_EQ(*pieceBalance(a2a, {2, 3, 8, 5}), PieceBalance::Equal);
  EXPECT_EQ(*pieceBalance(a2a, {2, 3, 6, 5}), PieceBalance::Unequal);
  EXPECT_EQ(*pieceBalance(a2a, {2, 3, kDynamic, 5}), PieceBalance::Unknown);
  // Every rank's own length, even when not static, is equal by definition.
  Op gather = gatherOp({0}, 0);
  gather.gridShape = {4};
  EXPECT_EQ(*pieceBalance(gather, {kDynamic}), PieceBalance::Equal);
  gather.gather.dist.length = kRuntimeLength;
  EXPECT_EQ(*pieceBalance(gather, {kDynamic}), PieceBalance::Unknown);
  Op sizes = splitOp({0}, 0, {3, 1, 0, 0});
  sizes.gridShape = {4};
  EXPECT_EQ(*pieceBalance(sizes, {kDynamic}), PieceBalance::Unequal);
  EXPECT_EQ(pieceBalance(sizes, {5}).error(),
            "dim 0: sizes [3, 1, 0, 0] sum to 4 but the dim has size 5");
}

TEST(PushPlan, ErrorsNameTheValues) {
  Op split = splitOp({0}, 0);
  split.gridShape = {2};
  Resolved res = resolved(split, {4, 2}, 0);
  EXPECT_EQ(planPush(res, {2, 1}, 1, {2, 1}).error(),
            "a split moves nothing between ranks");
  Op op = allToAllOp({0}, 0, 1);
  op.gridShape = {2};
  Resolved a2a = resolved(op, {4, 3}, 1);
  EXPECT_EQ(planPush(a2a, {3, 1}, 2, {6, 1}).error(),
            "peer 2 is out of range for a group of 2 ranks");
  EXPECT_EQ(planPush(a2a, {3, 1}, 0, {1}).error(),
            "the strides [3, 1] and [1] do not match the shapes [4, 3] and "
            "[2, 6]");
}

TEST(Resolver, ErrorsNameTheValues) {
  auto error = [](Op op, const Shape &in, int64_t rank = 0) {
    return resolve(op, in, rank).error();
  };
  Op split = splitOp({0}, 1);
  split.gridShape = {2};
  EXPECT_EQ(error(split, {4, 4}, 2),
            "group rank 2 is out of range for a group of 2 ranks");
  EXPECT_EQ(error(split, {4}), "dim 1 is out of range for a tensor of rank 1");
  EXPECT_EQ(error(split, {1, 2, 3, 4, 5, 6, 7}),
            "the input has rank 7 but ranks 1 to 6 are supported");
  EXPECT_EQ(error(split, {int64_t(1) << 62, 4}),
            "the input shape [4611686018427387904, 4] has more than 2^59 "
            "elements");
  Op gather = gatherOp({0}, 0, {int64_t(1) << 62, int64_t(1) << 62});
  gather.gridShape = {2};
  EXPECT_EQ(error(gather, {int64_t(1) << 58}),
            "dim 0: sizes [4611686018427387904, 4611686018427387904] overflow "
            "int64 when summed");
  Op times = gatherOp({0}, 0);
  times.gridShape = {64};
  EXPECT_EQ(error(times, {int64_t(1) << 58}),
            "dim 0: size 288230376151711744 times 64 ranks overflows int64");
  times.gridShape = {4};
  EXPECT_EQ(error(times, {int64_t(1) << 58}),
            "the output shape [1152921504606846976] has more than 2^59 "
            "elements");
  Op bigGrid = splitOp({0}, 0);
  bigGrid.gridShape = {3, 6148914691236517206};
  EXPECT_EQ(error(bigGrid, {4}), "grid [3, 6148914691236517206] has more "
                                 "than 2147483647 ranks");
  bigGrid.gridShape = Shape(17, 1);
  EXPECT_EQ(error(bigGrid, {4}),
            "grid [1, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, 1, 1, 1, 1, 1, 1] (17 "
            "entries) has 17 axes but 1 to 16 are supported");
  Op packed = packedGatherOp({0}, 0, {5, -4});
  packed.gridShape = {2};
  EXPECT_EQ(error(packed, {1}),
            "dim 0: sequence lengths [5, -4] contain a negative length -4");
  Op a2a = allToAllOp({0}, 1, 1);
  a2a.gridShape = {2};
  EXPECT_EQ(error(a2a, {4, 4}), "scatter dim and gather dim are both 1");
  a2a = allToAllOp({0}, 0, 1, {}, {3, 1});
  a2a.gridShape = {2};
  EXPECT_EQ(error(a2a, {4, 2}, 0),
            "input dim 1 has size 2 on rank 0 but its piece of 4 by explicit "
            "sizes over 2 ranks is 3 (pieces [3, 1])");
  a2a.scale = GradScale::Up;
  EXPECT_EQ(error(a2a, {4, 3}),
            "an all_to_all takes no gradient scale (its adjoint is an "
            "all_to_all)");
  Op zigzagA2a = allToAllOp({0}, 0, 1);
  zigzagA2a.gridShape = {2};
  zigzagA2a.scatter.dist.kind = DistKind::Zigzag;
  EXPECT_EQ(error(zigzagA2a, {4, 2}),
            "scatter dim 0: an all_to_all distributes its dims by the split "
            "rule, explicit sizes or replicated blocks, not by zigzag");
  Op runtimeSizes = allToAllOp({0}, 0, 1);
  runtimeSizes.gridShape = {2};
  runtimeSizes.gather.dist.kind = DistKind::Sizes;
  EXPECT_EQ(error(runtimeSizes, {4, 2}),
            "gather dim 1: the sizes are given at run time but none were "
            "passed");
}

TEST(Resolver, BuildersKeepInvalidLengthsForTheChecks) {
  Op gather = gatherOp({0}, 0, {}, -5);
  gather.gridShape = {2};
  EXPECT_EQ(resolve(gather, {3}, 0).error(), "dim 0: invalid length -5");
  // Explicit sizes take no inner axes, whatever the inner axes' size.
  for (Shape grid : {Shape{2, 1}, Shape{1, 2}}) {
    Op split = splitOp({0, 1}, 0, {2, 2});
    split.scatter.dist.innerAxes = 1;
    split.gridShape = grid;
    EXPECT_EQ(resolve(split, {4}, 0).error(),
              "dim 0: explicit sizes give every rank its piece and take no "
              "inner axes");
  }
}

TEST(Resolver, InvalidCodesAreErrors) {
  Op op = splitOp({0}, 0);
  op.gridShape = {2};
  Op badKind = op;
  badKind.kind = static_cast<OpKind>(5);
  EXPECT_EQ(resolve(badKind, {4}, 0).error(), "invalid op kind code 5");
  Op badScale = op;
  badScale.scale = static_cast<GradScale>(-1);
  EXPECT_EQ(resolve(badScale, {4}, 0).error(), "invalid grad scale code -1");
  Op runtimeLength = gatherOp({0}, 0, {}, kRuntimeLength);
  runtimeLength.gridShape = {2};
  EXPECT_EQ(resolve(runtimeLength, {4}, 0).error(),
            "dim 0: the length is given at run time but none was passed");
  // A two-level split rule is a split; hybrid names zigzag or packed rings.
  Op twoLevel = splitOp({0, 1}, 0);
  twoLevel.scatter.dist.innerAxes = 1;
  EXPECT_EQ(opName(twoLevel), "split");
}

TEST(Names, AreTheDialectNames) {
  EXPECT_EQ(opName(allToAllOp({0}, 0, 1)), "all_to_all");
  EXPECT_EQ(opName(splitOp({0}, 0)), "split");
  EXPECT_EQ(opName(gatherOp({0}, 0)), "gather");
  EXPECT_EQ(opName(zigzagSplitOp({0}, 0)), "zigzag_split");
  EXPECT_EQ(opName(zigzagGatherOp({0}, 0)), "zigzag_gather");
  EXPECT_EQ(opName(packedSplitOp({0}, 0, {})), "packed_split");
  EXPECT_EQ(opName(packedGatherOp({0}, 0, {})), "packed_gather");
  EXPECT_EQ(opName(hybridSplitOp({0}, {1}, 0)), "hybrid_split");
  EXPECT_EQ(opName(hybridGatherOp({0}, {1}, 0)), "hybrid_gather");
  EXPECT_EQ(opName(hybridPackedSplitOp({0}, {1}, 0, {})),
            "hybrid_packed_split");
  EXPECT_EQ(opName(hybridPackedGatherOp({0}, {1}, 0, {})),
            "hybrid_packed_gather");
}

TEST(Descriptor, RoundTripsAndFillsRunTimeSlots) {
  Op op = hybridPackedGatherOp({2, 0}, {1}, 3, {5, 4}, GradScale::Down);
  op.gridShape = {2, 3, 2};
  std::vector<int64_t> words = encodeOp(op);
  Result<Op> back = decodeOp(words.data(), static_cast<int64_t>(words.size()));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(encodeOp(*back), words);

  Op a2a = allToAllOp({1, 0}, 2, 1);
  a2a.gridShape = {2, 2};
  a2a.scatter.dist.kind = DistKind::Sizes; // Given at run time.
  a2a.gather.dist.length = kRuntimeLength;
  words = encodeOp(a2a);
  const int64_t lens[] = {1, 2, 3, 4};
  CallOperands operands;
  operands.scatterValues = lens;
  operands.numScatterValues = 4;
  operands.length = 9;
  back = decodeOp(words.data(), static_cast<int64_t>(words.size()), operands);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->scatter.dist.values, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(back->gather.dist.length, 9);
  EXPECT_EQ(decodeOp(words.data(), static_cast<int64_t>(words.size())).error(),
            "the scatter sizes are given at run time but the call passes none");
  operands.length = -1;
  EXPECT_EQ(decodeOp(words.data(), static_cast<int64_t>(words.size()), operands)
                .error(),
            "the gather length is given at run time but the call passes -1");
  Op plain = allToAllOp({0}, 0, 1);
  plain.gridShape = {2};
  std::vector<int64_t> plainWords = encodeOp(plain);
  CallOperands stray;
  stray.length = 9;
  EXPECT_EQ(decodeOp(plainWords.data(), static_cast<int64_t>(plainWords.size()),
                     stray)
                .error(),
            "the call passes the length 9 but the descriptor does not take "
            "one");
  CallOperands tooMany;
  tooMany.scatterValues = lens;
  tooMany.numScatterValues = kMaxListLength + 1;
  EXPECT_EQ(decodeOp(words.data(), static_cast<int64_t>(words.size()), tooMany)
                .error(),
            "a list of 16777217 entries exceeds the limit of 16777216");
  EXPECT_EQ(decodeOp(words.data(), 3).error(),
            "the descriptor of 2 words ends before its grid shape");
  std::vector<int64_t> badScale = encodeOp(plain);
  badScale[2] = 3;
  EXPECT_EQ(
      decodeOp(badScale.data(), static_cast<int64_t>(badScale.size())).error(),
      "the descriptor's grad scale code 3 is not 0 (none), 1 (up) or 2 "
      "(down)");
  // Truncated, corrupted and padded descriptors are errors, never reads past
  // the end.
  for (int64_t n = 0; n < static_cast<int64_t>(words.size()); ++n)
    EXPECT_FALSE(decodeOp(words.data(), n, operands));
  std::vector<int64_t> bad = encodeOp(op);
  bad[1] = 7;
  EXPECT_EQ(decodeOp(bad.data(), static_cast<int64_t>(bad.size())).error(),
            "the descriptor's op kind code 7 is not one of 0 to 2");
  bad = encodeOp(op);
  bad[3] = int64_t(1) << 40; // The grid's axis count.
  EXPECT_EQ(decodeOp(bad.data(), static_cast<int64_t>(bad.size())).error(),
            "the descriptor's grid shape count 1099511627776 exceeds the 19 "
            "words left");
  bad = encodeOp(op);
  bad.push_back(0);
  EXPECT_EQ(decodeOp(bad.data(), static_cast<int64_t>(bad.size())).error(),
            "the op descriptor has words past its end");

  Shape grid;
  std::vector<int64_t> axes;
  std::vector<int64_t> group = encodeGroup({2, 3}, {1, 0});
  ASSERT_TRUE(decodeGroup(group.data(), static_cast<int64_t>(group.size()),
                          grid, axes));
  EXPECT_EQ(grid, (Shape{2, 3}));
  EXPECT_EQ(axes, (std::vector<int64_t>{1, 0}));
}

TEST(Descriptor, MutatedDescriptorsNeverCrash) {
  // Random words in random slots of valid descriptors, decoded and resolved
  // on random shapes: every outcome is a value or an error message (the
  // sanitizer build checks that nothing reads out of bounds or overflows).
  std::mt19937_64 rng(9);
  const std::vector<Op> ops = {
      allToAllOp({1, 0}, 2, 1, {}, {}, 10), splitOp({0}, 0, {3, 1}),
      hybridPackedGatherOp({0}, {1}, 0, {5, 4}), zigzagGatherOp({1}, 1),
      hybridSplitOp({1}, {0}, 1)};
  const int64_t special[] = {
      0, 1, 2, -1, -2, int64_t(1) << 62, -(int64_t(1) << 62), kDynamic, 3, 17};
  int64_t decoded = 0, resolvedOk = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    Op op = ops[iter % ops.size()];
    op.gridShape = {2, 2};
    std::vector<int64_t> words = encodeOp(op);
    for (int m = 0, n = 1 + rng() % 3; m < n; ++m)
      words[rng() % words.size()] =
          rng() % 2 ? special[rng() % 10] : static_cast<int64_t>(rng() % 9);
    Result<Op> back =
        decodeOp(words.data(), static_cast<int64_t>(words.size()));
    if (!back) {
      EXPECT_FALSE(back.error().empty());
      continue;
    }
    ++decoded;
    Shape in(1 + rng() % 3);
    for (int64_t &d : in)
      d = rng() % 2 ? special[rng() % 10] : static_cast<int64_t>(rng() % 9);
    Result<Resolved> res = resolve(*back, in, rng() % 5);
    Result<Shape> shape = inferShape(*back, in);
    resolvedOk += static_cast<bool>(res);
    if (!res) {
      EXPECT_FALSE(res.error().empty());
    }
    if (!shape) {
      EXPECT_FALSE(shape.error().empty());
    }
  }
  // The mutations leave many descriptors valid, and some resolve.
  EXPECT_GT(decoded, 1000);
  EXPECT_GT(resolvedOk, 10);
}

} // namespace

//===----------------------------------------------------------------------===//
// Replicated blocks (GQA)
//===----------------------------------------------------------------------===//

namespace {

/// The entries of a dim of `n` entries spread over `slots` slots that rank
/// `r` of `p` holds, from the definition: entry h covers the real interval
/// [h/n, (h+1)/n) of [0, 1), slot v covers [v/slots, (v+1)/slots), and a
/// rank holds the entries whose interval overlaps one of its split-rule
/// slots.
std::vector<int64_t> replicatedEntries(int64_t n, int64_t slots, int64_t p,
                                       int64_t r) {
  int64_t a = 0;
  for (int64_t q = 0; q < r; ++q)
    a += calSplitSizes(slots, p)[q];
  int64_t b = a + calSplitSizes(slots, p)[r];
  std::vector<int64_t> out;
  for (int64_t h = 0; h < n; ++h)
    for (int64_t v = a; v < b; ++v)
      if (h * slots < (v + 1) * n && (h + 1) * slots > v * n) {
        out.push_back(h);
        break;
      }
  return out;
}

} // namespace

TEST(ShardMap, ReplicatedBlocksMatchTheDefinition) {
  for (int64_t p = 1; p <= 9; ++p)
    for (int64_t n = 0; n <= 12; ++n)
      for (int64_t slots = 1; slots <= 13; ++slots) {
        ShardMap map = mapOf(DistKind::Replicated, n, p, 1, {slots});
        for (int64_t r = 0; r < p; ++r)
          EXPECT_EQ(indicesOf(map, r), replicatedEntries(n, slots, p, r))
              << "n " << n << " slots " << slots << " p " << p << " r " << r;
      }
  // GQA with fewer KV heads than ranks: repeat_interleave by P / H, split.
  for (int64_t p : {2, 4, 8})
    for (int64_t h = 1; h <= p; h *= 2) {
      ShardMap map = mapOf(DistKind::Replicated, h, p, 1, {p});
      for (int64_t r = 0; r < p; ++r)
        EXPECT_EQ(indicesOf(map, r), std::vector<int64_t>{r / (p / h)});
    }
  // Slots equal to the entries: the split rule.
  EXPECT_EQ(mapOf(DistKind::Replicated, 7, 3, 1, {7}).localSizes(),
            split(7, 3));
  // 32 query heads over 3 ranks (11, 11, 10) use KV heads 0-2, 2-5, 5-7.
  ShardMap gqa = mapOf(DistKind::Replicated, 8, 3, 1, {32});
  EXPECT_EQ(gqa.pieces[0], (Pieces{{0, 3}}));
  EXPECT_EQ(gqa.pieces[1], (Pieces{{2, 4}}));
  EXPECT_EQ(gqa.pieces[2], (Pieces{{5, 3}}));
  EXPECT_FALSE(gqa.tilesExactly());
}

TEST(ShardMap, ReplicatedBlocksErrors) {
  auto error = [](std::vector<int64_t> values, int64_t length,
                  int64_t inner = 0) {
    Distribution dist = replicatedDist(0);
    dist.values = std::move(values);
    dist.innerAxes = inner;
    Result<ShardMap> map =
        shardMap(dist, length, {4, inner ? 2 : 4, inner ? 2 : 1});
    EXPECT_FALSE(map);
    return map.error();
  };
  EXPECT_EQ(error({0}, 4), "the slot count 0 is not positive");
  EXPECT_EQ(error({-3}, 4), "the slot count -3 is not positive");
  EXPECT_EQ(error({}, 4), "replicated blocks take one slot count but got 0 "
                          "values []");
  EXPECT_EQ(error({2, 2}, 4), "replicated blocks take one slot count but got "
                              "2 values [2, 2]");
  EXPECT_EQ(error({4}, 4, 1), "replicated blocks take no inner axes");
  EXPECT_EQ(error({int64_t(1) << 40}, int64_t(1) << 40),
            "1099511627776 slots times the length 1099511627776 overflows "
            "int64");

  // Only an all_to_all moves them, on one dim, and a gather needs a length.
  Op split = splitOp({0}, 1);
  split.gridShape = {4};
  split.scatter.dist = replicatedDist(4);
  EXPECT_EQ(resolve(split, {2, 2}, 0).error(),
            "dim 1: only an all_to_all distributes by replicated blocks, not "
            "a split");
  Op both = allToAllOp({0}, 1, 0);
  both.gridShape = {4};
  both.scatter.dist = replicatedDist(4);
  both.gather.dist = replicatedDist(4, 8);
  EXPECT_EQ(resolve(both, {2, 2}, 0).error(),
            "an all_to_all replicates its scatter dim or its gather dim, not "
            "both");
  Op gather = allToAllOp({0}, 0, 1);
  gather.gridShape = {4};
  gather.gather.dist = replicatedDist(4);
  EXPECT_EQ(resolve(gather, {8, 1}, 0).error(),
            "gather dim 1: a gather by replicated blocks needs the gathered "
            "length");
}

namespace {

/// Runs `op` on every rank of a simulated group of `p` ranks as the runtime
/// does with the plans (a shared send packed once with the scatter dim
/// first; the reduce steps in order) and returns every rank's output.
std::vector<std::vector<double>>
simulate(const Op &op, const std::vector<Shape> &shapes,
         const std::vector<std::vector<double>> &inputs) {
  auto p = static_cast<int64_t>(shapes.size());
  std::vector<Resolved> res;
  std::vector<AllToAllPlan> plans;
  for (int64_t q = 0; q < p; ++q) {
    res.push_back(resolved(op, shapes[q], q));
    plans.push_back(planAllToAll(res.back(), denseStrides(shapes[q]),
                                 denseStrides(res.back().outShape)));
  }
  auto copyBox = [](const std::vector<double> &src, const StridedBlock &from,
                    std::vector<double> &dst, const StridedBlock &to,
                    bool add) {
    EXPECT_EQ(from.shape, to.shape);
    forEach(from.shape, [&](const Shape &idx) {
      double v = src[offsetIn(from, idx)];
      double &d = dst[offsetIn(to, idx)];
      d = add ? d + v : v;
    });
  };
  // The messages: message[q][r] is what q sends r, dense in wire order.
  std::vector<std::vector<std::vector<double>>> message(
      p, std::vector<std::vector<double>>(p));
  for (int64_t q = 0; q < p; ++q) {
    const AllToAllPlan &plan = plans[q];
    std::vector<double> packed;
    if (plan.sendShared) {
      packed.resize(numElements(plan.sendAll.shape));
      copyBox(inputs[q], plan.sendAll, packed, denseBlock(plan.sendAll.shape),
              false);
    }
    for (int64_t r = 0; r < p; ++r) {
      std::vector<double> &m = message[q][r];
      m.resize(plan.sendCounts[r]);
      if (plan.sendShared) {
        EXPECT_LE(plan.sendDispls[r] + plan.sendCounts[r],
                  static_cast<int64_t>(packed.size()));
        std::copy(packed.begin() + plan.sendDispls[r],
                  packed.begin() + plan.sendDispls[r] + plan.sendCounts[r],
                  m.begin());
      } else {
        copyBox(inputs[q], plan.send[r], m, denseBlock(plan.send[r].shape),
                false);
      }
    }
  }
  std::vector<std::vector<double>> outs(p);
  for (int64_t r = 0; r < p; ++r) {
    const AllToAllPlan &plan = plans[r];
    outs[r].assign(numElements(res[r].outShape), -1.0);
    for (int64_t q = 0; q < p; ++q)
      EXPECT_EQ(plans[q].sendCounts[r], plan.recvCounts[q]);
    if (plan.reduce.empty()) {
      for (int64_t q = 0; q < p; ++q)
        copyBox(message[q][r], denseBlock(plan.recv[q].shape), outs[r],
                plan.recv[q], false);
      continue;
    }
    for (const ReduceStep &step : plan.reduce) {
      // This rank's own data is read from its input, with its offsets.
      if (step.peer == r)
        copyBox(inputs[r], step.src, outs[r], step.dst, step.accumulate);
      else
        copyBox(message[step.peer][r], step.src, outs[r], step.dst,
                step.accumulate);
    }
  }
  // The direct path fills the same outputs, except where blocks are summed.
  const bool summed = op.gather.dist.kind == DistKind::Replicated;
  for (int64_t r = 0; r < p; ++r) {
    std::vector<double> pushed(outs[r].size(), -1.0);
    for (int64_t q = 0; q < p; ++q) {
      Result<std::vector<CopyStep>> steps = planPush(
          res[q], denseStrides(shapes[q]), r, denseStrides(res[r].outShape));
      if (summed) {
        EXPECT_EQ(steps.error(),
                  "a replicated gather dim sums its blocks; it is not pushed");
        continue;
      }
      EXPECT_TRUE(steps) << steps.error();
      if (steps)
        for (const CopyStep &step : *steps)
          copyBox(inputs[q], step.src, pushed, step.dst, false);
    }
    if (!summed) {
      EXPECT_EQ(pushed, outs[r]);
    }
  }
  return outs;
}

} // namespace

TEST(AllToAllPlan, ReplicatedScatterAndItsAdjointMatchTheDefinition) {
  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 300; ++iter) {
    int64_t rank = 2 + rng() % 3, p = 1 + rng() % 8;
    Shape base(rank);
    for (int64_t &d : base)
      d = 1 + rng() % 3;
    int64_t s = rng() % rank, g = rng() % rank;
    if (s == g)
      g = (s + 1) % rank;
    int64_t heads = rng() % 9, slots = 1 + rng() % 12;
    std::vector<int64_t> gatherSizes = split(rng() % 9, p);
    Op op = allToAllOp({0}, s, g, {}, gatherSizes);
    op.scatter.dist = replicatedDist(slots);
    op.gridShape = {p};
    std::vector<Shape> shapes(p, base);
    std::vector<std::vector<double>> inputs(p);
    for (int64_t q = 0; q < p; ++q) {
      shapes[q][s] = heads;
      shapes[q][g] = gatherSizes[q];
      inputs[q].resize(numElements(shapes[q]));
      for (double &x : inputs[q])
        x = double(rng() % 1000);
    }
    std::vector<std::vector<double>> outs = simulate(op, shapes, inputs);
    // Forward: rank r holds its entries of the scatter dim, every rank's
    // gather piece in rank order.
    std::vector<int64_t> gOff = offsetsOf(gatherSizes);
    std::vector<Shape> outShapes(p);
    for (int64_t r = 0; r < p; ++r) {
      std::vector<int64_t> entries = replicatedEntries(heads, slots, p, r);
      Shape outShape = base;
      outShape[s] = static_cast<int64_t>(entries.size());
      outShape[g] = sum(gatherSizes);
      outShapes[r] = outShape;
      ASSERT_EQ(static_cast<int64_t>(outs[r].size()), numElements(outShape));
      forEach(outShape, [&](const Shape &idx) {
        int64_t q = 0;
        while (idx[g] >= gOff[q] + gatherSizes[q])
          ++q;
        Shape srcIdx = idx;
        srcIdx[g] -= gOff[q];
        srcIdx[s] = entries[idx[s]];
        EXPECT_EQ(outs[r][offsetIn(denseBlock(outShape), idx)],
                  inputs[q][offsetIn(denseBlock(shapes[q]), srcIdx)])
            << "iter " << iter;
      });
    }
    // The adjoint sums every copy of an entry back, in rank order.
    Result<Op> adj = adjointOp(op, shapes[0], 0, GradScale::None);
    ASSERT_TRUE(adj) << adj.error();
    EXPECT_EQ(adj->gather.dist.kind, DistKind::Replicated);
    EXPECT_EQ(adj->gather.dist.length, heads);
    std::vector<std::vector<double>> back = simulate(*adj, outShapes, outs);
    for (int64_t q = 0; q < p; ++q) {
      ASSERT_EQ(back[q].size(), inputs[q].size());
      forEach(shapes[q], [&](const Shape &idx) {
        int64_t copies = 0;
        for (int64_t r = 0; r < p; ++r) {
          std::vector<int64_t> e = replicatedEntries(heads, slots, p, r);
          copies += std::count(e.begin(), e.end(), idx[s]);
        }
        double x = inputs[q][offsetIn(denseBlock(shapes[q]), idx)];
        EXPECT_EQ(back[q][offsetIn(denseBlock(shapes[q]), idx)],
                  double(copies) * x)
            << "iter " << iter;
      });
    }
  }
}

TEST(AllToAllPlan, ReplicatedScatterReadsEachEntryOnce) {
  // 2 heads on 4 ranks: the input is packed once and each peer's range
  // points into it; two peers share each head.
  Op op = allToAllOp({0}, 2, 1);
  op.scatter.dist = replicatedDist(4);
  op.gridShape = {4};
  AllToAllPlan plan =
      planAllToAll(resolved(op, {1, 3, 2, 5}, 1), denseStrides({1, 3, 2, 5}),
                   denseStrides({1, 12, 1, 5}));
  EXPECT_TRUE(plan.sendShared);
  EXPECT_EQ(plan.sendAll.shape, (Shape{2, 1, 3, 5}));
  EXPECT_EQ(plan.sendDispls, (std::vector<int64_t>{0, 0, 15, 15}));
  EXPECT_EQ(plan.sendCounts, (std::vector<int64_t>{15, 15, 15, 15}));
  EXPECT_TRUE(plan.reduce.empty());
}
