//===- CudaCopy.h - Launch plans of the CUDA pack kernels -------*- C++ -*-===//
//
// The CUDA pack/unpack kernel executes a CopyJob as a grid-stride loop over
// "vectors" (1 to 16 bytes): each thread maps a linear vector index to a
// source and a destination byte offset. The plan (vector width, coalesced
// dims, launch geometry) and the index mapping are plain C++ so that they are
// unit-tested on machines without a GPU; the kernel calls the same
// `cudaCopyOffsets`.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_LIB_CUDACOPY_H
#define SEQPAR_RUNTIME_LIB_CUDACOPY_H

#include "seqpar/Runtime/Copy.h"

#include <cstdint>

#if defined(__CUDACC__)
#define SEQPAR_HD __host__ __device__
#else
#define SEQPAR_HD
#endif

namespace seqpar::rt {

/// One kernel launch: a coalesced box copy in units of `vecBytes`.
struct CudaCopyDesc {
  const char *src = nullptr;
  char *dst = nullptr;
  int32_t rank = 0;     ///< Coalesced dims (>= 1).
  int32_t vecBytes = 1; ///< Bytes per vector: 1, 2, 4, 8 or 16.
  int64_t total = 0;    ///< Vectors to copy.
  int64_t size[kMaxRank] = {};
  int64_t srcStride[kMaxRank] = {}; ///< In vectors.
  int64_t dstStride[kMaxRank] = {}; ///< In vectors.
  int32_t dtype = 0;                ///< DType, for scaling.
  int32_t scale = 0; ///< GradScale; vecBytes is the element size then.
  int64_t factor = 1;
  int32_t accumulate = 0; ///< Add to dst (CopyJob::accumulate); as scale.
};

/// Grid-stride launch geometry.
struct CudaLaunch {
  int64_t blocks = 0;
  int32_t threads = 0;
};

/// Threads per block of the copy kernel.
constexpr int32_t kCudaCopyThreads = 256;
/// Upper bound of blocks per launch (the grid-stride loop covers the rest).
constexpr int64_t kCudaCopyMaxBlocks = 4096;

/// Byte offsets of vector `linear` (0 <= linear < total) in the source and
/// destination: row-major unravelling over the coalesced dims.
SEQPAR_HD inline void cudaCopyOffsets(const CudaCopyDesc &d, int64_t linear,
                                      int64_t &srcOff, int64_t &dstOff) {
  int64_t s = 0, t = 0;
  for (int32_t i = d.rank - 1; i >= 0; --i) {
    int64_t c = linear % d.size[i];
    linear /= d.size[i];
    s += c * d.srcStride[i];
    t += c * d.dstStride[i];
  }
  srcOff = s * d.vecBytes;
  dstOff = t * d.vecBytes;
}

/// Builds the launch of `job` with elements of `type`: coalesces the box
/// (coalesce in Copy.h), then picks the widest vector (up to 16 bytes) that
/// divides the innermost contiguous run, every other stride and both base
/// addresses; scaling and accumulating copies move one element per thread.
/// Returns false for an empty copy.
SEQPAR_RT_EXPORT bool planCudaCopy(const CopyJob &job, DType type,
                                   const Scaling &scaling, CudaCopyDesc &out);

/// The launch geometry for `total` vectors.
SEQPAR_RT_EXPORT CudaLaunch planCudaLaunch(int64_t total);

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_LIB_CUDACOPY_H
