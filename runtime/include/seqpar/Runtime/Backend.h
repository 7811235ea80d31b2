//===- Backend.h - The communication interface of the runtime ---*- C++ -*-===//
//
// Every transport of the runtime (MPI, NCCL, and a PyTorch ProcessGroup
// adapter provided from outside) implements this one interface. The runtime
// computes every plan with the Layout library and only asks a backend to move
// bytes between ranks of one group, to gather small host records, to make
// sub-groups, and to copy strided boxes in its memory space.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_BACKEND_H
#define SEQPAR_RUNTIME_BACKEND_H

#include "seqpar/Runtime/Copy.h"
#include "seqpar/Runtime/SharedMemory.h"
#include "seqpar/Runtime/Types.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace seqpar::rt {

/// Where a backend's buffers live.
enum class MemorySpace { Host, Device };

/// A communicator over a group of `size()` ranks. Collective calls must be
/// made by every rank of the group in the same order. Entries of the per-peer
/// arrays that belong to this rank are ignored: the runtime copies its own
/// part itself, without a message. Implementations never abort the process;
/// they return a BackendError status naming the failed call.
class SEQPAR_RT_EXPORT Backend {
public:
  virtual ~Backend();

  /// Short name for diagnostics ("mpi", "nccl", ...).
  virtual const char *name() const = 0;
  virtual int64_t size() const = 0;
  virtual int64_t rank() const = 0;
  virtual MemorySpace memorySpace() const { return MemorySpace::Host; }

  /// Sends sendBytes[q] bytes from send[q] to every peer q and receives
  /// recvBytes[q] bytes from q into recv[q] (size() entries each). Per-peer
  /// pointers let the runtime send straight from the user's input and receive
  /// straight into the output wherever a chunk is contiguous.
  virtual Status alltoallv(const void *const *send, const int64_t *sendBytes,
                           void *const *recv, const int64_t *recvBytes) = 0;

  /// Sends `bytes` bytes from `send` to every peer and receives recvBytes[q]
  /// bytes from each peer q into recv[q].
  virtual Status allgatherv(const void *send, int64_t bytes, void *const *recv,
                            const int64_t *recvBytes) = 0;

  /// Gathers `bytes` bytes of host memory from every rank (this one included)
  /// into `out` (size() * bytes bytes, rank order). Used for lengths and for
  /// the check mode's records, which always live on the host.
  virtual Status allgatherHost(const void *in, int64_t bytes, void *out) = 0;

  /// Makes the communicator of the ranks that pass the same `color`, ordered
  /// by `key`. Collective over this backend. Backends that cannot split
  /// return Unsupported; their groups are then registered with
  /// Runtime::setGroup.
  virtual Status split(int64_t color, int64_t key,
                       std::unique_ptr<Backend> &out) = 0;

  /// Allocates and frees buffers in memorySpace(). The defaults use the host
  /// heap (64-byte aligned).
  virtual Status allocate(int64_t bytes, void *&out);
  virtual void deallocate(void *ptr);

  /// Executes strided copies in memorySpace() (see Copy.h). The default runs
  /// the CPU kernels.
  virtual Status copy(const std::vector<CopyJob> &jobs, DType type,
                      const Scaling &scaling);

  /// Waits until the work this backend queued has finished (a no-op for
  /// blocking host backends).
  virtual Status synchronize() { return Status::ok(); }

  /// The direct path (SharedMemory.h): the memory that ranks of this
  /// backend on one node can all address, or null where they cannot.
  virtual SharedMemory *sharedMemory() { return nullptr; }
  /// The node of every rank, in rank order: ranks with the same id map each
  /// other's shared memory. Empty when sharedMemory() is null.
  virtual const std::vector<int64_t> &nodes() const;
};

/// Creates the MPI backend over a duplicate of MPI_COMM_WORLD, calling
/// MPI_Init_thread first unless MPI is already initialized. Errors are
/// returned (MPI_ERRORS_RETURN on the duplicate), never fatal.
SEQPAR_RT_EXPORT Status createMpiWorldBackend(std::unique_ptr<Backend> &out);

/// Calls MPI_Finalize when createMpiWorldBackend initialized MPI and it is not
/// finalized yet; otherwise does nothing. Every MPI backend must be destroyed
/// first.
SEQPAR_RT_EXPORT Status finalizeMpiIfOwned();

/// Creates the NCCL backend over the ranks of `bootstrap` (any host backend,
/// usually MPI): the ncclUniqueId of rank 0 is distributed with
/// bootstrap->allgatherHost, and `bootstrap` keeps serving host records and
/// splits. Uses CUDA device `device` (-1: the local rank modulo the device
/// count). Returns Unsupported when the runtime was built without NCCL and
/// BackendError when no device is usable.
SEQPAR_RT_EXPORT Status createNcclBackend(std::unique_ptr<Backend> bootstrap,
                                          int device,
                                          std::unique_ptr<Backend> &out);

/// True when the runtime was built with the NCCL backend.
SEQPAR_RT_EXPORT bool haveNccl();

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_BACKEND_H
