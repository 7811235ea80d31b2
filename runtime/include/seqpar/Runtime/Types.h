//===- Types.h - Element types, statuses and tensor views --------*- C++
//-*-===//
//
// The vocabulary shared by the C++ API, the backends and the copy kernels of
// the seqpar runtime. No MPI, CUDA, LLVM or MLIR here.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_TYPES_H
#define SEQPAR_RUNTIME_TYPES_H

#include "seqpar/Runtime/Export.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seqpar::rt {

/// Highest tensor rank the runtime accepts.
constexpr int64_t kMaxRank = 6;

/// Element types. The numeric values are the `dtype` codes of the C ABI.
/// `I1` is stored as one byte per element.
enum class DType : int32_t {
  F64 = 0,
  F32 = 1,
  F16 = 2,
  BF16 = 3,
  I64 = 4,
  I32 = 5,
  I8 = 6,
  I1 = 7,
};

/// Gradient scaling applied to the output of a split or gather; used when the
/// op is the adjoint of its partner. `Up` multiplies by the group size P,
/// `Down` divides by P (in the element type's floating-point arithmetic; f16
/// and bf16 compute in f32 and round to nearest even). Scaling integer and i1
/// tensors is rejected: they carry no gradient, and rather than invent a
/// rounding rule the runtime reports an error.
enum class GradScale : int32_t { None = 0, Up = 1, Down = 2 };

/// Status codes; the numeric values are those of the C ABI.
enum class StatusCode : int32_t {
  Ok = 0,
  InvalidArgument = 1, ///< Bad shapes, dims, sizes, types or pointers.
  NotInitialized = 2,  ///< The C ABI was used before seqpar_rt_init.
  Mismatch = 3,        ///< Check mode: ranks disagree on the op.
  BackendError = 4,    ///< MPI, NCCL or CUDA reported an error.
  Unsupported = 5,     ///< Not available in this build or backend.
  OutOfMemory = 6,     ///< The staging buffer could not be allocated.
};

/// The result of a runtime call: a code and, unless Ok, a message that names
/// the op, the dims and the sizes.
class SEQPAR_RT_EXPORT Status {
public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}
  static Status ok() { return {}; }

  bool isOk() const { return code_ == StatusCode::Ok; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

/// Bytes per element (1 for I1).
SEQPAR_RT_EXPORT int64_t elementSize(DType type);
/// "f64", "bf16", "i1", ...; "invalid" for values outside the enum.
SEQPAR_RT_EXPORT const char *dtypeName(DType type);
/// True for F64, F32, F16 and BF16.
SEQPAR_RT_EXPORT bool isFloat(DType type);
/// True when `code` is one of the DType values.
SEQPAR_RT_EXPORT bool isValidDType(int32_t code);
/// "none", "up" or "down".
SEQPAR_RT_EXPORT const char *gradScaleName(GradScale scale);

/// A strided view of a tensor: `data` is the address of element [0, ..., 0];
/// `sizes` and `strides` (in elements, any sign) have one entry per dim.
/// Permuted views are how a compiler fuses permutes into the pack and unpack.
struct TensorRef {
  void *data = nullptr;
  DType dtype = DType::F32;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;

  int64_t rank() const { return static_cast<int64_t>(sizes.size()); }
};

/// A dense row-major view of `sizes` at `data`.
SEQPAR_RT_EXPORT TensorRef denseTensor(void *data, DType dtype,
                                       std::vector<int64_t> sizes);

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_TYPES_H
