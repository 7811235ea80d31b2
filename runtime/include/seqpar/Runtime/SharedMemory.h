//===- SharedMemory.h - Buffers the ranks of a node can map -----*- C++ -*-===//
//
// The direct path of the collectives: when a collective's output lives in
// memory that the other ranks of its node can map, each of those ranks writes
// its data straight from its input into that output, through the strides of
// the plan (layout::planPush), and nothing is packed or sent through the
// transport. A SharedMemory allocates such buffers, names them across
// processes (a SharedHandle, a few words that travel in the runtime's
// per-call record) and maps the buffers that peers name.
//
// The NCCL backend's implementation (NcclBackend.cpp) allocates device
// buffers with cudaMalloc and names them with CUDA IPC handles; its ranks'
// copy kernels then write into peers' buffers on the device.
//
// The host implementation (hostSharedMemory) backs each buffer with a Linux
// memfd that peers open through /proc/<pid>/fd: allocation is local to the
// process (no collective, so ranks may allocate different sizes in any
// order), and the memory goes away with the last process that maps it, even
// after a crash. Freed buffers are kept for reuse, like a caching allocator,
// until the process ends; peers' mappings are cached for the same lifetime.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_SHAREDMEMORY_H
#define SEQPAR_RUNTIME_SHAREDMEMORY_H

#include "seqpar/Runtime/Types.h"

#include <cstdint>

namespace seqpar::rt {

/// Names a byte range of a shared buffer across the processes of a node.
/// `words` are the implementation's: the owner's process id, a descriptor
/// (host: the memfd; device: the CUDA device), the buffer's serial (never
/// reused by the owner) and its bytes, a random token of the owner's
/// allocator (process ids repeat across PID namespaces), the memfd's inode
/// (host), then (device) the 64-byte cudaIpcMemHandle_t; `offset` is the
/// range's start in the buffer.
struct SharedHandle {
  static constexpr int kWords = 14;
  int64_t words[kWords] = {};
  int64_t offset = 0;
};

class SEQPAR_RT_EXPORT SharedMemory {
public:
  virtual ~SharedMemory();
  /// Allocates `bytes` bytes (64-byte aligned, at least one byte); an error
  /// (the caller then uses other memory) past kMaxBuffers buffers, each of
  /// which holds a file descriptor.
  static constexpr int64_t kMaxBuffers = 256;
  virtual Status allocate(int64_t bytes, void *&out) = 0;
  /// Frees a buffer that allocate returned; an error for any other pointer.
  virtual Status deallocate(void *ptr) = 0;
  /// Whether `bytes` bytes at `ptr` lie in one live buffer of this process;
  /// then `out` names them.
  virtual bool find(const void *ptr, int64_t bytes, SharedHandle &out) = 0;
  /// The address in this process of the range a peer's handle names (its
  /// buffer mapped on first use and kept).
  virtual Status map(const SharedHandle &handle, void *&out) = 0;
  /// Bytes of the buffers this process allocated, live or kept for reuse.
  virtual int64_t reservedBytes() const = 0;
};

/// The process-wide host implementation (memfd), or null where the system
/// has none.
SEQPAR_RT_EXPORT SharedMemory *hostSharedMemory();

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_SHAREDMEMORY_H
