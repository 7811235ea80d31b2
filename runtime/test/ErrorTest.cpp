//===- ErrorTest.cpp - Every user-facing error of the runtime -------------===//
//
// Run under mpirun with 2 ranks. Each test checks a status code and the exact
// message (op, dims and sizes) of one error, through the C++ API and the C
// ABI; none may abort the process. Overflow inputs (dims near 2^62, grids
// whose rank count passes int64, grids past the axis limit, negative
// lengths) get errors naming the values.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <mpi.h>

#include <cstring>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;
namespace layout = seqpar::layout;

namespace {

constexpr int64_t kHuge = int64_t(1) << 62;

/// A rank-`sizes.size()` memref descriptor over `data`, dense unless
/// `strides` are given (shapes past the element limit need them: their dense
/// strides overflow).
struct TensorMemref {
  std::vector<int64_t> desc;
  seqpar_rt_unranked_memref ref;
  TensorMemref(void *data, const Shape &sizes, Shape strides = {}) {
    desc = {reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data),
            0};
    desc.insert(desc.end(), sizes.begin(), sizes.end());
    if (strides.empty())
      strides = layout::denseStrides(sizes);
    desc.insert(desc.end(), strides.begin(), strides.end());
    ref = {int64_t(sizes.size()), desc.data()};
  }
};

std::string lastError() { return seqpar_rt_last_error(); }

int worldRank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// Every test starts with the global runtime on a [2, 1] grid.
class RuntimeErrors : public ::testing::Test {
protected:
  void SetUp() override {
    if (!seqpar_rt_is_initialized()) {
      int64_t grid[2] = {2, 1};
      ASSERT_EQ(seqpar_rt_init(2, grid), SEQPAR_RT_OK)
          << seqpar_rt_last_error();
    }
    rt = globalRuntime();
    rt->setCheckMode(false);
  }
  /// Runs `op` on dense f32 tensors of the given shapes.
  Status run(const Op &op, Shape inShape, Shape outShape,
             DType type = DType::F32, DType outType = DType::F32) {
    in.assign(size_t(std::max<int64_t>(product(inShape), 1)) * 8, 0);
    out.assign(size_t(std::max<int64_t>(product(outShape), 1)) * 8, 0);
    return rt->run(op, denseTensor(in.data(), type, inShape),
                   denseTensor(out.data(), outType, outShape));
  }
  void expectError(const Status &st, StatusCode code, const std::string &msg) {
    EXPECT_EQ(st.code(), code);
    EXPECT_EQ(st.message(), msg);
  }

  Runtime *rt = nullptr;
  std::vector<uint8_t> in, out;
};

//===----------------------------------------------------------------------===//
// Set-up and groups
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, CreateRejectsBadGrids) {
  std::unique_ptr<Runtime> other;
  expectError(Runtime::create(nullptr, {1}, other), StatusCode::InvalidArgument,
              "init: the world backend is null");
  std::unique_ptr<Backend> mpi;
  ASSERT_TRUE(createMpiWorldBackend(mpi));
  std::shared_ptr<Backend> world = std::move(mpi);
  expectError(Runtime::create(world, {}, other), StatusCode::InvalidArgument,
              "init: grid [] has 0 axes but 1 to 16 are supported");
  expectError(Runtime::create(world, Shape(17, 1), other),
              StatusCode::InvalidArgument,
              "init: grid [1, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, 1, 1, 1, 1, 1, "
              "1] (17 entries) has 17 axes but 1 to 16 are supported");
  expectError(Runtime::create(world, {2, 0}, other),
              StatusCode::InvalidArgument,
              "init: grid [2, 0] has an axis of size 0");
  // The product wraps to 2 in int64.
  expectError(Runtime::create(world, {3, 6148914691236517206}, other),
              StatusCode::InvalidArgument,
              "init: grid [3, 6148914691236517206] has more than 2147483647 "
              "ranks");
  expectError(Runtime::create(world, {3}, other), StatusCode::InvalidArgument,
              "init: grid [3] has 3 ranks but the mpi world has 2");
  EXPECT_TRUE(Runtime::create(world, {1, 2}, other));
}

TEST_F(RuntimeErrors, CApiInitAndFinalize) {
  int64_t grid[1] = {2};
  EXPECT_EQ(seqpar_rt_init(0, grid), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "init: the grid needs 1 to 16 axes, got 0");
  EXPECT_EQ(seqpar_rt_init(17, grid), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "init: the grid needs 1 to 16 axes, got 17");
  EXPECT_EQ(seqpar_rt_init(1, nullptr), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "init: the grid needs 1 to 16 axes, got 1 and no axis sizes");
  int64_t wraps[2] = {3, 6148914691236517206};
  EXPECT_EQ(seqpar_rt_init(2, wraps), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "init: grid [3, 6148914691236517206] has more than "
                         "2147483647 ranks");
  EXPECT_EQ(seqpar_rt_init(1, grid), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "init: the runtime is already initialized");
  // MPI was initialized by the test, so finalize leaves it running and the
  // runtime can be made again, here from a memref of axis sizes.
  EXPECT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_is_initialized(), 0);
  EXPECT_EQ(seqpar_rt_set_check_mode(1), SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_EQ(lastError(), "set_check_mode: the runtime is not initialized "
                         "(call seqpar_rt_init first)");
  ListMemref group(layout::encodeGroup({1, 2}, {1}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&group.ref), -1);
  EXPECT_EQ(lastError(), "group_size: the runtime is not initialized (call "
                         "seqpar_rt_init first)");
  EXPECT_EQ(seqpar_rt_synchronize(), SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_EQ(lastError(), "synchronize: the runtime is not initialized (call "
                         "seqpar_rt_init first)");
  // The op's name comes first even before the runtime exists.
  ListMemref op(layout::encodeOp(hybridPackedSplitOp({0}, {1}, 0, {4})));
  seqpar_rt_unranked_memref bad{1, nullptr};
  EXPECT_EQ(
      _mlir_ciface_seqpar_rt_run(&bad, &bad, 1, &op.ref, nullptr, nullptr, -1),
      SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_EQ(lastError(), "hybrid_packed_split: the runtime is not "
                         "initialized (call seqpar_rt_init first)");
  ListMemref sizes({1, 2});
  setenv("SEQPAR_RT_BACKEND", "tcp", 1);
  EXPECT_EQ(_mlir_ciface_seqpar_rt_init(&sizes.ref),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "init: unknown backend 'tcp' in SEQPAR_RT_BACKEND "
                         "(expected mpi or nccl)");
  setenv("SEQPAR_RT_BACKEND", "nccl", 1);
  int32_t code = _mlir_ciface_seqpar_rt_init(&sizes.ref);
  if (code != SEQPAR_RT_OK) { // Without a GPU (or without NCCL): an error.
    std::string msg = lastError();
    EXPECT_EQ(msg.rfind(haveNccl() ? "init: nccl: no usable CUDA device"
                                   : "init: nccl: the runtime was built "
                                     "without CUDA and NCCL",
                        0),
              0u)
        << msg;
    EXPECT_EQ(seqpar_rt_is_initialized(), 0);
  } else {
    EXPECT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
  }
  unsetenv("SEQPAR_RT_BACKEND");
  ASSERT_EQ(_mlir_ciface_seqpar_rt_init(&sizes.ref), SEQPAR_RT_OK)
      << lastError();
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&group.ref), 2);
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_rank(&group.ref), worldRank());
  ListMemref axis0(layout::encodeGroup({1, 2}, {0}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&axis0.ref), 1);
  EXPECT_EQ(seqpar_rt_set_check_mode(0), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_synchronize(), SEQPAR_RT_OK);
  EXPECT_EQ(lastError(), "");
  EXPECT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
}

TEST_F(RuntimeErrors, Buffers) {
  auto text = [](const void *p) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%p", p);
    return std::string(buf);
  };
  void *out = nullptr;
  expectError(rt->allocate(-1, out), StatusCode::InvalidArgument,
              "alloc: the size -1 is negative");
  EXPECT_EQ(seqpar_rt_allocate(-5), nullptr);
  EXPECT_EQ(lastError(), "alloc: the size -5 is negative");
  seqpar_rt_byte_memref m{};
  _mlir_ciface_seqpar_rt_alloc(&m, -5);
  EXPECT_EQ(m.aligned, nullptr);
  EXPECT_EQ(m.size, 0);
  // A pointer the runtime did not hand out, and a double free: errors.
  int local = 0;
  expectError(rt->deallocate(&local), StatusCode::InvalidArgument,
              "free: " + text(&local) +
                  " is not a buffer of seqpar_rt_alloc (or is freed "
                  "already)");
  for (int64_t bytes : {int64_t(16), int64_t(1) << 20}) {
    _mlir_ciface_seqpar_rt_alloc(&m, bytes);
    ASSERT_NE(m.aligned, nullptr) << lastError();
    EXPECT_EQ(m.size, bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(m.aligned) % 64, 0u);
    m.aligned[bytes - 1] = 7;
    EXPECT_EQ(_mlir_ciface_seqpar_rt_free(&m), SEQPAR_RT_OK);
    EXPECT_EQ(_mlir_ciface_seqpar_rt_free(&m), SEQPAR_RT_INVALID_ARGUMENT);
    EXPECT_EQ(lastError(), "free: " + text(m.allocated) +
                               " is not a buffer of seqpar_rt_alloc (or is "
                               "freed already)");
  }
  EXPECT_EQ(seqpar_rt_deallocate(nullptr), SEQPAR_RT_OK);
  // Buffers made without a runtime are plain host memory; after finalize,
  // the runtime's own are gone and freeing them is an error.
  void *kept = seqpar_rt_allocate(1 << 20);
  ASSERT_NE(kept, nullptr);
  ASSERT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_deallocate(kept), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "free: " + text(kept) +
                             " is not a live buffer of seqpar_rt_alloc (the "
                             "runtime frees its buffers at finalize)");
  void *loose = seqpar_rt_allocate(100);
  ASSERT_NE(loose, nullptr);
  static_cast<char *>(loose)[99] = 1;
  EXPECT_EQ(seqpar_rt_deallocate(loose), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_direct_bytes(), -1);
}

TEST_F(RuntimeErrors, Groups) {
  int64_t n = 0;
  expectError(rt->groupSize({5}, n), StatusCode::InvalidArgument,
              "group [5] of grid [2, 1]: axis 5 is out of range for a grid of "
              "rank 2");
  expectError(rt->groupRank({0, 0}, n), StatusCode::InvalidArgument,
              "group [0, 0] of grid [2, 1]: axis 0 is listed twice in [0, 0]");
  expectError(rt->groupRank({}, n), StatusCode::InvalidArgument,
              "group [] of grid [2, 1]: a group needs at least one grid axis");
  expectError(rt->setGroup({0}, nullptr), StatusCode::InvalidArgument,
              "group [0] of grid [2, 1]: the backend must have 2 ranks, got "
              "none");
  expectError(rt->setGroup({3}, nullptr), StatusCode::InvalidArgument,
              "group [3] of grid [2, 1]: axis 3 is out of range for a grid of "
              "rank 2");
  // Other grids of the same world: any shape with as many ranks.
  EXPECT_TRUE(rt->groupSize({2}, {0}, n));
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(rt->groupRank({1, 2}, {1}, n));
  EXPECT_EQ(n, worldRank());
  expectError(rt->groupSize({4}, {0}, n), StatusCode::InvalidArgument,
              "group [0] of grid [4]: the grid has 4 ranks but the world has "
              "2");
  expectError(rt->groupSize({kHuge, 4}, {0}, n), StatusCode::InvalidArgument,
              "group [0] of grid [4611686018427387904, 4]: grid "
              "[4611686018427387904, 4] has more than 2147483647 ranks");
  // The C ABI reads groups from descriptors.
  ListMemref good(layout::encodeGroup({1, 2}, {1}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_rank(&good.ref), worldRank());
  ListMemref outOfRange(layout::encodeGroup({2, 1}, {2}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_rank(&outOfRange.ref), -1);
  EXPECT_EQ(lastError(), "group_rank: group [2] of grid [2, 1]: axis 2 is out "
                         "of range for a grid of rank 2");
  ListMemref tooManyAxes(layout::encodeGroup(Shape(17, 1), {0}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&tooManyAxes.ref), -1);
  EXPECT_EQ(lastError(),
            "group_size: group [0] of grid [1, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, "
            "1, 1, 1, 1, 1, 1] (17 entries): grid [1, 1, 1, 1, 1, 1, 1, 1, "
            "..., 1, 1, 1, 1, 1, 1, 1, 1] (17 entries) has 17 axes but 1 to "
            "16 are supported");
  ListMemref truncated({2, 2});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&truncated.ref), -1);
  EXPECT_EQ(lastError(), "group_size: the descriptor's grid shape count 2 "
                         "exceeds the 1 words left");
  ListMemref empty(Shape{});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(&empty.ref), -1);
  EXPECT_EQ(lastError(), "group_size: the group descriptor is empty");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_group_size(nullptr), -1);
  EXPECT_EQ(lastError(), "group_size: the group descriptor is empty");
}

TEST_F(RuntimeErrors, ExchangeLengths) {
  std::vector<int64_t> all;
  expectError(rt->exchangeLengths({0}, -1, all), StatusCode::InvalidArgument,
              "exchange_lengths: the length -1 is negative");
  expectError(rt->exchangeLengths({7}, 1, all), StatusCode::InvalidArgument,
              "exchange_lengths: group [7] of grid [2, 1]: axis 7 is out of "
              "range for a grid of rank 2");
  ListMemref group(layout::encodeGroup({2, 1}, {0}));
  ListMemref three({0, 0, 0});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_exchange_lengths(&group.ref, 5, &three.ref),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "exchange_lengths: the output has shape [3] but the "
                         "group has 2 ranks");
  ListMemref two({0, 0});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_exchange_lengths(&group.ref, -3, &two.ref),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "exchange_lengths: the length -3 is negative");
  ASSERT_EQ(_mlir_ciface_seqpar_rt_exchange_lengths(&group.ref, 5 + worldRank(),
                                                    &two.ref),
            SEQPAR_RT_OK);
  EXPECT_EQ(two.values, (Shape{5, 6}));
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, TensorViews) {
  Op op = splitOp({0}, 0);
  TensorRef t = denseTensor(nullptr, DType::F32, {4});
  TensorRef o = denseTensor(out.data(), DType::F32, {2});
  expectError(rt->run(op, t, o), StatusCode::InvalidArgument,
              "split: the input of shape [4] has a null data pointer");
  // The element count of [2^62, 4] wraps to 0 in int64: still an error.
  t.sizes = {kHuge, 4};
  t.strides = {4, 1};
  expectError(rt->run(op, t, o), StatusCode::InvalidArgument,
              "split: the input shape [4611686018427387904, 4] has more than "
              "2^59 elements");
  float x[8];
  t = denseTensor(x, DType::F32, {4});
  t.dtype = DType(9);
  expectError(rt->run(op, t, o), StatusCode::InvalidArgument,
              "split: the input has the invalid element type code 9");
  t.dtype = DType::F32;
  t.strides = {1, 1};
  expectError(rt->run(op, t, o), StatusCode::InvalidArgument,
              "split: the input has 1 sizes but 2 strides");
  TensorRef big = denseTensor(x, DType::F32, {1, 1, 1, 1, 1, 1, 1});
  expectError(rt->run(op, big, o), StatusCode::InvalidArgument,
              "split: the input has rank 7 but ranks 1 to 6 are supported");
  expectError(run(op, {4, -1}, {2}), StatusCode::InvalidArgument,
              "split: the input shape [4, -1] has a negative size -1");
  expectError(run(op, {4}, {2}, DType::F32, DType::F16),
              StatusCode::InvalidArgument,
              "split: the input is f32 but the output is f16");
  expectError(run(op, {4}, {3}), StatusCode::InvalidArgument,
              "split: the output has shape [3] but the op produces [2]");
  TensorRef in4 = denseTensor(x, DType::F32, {4, 2});
  std::vector<float> y(8);
  TensorRef alias = denseTensor(y.data(), DType::F32, {2, 2});
  alias.strides = {0, 1};
  expectError(rt->run(op, in4, alias), StatusCode::InvalidArgument,
              "split: the output has stride 0 in dim 0 of size 2, so its "
              "elements alias");
  TensorRef far = denseTensor(x, DType::F32, {4, 2});
  far.strides = {kHuge, 1};
  expectError(rt->run(op, far, denseTensor(y.data(), DType::F32, {2, 2})),
              StatusCode::InvalidArgument,
              "split: the input of shape [4, 2] with strides "
              "[4611686018427387904, 1] reaches past the int64 range");
  // An empty output does not exempt the input (an all_to_all still sends
  // it), nor an empty input the output.
  Op emptyScatter = allToAllOp({0}, 0, 1, {0, 0}, {}, -1);
  TensorRef wide = denseTensor(x, DType::F32, {0, 2});
  TensorRef strided = denseTensor(y.data(), DType::F32, {0, 4});
  EXPECT_TRUE(rt->run(emptyScatter, wide, strided));
  Op emptyIn = gatherOp({0}, 0, {0, 0});
  TensorRef farOut = denseTensor(y.data(), DType::F32, {0, 2});
  farOut.strides = {kHuge, 1};
  EXPECT_TRUE(rt->run(emptyIn, denseTensor(x, DType::F32, {0, 2}), farOut));
  Op gatherSome = gatherOp({0}, 0, {1, 1});
  TensorRef farOut2 = denseTensor(y.data(), DType::F32, {2, 2});
  farOut2.strides = {kHuge, 1};
  expectError(rt->run(gatherSome, denseTensor(x, DType::F32, {1, 2}), farOut2),
              StatusCode::InvalidArgument,
              "gather: the output of shape [2, 2] with strides "
              "[4611686018427387904, 1] reaches past the int64 range");
  std::vector<float> buf(8);
  expectError(rt->run(op, denseTensor(buf.data(), DType::F32, {4}),
                      denseTensor(buf.data() + 3, DType::F32, {2})),
              StatusCode::InvalidArgument,
              "split: the input and the output overlap in memory");
  EXPECT_TRUE(rt->run(op, denseTensor(buf.data(), DType::F32, {4}),
                      denseTensor(buf.data() + 4, DType::F32, {2})));
  expectError(
      run(splitOp({0}, 0, {}, GradScale::Up), {4}, {2}, DType::I32, DType::I32),
      StatusCode::InvalidArgument,
      "split: grad scale up needs a floating-point element type, got i32");
  expectError(run(gatherOp({0}, 0, {}, -1, GradScale::Down), {2}, {4},
                  DType::I1, DType::I1),
              StatusCode::InvalidArgument,
              "gather: grad scale down needs a floating-point element type, "
              "got i1");
  Shape shape;
  expectError(rt->outputShape(op, {1, 1, 1, 1, 1, 1, 1}, shape),
              StatusCode::InvalidArgument,
              "split: the input has rank 7 but ranks 1 to 6 are supported");
  expectError(rt->outputShape(op, {-2}, shape), StatusCode::InvalidArgument,
              "split: the input shape [-2] has a negative size");
}

//===----------------------------------------------------------------------===//
// All-to-all
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, AllToAll) {
  Shape shape;
  expectError(rt->outputShape(allToAllOp({0}, 2, 0), {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: scatter dim 2 is out of range for a tensor of rank "
              "2");
  expectError(rt->outputShape(allToAllOp({0}, 0, -1), {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: gather dim -1 is out of range for a tensor of rank "
              "2");
  expectError(rt->outputShape(allToAllOp({0}, 1, 1), {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: scatter dim and gather dim are both 1");
  Op scaled = allToAllOp({0}, 0, 1);
  scaled.scale = GradScale::Up;
  expectError(rt->outputShape(scaled, {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: an all_to_all takes no gradient scale (its adjoint "
              "is an all_to_all)");
  expectError(rt->outputShape(allToAllOp({0}, 0, 1, {4}), {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: scatter dim 0: expected 2 sizes (one per rank) but "
              "got 1 [4]");
  expectError(
      rt->outputShape(allToAllOp({0}, 0, 1, {3, 3}), {5, 2}, shape),
      StatusCode::InvalidArgument,
      "all_to_all: scatter dim 0: sizes [3, 3] sum to 6 but the dim has "
      "size 5");
  expectError(
      rt->outputShape(allToAllOp({0}, 0, 1, {}, {2, -1}), {4, 2}, shape),
      StatusCode::InvalidArgument,
      "all_to_all: gather dim 1: sizes [2, -1] contain a negative size -1");
  std::string me = std::to_string(worldRank());
  expectError(rt->outputShape(allToAllOp({0}, 0, 1, {}, {}, 4), {4, 3}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: input dim 1 has size 3 on rank " + me +
                  " but its piece of 4 by the split rule over 2 ranks is 2 "
                  "(pieces [2, 2])");
  // Dims near 2^62: inputs past the element limit, sizes whose sum
  // overflows.
  expectError(rt->outputShape(allToAllOp({0}, 0, 1), {0, kHuge}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: the input shape [0, 4611686018427387904] has more "
              "than 2^59 elements");
  expectError(
      rt->outputShape(allToAllOp({0}, 0, 1, {}, {kHuge, kHuge}), {0, 4}, shape),
      StatusCode::InvalidArgument,
      "all_to_all: gather dim 1: sizes [4611686018427387904, "
      "4611686018427387904] overflow int64 when summed");
  ASSERT_TRUE(rt->outputShape(allToAllOp({0}, 0, 1, {}, {}, 3),
                              {5, 2 - worldRank()}, shape));
  EXPECT_EQ(shape, (Shape{3 - worldRank(), 3}));
  expectError(run(allToAllOp({9}, 0, 1), {4, 2}, {2, 4}),
              StatusCode::InvalidArgument,
              "all_to_all: group [9] of grid [2, 1]: axis 9 is out of range "
              "for a grid of rank 2");
}

//===----------------------------------------------------------------------===//
// Split and gather
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, SplitAndGather) {
  Shape shape;
  std::string me = std::to_string(worldRank());
  expectError(rt->outputShape(splitOp({0}, 1), {4}, shape),
              StatusCode::InvalidArgument,
              "split: dim 1 is out of range for a tensor of rank 1");
  expectError(rt->outputShape(splitOp({0}, 0, {1, 2}), {4}, shape),
              StatusCode::InvalidArgument,
              "split: dim 0: sizes [1, 2] sum to 3 but the dim has size 4");
  expectError(rt->outputShape(gatherOp({0}, 0, {1, 2, 3}), {4}, shape),
              StatusCode::InvalidArgument,
              "gather: dim 0: expected 2 sizes (one per rank) but got 3 [1, "
              "2, 3]");
  // Gathered lengths near 2^62 overflow.
  expectError(rt->outputShape(gatherOp({0}, 0, {kHuge, kHuge}), {4}, shape),
              StatusCode::InvalidArgument,
              "gather: dim 0: sizes [4611686018427387904, "
              "4611686018427387904] overflow int64 when summed");
  // Every input within the limits, the gathered output past them.
  expectError(rt->outputShape(gatherOp({0}, 0), {int64_t(1) << 58, 2}, shape),
              StatusCode::InvalidArgument,
              "gather: the output shape [576460752303423488, 2] has more than "
              "2^59 elements");
  expectError(rt->outputShape(zigzagSplitOp({0}, 0), {6}, shape),
              StatusCode::InvalidArgument,
              "zigzag_split: dim 0: zigzag length 6 is not a multiple of 2 * "
              "2 = 4");
  expectError(rt->outputShape(zigzagGatherOp({0}, 0), {3}, shape),
              StatusCode::InvalidArgument,
              "zigzag_gather: dim 0: input size 3 gathers to 6: zigzag length "
              "6 is not a multiple of 2 * 2 = 4");
  expectError(rt->outputShape(hybridSplitOp({0}, {1}, 0), {6}, shape),
              StatusCode::InvalidArgument,
              "hybrid_split: dim 0: zigzag length 6 is not a multiple of 2 * "
              "2 = 4");
  // A ring of one rank (axis 1 of the [2, 1] grid) is disabled: any length.
  ASSERT_TRUE(rt->outputShape(hybridSplitOp({1}, {0}, 0), {5}, shape));
  EXPECT_EQ(shape, (Shape{3 - worldRank()}));
  expectError(rt->outputShape(packedSplitOp({0}, 0, {3, 2}), {6}, shape),
              StatusCode::InvalidArgument,
              "packed_split: dim 0: sequence lengths [3, 2] sum to 5 but the "
              "dim has size 6");
  expectError(
      rt->outputShape(hybridPackedGatherOp({0}, {1}, 0, {3, -2}), {1}, shape),
      StatusCode::InvalidArgument,
      "hybrid_packed_gather: dim 0: sequence lengths [3, -2] contain a "
      "negative length -2");
  expectError(
      rt->outputShape(hybridPackedSplitOp({0}, {1}, 0, {3, 2}), {6}, shape),
      StatusCode::InvalidArgument,
      "hybrid_packed_split: dim 0: sequence lengths [3, 2] sum to 5 but the "
      "dim has size 6");
  expectError(rt->outputShape(zigzagGatherOp({0}, 0, 8), {3}, shape),
              StatusCode::InvalidArgument,
              "zigzag_gather: input dim 0 has size 3 on rank " + me +
                  " but its piece of 8 by zigzag over 2 ranks is 4 (pieces "
                  "[4, 4])");
  Op twoLevelSizes = splitOp({1, 0}, 0, {2, 2});
  twoLevelSizes.scatter.dist.innerAxes = 1;
  expectError(rt->outputShape(twoLevelSizes, {4}, shape),
              StatusCode::InvalidArgument,
              "split: dim 0: explicit sizes give every rank its piece "
              "and take no inner axes");
  Op badInner = zigzagSplitOp({0}, 0);
  badInner.scatter.dist.innerAxes = 1;
  expectError(rt->outputShape(badInner, {4}, shape),
              StatusCode::InvalidArgument,
              "hybrid_split: a two-level distribution over group axes [0] "
              "needs 0 to 0 inner axes, got 1");
  Op bad = splitOp({0}, 0);
  bad.scatter.dist.kind = DistKind(5);
  expectError(rt->outputShape(bad, {4}, shape), StatusCode::InvalidArgument,
              "split: dim 0: invalid distribution code 5");
  Op negative = gatherOp({0}, 0);
  negative.gather.dist.length = -5;
  expectError(rt->outputShape(negative, {4}, shape),
              StatusCode::InvalidArgument, "gather: dim 0: invalid length -5");
  Op adj;
  expectError(rt->adjoint(splitOp({0}, 3), {4}, GradScale::Down, adj),
              StatusCode::InvalidArgument,
              "split: dim 3 is out of range for a tensor of rank 1");
  expectError(rt->adjoint(splitOp({4}, 0), {4}, GradScale::Down, adj),
              StatusCode::InvalidArgument,
              "split: group [4] of grid [2, 1]: axis 4 is out of range for a "
              "grid of rank 2");
}

//===----------------------------------------------------------------------===//
// C ABI decoding
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, CApiArguments) {
  float x[4] = {1, 2, 3, 4}, y[2];
  TensorMemref in(x, {4}), out(y, {2});
  seqpar_rt_unranked_memref null{1, nullptr}, rank0{0, in.desc.data()},
      rank2{2, in.desc.data()};
  ListMemref split(layout::encodeOp(splitOp({0}, 0)));
  ListMemref gather(layout::encodeOp(gatherOp({0}, 0)));
  auto runSplit = [&](seqpar_rt_unranked_memref *i,
                      seqpar_rt_unranked_memref *o, int32_t dtype = 1) {
    return _mlir_ciface_seqpar_rt_run(i, o, dtype, &split.ref, nullptr, nullptr,
                                      -1);
  };
  EXPECT_EQ(runSplit(nullptr, &out.ref), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "split: the input memref is null");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &null, 1, &gather.ref, nullptr,
                                       nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "gather: the output memref is null");
  EXPECT_EQ(runSplit(&rank0, &out.ref), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "split: the input has rank 0 but ranks 1 to 6 are supported");
  EXPECT_EQ(runSplit(&in.ref, &out.ref, 8), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "split: the element type code 8 is not one of 0 (f64) to 7 (i1)");
  // A [2^62, 4] input whose data pointer is null: its element count wraps
  // to 0 in int64, and it is still rejected.
  float *nothing = nullptr;
  TensorMemref huge(nothing, {kHuge, 4}, {1, 1});
  EXPECT_EQ(runSplit(&huge.ref, &out.ref), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "split: the input shape [4611686018427387904, 4] has "
                         "more than 2^59 elements");
  // Descriptors.
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &rank2, nullptr,
                                       nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "run: the op descriptor memref has rank 2 but must have rank 1");
  ListMemref empty(Shape{});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &empty.ref,
                                       nullptr, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the op descriptor is empty");
  ListMemref noMagic({1, 2, 3});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &noMagic.ref,
                                       nullptr, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "run: the op descriptor does not start with the seqpar magic word");
  int64_t dnull[5] = {0, 0, 0, 4, 1};
  seqpar_rt_unranked_memref nullData{1, dnull};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &split.ref,
                                       &nullData, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "run: the scatter values of shape [4] has a null data pointer");
  // A list too long to hold: an error, not an exception through C.
  int64_t word = 0;
  int64_t dlong[5] = {reinterpret_cast<int64_t>(&word),
                      reinterpret_cast<int64_t>(&word), 0, int64_t(1) << 58, 0};
  seqpar_rt_unranked_memref longList{1, dlong};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &split.ref,
                                       &longList, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the scatter values list has 288230376151711744 "
                         "entries but at most 16777216 are supported");
  // A list whose stride reaches past the int64 range: an error, not a read.
  int64_t dfar[5] = {reinterpret_cast<int64_t>(&word),
                     reinterpret_cast<int64_t>(&word), 0, 3, kHuge};
  seqpar_rt_unranked_memref farList{1, dfar};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &split.ref,
                                       &farList, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the scatter values of shape [3] with strides "
                         "[4611686018427387904] reaches past the int64 range");
  // Values and lengths left to run time.
  Op deferred = splitOp({0}, 0, {1, 1});
  deferred.scatter.dist.values.clear();
  ListMemref runtimeSizes(layout::encodeOp(deferred));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &runtimeSizes.ref,
                                       nullptr, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the scatter sizes are given at run time but "
                         "the call passes none");
  ListMemref sizes({3, 1});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&in.ref, &out.ref, 1, &split.ref,
                                       &sizes.ref, nullptr, -1),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the call passes scatter sizes but the "
                         "descriptor does not take them");
  Op runtimeLength = gatherOp({0}, 0, {}, 4);
  runtimeLength.gather.dist.length = layout::kRuntimeLength;
  ListMemref lengthDesc(layout::encodeOp(runtimeLength));
  float z[4];
  TensorMemref whole(z, {4});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_run(&out.ref, &whole.ref, 1, &lengthDesc.ref,
                                       nullptr, nullptr, -7),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "run: the gather length is given at run time but "
                         "the call passes -7");
  // A memref offset whose byte offset overflows int64.
  TensorMemref farOffset(x, {4});
  farOffset.desc[2] = kHuge;
  EXPECT_EQ(runSplit(&farOffset.ref, &out.ref), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "split: the input has the offset "
                         "4611686018427387904, past the int64 range in bytes");
  // output_shape.
  ListMemref shape3({0, 0, 0}), shape1({0});
  EXPECT_EQ(_mlir_ciface_seqpar_rt_output_shape(&in.ref, &split.ref, nullptr,
                                                nullptr, -1, &shape3.ref),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "split: the output shape memref has shape [3] but "
                         "the input has rank 1");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_output_shape(&in.ref, &runtimeSizes.ref,
                                                &sizes.ref, nullptr, -1,
                                                &shape1.ref),
            SEQPAR_RT_OK)
      << lastError();
  EXPECT_EQ(shape1.values, (Shape{worldRank() == 0 ? 3 : 1}));
  EXPECT_EQ(_mlir_ciface_seqpar_rt_output_shape(
                &in.ref, &lengthDesc.ref, nullptr, nullptr, 6, &shape1.ref),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "gather: input dim 0 has size 4 on rank " +
                             std::to_string(worldRank()) +
                             " but its piece of 6 by the split rule over 2 "
                             "ranks is 3 (pieces [3, 3])");
  // A good call through the ABI: rank r keeps its half.
  ASSERT_EQ(runSplit(&in.ref, &out.ref), SEQPAR_RT_OK) << lastError();
  EXPECT_EQ(y[0], x[2 * worldRank()]);
  EXPECT_EQ(y[1], x[2 * worldRank() + 1]);
}

//===----------------------------------------------------------------------===//
// Backends
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, MpiErrorsAreReturned) {
  // Rank 0 sends 16 bytes where rank 1 expects 8: truncation on rank 1.
  Backend *comm = nullptr;
  ASSERT_TRUE(rt->group({0}, comm));
  int me = worldRank(), peer = 1 - me;
  char send[16] = {}, recv[16];
  const void *sp[2] = {send, send};
  void *rp[2] = {recv, recv};
  int64_t sb[2] = {0, 0}, rb[2] = {0, 0};
  sb[peer] = me == 0 ? 16 : 8;
  rb[peer] = 8;
  Status st = comm->alltoallv(sp, sb, rp, rb);
  if (me == 1) {
    EXPECT_EQ(st.code(), StatusCode::BackendError);
    EXPECT_EQ(st.message().rfind("mpi: MPI_Waitall failed: ", 0), 0u)
        << st.message();
  } else {
    EXPECT_TRUE(st) << st.message();
  }
}

TEST_F(RuntimeErrors, StagingAllocationFailureIsReported) {
  void *p = nullptr;
  Status st = rt->world().allocate(int64_t(1) << 62, p);
  expectError(st, StatusCode::OutOfMemory,
              "cannot allocate a staging buffer of 4611686018427387904 bytes");
}

TEST_F(RuntimeErrors, NcclBackendWithoutDevice) {
  std::unique_ptr<Backend> out;
  if (!haveNccl()) {
    std::unique_ptr<Backend> mpi;
    ASSERT_TRUE(createMpiWorldBackend(mpi));
    expectError(createNcclBackend(std::move(mpi), -1, out),
                StatusCode::Unsupported,
                "nccl: the runtime was built without CUDA and NCCL");
    return;
  }
  expectError(createNcclBackend(nullptr, -1, out), StatusCode::InvalidArgument,
              "nccl: the bootstrap backend must be a host backend");
  std::unique_ptr<Backend> mpi;
  ASSERT_TRUE(createMpiWorldBackend(mpi));
  Status st = createNcclBackend(std::move(mpi), -1, out);
  if (!st) { // No GPU here: an error, never an abort.
    EXPECT_EQ(st.code(), StatusCode::BackendError);
    EXPECT_EQ(st.message().rfind("nccl: no usable CUDA device", 0), 0u)
        << st.message();
  } else {
    EXPECT_STREQ(out->name(), "nccl");
  }
}

/// The seam for externally provided backends: a one-rank backend that is not
/// MPI carries a whole runtime.
class LoopbackBackend : public Backend {
public:
  const char *name() const override { return "loopback"; }
  int64_t size() const override { return 1; }
  int64_t rank() const override { return 0; }
  Status alltoallv(const void *const *, const int64_t *, void *const *,
                   const int64_t *) override {
    return Status::ok();
  }
  Status allgatherv(const void *, int64_t, void *const *,
                    const int64_t *) override {
    return Status::ok();
  }
  Status allgatherHost(const void *in, int64_t bytes, void *out) override {
    std::memcpy(out, in, size_t(bytes));
    return Status::ok();
  }
  Status split(int64_t, int64_t, std::unique_ptr<Backend> &) override {
    return {StatusCode::Unsupported, "loopback: cannot split"};
  }
};

/// An externally provided backend: forwards to MPI but cannot split, as a
/// PyTorch ProcessGroup adapter would.
class ForwardingBackend : public Backend {
public:
  explicit ForwardingBackend(std::unique_ptr<Backend> inner)
      : inner_(std::move(inner)) {}
  const char *name() const override { return "forwarding"; }
  int64_t size() const override { return inner_->size(); }
  int64_t rank() const override { return inner_->rank(); }
  Status alltoallv(const void *const *s, const int64_t *sb, void *const *r,
                   const int64_t *rb) override {
    return inner_->alltoallv(s, sb, r, rb);
  }
  Status allgatherv(const void *s, int64_t b, void *const *r,
                    const int64_t *rb) override {
    return inner_->allgatherv(s, b, r, rb);
  }
  Status allgatherHost(const void *in, int64_t bytes, void *out) override {
    return inner_->allgatherHost(in, bytes, out);
  }
  Status split(int64_t, int64_t, std::unique_ptr<Backend> &) override {
    return {StatusCode::Unsupported, "forwarding: cannot split"};
  }

private:
  std::unique_ptr<Backend> inner_;
};

TEST_F(RuntimeErrors, ExternalBackendSeam) {
  std::unique_ptr<Backend> mpi;
  ASSERT_TRUE(createMpiWorldBackend(mpi));
  std::unique_ptr<Runtime> own;
  ASSERT_TRUE(Runtime::create(
      std::make_shared<ForwardingBackend>(std::move(mpi)), {2, 1}, own));
  own->setCheckMode(true);
  int me = worldRank();
  // [2 (scatter), 3] -> [1, 6]: rank r gets row r of both ranks' inputs.
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y(6, 0);
  for (float &v : x)
    v += 10 * me;
  TensorRef in = denseTensor(x.data(), DType::F32, {2, 3});
  TensorRef out = denseTensor(y.data(), DType::F32, {1, 6});
  Status st = own->run(allToAllOp({0}, 0, 1), in, out);
  ASSERT_TRUE(st) << st.message();
  float b = 1 + 3 * me;
  EXPECT_EQ(y, (std::vector<float>{b, b + 1, b + 2, b + 10, b + 11, b + 12}));
  // Axis 1 is a group of one rank that the backend cannot make; its size
  // and this rank's place in it come from the grid, without a
  // communicator...
  int64_t n = 0, r = -1;
  EXPECT_TRUE(own->groupSize({1}, n));
  EXPECT_TRUE(own->groupRank({1}, r));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(r, 0);
  std::vector<float> z(6, 0);
  TensorRef zt = denseTensor(z.data(), DType::F32, {2, 3});
  expectError(own->run(splitOp({1}, 0, {}, GradScale::Up), in, zt),
              StatusCode::Unsupported,
              "split: group [1] of grid [2, 1]: forwarding: cannot split");
  // ...but an op over it needs one, which the caller registers.
  EXPECT_TRUE(own->setGroup({1}, std::make_shared<LoopbackBackend>()));
  ASSERT_TRUE(own->run(splitOp({1}, 0, {}, GradScale::Up), in, zt));
  EXPECT_EQ(z, x);
  // Ops over other grids of the same world: [2] (whose axis 0 is the
  // world, no split needed) and [1, 2] (whose axis 0 is a group of one rank
  // that the backend cannot make until the caller registers it).
  Op onOther = gatherOp({0}, 1);
  onOther.gridShape = {2};
  std::vector<float> w(12, 0);
  TensorRef wt = denseTensor(w.data(), DType::F32, {2, 6});
  ASSERT_TRUE(own->run(onOther, in, wt));
  for (int q = 0; q < 2; ++q)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        EXPECT_EQ(w[i * 6 + q * 3 + j], float(1 + i * 3 + j + 10 * q));
  Op onThird = gatherOp({0}, 1);
  onThird.gridShape = {1, 2};
  TensorRef single = denseTensor(z.data(), DType::F32, {2, 3});
  expectError(own->run(onThird, in, single), StatusCode::Unsupported,
              "gather: group [0] of grid [1, 2]: forwarding: cannot split");
  EXPECT_TRUE(own->setGroup({1, 2}, {0}, std::make_shared<LoopbackBackend>()));
  z.assign(6, 0);
  ASSERT_TRUE(own->run(onThird, in, single));
  EXPECT_EQ(z, x);
}

} // namespace
