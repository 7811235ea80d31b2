//===- NcclBackend.cpp - The NCCL backend ---------------------------------===//
//
// Grouped ncclSend/ncclRecv; ncclUniqueId bootstrap and host records through
// a host backend (MPI). Copies and collectives of the world and of all its
// groups go to one stream, in call order, so the shared staging buffer is
// reused safely and no host synchronization is made unless the caller asks
// for it (synchronize()). Inputs must be ready on the device when an op is
// called; outputs are ready after synchronize().
//
//===----------------------------------------------------------------------===//

#include "CudaKernels.h"
#include "seqpar/Runtime/Backend.h"

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace seqpar::rt {
namespace {

Status cudaFail(const char *call, cudaError_t err) {
  return {StatusCode::BackendError,
          std::string("nccl: ") + call + " failed: " + cudaGetErrorString(err)};
}
Status ncclFail(const char *call, ncclResult_t err) {
  return {StatusCode::BackendError,
          std::string("nccl: ") + call + " failed: " + ncclGetErrorString(err)};
}

/// Device buffers that the ranks of a node write into directly (the direct
/// path on GPUs): cudaMalloc'd, kept for reuse when freed (peers' mappings
/// stay valid), named by CUDA IPC handles that peers open once and cache.
class CudaIpcMemory final : public SharedMemory {
public:
  explicit CudaIpcMemory(int device) : device_(device) {
    std::random_device random;
    token_ = (int64_t(random()) << 32 | int64_t(random())) ^ int64_t(getpid());
  }
  ~CudaIpcMemory() override {
    cudaSetDevice(device_);
    for (auto &[key, ptr] : peers_)
      cudaIpcCloseMemHandle(ptr);
    for (auto &[base, seg] : own_)
      cudaFree(seg.base);
  }

  Status allocate(int64_t bytes, void *&out) override {
    if (bytes < 0)
      return {StatusCode::InvalidArgument,
              "nccl: cannot allocate " + std::to_string(bytes) + " bytes"};
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t want = std::max<int64_t>(bytes, 1);
    Segment *best = nullptr;
    for (auto &[base, seg] : own_)
      if (!seg.live && seg.bytes >= want && seg.bytes / 2 <= want &&
          (!best || seg.bytes < best->bytes))
        best = &seg;
    if (best) {
      best->live = true;
      out = best->base;
      return Status::ok();
    }
    if (int64_t(own_.size()) >= kMaxBuffers)
      return {StatusCode::OutOfMemory, "nccl: " + std::to_string(kMaxBuffers) +
                                           " device buffers are taken"};
    if (cudaError_t e = cudaSetDevice(device_); e != cudaSuccess)
      return cudaFail("cudaSetDevice", e);
    Segment seg;
    if (cudaError_t e = cudaMalloc(&seg.base, size_t(want)); e != cudaSuccess)
      return {StatusCode::OutOfMemory,
              "nccl: cudaMalloc of " + std::to_string(want) +
                  " bytes failed: " + cudaGetErrorString(e)};
    if (cudaError_t e = cudaIpcGetMemHandle(&seg.handle, seg.base);
        e != cudaSuccess) {
      cudaFree(seg.base);
      return cudaFail("cudaIpcGetMemHandle", e);
    }
    seg.bytes = want;
    seg.serial = ++serial_;
    seg.live = true;
    own_[reinterpret_cast<uintptr_t>(seg.base)] = seg;
    reserved_ += want;
    out = seg.base;
    return Status::ok();
  }

  Status deallocate(void *ptr) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = own_.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == own_.end() || !it->second.live)
      return {StatusCode::InvalidArgument,
              "nccl: the pointer is not a live device buffer of the runtime"};
    it->second.live = false;
    return Status::ok();
  }

  bool find(const void *ptr, int64_t bytes, SharedHandle &out) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto at = reinterpret_cast<uintptr_t>(ptr);
    auto it = own_.upper_bound(at);
    if (it == own_.begin())
      return false;
    --it;
    const Segment &seg = it->second;
    const auto offset = static_cast<int64_t>(at - it->first);
    if (!seg.live || offset >= seg.bytes || bytes > seg.bytes - offset)
      return false;
    out = SharedHandle();
    out.words[0] = static_cast<int64_t>(getpid());
    out.words[1] = device_;
    out.words[2] = seg.serial;
    out.words[3] = seg.bytes;
    out.words[4] = token_;
    static_assert(sizeof(cudaIpcMemHandle_t) <= 8 * sizeof(int64_t));
    std::memcpy(&out.words[6], &seg.handle, sizeof(seg.handle));
    out.offset = offset;
    return true;
  }

  Status map(const SharedHandle &h, void *&out) override {
    const int64_t pid = h.words[0], serial = h.words[2], bytes = h.words[3],
                  token = h.words[4];
    if (h.offset < 0 || h.offset >= bytes)
      return {StatusCode::InvalidArgument,
              "nccl: offset " + std::to_string(h.offset) +
                  " is outside a device buffer of " + std::to_string(bytes) +
                  " bytes"};
    std::lock_guard<std::mutex> lock(mu_);
    if (token == token_) {
      for (auto &[base, seg] : own_)
        if (seg.serial == serial) {
          out = static_cast<char *>(seg.base) + h.offset;
          return Status::ok();
        }
      return {StatusCode::InvalidArgument,
              "nccl: this process has no device buffer " +
                  std::to_string(serial)};
    }
    auto key = std::make_tuple(pid, token, serial);
    auto it = peers_.find(key);
    if (it == peers_.end()) {
      cudaIpcMemHandle_t handle;
      std::memcpy(&handle, &h.words[6], sizeof(handle));
      if (cudaError_t e = cudaSetDevice(device_); e != cudaSuccess)
        return cudaFail("cudaSetDevice", e);
      void *p = nullptr;
      if (cudaError_t e =
              cudaIpcOpenMemHandle(&p, handle, cudaIpcMemLazyEnablePeerAccess);
          e != cudaSuccess)
        return cudaFail("cudaIpcOpenMemHandle", e);
      it = peers_.emplace(key, p).first;
    }
    out = static_cast<char *>(it->second) + h.offset;
    return Status::ok();
  }

  int64_t reservedBytes() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return reserved_;
  }

private:
  struct Segment {
    void *base = nullptr;
    int64_t bytes = 0;
    int64_t serial = 0;
    bool live = false;
    cudaIpcMemHandle_t handle{};
  };
  int device_;
  mutable std::mutex mu_;
  std::map<uintptr_t, Segment> own_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, void *> peers_;
  int64_t token_ = 0;
  int64_t serial_ = 0;
  int64_t reserved_ = 0;
};

/// One stream shared by a world backend and every group split from it: the
/// runtime's staging buffer is used by all of them, and one stream keeps its
/// uses in order.
using SharedStream = std::shared_ptr<std::remove_pointer_t<cudaStream_t>>;

class NcclBackend final : public Backend {
public:
  NcclBackend(std::unique_ptr<Backend> host, int device, ncclComm_t comm,
              SharedStream stream, std::shared_ptr<CudaIpcMemory> ipc)
      : host_(std::move(host)), device_(device), comm_(comm),
        streamHolder_(std::move(stream)), stream_(streamHolder_.get()),
        ipc_(std::move(ipc)) {}
  ~NcclBackend() override {
    cudaSetDevice(device_);
    ncclCommDestroy(comm_);
  }

  /// Collective over `host`: every rank takes part in the id exchange even
  /// when rank 0 failed to make the id, so that nobody waits forever.
  static Status create(std::unique_ptr<Backend> host, int device,
                       SharedStream stream, std::shared_ptr<CudaIpcMemory> ipc,
                       std::unique_ptr<Backend> &out) {
    struct IdRecord {
      ncclUniqueId id;
      int32_t ok;
    } mine{};
    ncclResult_t idErr = ncclSuccess;
    if (host->rank() == 0)
      idErr = ncclGetUniqueId(&mine.id);
    mine.ok = idErr == ncclSuccess;
    std::vector<IdRecord> all(host->size());
    if (Status st = host->allgatherHost(&mine, sizeof(mine), all.data()); !st)
      return st;
    if (idErr != ncclSuccess)
      return ncclFail("ncclGetUniqueId", idErr);
    if (!all[0].ok)
      return {StatusCode::BackendError,
              "nccl: rank 0 could not make the ncclUniqueId"};
    if (cudaError_t e = cudaSetDevice(device); e != cudaSuccess)
      return cudaFail("cudaSetDevice", e);
    if (!stream) {
      cudaStream_t raw;
      if (cudaError_t e =
              cudaStreamCreateWithFlags(&raw, cudaStreamNonBlocking);
          e != cudaSuccess)
        return cudaFail("cudaStreamCreate", e);
      stream = SharedStream(raw, [](cudaStream_t s) { cudaStreamDestroy(s); });
    }
    ncclComm_t comm;
    if (ncclResult_t e = ncclCommInitRank(&comm, int(host->size()), all[0].id,
                                          int(host->rank()));
        e != ncclSuccess)
      return ncclFail("ncclCommInitRank", e);
    // The world's device buffers for the direct path, shared by its groups.
    if (!ipc)
      ipc = std::make_shared<CudaIpcMemory>(device);
    out = std::make_unique<NcclBackend>(std::move(host), device, comm,
                                        std::move(stream), std::move(ipc));
    return Status::ok();
  }

  const char *name() const override { return "nccl"; }
  int64_t size() const override { return host_->size(); }
  int64_t rank() const override { return host_->rank(); }
  MemorySpace memorySpace() const override { return MemorySpace::Device; }

  Status alltoallv(const void *const *send, const int64_t *sendBytes,
                   void *const *recv, const int64_t *recvBytes) override {
    if (ncclResult_t e = ncclGroupStart(); e != ncclSuccess)
      return ncclFail("ncclGroupStart", e);
    int64_t me = rank();
    ncclResult_t err = ncclSuccess;
    for (int64_t q = 0; q < size(); ++q) {
      if (q == me)
        continue;
      if (sendBytes[q] && err == ncclSuccess)
        err = ncclSend(send[q], size_t(sendBytes[q]), ncclInt8, int(q), comm_,
                       stream_);
      if (recvBytes[q] && err == ncclSuccess)
        err = ncclRecv(recv[q], size_t(recvBytes[q]), ncclInt8, int(q), comm_,
                       stream_);
    }
    // The group is always closed, even after a failed call inside it.
    ncclResult_t end = ncclGroupEnd();
    if (err != ncclSuccess)
      return ncclFail("ncclSend/ncclRecv", err);
    if (end != ncclSuccess)
      return ncclFail("ncclGroupEnd", end);
    return Status::ok();
  }

  Status allgatherv(const void *send, int64_t bytes, void *const *recv,
                    const int64_t *recvBytes) override {
    std::vector<const void *> sends(size(), send);
    std::vector<int64_t> sendBytes(size(), bytes);
    return alltoallv(sends.data(), sendBytes.data(), recv, recvBytes);
  }

  Status allgatherHost(const void *in, int64_t bytes, void *out) override {
    return host_->allgatherHost(in, bytes, out);
  }

  Status split(int64_t color, int64_t key,
               std::unique_ptr<Backend> &out) override {
    std::unique_ptr<Backend> sub;
    if (Status st = host_->split(color, key, sub); !st)
      return st;
    return create(std::move(sub), device_, streamHolder_, ipc_, out);
  }

  Status allocate(int64_t bytes, void *&out) override {
    if (cudaError_t e = cudaMalloc(&out, size_t(bytes ? bytes : 1));
        e != cudaSuccess)
      return {StatusCode::OutOfMemory,
              "nccl: cudaMalloc of " + std::to_string(bytes) +
                  " bytes failed: " + cudaGetErrorString(e)};
    return Status::ok();
  }
  void deallocate(void *ptr) override { cudaFree(ptr); }

  Status copy(const std::vector<CopyJob> &jobs, DType type,
              const Scaling &scaling) override {
    for (const CopyJob &job : jobs) {
      CudaCopyDesc d;
      if (!planCudaCopy(job, type, scaling, d))
        continue;
      if (cudaError_t e = launchCudaCopy(d, stream_); e != cudaSuccess)
        return cudaFail("the copy kernel launch", e);
    }
    return Status::ok();
  }

  Status synchronize() override {
    if (cudaError_t e = cudaStreamSynchronize(stream_); e != cudaSuccess)
      return cudaFail("cudaStreamSynchronize", e);
    return Status::ok();
  }

  /// The direct path: device buffers named by CUDA IPC handles, on the
  /// nodes the host backend found (null where it found none).
  SharedMemory *sharedMemory() override {
    return host_->nodes().empty() ? nullptr : ipc_.get();
  }
  const std::vector<int64_t> &nodes() const override { return host_->nodes(); }

private:
  std::unique_ptr<Backend> host_;
  int device_;
  ncclComm_t comm_;
  SharedStream streamHolder_;
  cudaStream_t stream_;
  std::shared_ptr<CudaIpcMemory> ipc_;
};

} // namespace

bool haveNccl() { return true; }

Status createNcclBackend(std::unique_ptr<Backend> bootstrap, int device,
                         std::unique_ptr<Backend> &out) {
  if (!bootstrap || bootstrap->memorySpace() != MemorySpace::Host)
    return {StatusCode::InvalidArgument,
            "nccl: the bootstrap backend must be a host backend"};
  int count = 0;
  if (cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess)
    return {StatusCode::BackendError,
            std::string("nccl: no usable CUDA device (cudaGetDeviceCount: ") +
                cudaGetErrorString(e) + ")"};
  if (count == 0)
    return {StatusCode::BackendError, "nccl: no usable CUDA device"};
  if (device < 0)
    device = int(bootstrap->rank() % count);
  if (device >= count)
    return {StatusCode::InvalidArgument,
            "nccl: device " + std::to_string(device) + " does not exist (" +
                std::to_string(count) + " visible)"};
  return NcclBackend::create(std::move(bootstrap), device, nullptr, nullptr,
                             out);
}

} // namespace seqpar::rt
