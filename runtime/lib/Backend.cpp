//===- Backend.cpp - Defaults of the backend interface --------------------===//

#include "seqpar/Runtime/Backend.h"

#include <cstdlib>
#include <string>

namespace seqpar::rt {

Backend::~Backend() = default;

Status Backend::allocate(int64_t bytes, void *&out) {
  // Rounded up to the alignment, as aligned_alloc requires.
  size_t size = (size_t(bytes) + 63) / 64 * 64;
  out = std::aligned_alloc(64, size ? size : 64);
  if (!out)
    return {StatusCode::OutOfMemory, "cannot allocate a staging buffer of " +
                                         std::to_string(bytes) + " bytes"};
  return Status::ok();
}

void Backend::deallocate(void *ptr) { std::free(ptr); }

const std::vector<int64_t> &Backend::nodes() const {
  static const std::vector<int64_t> none;
  return none;
}

Status Backend::copy(const std::vector<CopyJob> &jobs, DType type,
                     const Scaling &scaling) {
  copyOnHost(jobs, type, scaling);
  return Status::ok();
}

} // namespace seqpar::rt
