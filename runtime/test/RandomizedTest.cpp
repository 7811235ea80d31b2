//===- RandomizedTest.cpp - Runtime vs a global-view reference ------------===//
//
// Run under mpirun with the grid as arguments:
//   seqpar-runtime-randomized <cases> <seed> <axis size>...
// Every case is drawn from a generator seeded by (seed, case), identically on
// every rank. Each rank rebuilds every group member's input in this process,
// computes its own expected output with naive loops straight from the rules
// of DESIGN.md (not with Layout), runs the op, and compares bit for bit,
// including the untouched padding of the output view.
//
// Ops: all_to_all (aligned, unaligned, explicit scatter sizes, gather_size,
// variable lengths exchanged once and reused by the adjoint, a replicated
// scatter dim (GQA) and its adjoint that sums the copies), split and
// gather in every distribution (split rule, explicit sizes, zigzag, packed)
// and two-level (hybrid: zigzag, packed or the split rule over the leading
// axes, the split rule over the last ones; a leading group of one rank is a
// disabled ring: no zigzag, any length), forward and adjoint with every grad
// scale, every element type, ranks 1 to 6, permuted and padded views. Groups
// are random ordered subsets of the grid's axes (every order), on the
// default grid or on another grid of the same world named by the op; check
// mode on and off; through the C++ API and through the C ABI (descriptors
// from layout::encodeOp, with sizes and lengths left to run time as the
// conversion leaves them, and the output shape from seqpar_rt_output_shape).
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <tuple>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

Shape worldGrid;
int64_t worldRank = 0, worldSize = 1;

//===----------------------------------------------------------------------===//
// The rules, written naively
//===----------------------------------------------------------------------===//

Shape ruleSizes(int64_t n, int64_t parts) {
  // Deal the elements out one at a time, rank 0 first: the first n % parts
  // ranks end up with one more.
  Shape s(parts, 0);
  for (int64_t i = 0; i < n; ++i)
    s[i % parts] += 1;
  return s;
}

Shape prefix(const Shape &sizes) {
  Shape off(sizes.size(), 0);
  for (size_t i = 1; i < sizes.size(); ++i)
    off[i] = off[i - 1] + sizes[i - 1];
  return off;
}

int64_t total(const Shape &v) {
  int64_t s = 0;
  for (int64_t x : v)
    s += x;
  return s;
}

/// Coordinates of rank `w` on `grid`, row-major (last axis fastest).
Shape coordsOf(int64_t w, const Shape &grid) {
  Shape c(grid.size());
  for (size_t a = grid.size(); a-- > 0;) {
    c[a] = w % grid[a];
    w /= grid[a];
  }
  return c;
}

/// Group of `axes` of `grid` containing world rank `w`: members in group-rank
/// order (the listed axes' coordinates, row-major in the listed order).
Shape groupOf(int64_t w, const Shape &grid, const Shape &axes) {
  Shape mine = coordsOf(w, grid);
  std::map<int64_t, int64_t> byRank;
  for (int64_t v = 0; v < worldSize; ++v) {
    Shape c = coordsOf(v, grid);
    bool same = true;
    for (size_t a = 0; a < grid.size(); ++a)
      if (std::find(axes.begin(), axes.end(), int64_t(a)) == axes.end() &&
          c[a] != mine[a])
        same = false;
    if (!same)
      continue;
    int64_t key = 0;
    for (int64_t a : axes)
      key = key * grid[a] + c[a];
    byRank[key] = v;
  }
  Shape members;
  for (auto &kv : byRank)
    members.push_back(kv.second);
  return members;
}

int64_t sizeOf(const Shape &grid, const Shape &axes) {
  int64_t p = 1;
  for (int64_t a : axes)
    p *= grid[a];
  return p;
}

/// Global indices along the moved dim held by each group rank, in local
/// order: `kind` over `outer` ranks, then the split rule over `inner` ranks
/// of every outer rank's piece (group rank = outer rank * inner + inner
/// rank).
std::vector<Shape> pieceLists(DistKind kind, int64_t n, const Shape &list,
                              int64_t outer, int64_t inner) {
  std::vector<Shape> ring(outer);
  auto run = [](Shape &to, int64_t start, int64_t len) {
    for (int64_t j = 0; j < len; ++j)
      to.push_back(start + j);
  };
  if (kind == DistKind::Even || kind == DistKind::Sizes) {
    Shape sizes = kind == DistKind::Even ? ruleSizes(n, outer) : list;
    Shape off = prefix(sizes);
    for (int64_t q = 0; q < outer; ++q)
      run(ring[q], off[q], sizes[q]);
  } else if (kind == DistKind::Zigzag) {
    if (outer == 1) { // A disabled ring keeps everything in order.
      run(ring[0], 0, n);
    } else {
      int64_t c = n / (2 * outer);
      for (int64_t q = 0; q < outer; ++q) {
        run(ring[q], q * c, c);
        run(ring[q], (2 * outer - 1 - q) * c, c);
      }
    }
  } else {
    int64_t start = 0;
    for (int64_t len : list) {
      Shape sz = ruleSizes(len, outer), off = prefix(sz);
      for (int64_t q = 0; q < outer; ++q)
        run(ring[q], start + off[q], sz[q]);
      start += len;
    }
  }
  if (inner == 1)
    return ring;
  std::vector<Shape> out(outer * inner);
  for (int64_t o = 0; o < outer; ++o) {
    Shape sz = ruleSizes(int64_t(ring[o].size()), inner), off = prefix(sz);
    for (int64_t u = 0; u < inner; ++u)
      for (int64_t j = 0; j < sz[u]; ++j)
        out[o * inner + u].push_back(ring[o][off[u] + j]);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Cases
//===----------------------------------------------------------------------===//

struct Rng {
  std::mt19937_64 g;
  int64_t in(int64_t lo, int64_t hi) {
    return lo + int64_t(g() % uint64_t(hi - lo + 1));
  }
  bool coin(int pct) { return int64_t(g() % 100) < pct; }
};

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);
  h ^= h >> 29;
  return h * 0xbf58476d1ce4e5b9ull;
}

struct Expected {
  std::vector<uint8_t> bytes; ///< Dense row-major.
  Shape shape;
};

class Runner {
public:
  Runner(Runtime &rt, uint64_t seed) : rt_(rt), seed_(seed) {}

  int failures = 0;
  int64_t allocatedOutputs = 0;
  std::map<std::string, int> counts;
  /// (tensor rank, dim, gather dim or -1) of every case: all-to-all dim
  /// pairs and split/gather dims seen.
  std::set<std::tuple<int64_t, int64_t, int64_t>> dimCombos;
  /// Every ordered group seen, as (grid, axes).
  std::set<std::pair<Shape, Shape>> groupsSeen;

  void runCase(int64_t index) {
    Rng rng{std::mt19937_64(mix(seed_, uint64_t(index)))};
    caseSeed_ = mix(seed_ ^ 0x5eed, uint64_t(index));
    type_ = DType(rng.in(0, SEQPAR_NUM_DTYPES - 1));
    rt_.setCheckMode(rng.coin(20));
    useCApi_ = rng.coin(30);
    pickGrid(rng);
    int kind = int(rng.in(0, 11));
    if (kind <= 3)
      allToAllCase(rng, kind == 3);
    else if (kind >= 10)
      replicatedCase(rng);
    else
      splitGatherCase(rng);
  }

private:
  /// The grid of the case's op: mostly the default, sometimes another grid
  /// over the same world (the op then names it).
  void pickGrid(Rng &rng) {
    grid_ = worldGrid;
    namedGrid_ = rng.coin(30);
    if (rng.coin(20)) {
      switch (rng.in(0, 2)) {
      case 0:
        grid_ = {worldSize};
        break;
      case 1:
        grid_ = {1, worldSize};
        break;
      default:
        grid_ = Shape(worldGrid.rbegin(), worldGrid.rend());
        break;
      }
      namedGrid_ = grid_ != worldGrid || namedGrid_;
    }
  }

  /// A random ordered subset of at least `least` of the grid's axes.
  Shape pickAxes(Rng &rng, int64_t least = 1) {
    Shape all(grid_.size());
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng.g);
    int64_t n = rng.in(least, int64_t(all.size()));
    return Shape(all.begin(), all.begin() + n);
  }

  Op named(Op op) const {
    if (namedGrid_)
      op.gridShape = grid_;
    return op;
  }

  //===--------------------------------------------------------------------===//
  // All-to-all
  //===--------------------------------------------------------------------===//

  void allToAllCase(Rng &rng, bool variable) {
    Shape axes = pickAxes(rng);
    Shape members = groupOf(worldRank, grid_, axes);
    int64_t P = int64_t(members.size());
    int64_t me =
        std::find(members.begin(), members.end(), worldRank) - members.begin();
    int64_t rank = rng.in(2, 6);
    int64_t s = rng.in(0, rank - 1), g = rng.in(0, rank - 2);
    if (g >= s)
      ++g;
    Shape base(rank);
    for (auto &d : base)
      d = rng.in(1, rank > 4 ? 2 : 3);
    bool aligned = rng.coin(40);
    int64_t S = aligned ? P * rng.in(0, 3) : rng.in(0, 3 * P + 2);
    Shape scat = ruleSizes(S, P), gath;
    bool explicitScatter = rng.coin(25);
    if (explicitScatter) {
      scat.assign(P, 0);
      for (int64_t i = 0; i < S; ++i)
        scat[rng.in(0, P - 1)]++;
    }
    int64_t N = -1;
    if (variable) {
      for (int64_t q = 0; q < P; ++q)
        gath.push_back(rng.in(0, 4));
    } else if (aligned) {
      gath.assign(P, rng.in(0, 3));
    } else {
      N = rng.in(0, 3 * P + 2);
      gath = ruleSizes(N, P);
    }
    bool adjoint = rng.coin(40);
    dimCombos.insert({rank, s, g});
    groupsSeen.insert({grid_, axes});
    std::string tag =
        std::string("all_to_all") + (variable ? "/variable" : "") +
        (aligned ? "/aligned" : "/unaligned") + (adjoint ? "/adjoint" : "");
    counts[tag]++;

    // Forward op as the user writes it.
    Shape gatherSizes;
    if (variable) {
      Shape exchanged;
      Status st = rt_.exchangeLengths(namedGrid_ ? grid_ : Shape{}, axes,
                                      gath[me], exchanged);
      if (!st || exchanged != gath)
        return fail(tag,
                    "exchangeLengths returned a wrong list: " + st.message());
      gatherSizes = exchanged;
    }
    Op op = named(allToAllOp(axes, s, g, explicitScatter ? scat : Shape{},
                             gatherSizes, N));
    std::vector<Shape> inShapes(P);
    for (int64_t q = 0; q < P; ++q) {
      inShapes[q] = base;
      inShapes[q][s] = S;
      inShapes[q][g] = gath[q];
    }
    int64_t sD = s, gD = g;
    Shape sc = scat, ga = gath;
    if (adjoint) {
      // The gradient of the forward output is the adjoint's input.
      Op adj;
      if (Status st = rt_.adjoint(op, inShapes[me], GradScale::None, adj); !st)
        return fail(tag, "adjoint failed: " + st.message());
      op = adj;
      for (int64_t q = 0; q < P; ++q) {
        inShapes[q][s] = scat[q];
        inShapes[q][g] = total(gath);
      }
      std::swap(sD, gD);
      std::swap(sc, ga);
    }
    std::vector<TestTensor> ins = makeInputs(members, inShapes, false);
    // Expected: concatenation along gD over q of q's slice of sD for me.
    Shape outShape = inShapes[me];
    outShape[sD] = sc[me];
    outShape[gD] = total(ga);
    Shape sOff = prefix(sc), gOff = prefix(ga);
    Expected exp{std::vector<uint8_t>(size_t(product(outShape) * es())),
                 outShape};
    int64_t pos = 0;
    TestTensor::forEachIndex(outShape, [&](const Shape &idx) {
      int64_t q = 0;
      while (idx[gD] >= gOff[q] + ga[q])
        ++q;
      Shape src = idx;
      src[gD] = idx[gD] - gOff[q];
      src[sD] = idx[sD] + sOff[me];
      std::memcpy(&exp.bytes[pos * es()], ins[q].at(src), size_t(es()));
      ++pos;
    });
    execute(tag, op, ins[me], exp, rng);
  }

  //===--------------------------------------------------------------------===//
  // All-to-all with a replicated scatter dim (GQA) and its adjoint
  //===--------------------------------------------------------------------===//

  /// The entries of a dim of `n` spread over `slots` slots that each of `p`
  /// ranks holds: entry h covers [h/n, (h+1)/n) of [0, 1), slot v covers
  /// [v/slots, (v+1)/slots), and a rank holds the entries overlapping its
  /// split-rule slots.
  static std::vector<Shape> replicatedLists(int64_t n, int64_t slots,
                                            int64_t p) {
    Shape sz = ruleSizes(slots, p), off = prefix(sz);
    std::vector<Shape> out(p);
    for (int64_t q = 0; q < p; ++q)
      for (int64_t h = 0; h < n; ++h)
        for (int64_t v = off[q]; v < off[q] + sz[q]; ++v)
          if (h * slots < (v + 1) * n && (h + 1) * slots > v * n) {
            out[q].push_back(h);
            break;
          }
    return out;
  }

  void replicatedCase(Rng &rng) {
    Shape axes = pickAxes(rng);
    Shape members = groupOf(worldRank, grid_, axes);
    int64_t P = int64_t(members.size());
    int64_t me =
        std::find(members.begin(), members.end(), worldRank) - members.begin();
    int64_t rank = rng.in(2, 5);
    int64_t s = rng.in(0, rank - 1), g = rng.in(0, rank - 2);
    if (g >= s)
      ++g;
    Shape base(rank);
    for (auto &d : base)
      d = rng.in(1, 3);
    // Fewer entries than ranks (GQA's KV heads) most of the time.
    int64_t H = rng.coin(70) ? rng.in(0, P) : rng.in(0, 2 * P + 2);
    int64_t slots =
        rng.coin(50) ? std::max<int64_t>(P, 1) : rng.in(1, 2 * P + 3);
    int64_t N = rng.in(0, 3 * P + 2);
    Shape gath = ruleSizes(N, P), gOff = prefix(gath);
    std::vector<Shape> entries = replicatedLists(H, slots, P);
    bool adjoint = rng.coin(50);
    dimCombos.insert({rank, s, g});
    groupsSeen.insert({grid_, axes});
    std::string tag =
        std::string("all_to_all/replicated") + (adjoint ? "/adjoint" : "");
    counts[tag]++;

    Op op = allToAllOp(axes, s, g, {}, {}, N);
    op.scatter.dist = replicatedDist(slots);
    op = named(op);
    std::vector<Shape> inShapes(P, base);
    for (int64_t q = 0; q < P; ++q) {
      inShapes[q][s] = H;
      inShapes[q][g] = gath[q];
    }
    if (!adjoint) {
      std::vector<TestTensor> ins = makeInputs(members, inShapes, false);
      Shape outShape = base;
      outShape[s] = int64_t(entries[me].size());
      outShape[g] = N;
      Expected exp{std::vector<uint8_t>(size_t(product(outShape) * es())),
                   outShape};
      int64_t pos = 0;
      TestTensor::forEachIndex(outShape, [&](const Shape &idx) {
        int64_t q = 0;
        while (idx[g] >= gOff[q] + gath[q])
          ++q;
        Shape src = idx;
        src[g] -= gOff[q];
        src[s] = entries[me][idx[s]];
        std::memcpy(&exp.bytes[pos * es()], ins[q].at(src), size_t(es()));
        ++pos;
      });
      return execute(tag, op, ins[me], exp, rng);
    }
    // The adjoint: every rank's copies of an entry summed in rank order.
    Op adj;
    if (Status st = rt_.adjoint(op, inShapes[me], GradScale::None, adj); !st)
      return fail(tag, "adjoint failed: " + st.message());
    std::vector<Shape> gradShapes(P, base);
    for (int64_t q = 0; q < P; ++q) {
      gradShapes[q][s] = int64_t(entries[q].size());
      gradShapes[q][g] = N;
    }
    std::vector<TestTensor> ins = makeInputs(members, gradShapes, true);
    Shape outShape = inShapes[me];
    Expected exp{std::vector<uint8_t>(size_t(product(outShape) * es())),
                 outShape};
    int64_t pos = 0;
    TestTensor::forEachIndex(outShape, [&](const Shape &idx) {
      uint8_t *dst = &exp.bytes[pos * es()];
      bool first = true;
      for (int64_t q = 0; q < P; ++q) {
        auto at = std::find(entries[q].begin(), entries[q].end(), idx[s]);
        if (at == entries[q].end())
          continue;
        Shape src = idx;
        src[s] = at - entries[q].begin();
        src[g] += gOff[me];
        if (first)
          std::memcpy(dst, ins[q].at(src), size_t(es()));
        else
          refAdd(type_, ins[q].at(src), dst);
        first = false;
      }
      ++pos;
    });
    execute(tag, adj, ins[me], exp, rng);
  }

  //===--------------------------------------------------------------------===//
  // Split and gather
  //===--------------------------------------------------------------------===//

  void splitGatherCase(Rng &rng) {
    // Even, explicit sizes, zigzag, packed; then two-level ones over at
    // least two axes.
    int flavour = int(rng.in(0, 6));
    bool twoLevel = flavour >= 4 && grid_.size() >= 2;
    if (flavour >= 4 && !twoLevel)
      flavour -= 4;
    DistKind kind = flavour == 0 || flavour == 6   ? DistKind::Even
                    : flavour == 1                 ? DistKind::Sizes
                    : flavour == 2 || flavour == 4 ? DistKind::Zigzag
                                                   : DistKind::Packed;
    Shape axes = pickAxes(rng, twoLevel ? 2 : 1);
    int64_t innerAxes =
        twoLevel ? rng.in(1, int64_t(axes.size()) - 1) : int64_t(0);
    Shape outerAxes(axes.begin(), axes.end() - innerAxes);
    Shape innerList(axes.end() - innerAxes, axes.end());
    Shape members = groupOf(worldRank, grid_, axes);
    int64_t P = int64_t(members.size());
    int64_t me =
        std::find(members.begin(), members.end(), worldRank) - members.begin();
    int64_t R = sizeOf(grid_, outerAxes), U = sizeOf(grid_, innerList);
    int64_t rank = rng.in(1, 6);
    int64_t d = rng.in(0, rank - 1);
    Shape base(rank);
    for (auto &x : base)
      x = rng.in(1, rank > 4 ? 2 : 3);
    // Global length and the list argument. A ring of one rank is disabled:
    // any length.
    int64_t n = 0;
    Shape list;
    if (kind == DistKind::Zigzag) {
      n = R == 1 ? rng.in(0, 7) : 2 * R * rng.in(0, 3);
    } else if (kind == DistKind::Packed) {
      int64_t k = rng.in(0, 4);
      for (int64_t i = 0; i < k; ++i) {
        list.push_back(rng.in(0, 2 * R + 1));
        n += list.back();
      }
    } else {
      n = rng.coin(40) ? P * rng.in(0, 3) : rng.in(0, 3 * P + 2);
      if (kind == DistKind::Sizes) {
        list.assign(P, 0);
        for (int64_t i = 0; i < n; ++i)
          list[rng.in(0, P - 1)]++;
      }
    }
    dimCombos.insert({rank, d, -1});
    groupsSeen.insert({grid_, axes});
    std::vector<Shape> pieces = pieceLists(kind, n, list, R, U);
    bool isSplit = rng.coin(50);
    bool adjoint = rng.coin(50);
    GradScale scale = GradScale::None;
    if (isFloat(type_) && rng.coin(60))
      scale = GradScale(rng.in(1, 2));
    // The op that actually runs: a split (forward split or adjoint of a
    // gather) or a gather (forward gather or adjoint of a split).
    bool runsSplit = isSplit != adjoint;
    Op fwd;
    Shape globalShape = base, fwdIn = base;
    globalShape[d] = n;
    if (isSplit) {
      fwd = makeSplit(kind, axes, outerAxes, innerList, d, list);
      fwdIn = globalShape;
    } else {
      fwd =
          makeGather(kind, axes, outerAxes, innerList, d, list, n, pieces, rng);
      fwdIn[d] = int64_t(pieces[me].size());
    }
    fwd = named(fwd);
    // A two-level split rule keeps the plain op's name: tag it apart.
    std::string tag = opName(fwd) + "/" + distName(kind) +
                      (twoLevel && kind == DistKind::Even ? "-two-level" : "") +
                      (R == 1 && twoLevel ? "/disabled-ring" : "") +
                      (adjoint ? "/adjoint" : "") +
                      (scale != GradScale::None ? "/scaled" : "");
    counts[tag]++;
    Op op = fwd;
    if (adjoint) {
      if (Status st = rt_.adjoint(fwd, fwdIn, scale, op); !st)
        return fail(tag, "adjoint failed: " + st.message());
    } else {
      op.scale = scale;
    }
    std::vector<Shape> inShapes(P, base);
    for (int64_t q = 0; q < P; ++q)
      inShapes[q][d] = runsSplit ? n : int64_t(pieces[q].size());
    bool exact = scale != GradScale::None;
    std::vector<TestTensor> ins = makeInputs(members, inShapes, exact);
    Shape outShape = base;
    outShape[d] = runsSplit ? int64_t(pieces[me].size()) : n;
    Expected exp{std::vector<uint8_t>(size_t(product(outShape) * es())),
                 outShape};
    // Owner of each global index: (group rank, local position).
    std::vector<std::pair<int64_t, int64_t>> owner(size_t(n), {-1, -1});
    for (int64_t q = 0; q < P; ++q)
      for (size_t j = 0; j < pieces[q].size(); ++j)
        owner[size_t(pieces[q][j])] = {q, int64_t(j)};
    int64_t pos = 0;
    TestTensor::forEachIndex(outShape, [&](const Shape &idx) {
      Shape src = idx;
      int64_t q = me;
      if (runsSplit) {
        src[d] = pieces[me][idx[d]];
      } else {
        q = owner[idx[d]].first;
        src[d] = owner[idx[d]].second;
      }
      uint8_t *dst = &exp.bytes[pos * es()];
      if (scale == GradScale::None)
        std::memcpy(dst, ins[q].at(src), size_t(es()));
      else
        refScale(type_, scale, P, ins[q].at(src), dst);
      ++pos;
    });
    execute(tag, op, ins[me], exp, rng);
  }

  static const char *distName(DistKind kind) {
    switch (kind) {
    case DistKind::Even:
      return "even";
    case DistKind::Sizes:
      return "sizes";
    case DistKind::Zigzag:
      return "zigzag";
    default:
      return "packed";
    }
  }

  Op makeSplit(DistKind kind, const Shape &axes, const Shape &outer,
               const Shape &inner, int64_t d, const Shape &list) {
    const bool twoLevel = !inner.empty();
    switch (kind) {
    case DistKind::Even: {
      Op op = splitOp(axes, d);
      op.scatter.dist.innerAxes = int64_t(inner.size());
      return op;
    }
    case DistKind::Sizes:
      return splitOp(axes, d, list);
    case DistKind::Zigzag:
      return twoLevel ? hybridSplitOp(outer, inner, d) : zigzagSplitOp(axes, d);
    default:
      return twoLevel ? hybridPackedSplitOp(outer, inner, d, list)
                      : packedSplitOp(axes, d, list);
    }
  }

  Op makeGather(DistKind kind, const Shape &axes, const Shape &outer,
                const Shape &inner, int64_t d, const Shape &list, int64_t n,
                const std::vector<Shape> &pieces, Rng &rng) {
    const bool twoLevel = !inner.empty();
    bool equal = true;
    for (const Shape &p : pieces)
      equal = equal && p.size() == pieces[0].size();
    // The default length (every rank's piece times P) where it applies.
    int64_t length = equal && rng.coin(50) ? -1 : n;
    switch (kind) {
    case DistKind::Even: {
      Op op = gatherOp(axes, d, {}, twoLevel ? n : length);
      op.gather.dist.innerAxes = int64_t(inner.size());
      return op;
    }
    case DistKind::Sizes:
      return gatherOp(axes, d, list);
    case DistKind::Zigzag:
      return twoLevel ? hybridGatherOp(outer, inner, d, n)
                      : zigzagGatherOp(axes, d, length);
    default:
      return twoLevel ? hybridPackedGatherOp(outer, inner, d, list)
                      : packedGatherOp(axes, d, list);
    }
  }

  //===--------------------------------------------------------------------===//
  // Shared
  //===--------------------------------------------------------------------===//

  int64_t es() const { return elementSize(type_); }

  std::vector<TestTensor> makeInputs(const Shape &members,
                                     const std::vector<Shape> &shapes,
                                     bool exact) {
    std::vector<TestTensor> ins;
    for (size_t q = 0; q < members.size(); ++q) {
      // Seeded by the world rank of the member, so every rank agrees.
      std::mt19937_64 g(mix(caseSeed_, uint64_t(members[q]) + 1));
      TestTensor t = makeTensor(g, type_, shapes[q], g() % 4 != 0);
      fillValues(g, t, exact);
      ins.push_back(std::move(t));
    }
    return ins;
  }

  void execute(const std::string &tag, const Op &op, TestTensor &in,
               const Expected &exp, Rng &rng) {
    std::mt19937_64 g(rng.g());
    TestTensor out = makeTensor(g, type_, exp.shape, g() % 2 == 0);
    std::vector<uint8_t> before = out.backing;
    // Half the outputs in a buffer of the runtime (lowered IR's): peers on
    // this rank's node write into it directly (the direct path).
    const bool allocated = g() % 2 == 0;
    if (allocated) {
      out.external =
          static_cast<uint8_t *>(seqpar_rt_allocate(int64_t(before.size())));
      if (!out.external)
        return fail(tag, std::string("alloc: ") + seqpar_rt_last_error());
      std::memcpy(out.external, before.data(), before.size());
      ++allocatedOutputs;
    }
    Status st = useCApi_ ? runThroughCApi(op, in, out, exp.shape, g)
                         : rt_.run(op, in.ref(), out.ref());
    if (allocated) {
      std::memcpy(out.backing.data(), out.external, before.size());
      if (seqpar_rt_deallocate(out.external) != SEQPAR_RT_OK)
        fail(tag, std::string("free: ") + seqpar_rt_last_error());
      out.external = nullptr;
    }
    if (!st)
      return fail(tag, "the op failed: " + st.message());
    std::vector<bool> cov = out.covered();
    for (size_t e = 0; e < cov.size(); ++e) {
      if (cov[e])
        continue;
      if (std::memcmp(&out.backing[e * es()], &before[e * es()],
                      size_t(es())) != 0)
        return fail(tag, "the op wrote outside the output view");
    }
    int64_t pos = 0, bad = -1;
    TestTensor::forEachIndex(exp.shape, [&](const Shape &idx) {
      if (bad < 0 &&
          std::memcmp(out.at(idx), &exp.bytes[pos * es()], size_t(es())) != 0)
        bad = pos;
      ++pos;
    });
    if (bad >= 0)
      fail(tag, "output element " + std::to_string(bad) +
                    " differs from the reference");
  }

  /// Runs `op` as lowered IR does: a descriptor whose explicit sizes and
  /// lengths are left to run time at random (passed with the call), the
  /// output shape from seqpar_rt_output_shape, then seqpar_rt_run.
  Status runThroughCApi(const Op &op, TestTensor &in, TestTensor &out,
                        const Shape &expectedShape, std::mt19937_64 &g) {
    Op encoded = op;
    Shape scatterValues, gatherValues;
    int64_t length = seqpar::layout::kDefaultLength;
    auto defer = [&](Move &move, Shape &values) {
      if (move.dist.kind == DistKind::Sizes && g() % 2) {
        values = move.dist.values;
        move.dist.values.clear();
      }
      if ((move.dist.kind == DistKind::Even ||
           move.dist.kind == DistKind::Zigzag ||
           move.dist.kind == DistKind::Replicated) &&
          move.dist.length >= 0 && length == seqpar::layout::kDefaultLength &&
          g() % 2) {
        length = move.dist.length;
        move.dist.length = seqpar::layout::kRuntimeLength;
      }
    };
    if (op.kind != OpKind::Gather)
      defer(encoded.scatter, scatterValues);
    if (op.kind != OpKind::Split)
      defer(encoded.gather, gatherValues);
    ListMemref desc(seqpar::layout::encodeOp(encoded));
    ListMemref sv(scatterValues), gv(gatherValues), shape(Shape(in.rank(), -1));
    std::vector<int64_t> di = in.descriptor(), dout = out.descriptor();
    seqpar_rt_unranked_memref mi{in.rank(), di.data()},
        mo{out.rank(), dout.data()};
    auto status = [](int32_t code) {
      return code == SEQPAR_RT_OK
                 ? Status::ok()
                 : Status(StatusCode(code), seqpar_rt_last_error());
    };
    if (Status st = status(_mlir_ciface_seqpar_rt_output_shape(
            &mi, &desc.ref, &sv.ref, &gv.ref, length, &shape.ref));
        !st)
      return st;
    if (shape.values != expectedShape)
      return {StatusCode::InvalidArgument,
              "seqpar_rt_output_shape gave " +
                  seqpar::layout::str(shape.values) + ", expected " +
                  seqpar::layout::str(expectedShape)};
    return status(_mlir_ciface_seqpar_rt_run(
        &mi, &mo, int32_t(type_), &desc.ref, &sv.ref, &gv.ref, length));
  }

  void fail(const std::string &tag, const std::string &why) {
    ++failures;
    std::fprintf(stderr, "rank %lld: case %s (%s, grid %s): %s\n",
                 static_cast<long long>(worldRank), currentCase_.c_str(),
                 tag.c_str(), seqpar::layout::str(grid_).c_str(), why.c_str());
  }

public:
  std::string currentCase_;

private:
  Runtime &rt_;
  uint64_t seed_;
  uint64_t caseSeed_ = 0;
  DType type_ = DType::F32;
  bool useCApi_ = false;
  Shape grid_;
  bool namedGrid_ = false;
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <cases> <seed> <axis size>...\n", argv[0]);
    return 2;
  }
  int64_t cases = std::atoll(argv[1]);
  uint64_t seed = std::strtoull(argv[2], nullptr, 0);
  for (int i = 3; i < argc; ++i)
    worldGrid.push_back(std::atoll(argv[i]));
  if (seqpar_rt_init(int64_t(worldGrid.size()), worldGrid.data()) !=
      SEQPAR_RT_OK) {
    std::fprintf(stderr, "init failed: %s\n", seqpar_rt_last_error());
    return 1;
  }
  Runtime &rt = *globalRuntime();
  worldRank = rt.world().rank();
  worldSize = rt.world().size();
  // Every runtime-allocated output in shared memory, however small.
  rt.setSharedMinBytes(0);
  Runner runner(rt, seed);
  for (int64_t c = 0; c < cases; ++c) {
    runner.currentCase_ = std::to_string(c);
    runner.runCase(c);
  }
  int mine = runner.failures, sum = 0;
  MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (worldRank == 0) {
    std::printf("%lld cases on grid %s, seed %llu: %d failures\n",
                static_cast<long long>(cases),
                seqpar::layout::str(worldGrid).c_str(),
                static_cast<unsigned long long>(seed), sum);
    for (auto &kv : runner.counts)
      std::printf("  %-48s %d\n", kv.first.c_str(), kv.second);
  }
  // Every (rank, scatter, gather) pair of ranks 2-6 (70) and every
  // (rank, dim) of ranks 1-6 (21), once there are enough cases to see them.
  size_t combos = runner.dimCombos.size();
  // Every ordered group of the default grid: sum over k of n! / (n - k)!.
  size_t orders = 0;
  for (size_t k = 1, perm = 1; k <= worldGrid.size(); ++k) {
    perm *= worldGrid.size() - k + 1;
    orders += perm;
  }
  size_t seen = 0;
  for (const auto &gs : runner.groupsSeen)
    seen += gs.first == worldGrid;
  if (worldRank == 0)
    std::printf("dim combinations covered: %zu of 91; ordered groups of the "
                "default grid: %zu of %zu\n",
                combos, seen, orders);
  if (cases >= 2000 && combos != 91) {
    if (worldRank == 0)
      std::fprintf(stderr, "only %zu of 91 dim combinations were drawn\n",
                   combos);
    sum += 1;
  }
  // Every op and distribution: all_to_all, and split and gather (plain,
  // zigzag, packed, two-level) in each distribution.
  std::set<std::string> kinds;
  for (const auto &kv : runner.counts) {
    size_t first = kv.first.find('/');
    size_t second = kv.first.find('/', first + 1);
    kinds.insert(kv.first.rfind("all_to_all", 0) == 0
                     ? kv.first.rfind("all_to_all/replicated", 0) == 0
                           ? "all_to_all/replicated"
                           : "all_to_all"
                     : kv.first.substr(0, second));
  }
  if (worldRank == 0)
    std::printf("op kinds and distributions covered: %zu of 16\n",
                kinds.size());
  if (cases >= 500 && kinds.size() != 16) {
    if (worldRank == 0)
      std::fprintf(stderr,
                   "only %zu of 16 op kinds and distributions were "
                   "drawn\n",
                   kinds.size());
    sum += 1;
  }
  // The direct path ran: ranks that share a node wrote into each other's
  // outputs (none where every rank is a node of its own, or with it off).
  int64_t pushed = rt.directBytes(), pushedAll = 0;
  MPI_Allreduce(&pushed, &pushedAll, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  const char *nodeSize = std::getenv("SEQPAR_RT_NODE_SIZE");
  const char *direct = std::getenv("SEQPAR_RT_DIRECT");
  const bool expectDirect = worldSize > 1 &&
                            !(nodeSize && std::atoll(nodeSize) == 1) &&
                            !(direct && std::strcmp(direct, "0") == 0);
  if (worldRank == 0)
    std::printf("bytes written by the direct path: %lld\n",
                static_cast<long long>(pushedAll));
  if (cases >= 500 && expectDirect != (pushedAll > 0)) {
    if (worldRank == 0)
      std::fprintf(stderr, "the direct path %s\n",
                   expectDirect ? "never ran" : "ran where it must not");
    sum += 1;
  }
  if (cases >= 500 && seen != orders) {
    if (worldRank == 0)
      std::fprintf(stderr, "only %zu of %zu ordered groups were drawn\n", seen,
                   orders);
    sum += 1;
  }
  seqpar_rt_finalize();
  return sum == 0 ? 0 : 1;
}
