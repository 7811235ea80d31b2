//===- CudaKernels.cu - CUDA pack and unpack kernels ----------------------===//
//
// One grid-stride kernel per vector width; scaling copies convert f16 and bf16
// through f32 as the CPU kernels do.
//
//===----------------------------------------------------------------------===//

#include "CudaCopy.h"
#include "CudaKernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace seqpar::rt {
namespace {

template <typename V> __global__ void copyKernel(CudaCopyDesc d) {
  int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < d.total;
       i += step) {
    int64_t s, t;
    cudaCopyOffsets(d, i, s, t);
    *reinterpret_cast<V *>(d.dst + t) = *reinterpret_cast<const V *>(d.src + s);
  }
}

template <typename T> __device__ float toFloat(T x) { return float(x); }
template <> __device__ float toFloat(__half x) { return __half2float(x); }
template <> __device__ float toFloat(__nv_bfloat16 x) {
  return __bfloat162float(x);
}
template <typename T> __device__ T fromFloat(float x) { return T(x); }
template <> __device__ __half fromFloat(float x) { return __float2half_rn(x); }
template <> __device__ __nv_bfloat16 fromFloat(float x) {
  return __float2bfloat16_rn(x);
}

template <typename T, typename W> __global__ void scaleKernel(CudaCopyDesc d) {
  int64_t step = int64_t(gridDim.x) * blockDim.x;
  W f = W(d.factor);
  bool up = d.scale == static_cast<int32_t>(GradScale::Up);
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < d.total;
       i += step) {
    int64_t s, t;
    cudaCopyOffsets(d, i, s, t);
    W x;
    if constexpr (sizeof(W) == sizeof(T))
      x = *reinterpret_cast<const T *>(d.src + s);
    else
      x = toFloat(*reinterpret_cast<const T *>(d.src + s));
    W y = up ? x * f : x / f;
    if constexpr (sizeof(W) == sizeof(T))
      *reinterpret_cast<T *>(d.dst + t) = y;
    else
      *reinterpret_cast<T *>(d.dst + t) = fromFloat<T>(y);
  }
}

/// dst += src, f16 and bf16 through f32 (one rounding per add, as on the
/// CPU), integers wrapping, i1 as logical or.
template <typename T, typename W> __global__ void addKernel(CudaCopyDesc d) {
  int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < d.total;
       i += step) {
    int64_t s, t;
    cudaCopyOffsets(d, i, s, t);
    T *dst = reinterpret_cast<T *>(d.dst + t);
    T x = *reinterpret_cast<const T *>(d.src + s);
    if constexpr (sizeof(W) == sizeof(T))
      *dst = T(W(*dst) + W(x));
    else
      *dst = fromFloat<T>(toFloat(*dst) + toFloat(x));
  }
}

__global__ void orKernel(CudaCopyDesc d) {
  int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < d.total;
       i += step) {
    int64_t s, t;
    cudaCopyOffsets(d, i, s, t);
    uint8_t *dst = reinterpret_cast<uint8_t *>(d.dst + t);
    *dst = uint8_t(*dst != 0 || *reinterpret_cast<const uint8_t *>(d.src + s));
  }
}

} // namespace

cudaError_t launchCudaCopy(const CudaCopyDesc &d, cudaStream_t stream) {
  CudaLaunch l = planCudaLaunch(d.total);
  dim3 grid(static_cast<unsigned>(l.blocks)), block(l.threads);
  if (d.accumulate) {
    switch (static_cast<DType>(d.dtype)) {
    case DType::F64:
      addKernel<double, double><<<grid, block, 0, stream>>>(d);
      break;
    case DType::F32:
      addKernel<float, float><<<grid, block, 0, stream>>>(d);
      break;
    case DType::F16:
      addKernel<__half, float><<<grid, block, 0, stream>>>(d);
      break;
    case DType::BF16:
      addKernel<__nv_bfloat16, float><<<grid, block, 0, stream>>>(d);
      break;
    case DType::I64:
      addKernel<unsigned long long, unsigned long long>
          <<<grid, block, 0, stream>>>(d);
      break;
    case DType::I32:
      addKernel<uint32_t, uint32_t><<<grid, block, 0, stream>>>(d);
      break;
    case DType::I8:
      addKernel<uint8_t, uint8_t><<<grid, block, 0, stream>>>(d);
      break;
    case DType::I1:
      orKernel<<<grid, block, 0, stream>>>(d);
      break;
    default:
      return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
  }
  if (d.scale != static_cast<int32_t>(GradScale::None)) {
    switch (static_cast<DType>(d.dtype)) {
    case DType::F64:
      scaleKernel<double, double><<<grid, block, 0, stream>>>(d);
      break;
    case DType::F32:
      scaleKernel<float, float><<<grid, block, 0, stream>>>(d);
      break;
    case DType::F16:
      scaleKernel<__half, float><<<grid, block, 0, stream>>>(d);
      break;
    case DType::BF16:
      scaleKernel<__nv_bfloat16, float><<<grid, block, 0, stream>>>(d);
      break;
    default:
      return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
  }
  switch (d.vecBytes) {
  case 16:
    copyKernel<uint4><<<grid, block, 0, stream>>>(d);
    break;
  case 8:
    copyKernel<uint2><<<grid, block, 0, stream>>>(d);
    break;
  case 4:
    copyKernel<uint32_t><<<grid, block, 0, stream>>>(d);
    break;
  case 2:
    copyKernel<uint16_t><<<grid, block, 0, stream>>>(d);
    break;
  default:
    copyKernel<uint8_t><<<grid, block, 0, stream>>>(d);
    break;
  }
  return cudaGetLastError();
}

} // namespace seqpar::rt
