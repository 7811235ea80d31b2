//===- CudaCopyPlanTest.cpp - CPU tests of the CUDA kernel plans ----------===//
//
// The CUDA copy kernel is a grid-stride loop over `cudaCopyOffsets`. These
// tests run exactly that loop on the CPU, with the planned vector width and
// launch geometry, and compare with the CPU kernels: every destination byte
// of the box is written once and nothing else is.
//
//===----------------------------------------------------------------------===//

#include "CudaCopy.h"
#include "TestUtil.h"

#include <gtest/gtest.h>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

/// Emulates the kernel launch of `d` on the host; counts writes per byte.
void emulate(const CudaCopyDesc &d, std::vector<int> &writes,
             const uint8_t *dstBase) {
  CudaLaunch l = planCudaLaunch(d.total);
  int64_t step = l.blocks * l.threads;
  for (int64_t b = 0; b < l.blocks; ++b)
    for (int32_t t = 0; t < l.threads; ++t)
      for (int64_t i = b * l.threads + t; i < d.total; i += step) {
        int64_t s, o;
        cudaCopyOffsets(d, i, s, o);
        std::memcpy(d.dst + o, d.src + s, size_t(d.vecBytes));
        for (int k = 0; k < d.vecBytes; ++k)
          ++writes[size_t(reinterpret_cast<const uint8_t *>(d.dst) + o + k -
                          dstBase)];
      }
}

TEST(CudaCopyPlan, EmulatedKernelMatchesHostCopy) {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 400; ++iter) {
    DType type = DType(rng() % 8);
    int rank = 1 + int(rng() % 6);
    Shape shape(rank);
    for (auto &s : shape)
      s = 1 + int64_t(rng() % 4);
    if (iter % 4 == 0)
      shape.back() = 64 + int64_t(rng() % 64);
    TestTensor in = makeTensor(rng, type, shape, rng() % 2);
    TestTensor out = makeTensor(rng, type, shape, rng() % 2);
    fillValues(rng, in, false);
    TestTensor expected = out;
    TensorRef a = in.ref(), b = out.ref(), c = expected.ref();
    copyOnHost({{a.data, c.data, shape, a.strides, c.strides}}, type, {});
    CudaCopyDesc d;
    ASSERT_TRUE(planCudaCopy({a.data, b.data, shape, a.strides, b.strides},
                             type, {}, d));
    std::vector<int> writes(out.backing.size(), 0);
    emulate(d, writes, out.backing.data());
    ASSERT_EQ(out.backing, expected.backing) << "iteration " << iter;
    std::vector<bool> cov = out.covered();
    for (size_t e = 0; e < cov.size(); ++e)
      for (int64_t k = 0; k < out.es; ++k)
        ASSERT_EQ(writes[e * out.es + k], cov[e] ? 1 : 0)
            << "iteration " << iter << " byte " << e * out.es + k;
  }
}

TEST(CudaCopyPlan, PicksTheWidestVectorThatFits) {
  alignas(16) static uint8_t src[8192], dst[8192];
  CudaCopyDesc d;
  // 4 rows of 1 KiB f32 runs with 16-byte aligned strides: 16-byte vectors.
  ASSERT_TRUE(planCudaCopy({src, dst, {4, 256}, {512, 1}, {256, 1}}, DType::F32,
                           {}, d));
  EXPECT_EQ(d.vecBytes, 16);
  EXPECT_EQ(d.total, 4 * 256 * 4 / 16);
  // A base off by 4 bytes: 4-byte vectors.
  ASSERT_TRUE(planCudaCopy({src + 4, dst, {4, 256}, {512, 1}, {256, 1}},
                           DType::F32, {}, d));
  EXPECT_EQ(d.vecBytes, 4);
  // A strided innermost dim: one element per vector.
  ASSERT_TRUE(
      planCudaCopy({src, dst, {8, 8}, {1, 8}, {8, 1}}, DType::F64, {}, d));
  EXPECT_EQ(d.vecBytes, 8);
  // Scaling moves one element per thread.
  ASSERT_TRUE(planCudaCopy({src, dst, {1024}, {1}, {1}}, DType::F16,
                           {GradScale::Up, 2}, d));
  EXPECT_EQ(d.vecBytes, 2);
  EXPECT_EQ(d.scale, int32_t(GradScale::Up));
  // Accumulating (the sums of replicated blocks) too, contiguous or not.
  CopyJob add{src, dst, {4, 256}, {512, 1}, {256, 1}};
  add.accumulate = true;
  ASSERT_TRUE(planCudaCopy(add, DType::F32, {}, d));
  EXPECT_EQ(d.vecBytes, 4);
  EXPECT_EQ(d.accumulate, 1);
  EXPECT_EQ(d.total, 4 * 256);
  ASSERT_TRUE(planCudaCopy({src, dst, {1024}, {1}, {1}}, DType::F32, {}, d));
  EXPECT_EQ(d.accumulate, 0);
  // Empty boxes launch nothing.
  EXPECT_FALSE(
      planCudaCopy({src, dst, {0, 4}, {4, 1}, {4, 1}}, DType::I8, {}, d));
}

TEST(CudaCopyPlan, LaunchGeometry) {
  EXPECT_EQ(planCudaLaunch(0).blocks, 1);
  EXPECT_EQ(planCudaLaunch(1).blocks, 1);
  EXPECT_EQ(planCudaLaunch(kCudaCopyThreads + 1).blocks, 2);
  EXPECT_EQ(planCudaLaunch(int64_t(1) << 40).blocks, kCudaCopyMaxBlocks);
  EXPECT_EQ(planCudaLaunch(5).threads, kCudaCopyThreads);
}

} // namespace
