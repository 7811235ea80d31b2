//===- ErrorTest.cpp - Every user-facing error of the runtime
//--------------===//
//
// Run under mpirun with 2 ranks. Each test checks a status code and the exact
// message (op, dims and sizes) of one error; none may abort the process.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include <gtest/gtest.h>
#include <mpi.h>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

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
  Status run(const OpDesc &op, Shape inShape, Shape outShape,
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
              "init: the grid must have 1 to 16 axes, got []");
  expectError(Runtime::create(world, {2, 0}, other),
              StatusCode::InvalidArgument,
              "init: grid [2, 0] has an axis of size 0");
  expectError(Runtime::create(world, {3}, other), StatusCode::InvalidArgument,
              "init: grid [3] has 3 ranks but the mpi world has 2");
  EXPECT_TRUE(Runtime::create(world, {1, 2}, other));
}

TEST_F(RuntimeErrors, CApiInitAndFinalize) {
  int64_t grid[1] = {2};
  EXPECT_EQ(seqpar_rt_init(0, grid), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "init: the grid needs at least one axis, got 0");
  EXPECT_EQ(seqpar_rt_init(1, grid), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "init: the runtime is already initialized");
  // MPI was initialized by the test, so finalize leaves it running and the
  // runtime can be made again, here from a memref of axis sizes.
  EXPECT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_is_initialized(), 0);
  EXPECT_EQ(seqpar_rt_set_check_mode(1), SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "set_check_mode: the runtime is not initialized (call "
               "seqpar_rt_init first)");
  EXPECT_EQ(seqpar_rt_group_size(1), -1);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "group_size: the runtime is not initialized (call "
               "seqpar_rt_init first)");
  EXPECT_EQ(seqpar_rt_synchronize(), SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "synchronize: the runtime is not initialized (call "
               "seqpar_rt_init first)");
  int64_t sizes[2] = {1, 2};
  int64_t desc[5] = {reinterpret_cast<int64_t>(sizes),
                     reinterpret_cast<int64_t>(sizes), 0, 2, 1};
  seqpar_rt_unranked_memref m{1, desc};
  seqpar_rt_unranked_memref bad{1, nullptr};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&bad, &bad, 1, 1, 0, nullptr, 0),
            SEQPAR_RT_NOT_INITIALIZED);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the runtime is not initialized (call seqpar_rt_init "
               "first)");
  setenv("SEQPAR_RT_BACKEND", "tcp", 1);
  EXPECT_EQ(_mlir_ciface_seqpar_rt_init(&m), SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "init: unknown backend 'tcp' in SEQPAR_RT_BACKEND (expected mpi "
               "or nccl)");
  setenv("SEQPAR_RT_BACKEND", "nccl", 1);
  int32_t code = _mlir_ciface_seqpar_rt_init(&m);
  if (code != SEQPAR_RT_OK) { // Without a GPU (or without NCCL): an error.
    std::string msg = seqpar_rt_last_error();
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
  ASSERT_EQ(_mlir_ciface_seqpar_rt_init(&m), SEQPAR_RT_OK)
      << seqpar_rt_last_error();
  EXPECT_EQ(seqpar_rt_group_size(2), 2);
  EXPECT_EQ(seqpar_rt_group_size(1), 1);
  EXPECT_EQ(seqpar_rt_group_rank(2), worldRank());
  EXPECT_EQ(seqpar_rt_set_check_mode(0), SEQPAR_RT_OK);
  EXPECT_EQ(seqpar_rt_synchronize(), SEQPAR_RT_OK);
  EXPECT_STREQ(seqpar_rt_last_error(), "");
  EXPECT_EQ(seqpar_rt_finalize(), SEQPAR_RT_OK);
}

TEST_F(RuntimeErrors, Groups) {
  int64_t n = 0;
  expectError(rt->groupSize({5}, n), StatusCode::InvalidArgument,
              "group [5]: axis 5 is out of range for a grid of rank 2");
  expectError(rt->groupRank({0, 0}, n), StatusCode::InvalidArgument,
              "group [0, 0]: axis 0 is listed twice in [0, 0]");
  expectError(rt->setGroup({0}, nullptr), StatusCode::InvalidArgument,
              "group [0]: the backend must have 2 ranks");
  expectError(rt->setGroup({3}, nullptr), StatusCode::InvalidArgument,
              "group [3]: axis 3 is out of range for a grid of rank 2");
  EXPECT_EQ(seqpar_rt_group_size(-1), -1);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "group_size: the axis mask -1 is negative");
  EXPECT_EQ(seqpar_rt_group_rank(4), -1);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "group [2]: axis 2 is out of range for a grid of rank 2");
}

TEST_F(RuntimeErrors, ExchangeLengths) {
  std::vector<int64_t> all;
  expectError(rt->exchangeLengths({0}, -1, all), StatusCode::InvalidArgument,
              "exchange_lengths: the length -1 is negative");
  expectError(rt->exchangeLengths({7}, 1, all), StatusCode::InvalidArgument,
              "exchange_lengths: group [7]: axis 7 is out of range for a grid "
              "of rank 2");
  int64_t buf[3];
  int64_t desc[5] = {reinterpret_cast<int64_t>(buf),
                     reinterpret_cast<int64_t>(buf), 0, 3, 1};
  seqpar_rt_unranked_memref m{1, desc};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_exchange_lengths(1, 5, &m),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "exchange_lengths: the output has shape [3] but the group has "
               "2 ranks");
  desc[3] = 2;
  ASSERT_EQ(_mlir_ciface_seqpar_rt_exchange_lengths(1, 5 + worldRank(), &m),
            SEQPAR_RT_OK);
  EXPECT_EQ(buf[0], 5);
  EXPECT_EQ(buf[1], 6);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, TensorViews) {
  OpDesc op = splitOp({0}, 0);
  TensorRef t = denseTensor(nullptr, DType::F32, {4});
  TensorRef o = denseTensor(out.data(), DType::F32, {2});
  expectError(rt->run(op, t, o), StatusCode::InvalidArgument,
              "split: the input of shape [4] has a null data pointer");
  float x[8];
  t.data = x;
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
              "split: the input shape [4, -1] has a negative size");
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
      "split: grad scale up needs a floating-point element type, got "
      "i32");
  expectError(run(gatherOp({0}, 0, {}, GradScale::Down), {2}, {4}, DType::I1,
                  DType::I1),
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
  OpDesc scaled = allToAllOp({0}, 0, 1);
  scaled.scale = GradScale::Up;
  expectError(rt->outputShape(scaled, {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: an all-to-all takes no gradient scale (its adjoint "
              "is an all-to-all)");
  expectError(rt->outputShape(allToAllOp({0}, 0, 1, {4}), {4, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: scatter dim 0: expected 2 sizes (one per rank) but "
              "got 1 [4]");
  expectError(rt->outputShape(allToAllOp({0}, 0, 1, {3, 3}), {5, 2}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: scatter dim 0: sizes [3, 3] sum to 6 but the dim "
              "has size 5");
  expectError(
      rt->outputShape(allToAllOp({0}, 0, 1, {}, {2, -1}), {4, 2}, shape),
      StatusCode::InvalidArgument,
      "all_to_all: gather dim 1: sizes [2, -1] contain a negative size "
      "-1");
  std::string me = std::to_string(worldRank());
  expectError(rt->outputShape(allToAllOp({0}, 0, 1, {}, {}, 4), {4, 3}, shape),
              StatusCode::InvalidArgument,
              "all_to_all: the input has 3 elements in gather dim 1 but the "
              "gather sizes [2, 2] give rank " +
                  me + " 2");
  ASSERT_TRUE(rt->outputShape(allToAllOp({0}, 0, 1, {}, {}, 3),
                              {5, 2 - worldRank()}, shape));
  EXPECT_EQ(shape, (Shape{3 - worldRank(), 3}));
  expectError(run(allToAllOp({9}, 0, 1), {4, 2}, {2, 4}),
              StatusCode::InvalidArgument,
              "all_to_all: group [9]: axis 9 is out of range for a grid of "
              "rank 2");
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
  expectError(rt->outputShape(zigzagSplitOp({0}, 0), {6}, shape),
              StatusCode::InvalidArgument,
              "zigzag_split: dim 0: zigzag length 6 is not a multiple of 2 * "
              "2 = 4");
  expectError(rt->outputShape(zigzagGatherOp({0}, 0), {3}, shape),
              StatusCode::InvalidArgument,
              "zigzag_gather: dim 0: zigzag length 6 is not a multiple of 2 * "
              "2 = 4");
  expectError(rt->outputShape(hybridSplitOp(0, 1, 0), {6}, shape),
              StatusCode::InvalidArgument,
              "hybrid_split: dim 0: zigzag length 6 is not a multiple of 2 * "
              "2 = 4");
  expectError(
      rt->outputShape(hybridGatherOp(0, 1, 0, -1), {2}, shape),
      StatusCode::InvalidArgument,
      "hybrid_gather: the global length of dim 0 is needed to gather over a "
      "hybrid group");
  expectError(rt->outputShape(packedSplitOp({0}, 0, {3, 2}), {6}, shape),
              StatusCode::InvalidArgument,
              "packed_split: dim 0: sequence lengths [3, 2] sum to 5 but the "
              "dim has size 6");
  expectError(
      rt->outputShape(packedHybridGatherOp(0, 1, 0, {3, -2}), {1}, shape),
      StatusCode::InvalidArgument,
      "packed_hybrid_gather: dim 0: sequence lengths [3, -2] contain a "
      "negative length -2");
  expectError(
      rt->outputShape(zigzagGatherOp({0}, 0), {3, 2}, shape) /* 3 * 2 = 6 */,
      StatusCode::InvalidArgument,
      "zigzag_gather: dim 0: zigzag length 6 is not a multiple of 2 * "
      "2 = 4");
  OpDesc z = zigzagGatherOp({0}, 0);
  z.globalSize = 8;
  expectError(rt->outputShape(z, {3}, shape), StatusCode::InvalidArgument,
              "zigzag_gather: the input has 3 elements in dim 0 but the shard "
              "map of length 8 over 2 ranks gives rank " +
                  me + " 4");
  OpDesc h = splitOp({0, 1}, 0);
  h.hybrid = true;
  expectError(rt->outputShape(h, {4}, shape), StatusCode::InvalidArgument,
              "hybrid_split: a hybrid op needs a zigzag or packed map");
  OpDesc h1 = zigzagSplitOp({0}, 0);
  h1.hybrid = true;
  expectError(rt->outputShape(h1, {4}, shape), StatusCode::InvalidArgument,
              "hybrid_split: a hybrid op needs a ring axis and a Ulysses axis, "
              "got axes [0]");
  OpDesc bad = splitOp({0}, 0);
  bad.map = MapKind(5);
  expectError(rt->outputShape(bad, {4}, shape), StatusCode::InvalidArgument,
              "split: invalid op description (kind 1, map 5, scale 0)");
  OpDesc adj;
  expectError(rt->adjoint(splitOp({0}, 3), {4}, GradScale::Down, adj),
              StatusCode::InvalidArgument,
              "split: dim 3 is out of range for a tensor of rank 1");
}

//===----------------------------------------------------------------------===//
// C ABI decoding
//===----------------------------------------------------------------------===//

TEST_F(RuntimeErrors, CApiArguments) {
  float x[4] = {1, 2, 3, 4}, y[2];
  int64_t di[5] = {reinterpret_cast<int64_t>(x), reinterpret_cast<int64_t>(x),
                   0, 4, 1};
  int64_t dout[5] = {reinterpret_cast<int64_t>(y), reinterpret_cast<int64_t>(y),
                     0, 2, 1};
  seqpar_rt_unranked_memref in{1, di}, out{1, dout}, null{1, nullptr},
      rank0{0, di}, rank2{2, di};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(nullptr, &out, 1, 1, 0, nullptr, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(), "split: the input memref is null");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_gather(&in, &null, 1, 1, 0, nullptr, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(), "gather: the output memref is null");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&rank0, &out, 1, 1, 0, nullptr, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the input has rank 0 but ranks 1 to 6 are supported");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 1, 1, 0, &rank2, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the sizes memref has rank 2 but must have rank 1");
  int64_t dnull[5] = {0, 0, 0, 4, 1};
  seqpar_rt_unranked_memref nullData{1, dnull};
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 1, 1, 0, &nullData, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the sizes of shape [4] has a null data pointer");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 8, 1, 0, nullptr, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the element type code 8 is not one of 0 (f64) to 7 "
               "(i1)");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 1, 1, 0, nullptr, 3),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split: the grad scale code 3 is not 0 (none), 1 (up) or 2 "
               "(down)");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 1, -1, 0, nullptr, 0),
            SEQPAR_RT_INVALID_ARGUMENT);
  EXPECT_STREQ(seqpar_rt_last_error(), "split: the axis mask -1 is negative");
  EXPECT_EQ(seqpar_rt_split_size(5, 2, 2), -1);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "split_size: cannot take part 2 of 5 split into 2 parts");
  EXPECT_EQ(seqpar_rt_split_size(5, 2, 0), 3);
  EXPECT_EQ(_mlir_ciface_seqpar_rt_local_length(3, 1, 0, -1, 4, nullptr), -1);
  EXPECT_STREQ(seqpar_rt_last_error(),
               "local_length: the map kind 3 is not 0 (split rule), 1 (zigzag) "
               "or 2 (packed)");
  EXPECT_EQ(_mlir_ciface_seqpar_rt_local_length(1, 0, 0, 1, 4, nullptr), 2);
  EXPECT_EQ(_mlir_ciface_seqpar_rt_local_length(0, 1, 0, -1, 5, nullptr),
            3 - worldRank());
  // A good call through the ABI: rank r keeps its half.
  ASSERT_EQ(_mlir_ciface_seqpar_rt_split(&in, &out, 1, 1, 0, nullptr, 0),
            SEQPAR_RT_OK)
      << seqpar_rt_last_error();
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
  // Axis 1 is a group of one rank that the backend cannot make...
  int64_t n = 0;
  expectError(own->groupSize({1}, n), StatusCode::Unsupported,
              "group [1]: forwarding: cannot split");
  // ...until the caller registers one.
  EXPECT_TRUE(own->setGroup({1}, std::make_shared<LoopbackBackend>()));
  EXPECT_TRUE(own->groupSize({1}, n));
  EXPECT_EQ(n, 1);
  std::vector<float> z(6, 0);
  TensorRef zt = denseTensor(z.data(), DType::F32, {2, 3});
  ASSERT_TRUE(own->run(splitOp({1}, 0, {}, GradScale::Up), in, zt));
  EXPECT_EQ(z, x);
}

} // namespace
