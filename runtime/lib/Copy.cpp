//===- Copy.cpp - CPU pack and unpack kernels -----------------------------===//
//
// Strided box copies with non-temporal stores for large contiguous runs:
// regular stores of a destination that is not in cache first read each line
// (write-allocate), so a per-run memcpy moves about twice the bytes that a
// streaming copy does.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Copy.h"

#include <algorithm>
#include <cstring>
#include <emmintrin.h>
#include <immintrin.h>
#include <numeric>

namespace seqpar::rt {

//===----------------------------------------------------------------------===//
// Half-precision conversions
//===----------------------------------------------------------------------===//

static uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
static float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

static inline float halfToFloatImpl(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ff;
  if (exp == 0x1f) // Inf or NaN; keep the payload.
    return floatOf(sign | 0x7f800000 | (man << 13));
  if (exp == 0) {
    if (man == 0)
      return floatOf(sign);
    // Subnormal: value = man * 2^-24, exact in float.
    float v = float(man) * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  return floatOf(sign | ((exp + 112) << 23) | (man << 13));
}

static inline uint16_t floatToHalfImpl(float f) {
  uint32_t u = bitsOf(f);
  uint16_t sign = uint16_t((u >> 16) & 0x8000);
  uint32_t absu = u & 0x7fffffff;
  if (absu > 0x7f800000) // NaN: keep it quiet and non-zero.
    return sign | 0x7e00 | uint16_t((absu >> 13) & 0x3ff);
  if (absu >= 0x477ff000) // Rounds to infinity (>= 65520).
    return sign | 0x7c00;
  if (absu < 0x38800000) {
    // Result is subnormal or zero: round absu's value to a multiple of 2^-24.
    float a = floatOf(absu);
    // Adding 0.5 (2^-1) forces the float's ulp to 2^-24 around this range,
    // so the FPU's round-to-nearest-even does the rounding.
    float r = a + 0.5f;
    return sign | uint16_t(bitsOf(r) - bitsOf(0.5f));
  }
  // Normal: rebias and round the 13 dropped bits to nearest even.
  uint32_t mant = absu + 0xfff + ((absu >> 13) & 1);
  return sign | uint16_t((mant - 0x38000000) >> 13);
}

static inline float bfloat16ToFloatImpl(uint16_t b) {
  return floatOf(uint32_t(b) << 16);
}

static inline uint16_t floatToBfloat16Impl(float f) {
  uint32_t u = bitsOf(f);
  uint16_t rounded = uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  // NaN: force a quiet bit that survives. A select, not a branch, so that
  // loops over it vectorize.
  return (u & 0x7fffffff) > 0x7f800000 ? uint16_t((u >> 16) | 0x40) : rounded;
}

// The exported conversions; the kernels below use the inline bodies (an
// exported function of a shared library is not inlined under -fPIC).
float halfToFloat(uint16_t h) { return halfToFloatImpl(h); }
uint16_t floatToHalf(float f) { return floatToHalfImpl(f); }
float bfloat16ToFloat(uint16_t b) { return bfloat16ToFloatImpl(b); }
uint16_t floatToBfloat16(float f) { return floatToBfloat16Impl(f); }

//===----------------------------------------------------------------------===//
// Contiguous runs
//===----------------------------------------------------------------------===//

bool cpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

static void streamSse2(char *d, const char *s, size_t n) {
  size_t head = (16 - (reinterpret_cast<uintptr_t>(d) & 15)) & 15;
  head = std::min(head, n);
  std::memcpy(d, s, head);
  d += head, s += head, n -= head;
  for (; n >= 64; d += 64, s += 64, n -= 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + 32));
    __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + 48));
    _mm_stream_si128(reinterpret_cast<__m128i *>(d), a);
    _mm_stream_si128(reinterpret_cast<__m128i *>(d + 16), b);
    _mm_stream_si128(reinterpret_cast<__m128i *>(d + 32), c);
    _mm_stream_si128(reinterpret_cast<__m128i *>(d + 48), e);
  }
  for (; n >= 16; d += 16, s += 16, n -= 16)
    _mm_stream_si128(reinterpret_cast<__m128i *>(d),
                     _mm_loadu_si128(reinterpret_cast<const __m128i *>(s)));
  std::memcpy(d, s, n);
}

__attribute__((target("avx2"))) static void streamAvx2(char *d, const char *s,
                                                       size_t n) {
  size_t head = (32 - (reinterpret_cast<uintptr_t>(d) & 31)) & 31;
  head = std::min(head, n);
  std::memcpy(d, s, head);
  d += head, s += head, n -= head;
  for (; n >= 128; d += 128, s += 128, n -= 128) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s + 32));
    __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s + 64));
    __m256i e = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s + 96));
    _mm256_stream_si256(reinterpret_cast<__m256i *>(d), a);
    _mm256_stream_si256(reinterpret_cast<__m256i *>(d + 32), b);
    _mm256_stream_si256(reinterpret_cast<__m256i *>(d + 64), c);
    _mm256_stream_si256(reinterpret_cast<__m256i *>(d + 96), e);
  }
  for (; n >= 32; d += 32, s += 32, n -= 32)
    _mm256_stream_si256(
        reinterpret_cast<__m256i *>(d),
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s)));
  std::memcpy(d, s, n);
}

void copyBytes(void *dst, const void *src, size_t bytes, bool streaming) {
  if (!streaming || bytes < kStreamingMinRun) {
    std::memcpy(dst, src, bytes);
    return;
  }
  if (cpuHasAvx2())
    streamAvx2(static_cast<char *>(dst), static_cast<const char *>(src), bytes);
  else
    streamSse2(static_cast<char *>(dst), static_cast<const char *>(src), bytes);
}

void streamingFence() { _mm_sfence(); }

//===----------------------------------------------------------------------===//
// Strided boxes
//===----------------------------------------------------------------------===//

CoalescedCopy coalesce(const CopyJob &job) {
  CoalescedCopy c;
  struct Dim {
    int64_t size, src, dst;
  };
  Dim dims[kMaxRank];
  int n = 0;
  for (size_t i = 0; i < job.shape.size(); ++i) {
    if (job.shape[i] == 0) {
      c.rank = -1;
      return c;
    }
    if (job.shape[i] != 1)
      dims[n++] = {job.shape[i], job.srcStrides[i], job.dstStrides[i]};
  }
  // Writes in destination order; stable so that ties keep the box's order.
  std::stable_sort(dims, dims + n, [](const Dim &a, const Dim &b) {
    return std::llabs(a.dst) > std::llabs(b.dst);
  });
  int m = 0;
  for (int i = 0; i < n; ++i) {
    if (m > 0) {
      Dim &inner = dims[i];
      Dim &outer = dims[m - 1];
      if (outer.src == inner.src * inner.size &&
          outer.dst == inner.dst * inner.size) {
        outer = {outer.size * inner.size, inner.src, inner.dst};
        continue;
      }
    }
    dims[m++] = dims[i];
  }
  c.rank = m;
  for (int i = 0; i < m; ++i) {
    c.size[i] = dims[i].size;
    c.srcStride[i] = dims[i].src;
    c.dstStride[i] = dims[i].dst;
  }
  return c;
}

namespace {

template <typename T> struct Plain {
  void operator()(char *d, const char *s) const {
    std::memcpy(d, s, sizeof(T));
  }
};

template <typename T> T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> void store(char *p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

/// Scales one element; `Wide` is the arithmetic type.
template <DType Type> struct Scale {
  GradScale mode;
  int64_t factor;
  template <typename W> W apply(W x) const {
    return mode == GradScale::Up ? x * W(factor) : x / W(factor);
  }
  void operator()(char *d, const char *s) const {
    if constexpr (Type == DType::F64)
      store(d, apply(load<double>(s)));
    else if constexpr (Type == DType::F32)
      store(d, apply(load<float>(s)));
    else if constexpr (Type == DType::F16)
      store(d, floatToHalfImpl(apply(halfToFloatImpl(load<uint16_t>(s)))));
    else
      store(d,
            floatToBfloat16Impl(apply(bfloat16ToFloatImpl(load<uint16_t>(s)))));
  }
};

/// Adds one element to the destination; `Wide` is the arithmetic type.
template <DType Type> struct Add {
  template <typename U> static void wrap(char *d, const char *s) {
    store(d, U(load<U>(d) + load<U>(s))); // Unsigned: wraps, never UB.
  }
  void operator()(char *d, const char *s) const {
    if constexpr (Type == DType::F64)
      store(d, load<double>(d) + load<double>(s));
    else if constexpr (Type == DType::F32)
      store(d, load<float>(d) + load<float>(s));
    else if constexpr (Type == DType::F16)
      store(d, floatToHalfImpl(halfToFloatImpl(load<uint16_t>(d)) +
                               halfToFloatImpl(load<uint16_t>(s))));
    else if constexpr (Type == DType::BF16)
      store(d, floatToBfloat16Impl(bfloat16ToFloatImpl(load<uint16_t>(d)) +
                                   bfloat16ToFloatImpl(load<uint16_t>(s))));
    else if constexpr (Type == DType::I64)
      wrap<uint64_t>(d, s);
    else if constexpr (Type == DType::I32)
      wrap<uint32_t>(d, s);
    else if constexpr (Type == DType::I8)
      wrap<uint8_t>(d, s);
    else
      store(d, uint8_t(load<uint8_t>(d) != 0 || load<uint8_t>(s) != 0));
  }
};

/// Walks the outer dims of `c` (all but the innermost) with an odometer and
/// calls `inner(dst, src)` for each innermost line.
template <typename Fn>
void forEachLine(const CoalescedCopy &c, int64_t es, const char *src, char *dst,
                 Fn inner) {
  int outer = c.rank - 1;
  int64_t idx[kMaxRank] = {};
  while (true) {
    inner(dst, src);
    int d = outer - 1;
    for (; d >= 0; --d) {
      src += c.srcStride[d] * es;
      dst += c.dstStride[d] * es;
      if (++idx[d] < c.size[d])
        break;
      src -= c.srcStride[d] * es * c.size[d];
      dst -= c.dstStride[d] * es * c.size[d];
      idx[d] = 0;
    }
    if (d < 0)
      return;
  }
}

template <typename Elem>
void copyElements(const CoalescedCopy &c, int64_t es, const char *src,
                  char *dst, Elem elem) {
  int last = c.rank - 1;
  int64_t n = c.size[last];
  int64_t ss = c.srcStride[last] * es, ds = c.dstStride[last] * es;
  forEachLine(c, es, src, dst, [&](char *d, const char *s) {
    for (int64_t i = 0; i < n; ++i, d += ds, s += ss)
      elem(d, s);
  });
}

/// An accumulating copy of elements of `Type` (`Es` bytes each): contiguous
/// runs in a loop of constant stride, which the compiler vectorizes for the
/// types whose add is one instruction.
template <DType Type, int64_t Es>
void addElements(const CoalescedCopy &c, const char *src, char *dst) {
  int last = c.rank - 1;
  int64_t n = c.size[last];
  if (c.srcStride[last] != 1 || c.dstStride[last] != 1)
    return copyElements(c, Es, src, dst, Add<Type>{});
  forEachLine(c, Es, src, dst, [n](char *d, const char *s) {
    Add<Type> add;
    for (int64_t i = 0; i < n; ++i)
      add(d + i * Es, s + i * Es);
  });
}

void copyOne(const CopyJob &job, int64_t es, DType type, const Scaling &scaling,
             bool streaming) {
  CoalescedCopy c = coalesce(job);
  if (c.rank < 0)
    return;
  const char *src = static_cast<const char *>(job.src);
  char *dst = static_cast<char *>(job.dst);
  if (c.rank == 0) { // One element.
    c.rank = 1;
    c.size[0] = 1;
    c.srcStride[0] = c.dstStride[0] = 1;
  }
  int last = c.rank - 1;
  if (job.accumulate) {
    switch (type) {
    case DType::F64:
      return addElements<DType::F64, 8>(c, src, dst);
    case DType::F32:
      return addElements<DType::F32, 4>(c, src, dst);
    case DType::F16:
      return addElements<DType::F16, 2>(c, src, dst);
    case DType::BF16:
      return addElements<DType::BF16, 2>(c, src, dst);
    case DType::I64:
      return addElements<DType::I64, 8>(c, src, dst);
    case DType::I32:
      return addElements<DType::I32, 4>(c, src, dst);
    case DType::I8:
      return addElements<DType::I8, 1>(c, src, dst);
    case DType::I1:
      return addElements<DType::I1, 1>(c, src, dst);
    }
    return;
  }
  if (scaling.mode != GradScale::None) {
    switch (type) {
    case DType::F64:
      return copyElements(c, es, src, dst,
                          Scale<DType::F64>{scaling.mode, scaling.factor});
    case DType::F32:
      return copyElements(c, es, src, dst,
                          Scale<DType::F32>{scaling.mode, scaling.factor});
    case DType::F16:
      return copyElements(c, es, src, dst,
                          Scale<DType::F16>{scaling.mode, scaling.factor});
    case DType::BF16:
      return copyElements(c, es, src, dst,
                          Scale<DType::BF16>{scaling.mode, scaling.factor});
    default:
      return; // Rejected by the callers.
    }
  }
  if (c.srcStride[last] == 1 && c.dstStride[last] == 1) {
    size_t bytes = size_t(c.size[last] * es);
    bool stream = streaming && bytes >= kStreamingMinRun;
    if (c.rank == 1)
      return copyBytes(dst, src, bytes, stream);
    return forEachLine(c, es, src, dst, [&](char *d, const char *s) {
      copyBytes(d, s, bytes, stream);
    });
  }
  switch (es) {
  case 8:
    return copyElements(c, es, src, dst, Plain<uint64_t>{});
  case 4:
    return copyElements(c, es, src, dst, Plain<uint32_t>{});
  case 2:
    return copyElements(c, es, src, dst, Plain<uint16_t>{});
  default:
    return copyElements(c, es, src, dst, Plain<uint8_t>{});
  }
}

} // namespace

void copyOnHost(const std::vector<CopyJob> &jobs, DType type,
                const Scaling &scaling) {
  int64_t es = elementSize(type);
  size_t total = 0;
  for (const CopyJob &job : jobs) {
    int64_t n = 1;
    for (int64_t s : job.shape)
      n *= s;
    total += size_t(n * es);
  }
  // Sums read what the copies before them wrote: keep it in cache.
  bool accumulates = std::any_of(jobs.begin(), jobs.end(),
                                 [](const CopyJob &j) { return j.accumulate; });
  bool streaming = total >= kStreamingMinTotal && !accumulates;
  for (const CopyJob &job : jobs)
    copyOne(job, es, type, scaling, streaming);
  if (streaming)
    streamingFence();
}

} // namespace seqpar::rt
