//===- CheckModeTest.cpp - Ranks that disagree get errors, not hangs ------===//
//
// Run under mpirun with 3 ranks. In each test one rank describes the op
// differently; with check mode on, every rank must return a Mismatch error
// (and the next valid op must still work). Also run with SEQPAR_RT_CHECK=1
// in the environment, which must turn check mode on at init.
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

class CheckMode : public ::testing::Test {
protected:
  void SetUp() override {
    if (!seqpar_rt_is_initialized()) {
      int64_t grid[1] = {3};
      ASSERT_EQ(seqpar_rt_init(1, grid), SEQPAR_RT_OK)
          << seqpar_rt_last_error();
      const char *env = std::getenv("SEQPAR_RT_CHECK");
      bool envOn = env && std::string(env) != "0";
      EXPECT_EQ(globalRuntime()->checkMode(), envOn);
    }
    rt = globalRuntime();
    rt->setCheckMode(true);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
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
  /// The next, valid op runs fine on every rank.
  void expectNextOpWorks() {
    std::vector<float> a(6 * 3), b(2 * 9);
    for (size_t i = 0; i < a.size(); ++i)
      a[i] = float(100 * me + int(i));
    Status ok = rt->run(allToAllOp({0}, 0, 1),
                        denseTensor(a.data(), DType::F32, {6, 3}),
                        denseTensor(b.data(), DType::F32, {2, 9}));
    ASSERT_TRUE(ok) << ok.message();
    for (int q = 0; q < 3; ++q)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
          ASSERT_EQ(b[i * 9 + q * 3 + j],
                    float(100 * q + (2 * me + i) * 3 + j));
  }

  Runtime *rt = nullptr;
  int me = 0;
  std::vector<uint8_t> in, out;
};

TEST_F(CheckMode, ElementType) {
  Status st = run(allToAllOp({0}, 0, 1), {6, 2}, {2, 6},
                  me == 1 ? DType::F64 : DType::F32);
  expectMismatch(st, "all_to_all: check mode: ranks 0 and 1 disagree on the "
                     "element type: f32 vs f64");
}

TEST_F(CheckMode, InputShape) {
  Shape shape = {6, 2, me == 2 ? 5 : 4};
  Status st = run(allToAllOp({0}, 0, 1), shape, {2, 6, shape[2]});
  expectMismatch(st, "all_to_all: check mode: ranks 0 and 2 disagree on the "
                     "input shape: [6, ?, 4] vs [6, ?, 5]");
}

TEST_F(CheckMode, GatherLengths) {
  // Each rank alone is consistent (default equal pieces of its own length),
  // but rank 1 holds 3 elements where the others hold 2.
  int64_t g = me == 1 ? 3 : 2;
  Status st = run(allToAllOp({0}, 0, 1), {6, g}, {2, 3 * g});
  EXPECT_EQ(st.code(), StatusCode::Mismatch) << st.message();
  std::string expected =
      me == 1 ? "all_to_all: check mode: rank 0 has 2 elements in dim 1 but "
                "the sizes [3, 3, 3] give it 3"
              : "all_to_all: check mode: rank 1 has 3 elements in dim 1 but "
                "the sizes [2, 2, 2] give it 2";
  expectMismatch(st, expected);
}

TEST_F(CheckMode, SplitSizes) {
  Shape sizes = me == 2 ? Shape{1, 2, 3} : Shape{2, 2, 2};
  Status st = run(splitOp({0}, 0, sizes), {6}, {sizes[me]});
  expectMismatch(st, "split: check mode: ranks 0 and 2 disagree on the "
                     "scatter sizes: [2, 2, 2] vs [1, 2, 3]");
}

TEST_F(CheckMode, SequenceLengths) {
  Shape lens = me == 1 ? Shape{3, 3} : Shape{4, 2};
  Status st = run(packedSplitOp({0}, 0, lens), {6}, {me == 0 ? 3 : 3 - me});
  expectMismatch(st, "packed_split: check mode: ranks 0 and 1 disagree on "
                     "the scatter sequence lengths: [4, 2] vs [3, 3]");
}

TEST_F(CheckMode, OpKind) {
  // Rank 1 splits where the others all-to-all: the message names both ops.
  Status st = me == 1 ? run(splitOp({0}, 0), {6, 2}, {2, 2})
                      : run(allToAllOp({0}, 0, 1), {6, 2}, {2, 6});
  std::string mine = me == 1 ? "split" : "all_to_all";
  expectMismatch(st, mine + ": check mode: ranks 0 and 1 disagree on the op: "
                            "all_to_all vs split");
}

TEST_F(CheckMode, GroupAxes) {
  // Both groups are the whole world, in the same order.
  Op op = gatherOp(me == 1 ? Shape{0, 1} : Shape{0}, 0);
  op.gridShape = {3, 1};
  Status st = run(op, {2}, {6});
  expectMismatch(st, "gather: check mode: ranks 0 and 1 disagree on the "
                     "group axes: [0] vs [0, 1]");
}

TEST_F(CheckMode, Grid) {
  // Grids [3] and [3, 1] of the same world; both groups are the world.
  Op op = gatherOp({0}, 0);
  op.gridShape = me == 2 ? Shape{3, 1} : Shape{3};
  Status st = run(op, {2}, {6});
  expectMismatch(st, "gather: check mode: ranks 0 and 2 disagree on the "
                     "grid: [3] vs [3, 1]");
}

TEST_F(CheckMode, ScatterDim) {
  Op op = me == 0 ? allToAllOp({0}, 0, 1) : allToAllOp({0}, 1, 0);
  Status st = me == 0 ? run(op, {6, 6}, {2, 18}) : run(op, {6, 6}, {18, 2});
  expectMismatch(st, "all_to_all: check mode: ranks 0 and 1 disagree on the "
                     "scatter dim: 0 vs 1");
}

TEST_F(CheckMode, GatherLength) {
  Op op = zigzagGatherOp({0}, 0, me == 1 ? 12 : -1);
  Status st = run(op, {2}, {6});
  if (me == 1) {
    // Rank 1's own length says it should hold 4: it rejects its input.
    EXPECT_EQ(st.code(), StatusCode::InvalidArgument) << st.message();
    expectNextOpWorks();
  } else {
    expectMismatch(st, "zigzag_gather: check mode: rank 1 rejected its "
                       "arguments");
  }
  Op even = gatherOp({0}, 0, {}, me == 1 ? 6 : -1);
  st = run(even, {2}, {6});
  expectMismatch(st, "gather: check mode: ranks 0 and 1 disagree on the "
                     "gather length: default vs 6");
}

TEST_F(CheckMode, GradScale) {
  Op op = gatherOp({0}, 0, {}, -1, me == 1 ? GradScale::Up : GradScale::Down);
  Status st = run(op, {2}, {6});
  expectMismatch(st, "gather: check mode: ranks 0 and 1 disagree on the grad "
                     "scale: down vs up");
}

TEST_F(CheckMode, TensorRank) {
  Status st = me == 2 ? run(gatherOp({0}, 0), {2, 1}, {6, 1})
                      : run(gatherOp({0}, 0), {2}, {6});
  expectMismatch(st, "gather: check mode: ranks 0 and 2 disagree on the "
                     "tensor rank: 1 vs 2");
}

TEST_F(CheckMode, OneRankRejectsItsArguments) {
  // Rank 2 passes an output of the wrong shape: it gets its own error, the
  // others learn that it gave up instead of waiting for it forever.
  Status st = run(zigzagGatherOp({0}, 0), {2}, {me == 2 ? 5 : 6});
  if (me == 2) {
    EXPECT_EQ(st.code(), StatusCode::InvalidArgument);
    EXPECT_EQ(
        st.message(),
        "zigzag_gather: the output has shape [5] but the op produces [6]");
    expectNextOpWorks();
  } else {
    expectMismatch(st, "zigzag_gather: check mode: rank 2 rejected its "
                       "arguments");
  }
}

TEST_F(CheckMode, AgreeingRanksPass) {
  // Sequence 4 splits [2, 1, 1], sequence 5 splits [2, 2, 1].
  Status st = run(packedSplitOp({0}, 0, {4, 5}), {9, 2}, {4 - me, 2});
  EXPECT_TRUE(st) << st.message();
}

} // namespace
