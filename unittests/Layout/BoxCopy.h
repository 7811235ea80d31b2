//===- BoxCopy.h - Box copies on plain vectors for the tests ----*- C++ -*-===//
//
// Copies a Layout box (StridedBlock) of one vector into a box of another,
// element by element: the tests' stand-in for the runtime's copy kernels.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_UNITTESTS_LAYOUT_BOXCOPY_H
#define SEQPAR_UNITTESTS_LAYOUT_BOXCOPY_H

#include "seqpar/Layout/Layout.h"

#include <gtest/gtest.h>

#include <vector>

namespace seqpar::layout {

/// Calls `fn` on every multi-index of `shape`, row-major.
template <typename Fn> void forEach(const Shape &shape, Fn fn) {
  Shape idx(shape.size(), 0);
  int64_t n = numElements(shape);
  for (int64_t e = 0; e < n; ++e) {
    fn(idx);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

inline int64_t offsetIn(const StridedBlock &b, const Shape &idx) {
  int64_t off = b.offset;
  for (size_t d = 0; d < idx.size(); ++d)
    off += idx[d] * b.strides[d];
  return off;
}

/// Copies box `step.src` of `src` into box `step.dst` of `dst`.
inline void copyStep(const std::vector<int64_t> &src, std::vector<int64_t> &dst,
                     const CopyStep &step) {
  ASSERT_EQ(step.src.shape, step.dst.shape);
  forEach(step.src.shape, [&](const Shape &idx) {
    dst[offsetIn(step.dst, idx)] = src[offsetIn(step.src, idx)];
  });
}

} // namespace seqpar::layout

#endif // SEQPAR_UNITTESTS_LAYOUT_BOXCOPY_H
