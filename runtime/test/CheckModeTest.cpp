//===- CheckModeTest.cpp - Ranks that disagree get errors, not hangs ------===//
//
// Run under mpirun with 2 and with 3 ranks, in the default mode (the
// agreement checks are on unless SEQPAR_RT_CHECK=0). In each test one rank,
// the last one (L), describes its call differently; every rank must return
// an error naming the disagreement and both values (the rank that rejected
// its own arguments its own error), and the next valid op must still work.
// Also run with SEQPAR_RT_CHECK=1 (on) and, for the OptOut test alone,
// SEQPAR_RT_CHECK=0 (off).
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

std::string num(int64_t v) { return std::to_string(v); }

class CheckMode : public ::testing::Test {
protected:
  void SetUp() override {
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    L = P - 1;
    if (!seqpar_rt_is_initialized()) {
      int64_t grid[1] = {P};
      ASSERT_EQ(seqpar_rt_init(1, grid), SEQPAR_RT_OK)
          << seqpar_rt_last_error();
      const char *env = std::getenv("SEQPAR_RT_CHECK");
      bool optedOut = env && std::string(env) == "0";
      EXPECT_EQ(globalRuntime()->checkMode(), !optedOut);
    }
    rt = globalRuntime();
  }
  Status run(const Op &op, Shape inShape, Shape outShape,
             DType type = DType::F32) {
    in.assign(size_t(product(inShape)) * 8 + 8, 1);
    out.assign(size_t(product(outShape)) * 8 + 8, 0);
    return rt->run(op, denseTensor(in.data(), type, inShape),
                   denseTensor(out.data(), type, outShape));
  }
  /// Every rank got a Mismatch whose message starts with `prefix`.
  void expectMismatch(const Status &st, const std::string &prefix) {
    EXPECT_EQ(st.code(), StatusCode::Mismatch) << st.message();
    EXPECT_EQ(st.message().rfind(prefix, 0), 0u) << st.message();
    expectNextOpWorks();
  }
  /// Rank L rejected its own arguments with `own`; the others learned it.
  void expectRejectedBy(const Status &st, const std::string &name,
                        const std::string &own) {
    if (me == L) {
      EXPECT_EQ(st.code(), StatusCode::InvalidArgument) << st.message();
      EXPECT_EQ(st.message(), own);
      expectNextOpWorks();
    } else {
      expectMismatch(st, name + ": rank " + num(L) +
                             " rejected its arguments (its own error says "
                             "why)");
    }
  }
  /// The next, valid op runs fine on every rank.
  void expectNextOpWorks() {
    std::vector<float> a(2 * P * 3), b(2 * 3 * P);
    for (size_t i = 0; i < a.size(); ++i)
      a[i] = float(100 * me + int(i));
    Status ok = rt->run(allToAllOp({0}, 0, 1),
                        denseTensor(a.data(), DType::F32, {2 * P, 3}),
                        denseTensor(b.data(), DType::F32, {2, 3 * P}));
    ASSERT_TRUE(ok) << ok.message();
    for (int q = 0; q < P; ++q)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
          ASSERT_EQ(b[i * 3 * P + q * 3 + j],
                    float(100 * q + (2 * me + i) * 3 + j));
  }

  Runtime *rt = nullptr;
  int me = 0, P = 0, L = 0;
  std::vector<uint8_t> in, out;
};

TEST_F(CheckMode, ElementType) {
  Status st = run(allToAllOp({0}, 0, 1), {2 * P, 2}, {2, 2 * P},
                  me == L ? DType::F64 : DType::F32);
  expectMismatch(st, "all_to_all: ranks 0 and " + num(L) +
                         " disagree on the element type: f32 vs f64");
}

TEST_F(CheckMode, InputShape) {
  Shape shape = {2 * P, 2, me == L ? 5 : 4};
  Status st = run(allToAllOp({0}, 0, 1), shape, {2, 2 * P, shape[2]});
  expectMismatch(st, "all_to_all: ranks 0 and " + num(L) +
                         " disagree on the input shape: [" + num(2 * P) +
                         ", ?, 4] vs [" + num(2 * P) + ", ?, 5]");
}

TEST_F(CheckMode, GatherLengths) {
  // Each rank alone is consistent (default equal pieces of its own length),
  // but rank L holds 3 elements where the others hold 2.
  int64_t g = me == L ? 3 : 2;
  Status st = run(allToAllOp({0}, 0, 1), {P * 2, g}, {2, P * g});
  std::string threes = P == 2 ? "[3, 3]" : "[3, 3, 3]";
  std::string twos = P == 2 ? "[2, 2]" : "[2, 2, 2]";
  expectMismatch(st, me == L ? "all_to_all: rank 0 has 2 elements in dim 1 "
                               "but the sizes " +
                                   threes + " give it 3"
                             : "all_to_all: rank " + num(L) +
                                   " has 3 elements in dim 1 but the sizes " +
                                   twos + " give it 2");
}

TEST_F(CheckMode, SplitSizes) {
  Shape even(P, 2), uneven(P, 2);
  uneven[0] = 1;
  uneven[L] = 3;
  Shape sizes = me == L ? uneven : even;
  Status st = run(splitOp({0}, 0, sizes), {2 * P}, {sizes[me]});
  expectMismatch(
      st, "split: ranks 0 and " + num(L) + " disagree on the scatter sizes: " +
              seqpar::layout::str(even) + " vs " + seqpar::layout::str(uneven));
}

TEST_F(CheckMode, SequenceLengths) {
  Shape lens = me == L ? Shape{3, 3} : Shape{4, 2};
  // Rank r's piece of each sequence by the split rule, summed.
  Shape mine = (*seqpar::layout::packedSizeTable(lens, P))[me];
  Status st = run(packedSplitOp({0}, 0, lens), {6}, {mine[0] + mine[1]});
  expectMismatch(st, "packed_split: ranks 0 and " + num(L) +
                         " disagree on the scatter sequence lengths: [4, 2] "
                         "vs [3, 3]");
}

TEST_F(CheckMode, ReplicatedSlots) {
  // P heads, spread over P slots on the others and 2P slots on rank L: every
  // rank holds one head either way, so only the check tells them apart.
  Op op = allToAllOp({0}, 1, 0);
  op.scatter.dist = replicatedDist(me == L ? 2 * P : P);
  Status st = run(op, {2, P}, {2 * P, 1});
  expectMismatch(st, "all_to_all: ranks 0 and " + num(L) +
                         " disagree on the scatter slots: [" + num(P) +
                         "] vs [" + num(2 * P) + "]");
}

TEST_F(CheckMode, OpKind) {
  // Rank L splits where the others all-to-all: the message names both ops.
  Status st = me == L ? run(splitOp({0}, 0), {2 * P, 2}, {2, 2})
                      : run(allToAllOp({0}, 0, 1), {2 * P, 2}, {2, 2 * P});
  std::string mine = me == L ? "split" : "all_to_all";
  expectMismatch(st, mine + ": ranks 0 and " + num(L) +
                         " disagree on the op: all_to_all vs split");
}

TEST_F(CheckMode, GroupAxesSameMembers) {
  // Both groups are the whole world, in the same order.
  Op op = gatherOp(me == L ? Shape{0, 1} : Shape{0}, 0);
  op.gridShape = {P, 1};
  Status st = run(op, {2}, {2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the group axes: [0] vs [0, 1]");
}

TEST_F(CheckMode, GroupAxesOtherMembers) {
  // Rank L gathers over axis 1 (a group of its own), the others over axis 0
  // (the world): the ranks agree on the call over the world before any
  // communicator is made, so nobody waits in a split or a collective.
  Op op = gatherOp(me == L ? Shape{1} : Shape{0}, 0);
  op.gridShape = {P, 1};
  Status st = run(op, {2}, {me == L ? 2 : 2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the group axes: [0] vs [1]");
}

TEST_F(CheckMode, GroupAxesInvalidOnOneRank) {
  Op op = gatherOp(me == L ? Shape{5} : Shape{0}, 0);
  op.gridShape = {P, 1};
  Status st = run(op, {2}, {2 * P});
  expectRejectedBy(st, "gather",
                   "gather: group [5] of grid [" + num(P) +
                       ", 1]: axis 5 is out of range for a grid of rank 2");
}

TEST_F(CheckMode, Grid) {
  // Grids [P] and [P, 1] of the same world; both groups are the world.
  Op op = gatherOp({0}, 0);
  op.gridShape = me == L ? Shape{P, 1} : Shape{P};
  Status st = run(op, {2}, {2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the grid: [" + num(P) + "] vs [" +
                         num(P) + ", 1]");
}

TEST_F(CheckMode, ScatterDim) {
  Op op = me == 0 ? allToAllOp({0}, 0, 1) : allToAllOp({0}, 1, 0);
  Status st = me == 0 ? run(op, {2 * P, 2 * P}, {2, 2 * P * P})
                      : run(op, {2 * P, 2 * P}, {2 * P * P, 2});
  expectMismatch(
      st, "all_to_all: ranks 0 and 1 disagree on the scatter dim: 0 vs 1");
}

TEST_F(CheckMode, GatherLength) {
  Op op = zigzagGatherOp({0}, 0, me == L ? 4 * P : -1);
  Status st = run(op, {2}, {2 * P});
  // Rank L's own length says it should hold 4: it rejects its input.
  expectRejectedBy(st, "zigzag_gather",
                   "zigzag_gather: input dim 0 has size 2 on rank " + num(L) +
                       " but its piece of " + num(4 * P) + " by zigzag over " +
                       num(P) + " ranks is 4 (pieces " +
                       (P == 2 ? "[4, 4])" : "[4, 4, 4])"));
  Op even = gatherOp({0}, 0, {}, me == L ? 2 * P : -1);
  st = run(even, {2}, {2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the gather length: default vs " +
                         num(2 * P));
}

TEST_F(CheckMode, GradScale) {
  Op op = gatherOp({0}, 0, {}, -1, me == L ? GradScale::Up : GradScale::Down);
  Status st = run(op, {2}, {2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the grad scale: down vs up");
}

TEST_F(CheckMode, TensorRank) {
  Status st = me == L ? run(gatherOp({0}, 0), {2, 1}, {2 * P, 1})
                      : run(gatherOp({0}, 0), {2}, {2 * P});
  expectMismatch(st, "gather: ranks 0 and " + num(L) +
                         " disagree on the tensor rank: 1 vs 2");
}

TEST_F(CheckMode, OneRankRejectsItsArguments) {
  // Rank L passes an output of the wrong shape: it gets its own error, the
  // others learn that it gave up instead of waiting for it forever.
  Status st = run(zigzagGatherOp({0}, 0), {2}, {me == L ? 5 : 2 * P});
  expectRejectedBy(st, "zigzag_gather",
                   "zigzag_gather: the output has shape [5] but the op "
                   "produces [" +
                       num(2 * P) + "]");
}

TEST_F(CheckMode, ExchangeLengthsNegative) {
  std::vector<int64_t> all;
  Status st = rt->exchangeLengths({0}, me == L ? -4 : 3, all);
  expectRejectedBy(st, "exchange_lengths",
                   "exchange_lengths: the length -4 is negative");
}

TEST_F(CheckMode, ExchangeLengthsAgainstAnOp) {
  // Rank L exchanges lengths while the others gather.
  std::vector<int64_t> all;
  Status st = me == L ? rt->exchangeLengths({0}, 3, all)
                      : run(gatherOp({0}, 0), {2}, {2 * P});
  std::string mine = me == L ? "exchange_lengths" : "gather";
  expectMismatch(st, mine + ": ranks 0 and " + num(L) +
                         " disagree on the call: gather vs exchange_lengths");
}

TEST_F(CheckMode, ExchangeLengthsAgree) {
  std::vector<int64_t> all;
  Status st = rt->exchangeLengths({0}, 10 + me, all);
  ASSERT_TRUE(st) << st.message();
  for (int q = 0; q < P; ++q)
    EXPECT_EQ(all[q], 10 + q);
}

TEST_F(CheckMode, UnreadableCallThroughTheCAbi) {
  // Rank L's lowered call passes no op descriptor: it cannot even tell which
  // op it is, and still the others learn of its error.
  Status st;
  if (me == L) {
    std::vector<float> a(2), b(2 * P);
    int64_t inDesc[5] = {reinterpret_cast<int64_t>(a.data()),
                         reinterpret_cast<int64_t>(a.data()), 0, 2, 1};
    int64_t outDesc[5] = {reinterpret_cast<int64_t>(b.data()),
                          reinterpret_cast<int64_t>(b.data()), 0, 2 * P, 1};
    seqpar_rt_unranked_memref inRef{1, inDesc}, outRef{1, outDesc};
    int32_t code = _mlir_ciface_seqpar_rt_run(&inRef, &outRef, 1, nullptr,
                                              nullptr, nullptr, -1);
    EXPECT_NE(code, SEQPAR_RT_OK);
    EXPECT_EQ(std::string(seqpar_rt_last_error()),
              "run: the op descriptor is empty");
    expectNextOpWorks();
  } else {
    st = run(gatherOp({0}, 0), {2}, {2 * P});
    expectMismatch(st, "gather: rank " + num(L) +
                           " rejected its arguments (its own error says why)");
  }
}

TEST_F(CheckMode, AgreeingRanksPass) {
  // Sequences 4 and 5 by the split rule.
  Shape lens = {4, 5};
  Shape mine = (*seqpar::layout::packedSizeTable(lens, P))[me];
  Status st = run(packedSplitOp({0}, 0, lens), {9, 2}, {mine[0] + mine[1], 2});
  EXPECT_TRUE(st) << st.message();
}

/// Run alone with SEQPAR_RT_CHECK=0: the opt-out turns the checks off, and
/// agreeing ranks still get their data.
TEST_F(CheckMode, OptOut) {
  const char *env = std::getenv("SEQPAR_RT_CHECK");
  if (!(env && std::string(env) == "0"))
    GTEST_SKIP() << "run with SEQPAR_RT_CHECK=0";
  EXPECT_FALSE(rt->checkMode());
  expectNextOpWorks();
}

} // namespace
