//===- CudaKernels.h - Launchers of the CUDA pack kernels -------*- C++ -*-===//
//
// Internal to the NCCL backend.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_LIB_CUDAKERNELS_H
#define SEQPAR_RUNTIME_LIB_CUDAKERNELS_H

#include "CudaCopy.h"

#include <cuda_runtime_api.h>

namespace seqpar::rt {

/// Enqueues the copy `d` (from planCudaCopy) on `stream`.
cudaError_t launchCudaCopy(const CudaCopyDesc &d, cudaStream_t stream);

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_LIB_CUDAKERNELS_H
