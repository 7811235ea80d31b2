//===- Types.h - Element types, statuses and tensor views -------*- C++ -*-===//
//
// The vocabulary shared by the C++ API, the backends and the copy kernels of
// the seqpar runtime. The numeric codes (element types, statuses, gradient
// scales) are those of seqpar/Layout/Codes.h, which lowered IR uses too. No
// MPI, CUDA, LLVM or MLIR here.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_TYPES_H
#define SEQPAR_RUNTIME_TYPES_H

#include "seqpar/Layout/Codes.h"
#include "seqpar/Layout/OpModel.h"
#include "seqpar/Runtime/Export.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seqpar::rt {

/// Highest tensor rank the runtime accepts (Layout's limit).
constexpr int64_t kMaxRank = layout::kMaxTensorRank;

/// Element types; the values are the dtype codes of Codes.h. `I1` is stored
/// as one byte per element.
enum class DType : int32_t {
  F64 = SEQPAR_DTYPE_F64,
  F32 = SEQPAR_DTYPE_F32,
  F16 = SEQPAR_DTYPE_F16,
  BF16 = SEQPAR_DTYPE_BF16,
  I64 = SEQPAR_DTYPE_I64,
  I32 = SEQPAR_DTYPE_I32,
  I8 = SEQPAR_DTYPE_I8,
  I1 = SEQPAR_DTYPE_I1,
};

/// Gradient scaling applied to the output of a split or gather; used when the
/// op is the adjoint of its partner. `Up` multiplies by the group size P,
/// `Down` divides by P (in the element type's floating-point arithmetic; f16
/// and bf16 compute in f32 and round to nearest even). Scaling integer and i1
/// tensors is rejected: they carry no gradient, and rather than invent a
/// rounding rule the runtime reports an error.
using GradScale = layout::GradScale;

/// Status codes; the values are the status codes of Codes.h.
enum class StatusCode : int32_t {
  Ok = SEQPAR_STATUS_OK,
  /// Bad shapes, dims, sizes, types, descriptors or pointers.
  InvalidArgument = SEQPAR_STATUS_INVALID_ARGUMENT,
  /// The C ABI was used before seqpar_rt_init.
  NotInitialized = SEQPAR_STATUS_NOT_INITIALIZED,
  /// Check mode: ranks disagree on the op.
  Mismatch = SEQPAR_STATUS_MISMATCH,
  /// MPI, NCCL or CUDA reported an error.
  BackendError = SEQPAR_STATUS_BACKEND_ERROR,
  /// Not available in this build or backend.
  Unsupported = SEQPAR_STATUS_UNSUPPORTED,
  /// A buffer could not be allocated.
  OutOfMemory = SEQPAR_STATUS_OUT_OF_MEMORY,
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
