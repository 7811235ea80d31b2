//===- NcclBackend.cpp - The NCCL backend
//----------------------------------===//
//
// Grouped ncclSend/ncclRecv on one stream per communicator; ncclUniqueId
// bootstrap and host records through a host backend (MPI). Every call is
// stream-ordered: the staging buffer is reused safely across calls and no
// host synchronization is made unless the caller asks for it.
//
//===----------------------------------------------------------------------===//

#include "CudaKernels.h"
#include "seqpar/Runtime/Backend.h"

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <string>

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

class NcclBackend final : public Backend {
public:
  NcclBackend(std::unique_ptr<Backend> host, int device, ncclComm_t comm,
              cudaStream_t stream)
      : host_(std::move(host)), device_(device), comm_(comm), stream_(stream) {}
  ~NcclBackend() override {
    cudaSetDevice(device_);
    ncclCommDestroy(comm_);
    cudaStreamDestroy(stream_);
  }

  static Status create(std::unique_ptr<Backend> host, int device,
                       std::unique_ptr<Backend> &out) {
    ncclUniqueId id;
    if (host->rank() == 0)
      if (ncclResult_t e = ncclGetUniqueId(&id); e != ncclSuccess)
        return ncclFail("ncclGetUniqueId", e);
    std::vector<ncclUniqueId> ids(host->size());
    if (Status st = host->allgatherHost(&id, sizeof(id), ids.data()); !st)
      return st;
    if (cudaError_t e = cudaSetDevice(device); e != cudaSuccess)
      return cudaFail("cudaSetDevice", e);
    cudaStream_t stream;
    if (cudaError_t e =
            cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
        e != cudaSuccess)
      return cudaFail("cudaStreamCreate", e);
    ncclComm_t comm;
    if (ncclResult_t e = ncclCommInitRank(&comm, int(host->size()), ids[0],
                                          int(host->rank()));
        e != ncclSuccess) {
      cudaStreamDestroy(stream);
      return ncclFail("ncclCommInitRank", e);
    }
    out = std::make_unique<NcclBackend>(std::move(host), device, comm, stream);
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
    return create(std::move(sub), device_, out);
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

private:
  std::unique_ptr<Backend> host_;
  int device_;
  ncclComm_t comm_;
  cudaStream_t stream_;
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
  return NcclBackend::create(std::move(bootstrap), device, out);
}

} // namespace seqpar::rt
