//===- RandomizedTest.cpp - Runtime vs a serial global-view reference
//------===//
//
// Run under mpirun with the grid as arguments:
//   seqpar-runtime-randomized <grid0> <grid1> <cases> <seed>
// Every case is drawn from a generator seeded by (seed, case), identically on
// every rank. Each rank rebuilds every group member's input in this process,
// computes its own expected output with naive loops straight from the rules
// of DESIGN.md (not with Layout), runs the op, and compares bit for bit,
// including the untouched padding of the output view. Ops: all-to-all
// (aligned, unaligned, explicit scatter sizes, gather_size, variable lengths
// exchanged once and reused by the adjoint), split and gather (split rule,
// explicit sizes, zigzag, packed, hybrid zigzag, hybrid packed), forward and
// adjoint with every grad scale, every element type, ranks 1 to 6, permuted
// and padded input and output views, groups of one or both grid axes in both
// orders, check mode on and off, through the C++ API and the C ABI.
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
#include <sstream>
#include <string>
#include <tuple>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

int64_t gridA = 1, gridB = 1, worldRank = 0;

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

/// Group of `axes` containing world rank `w`: members in group-rank order.
Shape groupOf(int64_t w, const Shape &axes) {
  int64_t dims[2] = {gridA, gridB};
  int64_t c[2] = {w / gridB, w % gridB};
  std::map<int64_t, int64_t> byRank;
  for (int64_t v = 0; v < gridA * gridB; ++v) {
    int64_t cv[2] = {v / gridB, v % gridB};
    bool same = true;
    for (int a = 0; a < 2; ++a) {
      bool inGroup = std::find(axes.begin(), axes.end(), a) != axes.end();
      if (!inGroup && cv[a] != c[a])
        same = false;
    }
    if (!same)
      continue;
    int64_t key = 0;
    for (int64_t a : axes)
      key = key * dims[a] + cv[a];
    byRank[key] = v;
  }
  Shape members;
  for (auto &kv : byRank)
    members.push_back(kv.second);
  return members;
}

/// Global indices along the split dim held by each group rank, in local order.
std::vector<Shape> pieceLists(MapKind map, bool hybrid, int64_t n,
                              const Shape &list, int64_t parts,
                              int64_t ulysses) {
  std::vector<Shape> ring(parts);
  if (map == MapKind::Sizes) {
    Shape off = prefix(list);
    for (int64_t q = 0; q < parts; ++q)
      for (int64_t j = 0; j < list[q]; ++j)
        ring[q].push_back(off[q] + j);
  } else if (map == MapKind::Zigzag) {
    int64_t c = n / (2 * parts);
    for (int64_t q = 0; q < parts; ++q) {
      for (int64_t j = 0; j < c; ++j)
        ring[q].push_back(q * c + j);
      for (int64_t j = 0; j < c; ++j)
        ring[q].push_back((2 * parts - 1 - q) * c + j);
    }
  } else {
    int64_t start = 0;
    for (int64_t len : list) {
      Shape sz = ruleSizes(len, parts), off = prefix(sz);
      for (int64_t q = 0; q < parts; ++q)
        for (int64_t j = 0; j < sz[q]; ++j)
          ring[q].push_back(start + off[q] + j);
      start += len;
    }
  }
  if (!hybrid)
    return ring;
  std::vector<Shape> out(parts * ulysses);
  for (int64_t rr = 0; rr < parts; ++rr) {
    Shape sz = ruleSizes(int64_t(ring[rr].size()), ulysses), off = prefix(sz);
    for (int64_t u = 0; u < ulysses; ++u)
      for (int64_t j = 0; j < sz[u]; ++j)
        out[rr * ulysses + u].push_back(ring[rr][off[u] + j]);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Cases
//===----------------------------------------------------------------------===//

struct Rng {
  std::mt19937_64 g;
  int64_t in(int64_t lo, int64_t hi) {
    return lo + int64_t(g() % (hi - lo + 1));
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

/// Inputs of every group member, regenerated from the case seed.
struct Inputs {
  std::vector<TestTensor> byGroupRank;
};

struct Failure {
  std::string what;
};

class Runner {
public:
  Runner(Runtime &rt, uint64_t seed) : rt_(rt), seed_(seed) {}

  int failures = 0;
  std::map<std::string, int> counts;
  /// (tensor rank, dim, gather dim or -1) of every case: all-to-all dim
  /// pairs and split/gather dims seen.
  std::set<std::tuple<int64_t, int64_t, int64_t>> dimCombos;

  void runCase(int64_t index) {
    Rng rng{std::mt19937_64(mix(seed_, uint64_t(index)))};
    caseSeed_ = mix(seed_ ^ 0x5eed, uint64_t(index));
    type_ = DType(rng.in(0, 7));
    rt_.setCheckMode(rng.coin(20));
    useCApi_ = rng.coin(25);
    int kind = int(rng.in(0, 9));
    if (kind <= 3)
      allToAllCase(rng, kind == 3);
    else
      splitGatherCase(rng);
  }

private:
  //===--------------------------------------------------------------------===//
  // All-to-all
  //===--------------------------------------------------------------------===//

  void allToAllCase(Rng &rng, bool variable) {
    Shape axes = pickAxes(rng);
    Shape members = groupOf(worldRank, axes);
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
    std::string tag =
        std::string("all_to_all") + (variable ? "/variable" : "") +
        (aligned ? "/aligned" : "/unaligned") + (adjoint ? "/adjoint" : "");
    counts[tag]++;

    // Forward op as the user writes it.
    OpDesc op = allToAllOp(axes, s, g, explicitScatter ? scat : Shape{});
    if (variable) {
      Shape exchanged;
      Status st = rt_.exchangeLengths(axes, gath[me], exchanged);
      if (!st || exchanged != gath)
        return fail(tag,
                    "exchangeLengths returned a wrong list: " + st.message());
      op.gatherSizes = exchanged;
    } else if (N >= 0) {
      op.globalSize = N;
    }
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
      OpDesc adj;
      if (Status st = rt_.adjoint(op, inShapes[me], GradScale::None, adj); !st)
        return fail(tag, "adjoint failed: " + st.message());
      op = adj;
      for (int64_t q = 0; q < P; ++q) {
        inShapes[q][s] = scat[q];
        inShapes[q][g] = layout_sum(gath);
      }
      std::swap(sD, gD);
      std::swap(sc, ga);
    }
    std::vector<TestTensor> ins = makeInputs(members, inShapes, false, rng);
    // Expected: concatenation along gD over q of q's slice of sD for me.
    Shape outShape = inShapes[me];
    outShape[sD] = sc[me];
    outShape[gD] = layout_sum(ga);
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
    execute(tag, op, ins[me], exp, rng, axes);
  }

  //===--------------------------------------------------------------------===//
  // Split and gather
  //===--------------------------------------------------------------------===//

  void splitGatherCase(Rng &rng) {
    int flavour = int(
        rng.in(0, 5)); // sizes, explicit, zigzag, packed, hybrid, packed hybrid
    bool hybrid = flavour >= 4;
    MapKind map = flavour <= 1                     ? MapKind::Sizes
                  : (flavour == 2 || flavour == 4) ? MapKind::Zigzag
                                                   : MapKind::Packed;
    Shape axes =
        hybrid ? (rng.coin(50) ? Shape{0, 1} : Shape{1, 0}) : pickAxes(rng);
    Shape members = groupOf(worldRank, axes);
    int64_t P = int64_t(members.size());
    int64_t me =
        std::find(members.begin(), members.end(), worldRank) - members.begin();
    int64_t dims[2] = {gridA, gridB};
    int64_t R = hybrid ? dims[axes[0]] : P, U = hybrid ? dims[axes[1]] : 1;
    int64_t rank = rng.in(1, 6);
    int64_t d = rng.in(0, rank - 1);
    Shape base(rank);
    for (auto &x : base)
      x = rng.in(1, rank > 4 ? 2 : 3);
    // Global length and the list argument.
    int64_t n = 0;
    Shape list;
    if (map == MapKind::Zigzag) {
      n = 2 * R * rng.in(0, 3);
    } else if (map == MapKind::Packed) {
      int64_t k = rng.in(0, 4);
      for (int64_t i = 0; i < k; ++i) {
        list.push_back(rng.in(0, 2 * R + 1));
        n += list.back();
      }
    } else {
      n = rng.coin(40) ? P * rng.in(0, 3) : rng.in(0, 3 * P + 2);
      if (flavour == 1) {
        list.assign(P, 0);
        for (int64_t i = 0; i < n; ++i)
          list[rng.in(0, P - 1)]++;
      } else {
        list = ruleSizes(n, P);
      }
    }
    dimCombos.insert({rank, d, -1});
    std::vector<Shape> pieces = pieceLists(map, hybrid, n, list, R, U);
    bool isSplit = rng.coin(50);
    bool adjoint = rng.coin(50);
    GradScale scale = GradScale::None;
    if (isFloat(type_) && rng.coin(60))
      scale = GradScale(rng.in(1, 2));
    // The op that actually runs: a split (forward split or adjoint of a
    // gather) or a gather (forward gather or adjoint of a split).
    bool runsSplit = isSplit != adjoint;
    OpDesc fwd;
    Shape globalShape = base, fwdIn = base;
    globalShape[d] = n;
    if (isSplit) {
      fwd = makeSplit(flavour, axes, d, list, map);
      fwdIn = globalShape;
    } else {
      fwd = makeGather(flavour, axes, d, list, map, n);
      fwdIn[d] = int64_t(pieces[me].size());
    }
    std::string tag = opName(fwd) + (adjoint ? "/adjoint" : "") +
                      (scale != GradScale::None ? "/scaled" : "");
    counts[tag]++;
    OpDesc op = fwd;
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
    std::vector<TestTensor> ins = makeInputs(members, inShapes, exact, rng);
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
    execute(tag, op, ins[me], exp, rng, axes);
  }

  OpDesc makeSplit(int flavour, const Shape &axes, int64_t d, const Shape &list,
                   MapKind map) {
    switch (flavour) {
    case 0:
      return splitOp(axes, d);
    case 1:
      return splitOp(axes, d, list);
    case 2:
      return zigzagSplitOp(axes, d);
    case 3:
      return packedSplitOp(axes, d, list);
    case 4:
      return hybridSplitOp(axes[0], axes[1], d);
    default:
      (void)map;
      return packedHybridSplitOp(axes[0], axes[1], d, list);
    }
  }
  OpDesc makeGather(int flavour, const Shape &axes, int64_t d,
                    const Shape &list, MapKind map, int64_t n) {
    switch (flavour) {
    case 0:
      // Equal pieces when they are equal, else explicit sizes.
      return std::all_of(list.begin(), list.end(),
                         [&](int64_t x) { return x == list[0]; })
                 ? gatherOp(axes, d)
                 : gatherOp(axes, d, list);
    case 1:
      return gatherOp(axes, d, list);
    case 2:
      return zigzagGatherOp(axes, d);
    case 3:
      return packedGatherOp(axes, d, list);
    case 4:
      return hybridGatherOp(axes[0], axes[1], d, n);
    default:
      (void)map;
      return packedHybridGatherOp(axes[0], axes[1], d, list);
    }
  }

  //===--------------------------------------------------------------------===//
  // Shared
  //===--------------------------------------------------------------------===//

  static int64_t layout_sum(const Shape &v) {
    int64_t s = 0;
    for (int64_t x : v)
      s += x;
    return s;
  }
  int64_t es() const { return elementSize(type_); }

  Shape pickAxes(Rng &rng) {
    switch (rng.in(0, 3)) {
    case 0:
      return {0};
    case 1:
      return {1};
    case 2:
      return {0, 1};
    default:
      return {1, 0};
    }
  }

  std::vector<TestTensor> makeInputs(const Shape &members,
                                     const std::vector<Shape> &shapes,
                                     bool exact, Rng &caseRng) {
    (void)caseRng;
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

  void execute(const std::string &tag, const OpDesc &op, TestTensor &in,
               const Expected &exp, Rng &rng, const Shape &axes) {
    std::mt19937_64 g(rng.g());
    TestTensor out = makeTensor(g, type_, exp.shape, g() % 2 == 0);
    std::vector<uint8_t> before = out.backing;
    Status st = useCApi_ && std::is_sorted(axes.begin(), axes.end())
                    ? runThroughCApi(op, in, out, axes)
                    : rt_.run(op, in.ref(), out.ref());
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

  Status runThroughCApi(const OpDesc &op, TestTensor &in, TestTensor &out,
                        const Shape &axes) {
    int64_t mask = 0;
    for (int64_t a : axes)
      mask |= int64_t(1) << a;
    std::vector<int64_t> di = in.descriptor(), dout = out.descriptor();
    seqpar_rt_unranked_memref mi{in.rank(), di.data()},
        mo{out.rank(), dout.data()};
    std::vector<int64_t> l1 = op.sizes, l2 = op.gatherSizes;
    int64_t d1[5] = {reinterpret_cast<int64_t>(l1.data()),
                     reinterpret_cast<int64_t>(l1.data()), 0,
                     int64_t(l1.size()), 1};
    int64_t d2[5] = {reinterpret_cast<int64_t>(l2.data()),
                     reinterpret_cast<int64_t>(l2.data()), 0,
                     int64_t(l2.size()), 1};
    seqpar_rt_unranked_memref m1{1, d1}, m2{1, d2};
    int32_t dt = int32_t(type_), sc = int32_t(op.scale);
    int32_t code;
    if (op.kind == OpKind::AllToAll) {
      code = _mlir_ciface_seqpar_rt_all_to_all(
          &mi, &mo, dt, mask, op.dim, op.gatherDim, op.globalSize, &m1, &m2);
    } else if (op.hybrid) {
      bool split = op.kind == OpKind::Split;
      if (op.map == MapKind::Packed)
        code = split
                   ? _mlir_ciface_seqpar_rt_packed_hybrid_split(
                         &mi, &mo, dt, op.axes[0], op.axes[1], op.dim, &m1, sc)
                   : _mlir_ciface_seqpar_rt_packed_hybrid_gather(
                         &mi, &mo, dt, op.axes[0], op.axes[1], op.dim, &m1, sc);
      else
        code = split ? _mlir_ciface_seqpar_rt_hybrid_split(
                           &mi, &mo, dt, op.axes[0], op.axes[1], op.dim, sc)
                     : _mlir_ciface_seqpar_rt_hybrid_gather(
                           &mi, &mo, dt, op.axes[0], op.axes[1], op.dim,
                           op.globalSize, sc);
    } else if (op.kind == OpKind::Split) {
      code = op.map == MapKind::Sizes ? _mlir_ciface_seqpar_rt_split(
                                            &mi, &mo, dt, mask, op.dim, &m1, sc)
             : op.map == MapKind::Zigzag
                 ? _mlir_ciface_seqpar_rt_zigzag_split(&mi, &mo, dt, mask,
                                                       op.dim, sc)
                 : _mlir_ciface_seqpar_rt_packed_split(&mi, &mo, dt, mask,
                                                       op.dim, &m1, sc);
    } else {
      if (op.map == MapKind::Zigzag && op.globalSize >= 0 &&
          op.globalSize !=
              in.sizes[op.dim] * int64_t(groupOf(worldRank, axes).size()))
        return rt_.run(op, in.ref(), out.ref()); // Not expressible in the ABI.
      code = op.map == MapKind::Sizes ? _mlir_ciface_seqpar_rt_gather(
                                            &mi, &mo, dt, mask, op.dim, &m1, sc)
             : op.map == MapKind::Zigzag
                 ? _mlir_ciface_seqpar_rt_zigzag_gather(&mi, &mo, dt, mask,
                                                        op.dim, sc)
                 : _mlir_ciface_seqpar_rt_packed_gather(&mi, &mo, dt, mask,
                                                        op.dim, &m1, sc);
    }
    if (code == SEQPAR_RT_OK)
      return Status::ok();
    return {StatusCode(code), seqpar_rt_last_error()};
  }

  void fail(const std::string &tag, const std::string &why) {
    ++failures;
    std::fprintf(stderr, "rank %lld: case %s (%s): %s\n",
                 static_cast<long long>(worldRank), currentCase_.c_str(),
                 tag.c_str(), why.c_str());
  }

public:
  std::string currentCase_;

private:
  Runtime &rt_;
  uint64_t seed_;
  uint64_t caseSeed_ = 0;
  DType type_ = DType::F32;
  bool useCApi_ = false;
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <grid0> <grid1> <cases> <seed>\n", argv[0]);
    return 2;
  }
  gridA = std::atoll(argv[1]);
  gridB = std::atoll(argv[2]);
  int64_t cases = std::atoll(argv[3]);
  uint64_t seed = std::strtoull(argv[4], nullptr, 0);
  int64_t axes[2] = {gridA, gridB};
  if (seqpar_rt_init(2, axes) != SEQPAR_RT_OK) {
    std::fprintf(stderr, "init failed: %s\n", seqpar_rt_last_error());
    return 1;
  }
  Runtime &rt = *globalRuntime();
  worldRank = rt.world().rank();
  Runner runner(rt, seed);
  for (int64_t c = 0; c < cases; ++c) {
    runner.currentCase_ = std::to_string(c);
    runner.runCase(c);
  }
  int mine = runner.failures, total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (worldRank == 0) {
    std::printf("%lld cases on grid [%lld, %lld], seed %llu: %d failures\n",
                static_cast<long long>(cases), static_cast<long long>(gridA),
                static_cast<long long>(gridB),
                static_cast<unsigned long long>(seed), total);
    for (auto &kv : runner.counts)
      std::printf("  %-40s %d\n", kv.first.c_str(), kv.second);
  }
  // Every (rank, scatter, gather) pair of ranks 2-6 (70) and every
  // (rank, dim) of ranks 1-6 (21), once there are enough cases to see them.
  size_t combos = runner.dimCombos.size();
  if (worldRank == 0)
    std::printf("dim combinations covered: %zu of 91\n", combos);
  if (cases >= 2000 && combos != 91) {
    if (worldRank == 0)
      std::fprintf(stderr, "only %zu of 91 dim combinations were drawn\n",
                   combos);
    total += 1;
  }
  seqpar_rt_finalize();
  return total == 0 ? 0 : 1;
}
