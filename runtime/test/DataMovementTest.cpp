//===- DataMovementTest.cpp - The runtime's data movement contract --------===//
//
// Run under mpirun with 2 ranks, over a backend that records what the runtime
// asks of it: at most one copy call before the collective (packs and the own
// chunk) and one after (unpacks), no copy of a chunk that is contiguous
// (sent from the input or received into the output directly), no padding in
// the messages, and one staging buffer that only grows.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "seqpar/Runtime/Runtime.h"

#include <cstring>
#include <gtest/gtest.h>
#include <mpi.h>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

/// Forwards to MPI and records every request.
class RecordingBackend : public Backend {
public:
  explicit RecordingBackend(std::unique_ptr<Backend> inner)
      : inner_(std::move(inner)) {}
  const char *name() const override { return "recording"; }
  int64_t size() const override { return inner_->size(); }
  int64_t rank() const override { return inner_->rank(); }
  Status alltoallv(const void *const *s, const int64_t *sb, void *const *r,
                   const int64_t *rb) override {
    calls.push_back("alltoallv");
    int64_t peer = 1 - rank();
    sendPtr = s[peer];
    recvPtr = r[peer];
    sendBytes = sb[peer];
    recvBytes = rb[peer];
    return inner_->alltoallv(s, sb, r, rb);
  }
  Status allgatherv(const void *s, int64_t b, void *const *r,
                    const int64_t *rb) override {
    calls.push_back("allgatherv");
    int64_t peer = 1 - rank();
    sendPtr = s;
    recvPtr = r[peer];
    sendBytes = b;
    recvBytes = rb[peer];
    return inner_->allgatherv(s, b, r, rb);
  }
  Status allgatherHost(const void *in, int64_t bytes, void *out) override {
    calls.push_back("allgatherHost");
    return inner_->allgatherHost(in, bytes, out);
  }
  Status split(int64_t, int64_t, std::unique_ptr<Backend> &) override {
    return {StatusCode::Unsupported, "recording: cannot split"};
  }
  Status allocate(int64_t bytes, void *&out) override {
    allocations.push_back(bytes);
    return Backend::allocate(bytes, out);
  }
  Status copy(const std::vector<CopyJob> &jobs, DType type,
              const Scaling &scaling) override {
    calls.push_back("copy:" + std::to_string(jobs.size()));
    for (const CopyJob &j : jobs)
      copiedElements += product(j.shape);
    return Backend::copy(jobs, type, scaling);
  }
  /// The direct path only when a test offers shared memory.
  SharedMemory *sharedMemory() override { return shared; }
  const std::vector<int64_t> &nodes() const override {
    return shared ? inner_->nodes() : Backend::nodes();
  }
  SharedMemory *innerShared() { return inner_->sharedMemory(); }

  SharedMemory *shared = nullptr;

  std::vector<std::string> calls;
  std::vector<int64_t> allocations;
  const void *sendPtr = nullptr;
  void *recvPtr = nullptr;
  int64_t sendBytes = 0, recvBytes = 0, copiedElements = 0;

  void reset() {
    calls.clear();
    copiedElements = 0;
  }

private:
  std::unique_ptr<Backend> inner_;
};

class DataMovement : public ::testing::Test {
protected:
  void SetUp() override {
    std::unique_ptr<Backend> mpi;
    ASSERT_TRUE(createMpiWorldBackend(mpi));
    auto rec = std::make_shared<RecordingBackend>(std::move(mpi));
    backend = rec.get();
    ASSERT_TRUE(Runtime::create(rec, {2}, rt));
    me = backend->rank();
    // The agreement checks are on by default; these tests count the data
    // movement alone (CheckAddsOneSmallRecord counts the check).
    EXPECT_TRUE(rt->checkMode());
    rt->setCheckMode(false);
  }
  bool within(const void *p, const std::vector<float> &buf) {
    auto *c = static_cast<const char *>(p);
    auto *b = reinterpret_cast<const char *>(buf.data());
    return c >= b && c < b + buf.size() * sizeof(float);
  }

  std::unique_ptr<Runtime> rt;
  RecordingBackend *backend = nullptr;
  int64_t me = 0;
};

TEST_F(DataMovement, UlyssesForwardPacksOnceAndReceivesDirectly) {
  // [S/P, H, D] = [4, 4, 8] -> [S, H/P, D] = [8, 2, 8].
  std::vector<float> in(4 * 4 * 8, 1.0f), out(8 * 2 * 8);
  Op op = allToAllOp({0}, 1, 0);
  ASSERT_TRUE(rt->run(op, denseTensor(in.data(), DType::F32, {4, 4, 8}),
                      denseTensor(out.data(), DType::F32, {8, 2, 8})));
  // Pack (peer chunk) and own chunk in one call; nothing to unpack.
  EXPECT_EQ(backend->calls,
            (std::vector<std::string>{"copy:2", "alltoallv", "copy:0"}));
  EXPECT_EQ(backend->copiedElements, 4 * 4 * 8);
  EXPECT_TRUE(within(backend->recvPtr, out));
  EXPECT_FALSE(within(backend->sendPtr, in));
  // The staging buffer holds exactly the packed chunk: no padding.
  EXPECT_EQ(backend->sendBytes, 4 * 2 * 8 * 4);
  EXPECT_EQ(rt->stagingBytes(), 4 * 2 * 8 * 4);
}

TEST_F(DataMovement, UlyssesBackwardSendsDirectlyAndUnpacksOnce) {
  std::vector<float> in(8 * 2 * 8, 1.0f), out(4 * 4 * 8);
  Op op = allToAllOp({0}, 0, 1);
  ASSERT_TRUE(rt->run(op, denseTensor(in.data(), DType::F32, {8, 2, 8}),
                      denseTensor(out.data(), DType::F32, {4, 4, 8})));
  EXPECT_EQ(backend->calls,
            (std::vector<std::string>{"copy:1", "alltoallv", "copy:1"}));
  EXPECT_EQ(backend->copiedElements, 8 * 2 * 8);
  EXPECT_TRUE(within(backend->sendPtr, in));
  EXPECT_FALSE(within(backend->recvPtr, out));
}

TEST_F(DataMovement, ContiguousChunksNeedNoStaging) {
  // Scatter dim 0, gather dim 0 of a [P * n, k] -> the chunks are rows.
  std::vector<float> in(4 * 3, 1.0f), out(4 * 3);
  Op op = allToAllOp({0}, 0, 1);
  ASSERT_TRUE(rt->run(op, denseTensor(in.data(), DType::F32, {4, 3}),
                      denseTensor(out.data(), DType::F32, {2, 6})));
  EXPECT_TRUE(within(backend->sendPtr, in));
  // Only the strided receive is staged (its segment starts 64-byte aligned).
  EXPECT_EQ(backend->recvBytes, 3 * 2 * 4);
  EXPECT_EQ(rt->stagingBytes(), 64);
  backend->reset();
  // A gather along dim 0 receives the peer's rows straight into the output.
  std::vector<float> g(2 * 5, 2.0f), go(4 * 5);
  ASSERT_TRUE(rt->run(gatherOp({0}, 0),
                      denseTensor(g.data(), DType::F32, {2, 5}),
                      denseTensor(go.data(), DType::F32, {4, 5})));
  EXPECT_EQ(backend->calls,
            (std::vector<std::string>{"copy:1", "allgatherv", "copy:0"}));
  EXPECT_TRUE(within(backend->sendPtr, g));
  EXPECT_TRUE(within(backend->recvPtr, go));
  EXPECT_EQ(backend->copiedElements, 2 * 5); // Only our own rows.
  // A split is one local copy and no message.
  backend->reset();
  std::vector<float> part(4 * 3);
  ASSERT_TRUE(
      rt->run(splitOp({0}, 1), denseTensor(go.data(), DType::F32, {4, 5}),
              denseTensor(part.data(), DType::F32, {4, me == 0 ? 3 : 2})));
  EXPECT_EQ(backend->calls, (std::vector<std::string>{"copy:1"}));
}

TEST_F(DataMovement, StagingOnlyGrows) {
  std::vector<float> big(64 * 4 * 8, 1.0f), bigOut(128 * 2 * 8);
  std::vector<float> small(2 * 4 * 8, 1.0f), smallOut(4 * 2 * 8);
  Op op = allToAllOp({0}, 1, 0);
  ASSERT_TRUE(rt->run(op, denseTensor(big.data(), DType::F32, {64, 4, 8}),
                      denseTensor(bigOut.data(), DType::F32, {128, 2, 8})));
  int64_t grown = rt->stagingBytes();
  ASSERT_TRUE(rt->run(op, denseTensor(small.data(), DType::F32, {2, 4, 8}),
                      denseTensor(smallOut.data(), DType::F32, {4, 2, 8})));
  ASSERT_TRUE(rt->run(op, denseTensor(big.data(), DType::F32, {64, 4, 8}),
                      denseTensor(bigOut.data(), DType::F32, {128, 2, 8})));
  EXPECT_EQ(rt->stagingBytes(), grown);
  EXPECT_EQ(backend->allocations.size(), 1u);
}

TEST_F(DataMovement, ScaledGatherPacksItsInputOnce) {
  std::vector<float> g(2 * 5, 2.0f), go(4 * 5);
  ASSERT_TRUE(rt->run(gatherOp({0}, 0, {}, -1, GradScale::Down),
                      denseTensor(g.data(), DType::F32, {2, 5}),
                      denseTensor(go.data(), DType::F32, {4, 5})));
  // Scaled pack of the input for the peer, scaled own rows; no unpack.
  EXPECT_EQ(backend->calls,
            (std::vector<std::string>{"copy:2", "allgatherv", "copy:0"}));
  for (float v : go)
    EXPECT_EQ(v, 1.0f);
}

/// The host shared memory, except that mapping a peer's buffer fails.
class UnmappableMemory : public SharedMemory {
public:
  explicit UnmappableMemory(SharedMemory *inner) : inner_(inner) {}
  Status allocate(int64_t bytes, void *&out) override {
    return inner_->allocate(bytes, out);
  }
  Status deallocate(void *ptr) override { return inner_->deallocate(ptr); }
  bool find(const void *ptr, int64_t bytes, SharedHandle &out) override {
    return inner_->find(ptr, bytes, out);
  }
  Status map(const SharedHandle &, void *&) override {
    return {StatusCode::BackendError, "shared memory: injected failure"};
  }
  int64_t reservedBytes() const override { return inner_->reservedBytes(); }

private:
  SharedMemory *inner_;
};

TEST_F(DataMovement, DirectPathMovesNothingThroughTheBackend) {
  backend->shared = backend->innerShared();
  ASSERT_NE(backend->shared, nullptr);
  rt->setSharedMinBytes(0);
  // [S/P, H, D] = [4, 4, 8] -> [S, H/P, D] = [8, 2, 8], rank-coded input.
  std::vector<float> in(4 * 4 * 8), expected(8 * 2 * 8);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = float(1000 * me + int64_t(i));
  Op op = allToAllOp({0}, 1, 0);
  TensorRef inT = denseTensor(in.data(), DType::F32, {4, 4, 8});
  ASSERT_TRUE(
      rt->run(op, inT, denseTensor(expected.data(), DType::F32, {8, 2, 8})));
  void *buf = nullptr;
  ASSERT_TRUE(rt->allocate(8 * 2 * 8 * 4, buf));
  for (bool check : {false, true}) {
    rt->setCheckMode(check);
    backend->reset();
    std::memset(buf, 0, 8 * 2 * 8 * 4);
    const int64_t pushed = rt->directBytes();
    ASSERT_TRUE(rt->run(op, inT, denseTensor(buf, DType::F32, {8, 2, 8})));
    // The records (with the check's when checks are on), one copy of the
    // own chunk and of the peer's straight into its output, no bytes
    // through the backend, no staging, and the closing exchange.
    EXPECT_EQ(backend->calls,
              (std::vector<std::string>{"allgatherHost", "copy:2", "alltoallv",
                                        "copy:0", "allgatherHost"}));
    EXPECT_EQ(backend->sendBytes, 0);
    EXPECT_EQ(backend->recvBytes, 0);
    EXPECT_EQ(backend->copiedElements, 4 * 4 * 8);
    EXPECT_EQ(rt->directBytes() - pushed, 4 * 2 * 8 * 4);
    EXPECT_EQ(std::memcmp(buf, expected.data(), 8 * 2 * 8 * 4), 0);
  }
  // A gather: this rank's rows go into both outputs, scaled.
  std::vector<float> g(2 * 5, 2.0f), go(4 * 5);
  void *gbuf = nullptr;
  ASSERT_TRUE(rt->allocate(4 * 5 * 4, gbuf));
  backend->reset();
  ASSERT_TRUE(rt->run(gatherOp({0}, 0, {}, -1, GradScale::Down),
                      denseTensor(g.data(), DType::F32, {2, 5}),
                      denseTensor(gbuf, DType::F32, {4, 5})));
  EXPECT_EQ(backend->calls,
            (std::vector<std::string>{"allgatherHost", "copy:2", "alltoallv",
                                      "copy:0", "allgatherHost"}));
  EXPECT_EQ(backend->sendBytes, 0);
  for (int i = 0; i < 4 * 5; ++i)
    EXPECT_EQ(static_cast<float *>(gbuf)[i], 1.0f);
  EXPECT_TRUE(rt->deallocate(buf));
  EXPECT_TRUE(rt->deallocate(gbuf));
}

TEST_F(DataMovement, AFailedPeerWriteFailsEveryRank) {
  UnmappableMemory unmappable(backend->innerShared());
  // Rank 1 cannot map rank 0's output; rank 0 maps rank 1's.
  backend->shared = me == 1 ? &unmappable : backend->innerShared();
  rt->setSharedMinBytes(0);
  std::vector<float> in(4 * 4 * 8, 1.0f);
  void *buf = nullptr;
  ASSERT_TRUE(rt->allocate(8 * 2 * 8 * 4, buf));
  Status st = rt->run(allToAllOp({0}, 1, 0),
                      denseTensor(in.data(), DType::F32, {4, 4, 8}),
                      denseTensor(buf, DType::F32, {8, 2, 8}));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(),
            me == 1 ? "all_to_all: cannot write into the output of group "
                      "rank 0: shared memory: injected failure"
                    : "all_to_all: group rank 1 failed during the exchange, "
                      "so this rank's output is incomplete (its own error "
                      "says why)");
  EXPECT_TRUE(rt->deallocate(buf));
}

TEST_F(DataMovement, APushPastAPeersOutputIsAnError) {
  // Checks off and the ranks disagree on the scatter sizes: each believes
  // its peer's output holds 3 rows of 1024 floats where it holds 1 (one
  // page). The push would write past it; it is refused instead.
  backend->shared = backend->innerShared();
  rt->setSharedMinBytes(0);
  std::vector<float> in(4 * 512, 1.0f);
  void *buf = nullptr;
  ASSERT_TRUE(rt->allocate(1 * 1024 * 4, buf));
  Op op = allToAllOp({0}, 0, 1, me == 0 ? Shape{1, 3} : Shape{3, 1});
  Status st = rt->run(op, denseTensor(in.data(), DType::F32, {4, 512}),
                      denseTensor(buf, DType::F32, {1, 1024}));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(),
            "all_to_all: the block for group rank " + std::to_string(1 - me) +
                " of shape [3, 512] does not fit in that rank's output (the "
                "ranks disagree on the op; the agreement checks would say "
                "how)");
  EXPECT_TRUE(rt->deallocate(buf));
}

TEST_F(DataMovement, CheckAddsOneSmallRecord) {
  rt->setCheckMode(true);
  std::vector<float> in(4 * 4 * 8, 1.0f), out(8 * 2 * 8);
  ASSERT_TRUE(rt->run(allToAllOp({0}, 1, 0),
                      denseTensor(in.data(), DType::F32, {4, 4, 8}),
                      denseTensor(out.data(), DType::F32, {8, 2, 8})));
  EXPECT_EQ(backend->calls, (std::vector<std::string>{"allgatherHost", "copy:2",
                                                      "alltoallv", "copy:0"}));
}

} // namespace
