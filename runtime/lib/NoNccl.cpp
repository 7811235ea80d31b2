//===- NoNccl.cpp - The NCCL entry points of a build without NCCL ---------===//

#include "seqpar/Runtime/Backend.h"

namespace seqpar::rt {

bool haveNccl() { return false; }

Status createNcclBackend(std::unique_ptr<Backend>, int,
                         std::unique_ptr<Backend> &) {
  return {StatusCode::Unsupported,
          "nccl: the runtime was built without CUDA and NCCL"};
}

} // namespace seqpar::rt
