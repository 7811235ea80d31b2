//===- CudaCopyPlan.cpp - Launch plans of the CUDA pack kernels -----------===//
//
// Host code, built with or without CUDA, so that the plans are unit-tested on
// machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include "CudaCopy.h"

#include <algorithm>

namespace seqpar::rt {

bool planCudaCopy(const CopyJob &job, DType type, const Scaling &scaling,
                  CudaCopyDesc &out) {
  CoalescedCopy c = coalesce(job);
  if (c.rank < 0)
    return false;
  const int64_t es = elementSize(type);
  out = CudaCopyDesc();
  out.src = static_cast<const char *>(job.src);
  out.dst = static_cast<char *>(job.dst);
  out.dtype = static_cast<int32_t>(type);
  out.scale = static_cast<int32_t>(scaling.mode);
  out.factor = scaling.factor;
  out.accumulate = job.accumulate ? 1 : 0;
  if (c.rank == 0) { // A single element.
    c.rank = 1;
    c.size[0] = 1;
    c.srcStride[0] = c.dstStride[0] = 1;
  }
  int64_t vec = es;
  const int last = c.rank - 1;
  if (scaling.mode == GradScale::None && !job.accumulate &&
      c.srcStride[last] == 1 && c.dstStride[last] == 1) {
    const int64_t run = c.size[last] * es;
    auto fits = [&](int64_t v) {
      if (run % v || reinterpret_cast<uintptr_t>(out.src) % v ||
          reinterpret_cast<uintptr_t>(out.dst) % v)
        return false;
      for (int i = 0; i < last; ++i)
        if ((c.srcStride[i] * es) % v || (c.dstStride[i] * es) % v)
          return false;
      return true;
    };
    for (int64_t v = 16; v > es; v /= 2) {
      if (fits(v)) {
        vec = v;
        break;
      }
    }
  }
  out.vecBytes = static_cast<int32_t>(vec);
  out.rank = c.rank;
  out.total = 1;
  for (int i = 0; i < c.rank; ++i) {
    bool inner = i == last;
    // Strides in vectors: the inner dim is contiguous (or vec == es).
    out.size[i] = inner ? c.size[i] * es / vec : c.size[i];
    out.srcStride[i] = inner ? c.srcStride[i] : c.srcStride[i] * es / vec;
    out.dstStride[i] = inner ? c.dstStride[i] : c.dstStride[i] * es / vec;
    out.total *= out.size[i];
  }
  return true;
}

CudaLaunch planCudaLaunch(int64_t total) {
  CudaLaunch l;
  l.threads = kCudaCopyThreads;
  l.blocks = std::clamp<int64_t>((total + l.threads - 1) / l.threads, 1,
                                 kCudaCopyMaxBlocks);
  return l;
}

} // namespace seqpar::rt
