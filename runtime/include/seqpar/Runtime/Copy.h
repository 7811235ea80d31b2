//===- Copy.h - Strided pack and unpack kernels -----------------*- C++ -*-===//
//
// Every data movement of the runtime outside the collective itself is one
// strided box copy: the pack of a peer's chunk into the staging buffer, the
// unpack of a received chunk into the output, and the local copies of splits.
// This header describes such a copy and the CPU kernels that execute it; the
// CUDA kernels (runtime/lib/CudaCopy.h, internal) execute the same
// description on a device.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_COPY_H
#define SEQPAR_RUNTIME_COPY_H

#include "seqpar/Runtime/Types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace seqpar::rt {

/// One box copy: `shape` elements read from `src` with `srcStrides` and
/// written to `dst` with `dstStrides` (strides in elements). The boxes must
/// not overlap each other. With `accumulate`, each element is added to the
/// destination instead (in the element type: floats rounded once per add,
/// integers wrapping, i1 as logical or); the jobs of one call run in order,
/// so a later job may add to what an earlier one wrote.
struct CopyJob {
  const void *src = nullptr;
  void *dst = nullptr;
  std::vector<int64_t> shape;
  std::vector<int64_t> srcStrides;
  std::vector<int64_t> dstStrides;
  bool accumulate = false;
};

/// What a copy does to the values: nothing, or a gradient scale by `factor`
/// (the group size). Only valid for floating-point element types.
struct Scaling {
  GradScale mode = GradScale::None;
  int64_t factor = 1;
};

/// A copy reduced to the fewest loops: size-1 dims dropped, dims ordered by
/// decreasing destination stride (so that writes are as sequential as the
/// layout allows), and adjacent dims merged where both sides are contiguous
/// across them. `rank` is 0 for a single element and -1 for an empty copy.
struct CoalescedCopy {
  int rank = 0;
  int64_t size[kMaxRank] = {};
  int64_t srcStride[kMaxRank] = {};
  int64_t dstStride[kMaxRank] = {};
};
SEQPAR_RT_EXPORT CoalescedCopy coalesce(const CopyJob &job);

/// Bytes of contiguous runs at and above which large copies use
/// non-temporal stores.
constexpr size_t kStreamingMinRun = 512;
/// Total bytes of a copy at and above which it uses non-temporal stores:
/// below this the destination stays in cache (and the collective that reads
/// it next finds it there), which beats streaming; above it streaming wins
/// (BM_PackRuns/2048/{1,4,16} of CopyBench: regular stores are faster at 1
/// and 4 MiB, streaming at 16 MiB on the 4 MiB-L2 machine of the figures).
constexpr size_t kStreamingMinTotal = size_t(8) << 20;

/// Copies `bytes` bytes; with `streaming`, through non-temporal stores
/// (AVX2 when the CPU has it, else SSE2) that the caller must fence with
/// `streamingFence()` before another thread or process reads `dst`.
SEQPAR_RT_EXPORT void copyBytes(void *dst, const void *src, size_t bytes,
                                bool streaming);
/// Orders the non-temporal stores made so far (sfence).
SEQPAR_RT_EXPORT void streamingFence();
/// True when the CPU supports AVX2 (the streaming kernel then uses it).
SEQPAR_RT_EXPORT bool cpuHasAvx2();

/// Executes `jobs` on the CPU, in order, with elements of `type`, applying
/// `scaling` (not to accumulating jobs, which the runtime never scales).
/// Contiguous runs are copied with copyBytes (streaming when the jobs are
/// large), other layouts element by element. Preconditions (checked by the
/// callers): valid pointers, scaling only for floating-point types.
SEQPAR_RT_EXPORT void copyOnHost(const std::vector<CopyJob> &jobs, DType type,
                                 const Scaling &scaling);

/// IEEE binary16 and bfloat16 conversions (round to nearest even; NaN stays
/// NaN), used by the scaling kernels.
SEQPAR_RT_EXPORT float halfToFloat(uint16_t bits);
SEQPAR_RT_EXPORT uint16_t floatToHalf(float value);
SEQPAR_RT_EXPORT float bfloat16ToFloat(uint16_t bits);
SEQPAR_RT_EXPORT uint16_t floatToBfloat16(float value);

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_COPY_H
