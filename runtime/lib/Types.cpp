//===- Types.cpp - Element types and tensor views -------------------------===//

#include "seqpar/Runtime/Types.h"

namespace seqpar::rt {

int64_t elementSize(DType type) {
  switch (type) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::I1:
    return 1;
  }
  return 0;
}

const char *dtypeName(DType type) {
  switch (type) {
  case DType::F64:
    return "f64";
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I64:
    return "i64";
  case DType::I32:
    return "i32";
  case DType::I8:
    return "i8";
  case DType::I1:
    return "i1";
  }
  return "invalid";
}

bool isFloat(DType type) {
  return type == DType::F64 || type == DType::F32 || type == DType::F16 ||
         type == DType::BF16;
}

bool isValidDType(int32_t code) {
  return code >= 0 && code < SEQPAR_NUM_DTYPES;
}

TensorRef denseTensor(void *data, DType dtype, std::vector<int64_t> sizes) {
  TensorRef t;
  t.data = data;
  t.dtype = dtype;
  t.strides = layout::denseStrides(sizes);
  t.sizes = std::move(sizes);
  return t;
}

} // namespace seqpar::rt
