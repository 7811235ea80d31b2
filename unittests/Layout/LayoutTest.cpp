//===- LayoutTest.cpp - Tests of the shard arithmetic -------------*- C++
//-*-===//
//
// Checks the Layout library against the rules of DESIGN.md written out
// independently here (index vectors that are split and reassembled the way
// the seeds do it), plus randomized tiling properties.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Layout/Layout.h"

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

TEST(SplitRule, RemainderGoesToFirstRanks) {
  EXPECT_EQ(splitSizes(10, 4), (std::vector<int64_t>{3, 3, 2, 2}));
  EXPECT_EQ(splitSizes(8, 4), (std::vector<int64_t>{2, 2, 2, 2}));
  EXPECT_EQ(splitSizes(3, 5), (std::vector<int64_t>{1, 1, 1, 0, 0}));
  EXPECT_EQ(splitSizes(0, 3), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(splitOffset(10, 4, 0), 0);
  EXPECT_EQ(splitOffset(10, 4, 2), 6);
  EXPECT_EQ(splitOffset(10, 4, 4), 10);
  EXPECT_EQ(offsetsOf({3, 3, 2, 2}), (std::vector<int64_t>{0, 3, 6, 8}));
}

TEST(SplitRule, RandomizedAgainstSeedRule) {
  std::mt19937_64 rng(1);
  for (int iter = 0; iter < 2000; ++iter) {
    int64_t p = 1 + rng() % 9, n = rng() % 200;
    std::vector<int64_t> sizes = splitSizes(n, p);
    EXPECT_EQ(sizes, calSplitSizes(n, p));
    EXPECT_EQ(sum(sizes), n);
    EXPECT_LE(sizes.front() - sizes.back(), 1);
    for (int64_t r = 0; r <= p; ++r)
      EXPECT_EQ(splitOffset(n, p, r), r == p ? n : offsetsOf(sizes)[r]);
    EXPECT_TRUE(checkSizes(sizes, n, p).empty());
    EXPECT_TRUE(evenShardMap(n, p).tilesExactly());
    EXPECT_EQ(evenShardMap(n, p).isUniform(), n % p == 0);
  }
}

TEST(Validation, Messages) {
  EXPECT_EQ(checkSizes({1, 2}, 3, 3),
            "expected 3 sizes (one per rank) but got 2 [1, 2]");
  EXPECT_EQ(checkSizes({1, 2, 4}, 6, 3),
            "sizes [1, 2, 4] sum to 7 but the dim has size 6");
  EXPECT_EQ(checkSizes({-1, 2, 5}, 6, 3),
            "sizes [-1, 2, 5] contain a negative size -1");
  EXPECT_EQ(checkZigzag(12, 4), "zigzag length 12 is not a multiple of 2 * 4 "
                                "= 8");
  EXPECT_TRUE(checkZigzag(16, 4).empty());
  EXPECT_EQ(checkSeqLens({3, 4}, 8),
            "sequence lengths [3, 4] sum to 7 but the dim has size 8");
  EXPECT_EQ(checkSeqLens({3, -1}, 2),
            "sequence lengths [3, -1] contain a negative length -1");
  EXPECT_EQ(checkDim(3, 3, "scatter dim"),
            "scatter dim 3 is out of range for a tensor of rank 3");
  EXPECT_EQ(checkDim(-1, 3, "dim"),
            "dim -1 is out of range for a tensor of rank 3");
  EXPECT_TRUE(checkDim(2, 3, "dim").empty());
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
      ShardMap map = zigzagShardMap(n, p);
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
    ShardMap map = packedShardMap(lens, p);
    EXPECT_TRUE(map.tilesExactly());
    std::vector<std::vector<int64_t>> table = packedSizeTable(lens, p);
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
    ShardMap map = hybridShardMap(zigzagShardMap(n, ring), ulysses);
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
    ShardMap map = hybridShardMap(packedShardMap(lens, ring), ulysses);
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
  EXPECT_EQ(grid.checkAxes({0, 3}),
            "axis 3 is out of range for a grid of rank 3");
  EXPECT_EQ(grid.checkAxes({1, 1}), "axis 1 is listed twice in [1, 1]");
  EXPECT_TRUE(grid.checkAxes({2, 1}).empty());
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

/// Runs the all-to-all of `planAllToAll` on every rank of a simulated group,
/// with tensors holding global ids, and checks each output against the rule.
void checkAllToAll(const Shape &base, int64_t s, int64_t g,
                   const std::vector<int64_t> &scatterSizes,
                   const std::vector<int64_t> &gatherSizes) {
  int64_t p = static_cast<int64_t>(scatterSizes.size());
  int64_t rankDim = static_cast<int64_t>(base.size());
  // Rank q's input: shape base with [s] = S and [g] = gatherSizes[q]; element
  // value encodes (q, multi-index) so that every element is unique.
  auto inShape = [&](int64_t q) {
    Shape sh = base;
    sh[s] = sum(scatterSizes);
    sh[g] = gatherSizes[q];
    return sh;
  };
  auto encode = [&](int64_t q, const Shape &idx) {
    int64_t v = q;
    for (int64_t d = 0; d < rankDim; ++d)
      v = v * 1000 + idx[d];
    return v;
  };
  auto forEach = [](const Shape &shape, auto fn) {
    Shape idx(shape.size(), 0);
    int64_t n = numElements(shape);
    for (int64_t e = 0; e < n; ++e) {
      fn(idx);
      for (size_t d = shape.size(); d-- > 0;) {
        if (++idx[d] < shape[d])
          break;
        idx[d] = 0;
      }
    }
  };
  auto read = [](const std::vector<int64_t> &buf, const StridedBlock &b,
                 const Shape &idx) {
    int64_t off = b.offset;
    for (size_t d = 0; d < idx.size(); ++d)
      off += idx[d] * b.strides[d];
    return buf[off];
  };
  std::vector<std::vector<int64_t>> inputs(p);
  std::vector<AllToAllPlan> plans;
  for (int64_t q = 0; q < p; ++q) {
    Shape sh = inShape(q);
    inputs[q].resize(numElements(sh));
    StridedBlock all = denseBlock(sh);
    forEach(sh, [&](const Shape &idx) {
      int64_t off = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        off += idx[d] * all.strides[d];
      inputs[q][off] = encode(q, idx);
    });
    plans.push_back(
        planAllToAll(sh, denseStrides(sh), s, g, scatterSizes, gatherSizes, q));
  }
  for (int64_t r = 0; r < p; ++r) {
    const AllToAllPlan &plan = plans[r];
    std::vector<int64_t> out(numElements(plan.outShape), -1);
    for (int64_t q = 0; q < p; ++q) {
      // Peer q packs its block for r in row-major order; r unpacks it.
      const StridedBlock &src = plans[q].send[r];
      const StridedBlock &dst = plan.recv[q];
      ASSERT_EQ(src.shape, dst.shape);
      EXPECT_EQ(plans[q].sendCounts[r], plan.recvCounts[q]);
      forEach(src.shape, [&](const Shape &idx) {
        int64_t off = dst.offset;
        for (size_t d = 0; d < idx.size(); ++d)
          off += idx[d] * dst.strides[d];
        out[off] = read(inputs[q], src, idx);
      });
    }
    // The rule: out[.., j along g, .., i along s, ..] comes from rank q with
    // j in q's gather piece, at scatter index offset(S)[r] + i.
    std::vector<int64_t> gOff = offsetsOf(gatherSizes);
    int64_t sOff = offsetsOf(scatterSizes)[r];
    StridedBlock outBlock = denseBlock(plan.outShape);
    forEach(plan.outShape, [&](const Shape &idx) {
      int64_t q = 0;
      while (idx[g] >= gOff[q] + gatherSizes[q])
        ++q;
      Shape srcIdx = idx;
      srcIdx[g] -= gOff[q];
      srcIdx[s] += sOff;
      EXPECT_EQ(read(out, outBlock, idx), encode(q, srcIdx));
    });
  }
}

TEST(AllToAllPlan, RandomizedAgainstRule) {
  std::mt19937_64 rng(6);
  for (int iter = 0; iter < 400; ++iter) {
    int64_t rank = 1 + rng() % 4, p = 1 + rng() % 5;
    Shape base(rank);
    for (int64_t &d : base)
      d = 1 + rng() % 3;
    if (rank == 1)
      continue; // Needs two distinct dims.
    int64_t s = rng() % rank, g = rng() % rank;
    if (s == g)
      g = (s + 1) % rank;
    std::vector<int64_t> scatterSizes = splitSizes(rng() % 9, p);
    std::vector<int64_t> gatherSizes(p);
    if (rng() % 2)
      gatherSizes = splitSizes(rng() % 9, p);
    else
      for (int64_t &x : gatherSizes)
        x = rng() % 4; // Variable per-rank lengths.
    checkAllToAll(base, s, g, scatterSizes, gatherSizes);
  }
}

TEST(AllToAllPlan, AlignedHasEqualCounts) {
  AllToAllPlan plan = planAllToAll({8, 6, 2}, denseStrides({8, 6, 2}), 1, 0,
                                   splitSizes(6, 2), splitSizes(16, 2), 0);
  EXPECT_TRUE(plan.equalCounts());
  EXPECT_EQ(plan.outShape, (Shape{16, 3, 2}));
  AllToAllPlan unaligned =
      planAllToAll({8, 5, 2}, denseStrides({8, 5, 2}), 1, 0, splitSizes(5, 2),
                   splitSizes(16, 2), 0);
  EXPECT_FALSE(unaligned.equalCounts());
  EXPECT_EQ(unaligned.sendCounts, (std::vector<int64_t>{48, 32}));
  // Scatter dim 0: each peer's block is one contiguous run of the input.
  AllToAllPlan outer = planAllToAll({6, 4}, denseStrides({6, 4}), 0, 1,
                                    splitSizes(6, 3), splitSizes(12, 3), 1);
  for (const StridedBlock &b : outer.send)
    EXPECT_TRUE(b.isContiguous());
  EXPECT_FALSE(outer.recv[1].isContiguous());
}

TEST(SplitGatherPlan, RoundTripsEveryMap) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    int64_t p = 1 + rng() % 4;
    Shape shape = {1 + static_cast<int64_t>(rng() % 3), 0,
                   1 + static_cast<int64_t>(rng() % 3)};
    ShardMap map;
    switch (iter % 4) {
    case 0:
      map = evenShardMap(rng() % 11, p);
      break;
    case 1:
      map = zigzagShardMap(2 * p * (rng() % 3), p);
      break;
    case 2:
      map = packedShardMap(
          {static_cast<int64_t>(rng() % 7), static_cast<int64_t>(rng() % 7)},
          p);
      break;
    default:
      map = hybridShardMap(zigzagShardMap(4 * (rng() % 3), 2), p);
      break;
    }
    shape[1] = map.globalSize;
    std::vector<int64_t> global(numElements(shape));
    for (size_t i = 0; i < global.size(); ++i)
      global[i] = static_cast<int64_t>(i);
    auto copy = [](const std::vector<int64_t> &src, std::vector<int64_t> &dst,
                   const CopyStep &step) {
      const Shape &sh = step.src.shape;
      for (int64_t a = 0; a < sh[0]; ++a)
        for (int64_t b = 0; b < sh[1]; ++b)
          for (int64_t c = 0; c < sh[2]; ++c)
            dst[step.dst.offset + a * step.dst.strides[0] +
                b * step.dst.strides[1] + c * step.dst.strides[2]] =
                src[step.src.offset + a * step.src.strides[0] +
                    b * step.src.strides[1] + c * step.src.strides[2]];
    };
    // Split on every rank, concatenate in rank order, gather back.
    std::vector<int64_t> recv;
    for (int64_t r = 0; r < map.numRanks(); ++r) {
      Shape local = shape;
      local[1] = map.localSize(r);
      std::vector<int64_t> part(numElements(local), -1);
      for (const CopyStep &step :
           planSplit(shape, denseStrides(shape), 1, map, r))
        copy(global, part, step);
      recv.insert(recv.end(), part.begin(), part.end());
    }
    GatherPlan plan = planGather(shape, 1, map);
    EXPECT_EQ(sum(plan.recvCounts), static_cast<int64_t>(recv.size()));
    std::vector<int64_t> back(global.size(), -1);
    for (const CopyStep &step : plan.unpack)
      copy(recv, back, step);
    EXPECT_EQ(back, global);
  }
}

} // namespace
