//===- TestUtil.h - Shared helpers of the runtime tests ---------*- C++ -*-===//
//
// Strided test tensors with padding and sentinels, written independently of
// the runtime's own layout code.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_TEST_TESTUTIL_H
#define SEQPAR_RUNTIME_TEST_TESTUTIL_H

#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Types.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace seqpar::rt::test {

inline int64_t product(const std::vector<int64_t> &v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

/// A rank-1 i64 memref descriptor over its own list, for the C ABI.
struct ListMemref {
  std::vector<int64_t> values;
  int64_t desc[5];
  seqpar_rt_unranked_memref ref;
  explicit ListMemref(std::vector<int64_t> v) : values(std::move(v)) {
    desc[0] = desc[1] = reinterpret_cast<int64_t>(values.data());
    desc[2] = 0;
    desc[3] = static_cast<int64_t>(values.size());
    desc[4] = 1;
    ref = {1, desc};
  }
};

/// A tensor view over its own backing bytes: dims laid out in a random
/// physical order with optional padding, and a leading gap, so that the view
/// has arbitrary (positive) strides. Padding bytes hold a sentinel pattern so
/// that writes outside the view are detected.
struct TestTensor {
  std::vector<uint8_t> backing;
  int64_t es = 1;
  int64_t base = 0; ///< Element offset of element [0, ..., 0].
  std::vector<int64_t> sizes, strides;
  DType dtype = DType::F32;
  /// Where the elements live when not in `backing` (a runtime-allocated
  /// buffer of backing.size() bytes).
  uint8_t *external = nullptr;

  uint8_t *data() { return external ? external : backing.data(); }
  const uint8_t *data() const { return external ? external : backing.data(); }

  TensorRef ref() {
    TensorRef t;
    t.data = data() + base * es;
    t.dtype = dtype;
    t.sizes = sizes;
    t.strides = strides;
    return t;
  }
  int64_t offsetOf(const std::vector<int64_t> &idx) const {
    int64_t off = base;
    for (size_t i = 0; i < idx.size(); ++i)
      off += idx[i] * strides[i];
    return off;
  }
  uint8_t *at(const std::vector<int64_t> &idx) {
    return data() + offsetOf(idx) * es;
  }
  const uint8_t *at(const std::vector<int64_t> &idx) const {
    return data() + offsetOf(idx) * es;
  }
  /// Marks which backing elements belong to the view.
  int64_t rank() const { return int64_t(sizes.size()); }
  std::vector<bool> covered() const {
    std::vector<bool> c(backing.size() / es, false);
    forEachIndex(sizes, [&](const std::vector<int64_t> &idx) {
      c[offsetOf(idx)] = true;
    });
    return c;
  }
  template <typename Fn>
  static void forEachIndex(const std::vector<int64_t> &shape, Fn fn) {
    if (product(shape) == 0)
      return;
    std::vector<int64_t> idx(shape.size(), 0);
    while (true) {
      fn(idx);
      int d = static_cast<int>(shape.size()) - 1;
      for (; d >= 0; --d) {
        if (++idx[d] < shape[d])
          break;
        idx[d] = 0;
      }
      if (d < 0)
        return;
    }
  }
  /// Memref descriptor storage for the C ABI: {allocated, aligned, offset,
  /// sizes, strides}.
  std::vector<int64_t> descriptor() {
    std::vector<int64_t> d;
    d.push_back(reinterpret_cast<int64_t>(data()));
    d.push_back(reinterpret_cast<int64_t>(data()));
    d.push_back(base);
    d.insert(d.end(), sizes.begin(), sizes.end());
    d.insert(d.end(), strides.begin(), strides.end());
    return d;
  }
};

/// Makes a tensor of `sizes`; with `scramble`, a random layout.
inline TestTensor makeTensor(std::mt19937_64 &rng, DType type,
                             const std::vector<int64_t> &sizes, bool scramble,
                             uint8_t sentinel = 0xa5) {
  TestTensor t;
  t.dtype = type;
  t.es = elementSize(type);
  t.sizes = sizes;
  size_t n = sizes.size();
  std::vector<size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::vector<int64_t> pad(n, 0);
  if (scramble) {
    std::shuffle(perm.begin(), perm.end(), rng);
    for (auto &p : pad)
      p = rng() % 3 == 0 ? 1 : 0;
    t.base = rng() % 3;
  }
  // perm[0] is the outermost physical dim.
  t.strides.assign(n, 0);
  int64_t stride = 1;
  for (size_t i = n; i-- > 0;) {
    t.strides[perm[i]] = stride;
    stride *= sizes[perm[i]] + pad[perm[i]];
  }
  t.backing.assign(size_t((t.base + stride + 1) * t.es), sentinel);
  return t;
}

/// One "cases" reader for every test binary: bytes, small exact floats or
/// booleans for the view's elements.
inline void fillValues(std::mt19937_64 &rng, TestTensor &t, bool exactFloats) {
  TestTensor::forEachIndex(t.sizes, [&](const std::vector<int64_t> &idx) {
    uint8_t *p = t.at(idx);
    if (t.dtype == DType::I1) {
      *p = rng() & 1;
      return;
    }
    if (!exactFloats || !isFloat(t.dtype)) {
      for (int64_t b = 0; b < t.es; ++b)
        p[b] = static_cast<uint8_t>(rng());
      return;
    }
    // k / 4 with |k| <= 40 is exact in every float type.
    float v = float(int64_t(rng() % 81) - 40) / 4.0f;
    switch (t.dtype) {
    case DType::F64: {
      double d = v;
      std::memcpy(p, &d, 8);
      break;
    }
    case DType::F32:
      std::memcpy(p, &v, 4);
      break;
    case DType::F16: {
      _Float16 h = static_cast<_Float16>(v);
      std::memcpy(p, &h, 2);
      break;
    }
    default: {
      uint32_t u;
      std::memcpy(&u, &v, 4);
      uint16_t b = uint16_t(u >> 16);
      std::memcpy(p, &b, 2);
      break;
    }
    }
  });
}

/// Reference rounding of a float to bfloat16, nearest even, written by
/// comparing the two neighbours (not by bit tricks as the runtime does).
inline uint16_t refBfloat16(float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  if (std::isnan(v))
    return uint16_t(u >> 16) | 0x40;
  uint16_t lo = uint16_t(u >> 16), hi = uint16_t(lo + 1);
  auto val = [](uint16_t b) {
    uint32_t w = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &w, 4);
    // Infinity is the neighbour past the largest finite value: for rounding
    // it weighs as 2^128.
    if (std::isinf(f))
      return f > 0 ? std::ldexp(1.0, 128) : -std::ldexp(1.0, 128);
    return double(f);
  };
  double dl = std::fabs(double(v) - val(lo));
  double dh = std::fabs(val(hi) - double(v));
  if ((u & 0xffff) == 0)
    return lo;
  if (dl < dh)
    return lo;
  if (dh < dl)
    return hi;
  return (lo & 1) ? hi : lo;
}

/// Reference gradient scaling of one element, computed with the compiler's
/// own _Float16 conversions and the bfloat16 rounding above.
inline void refScale(DType type, GradScale mode, int64_t factor,
                     const uint8_t *src, uint8_t *dst) {
  auto apply = [&](auto x) {
    using W = decltype(x);
    return mode == GradScale::Up ? x * W(factor) : x / W(factor);
  };
  switch (type) {
  case DType::F64: {
    double x;
    std::memcpy(&x, src, 8);
    x = apply(x);
    std::memcpy(dst, &x, 8);
    return;
  }
  case DType::F32: {
    float x;
    std::memcpy(&x, src, 4);
    x = apply(x);
    std::memcpy(dst, &x, 4);
    return;
  }
  case DType::F16: {
    _Float16 h;
    std::memcpy(&h, src, 2);
    _Float16 r = static_cast<_Float16>(apply(static_cast<float>(h)));
    std::memcpy(dst, &r, 2);
    return;
  }
  default: {
    uint16_t b;
    std::memcpy(&b, src, 2);
    uint32_t w = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &w, 4);
    uint16_t r = refBfloat16(apply(f));
    std::memcpy(dst, &r, 2);
    return;
  }
  }
}

/// Reference of an accumulating copy of one element: dst += src in the
/// element type (f16 with the compiler's _Float16, bf16 rounded as above),
/// integers wrapping, i1 as logical or.
inline void refAdd(DType type, const uint8_t *src, uint8_t *dst) {
  auto wrap = [&](auto zero) {
    using U = decltype(zero);
    U a, b;
    std::memcpy(&a, dst, sizeof(U));
    std::memcpy(&b, src, sizeof(U));
    U r = U(a + b);
    std::memcpy(dst, &r, sizeof(U));
  };
  switch (type) {
  case DType::F64: {
    double a, b;
    std::memcpy(&a, dst, 8);
    std::memcpy(&b, src, 8);
    a += b;
    std::memcpy(dst, &a, 8);
    return;
  }
  case DType::F32: {
    float a, b;
    std::memcpy(&a, dst, 4);
    std::memcpy(&b, src, 4);
    a += b;
    std::memcpy(dst, &a, 4);
    return;
  }
  case DType::F16: {
    _Float16 a, b;
    std::memcpy(&a, dst, 2);
    std::memcpy(&b, src, 2);
    _Float16 r = static_cast<_Float16>(float(a) + float(b));
    std::memcpy(dst, &r, 2);
    return;
  }
  case DType::BF16: {
    uint16_t a, b;
    std::memcpy(&a, dst, 2);
    std::memcpy(&b, src, 2);
    auto toFloat = [](uint16_t x) {
      uint32_t w = uint32_t(x) << 16;
      float f;
      std::memcpy(&f, &w, 4);
      return f;
    };
    uint16_t r = refBfloat16(toFloat(a) + toFloat(b));
    std::memcpy(dst, &r, 2);
    return;
  }
  case DType::I64:
    return wrap(uint64_t(0));
  case DType::I32:
    return wrap(uint32_t(0));
  case DType::I8:
    return wrap(uint8_t(0));
  case DType::I1:
    *dst = uint8_t(*dst != 0 || *src != 0);
    return;
  }
}

} // namespace seqpar::rt::test

#endif // SEQPAR_RUNTIME_TEST_TESTUTIL_H
