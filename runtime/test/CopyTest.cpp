//===- CopyTest.cpp - Tests of the CPU pack and unpack kernels ------------===//

#include "seqpar/Runtime/Copy.h"
#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace seqpar::rt;
using namespace seqpar::rt::test;
using Shape = std::vector<int64_t>;

namespace {

uint16_t halfBits(_Float16 h) {
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
_Float16 halfOf(uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, 2);
  return h;
}
uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

TEST(HalfConversion, EveryHalfWidensExactly) {
  for (uint32_t b = 0; b < 65536; ++b) {
    float expected = static_cast<float>(halfOf(uint16_t(b)));
    float got = halfToFloat(uint16_t(b));
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(got)) << b;
    else
      EXPECT_EQ(floatBits(got), floatBits(expected)) << b;
  }
}

TEST(HalfConversion, NarrowingRoundsToNearestEven) {
  std::mt19937_64 rng(1);
  std::vector<float> values = {0.0f,     -0.0f,    65504.0f,  65519.99f,
                               65520.0f, 1e-8f,    2.98e-8f,  2.9802322e-8f,
                               6.1e-5f,  INFINITY, -INFINITY, 1.0f / 3};
  for (int i = 0; i < 200000; ++i)
    values.push_back(floatOf(uint32_t(rng())));
  for (int i = 0; i < 200000; ++i) // Dense around the half range.
    values.push_back(
        std::ldexp(float(rng() % 4096) / 4096 + 1, int(rng() % 40) - 26) *
        (rng() & 1 ? 1 : -1));
  for (float v : values) {
    uint16_t got = floatToHalf(v);
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(static_cast<float>(halfOf(got))));
      continue;
    }
    EXPECT_EQ(got, halfBits(static_cast<_Float16>(v))) << v;
  }
}

TEST(Bfloat16Conversion, NarrowingRoundsToNearestEven) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 400000; ++i) {
    float v = floatOf(uint32_t(rng()));
    uint16_t got = floatToBfloat16(v);
    if (std::isnan(v))
      EXPECT_TRUE(std::isnan(bfloat16ToFloat(got)));
    else
      EXPECT_EQ(got, refBfloat16(v)) << v;
  }
  EXPECT_EQ(floatToBfloat16(1.0f), 0x3f80);
  EXPECT_EQ(bfloat16ToFloat(0x3f80), 1.0f);
}

TEST(Coalesce, MergesDenseDimsAndDropsUnitDims) {
  CopyJob job{nullptr, nullptr, {2, 1, 3, 4}, {12, 99, 4, 1}, {12, 7, 4, 1}};
  CoalescedCopy c = coalesce(job);
  ASSERT_EQ(c.rank, 1);
  EXPECT_EQ(c.size[0], 24);
  EXPECT_EQ(c.srcStride[0], 1);
}

TEST(Coalesce, OrdersByDestinationStride) {
  // A transpose: the source is column-major, the destination row-major.
  CopyJob job{nullptr, nullptr, {3, 5}, {1, 3}, {5, 1}};
  CoalescedCopy c = coalesce(job);
  ASSERT_EQ(c.rank, 2);
  EXPECT_EQ(c.dstStride[0], 5);
  EXPECT_EQ(c.dstStride[1], 1);
  // Same copy described with the dims swapped: the same loops.
  CopyJob swapped{nullptr, nullptr, {5, 3}, {3, 1}, {1, 5}};
  CoalescedCopy d = coalesce(swapped);
  ASSERT_EQ(d.rank, 2);
  EXPECT_EQ(d.dstStride[0], 5);
  EXPECT_EQ(d.srcStride[1], 3);
}

TEST(Coalesce, EmptyAndScalar) {
  EXPECT_EQ(coalesce({nullptr, nullptr, {3, 0}, {1, 1}, {1, 1}}).rank, -1);
  EXPECT_EQ(coalesce({nullptr, nullptr, {1, 1}, {5, 5}, {5, 5}}).rank, 0);
}

TEST(CopyBytes, StreamingMatchesMemcpyAtEveryAlignment) {
  std::mt19937_64 rng(3);
  std::vector<uint8_t> src(9000), dst(9000), ref(9000);
  for (auto &b : src)
    b = uint8_t(rng());
  for (size_t so = 0; so < 40; so += 3)
    for (size_t doff = 0; doff < 40; doff += 5)
      for (size_t n : {size_t(0), size_t(1), size_t(511), size_t(512),
                       size_t(1000), size_t(4133), size_t(8900)}) {
        std::fill(dst.begin(), dst.end(), 0x5a);
        ref = dst;
        std::memcpy(ref.data() + doff, src.data() + so, n);
        copyBytes(dst.data() + doff, src.data() + so, n, true);
        streamingFence();
        ASSERT_EQ(dst, ref) << so << " " << doff << " " << n;
      }
}

/// Copies `out` from `in` element by element through their views.
void naiveCopy(const TestTensor &in, TestTensor &out) {
  TestTensor::forEachIndex(in.sizes, [&](const Shape &idx) {
    std::memcpy(out.at(idx), in.at(idx), size_t(in.es));
  });
}

/// Random boxes of every element type between random views: plain copies
/// (small and large enough to stream) and scaled copies.
TEST(CopyOnHost, MatchesElementwiseReference) {
  std::mt19937_64 rng(4);
  for (int iter = 0; iter < 600; ++iter) {
    DType type = DType(rng() % 8);
    int rank = 1 + int(rng() % 6);
    bool big = iter % 10 == 0;
    Shape shape(rank);
    for (auto &s : shape)
      s = 1 + int64_t(rng() % (big ? 9 : 4));
    if (big)
      shape.back() = 1024 + int64_t(rng() % 300); // Long contiguous runs.
    GradScale scale = isFloat(type) && rng() % 3 == 0 ? GradScale(1 + rng() % 2)
                                                      : GradScale::None;
    TestTensor in = makeTensor(rng, type, shape, rng() % 2);
    TestTensor out = makeTensor(rng, type, shape, rng() % 2);
    TestTensor expected = out;
    fillValues(rng, in, scale != GradScale::None);
    if (scale == GradScale::None) {
      naiveCopy(in, expected);
    } else {
      TestTensor::forEachIndex(shape, [&](const Shape &idx) {
        refScale(type, scale, 3, in.at(idx), expected.at(idx));
      });
    }
    TensorRef a = in.ref(), b = out.ref();
    copyOnHost({{a.data, b.data, shape, a.strides, b.strides}}, type,
               {scale, 3});
    ASSERT_EQ(out.backing, expected.backing)
        << "iteration " << iter << " type " << dtypeName(type);
  }
}

TEST(CopyOnHost, LargeCopiesStream) {
  // Above kStreamingMinTotal, with odd run lengths and misaligned rows.
  const int64_t rows = 9000, run = 1031;
  static_assert(size_t(9000) * 1031 >= kStreamingMinTotal);
  std::vector<uint8_t> src(size_t(rows * (run + 7)) + 3),
      dst(size_t(rows * run)), ref(dst.size());
  std::mt19937_64 rng(6);
  for (auto &b : src)
    b = uint8_t(rng());
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(ref.data() + r * run, src.data() + 3 + r * (run + 7),
                size_t(run));
  copyOnHost(
      {{src.data() + 3, dst.data(), {rows, run}, {run + 7, 1}, {run, 1}}},
      DType::I8, {});
  EXPECT_EQ(dst, ref);
}

TEST(CopyOnHost, SeveralJobsInOneCall) {
  std::vector<float> src(64), dst(64, -1.0f);
  for (int i = 0; i < 64; ++i)
    src[i] = float(i);
  // Two halves of a 8x8 transpose.
  copyOnHost({{src.data(), dst.data(), {4, 8}, {1, 8}, {8, 1}},
              {src.data() + 4, dst.data() + 32, {4, 8}, {1, 8}, {8, 1}}},
             DType::F32, {});
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c)
      ASSERT_EQ(dst[r * 8 + c], src[c * 8 + r]);
}

} // namespace
