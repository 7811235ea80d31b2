//===- TorchBackend.h - Backend over a c10d ProcessGroup --------*- C++ -*-===//
//
// Implements the runtime's Backend interface on a PyTorch c10d ProcessGroup
// (Gloo on CPU, NCCL on GPU, or any other c10d backend), so that the seqpar
// runtime executes its plans on the process groups of torch.distributed.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_TORCH_TORCHBACKEND_H
#define SEQPAR_RUNTIME_TORCH_TORCHBACKEND_H

#include "seqpar/Runtime/Backend.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace seqpar::rt {

/// A Backend whose collectives are those of a c10d ProcessGroup and whose
/// buffers live on `device` (the device of the tensors it moves).
///
/// Transfers: NCCL groups use the list form of alltoall (grouped sends and
/// receives, per-peer buffers, no staging). Other groups (Gloo) use
/// point-to-point sends and receives posted all at once, which take the
/// runtime's per-peer pointers as they are and give every rank the same
/// schedule whatever its local layout (Gloo's alltoall_base would need every
/// peer's chunk in one buffer, and its allgather needs equal sizes, which
/// variable pieces do not have). Errors of the process group come back as
/// BackendError statuses naming the call; nothing here throws.
class TorchBackend final : public Backend {
public:
  TorchBackend(c10::intrusive_ptr<c10d::ProcessGroup> group,
               c10::Device device);
  ~TorchBackend() override;

  const char *name() const override { return name_.c_str(); }
  int64_t size() const override { return group_->getSize(); }
  int64_t rank() const override { return group_->getRank(); }
  MemorySpace memorySpace() const override {
    return device_.is_cpu() ? MemorySpace::Host : MemorySpace::Device;
  }

  Status alltoallv(const void *const *send, const int64_t *sendBytes,
                   void *const *recv, const int64_t *recvBytes) override;
  Status allgatherv(const void *send, int64_t bytes, void *const *recv,
                    const int64_t *recvBytes) override;
  Status allgatherHost(const void *in, int64_t bytes, void *out) override;
  /// Process groups are made by torch.distributed, not split here.
  Status split(int64_t color, int64_t key,
               std::unique_ptr<Backend> &out) override;

  /// Device buffers come from the device's caching allocator; host buffers
  /// from the default implementation.
  Status allocate(int64_t bytes, void *&out) override;
  void deallocate(void *ptr) override;
  /// Device copies run as strided tensor copies on the device; host copies
  /// use the runtime's CPU kernels.
  Status copy(const std::vector<CopyJob> &jobs, DType type,
              const Scaling &scaling) override;

  const c10::intrusive_ptr<c10d::ProcessGroup> &group() const { return group_; }
  c10::Device device() const { return device_; }

private:
  /// A 1-D byte tensor over `bytes` bytes at `ptr` on the backend's device.
  at::Tensor bytesAt(const void *ptr, int64_t bytes) const;
  /// Exchanges per-peer byte buffers; `send[q]` may repeat (allgatherv).
  Status exchange(const char *what, const void *const *send,
                  const int64_t *sendBytes, void *const *recv,
                  const int64_t *recvBytes);

  c10::intrusive_ptr<c10d::ProcessGroup> group_;
  c10::Device device_;
  std::string name_;
  bool nccl_ = false;
  /// Device buffers handed out by allocate(), kept alive until deallocate().
  std::mutex buffersMutex_;
  std::map<void *, at::Tensor> buffers_;
};

/// The runtime element type of a torch dtype; false for dtypes the runtime
/// does not move (complex, int16, ...). uint8 travels as i8: the runtime only
/// copies and never scales integers.
bool dtypeOf(at::ScalarType type, DType &out);

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_TORCH_TORCHBACKEND_H
