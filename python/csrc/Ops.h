//===- Ops.h - seqpar's resharding ops as LibTorch autograd ops -*- C++ -*-===//
//
// The C++ side of the `seqpar.torch` package: every op is one layout::Op run
// by the seqpar runtime (sizes from the Layout library, at most one pack and
// one unpack, the input's strides passed straight to the pack) on the
// runtime of a c10d ProcessGroup. Ops.cpp registers the one torch op
// `seqpar::run(x, group_name, op descriptor, backward scale, fn)` with a
// kernel for devices with data, a meta kernel (shapes only, for the meta
// device and torch.compile) and an autograd kernel whose backward is the
// runtime's adjoint of the op, itself a seqpar::run.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_PYTHON_CSRC_OPS_H
#define SEQPAR_PYTHON_CSRC_OPS_H

#include "seqpar/Runtime/Runtime.h"
#include "seqpar/Runtime/Torch/TorchBackend.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace seqpar::torchext {

using ProcessGroupPtr = c10::intrusive_ptr<c10d::ProcessGroup>;

/// Bad arguments: sizes, dims, dtypes, groups. Python sees a ValueError
/// with the message alone, whether it comes through the dispatcher (torch's
/// translation of c10::ValueError) or a binding of _C (Module.cpp's).
class ArgumentError : public c10::ValueError {
public:
  explicit ArgumentError(const std::string &message)
      : c10::ValueError({"seqpar.torch", __FILE__, __LINE__}, message) {}
};

/// The seqpar runtime of one process group on one device: a TorchBackend, a
/// Runtime over the one-axis grid of the group (ops name axis 0), and a
/// lock, since the runtime's staging buffer is shared by every op on the
/// group.
class GroupRuntime {
public:
  GroupRuntime(ProcessGroupPtr group, c10::Device device);

  int64_t size() const { return backend_->size(); }
  int64_t rank() const { return backend_->rank(); }
  const ProcessGroupPtr &group() const { return backend_->group(); }

  /// Runs `op` on `x` (any strides) into a new dense tensor. `fn` (the
  /// user-facing function) prefixes every error message.
  at::Tensor run(const at::Tensor &x, const rt::Op &op, const std::string &fn);
  /// The shape of `op`'s result on an input of `inShape` (no communication).
  std::vector<int64_t> outputShape(const rt::Op &op,
                                   const std::vector<int64_t> &inShape,
                                   const std::string &fn);
  /// The adjoint of `op` on an input of `inShape`, with gradient scale
  /// `scale`.
  rt::Op adjoint(const rt::Op &op, const std::vector<int64_t> &inShape,
                 rt::GradScale scale, const std::string &fn);
  /// Every rank's `mine`, in group rank order (one small all-gather).
  std::vector<int64_t> exchangeLengths(int64_t mine, const std::string &fn);
  /// Check mode: every op first gathers a small record of every rank's
  /// shapes and parameters, so that ranks that disagree all get an error
  /// instead of a hang. Off unless SEQPAR_RT_CHECK is set.
  void setCheckMode(bool on);
  int64_t stagingBytes();

private:
  std::shared_ptr<rt::TorchBackend> backend_;
  std::unique_ptr<rt::Runtime> runtime_;
  std::mutex mutex_;
};

/// The runtime of `group` on `device`, made on first use and cached until
/// releaseGroup (the cache holds a reference to the process group).
std::shared_ptr<GroupRuntime> runtimeFor(const ProcessGroupPtr &group,
                                         c10::Device device);
/// Drops the cached runtimes (and staging buffers) of `group`.
void releaseGroup(const ProcessGroupPtr &group);

/// Parses a seed-style grad_scale: "up", "down" or empty (none).
rt::GradScale parseGradScale(const std::string &scale, bool isNone,
                             const std::string &fn);

} // namespace seqpar::torchext

#endif // SEQPAR_PYTHON_CSRC_OPS_H
