//===- TorchBackend.cpp - Runtime backend over a c10d ProcessGroup --------===//
//
// See TorchBackend.h. Every c10d call is wrapped so that its exceptions become
// BackendError statuses: the runtime's contract is that backends never throw
// or abort.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Torch/TorchBackend.h"

#include <exception>
#include <sstream>

namespace seqpar::rt {

namespace {

at::ScalarType scalarTypeOf(DType type) {
  switch (type) {
  case DType::F64:
    return at::kDouble;
  case DType::F32:
    return at::kFloat;
  case DType::F16:
    return at::kHalf;
  case DType::BF16:
    return at::kBFloat16;
  case DType::I64:
    return at::kLong;
  case DType::I32:
    return at::kInt;
  case DType::I8:
    return at::kChar;
  case DType::I1:
    return at::kBool;
  }
  return at::kByte;
}

Status backendError(const std::string &backend, const char *what,
                    const std::exception &e) {
  std::ostringstream os;
  os << backend << ": " << what << " failed: " << e.what();
  return {StatusCode::BackendError, os.str()};
}

Status waitAll(const std::string &backend, const char *what,
               std::vector<c10::intrusive_ptr<c10d::Work>> &works) {
  // Waits for every request even after a failure, so that no buffer is
  // released while the process group still uses it.
  Status status;
  for (auto &work : works) {
    try {
      work->wait();
    } catch (const std::exception &e) {
      if (status)
        status = backendError(backend, what, e);
    }
  }
  return status;
}

} // namespace

bool dtypeOf(at::ScalarType type, DType &out) {
  switch (type) {
  case at::kDouble:
    out = DType::F64;
    return true;
  case at::kFloat:
    out = DType::F32;
    return true;
  case at::kHalf:
    out = DType::F16;
    return true;
  case at::kBFloat16:
    out = DType::BF16;
    return true;
  case at::kLong:
    out = DType::I64;
    return true;
  case at::kInt:
    out = DType::I32;
    return true;
  case at::kChar:
  case at::kByte:
    out = DType::I8;
    return true;
  case at::kBool:
    out = DType::I1;
    return true;
  default:
    return false;
  }
}

TorchBackend::TorchBackend(c10::intrusive_ptr<c10d::ProcessGroup> group,
                           c10::Device device)
    : group_(std::move(group)), device_(device) {
  std::string backendName = "unknown";
  try {
    backendName = group_->getBackendName();
  } catch (const std::exception &) {
    // Process groups without a name still work; only diagnostics lose it.
  }
  nccl_ = backendName == "nccl";
  name_ = "torch-" + backendName;
}

TorchBackend::~TorchBackend() = default;

at::Tensor TorchBackend::bytesAt(const void *ptr, int64_t bytes) const {
  if (bytes == 0 || !ptr)
    return at::empty({0}, at::TensorOptions().dtype(at::kByte).device(device_));
  return at::from_blob(const_cast<void *>(ptr), {bytes},
                       at::TensorOptions().dtype(at::kByte).device(device_));
}

Status TorchBackend::exchange(const char *what, const void *const *send,
                              const int64_t *sendBytes, void *const *recv,
                              const int64_t *recvBytes) {
  const int64_t p = size(), me = rank();
  try {
    if (nccl_) {
      // One grouped NCCL launch; our own entries are empty because the
      // runtime copies this rank's part itself.
      std::vector<at::Tensor> in(p), out(p);
      for (int64_t q = 0; q < p; ++q) {
        in[q] =
            bytesAt(q == me ? nullptr : send[q], q == me ? 0 : sendBytes[q]);
        out[q] =
            bytesAt(q == me ? nullptr : recv[q], q == me ? 0 : recvBytes[q]);
      }
      auto work = group_->alltoall(out, in);
      std::vector<c10::intrusive_ptr<c10d::Work>> works{work};
      return waitAll(name_, what, works);
    }
    // Receives are posted before sends so that no send waits on a receive
    // that is not there yet; empty messages are skipped on both sides, which
    // agree on every size because they derive from the same plan.
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    std::vector<std::vector<at::Tensor>> tensors;
    tensors.reserve(2 * p);
    for (int64_t k = 1; k < p; ++k) {
      int64_t q = (me + p - k) % p; // Receive from the ranks before us first.
      if (recvBytes[q] == 0)
        continue;
      tensors.push_back({bytesAt(recv[q], recvBytes[q])});
      works.push_back(group_->recv(tensors.back(), static_cast<int>(q), 0));
    }
    for (int64_t k = 1; k < p; ++k) {
      int64_t q = (me + k) % p;
      if (sendBytes[q] == 0)
        continue;
      tensors.push_back({bytesAt(send[q], sendBytes[q])});
      works.push_back(group_->send(tensors.back(), static_cast<int>(q), 0));
    }
    return waitAll(name_, what, works);
  } catch (const std::exception &e) {
    return backendError(name_, what, e);
  }
}

Status TorchBackend::alltoallv(const void *const *send,
                               const int64_t *sendBytes, void *const *recv,
                               const int64_t *recvBytes) {
  return exchange("alltoallv", send, sendBytes, recv, recvBytes);
}

Status TorchBackend::allgatherv(const void *send, int64_t bytes,
                                void *const *recv, const int64_t *recvBytes) {
  std::vector<const void *> sends(size(), send);
  std::vector<int64_t> sendBytes(size(), bytes);
  return exchange("allgatherv", sends.data(), sendBytes.data(), recv,
                  recvBytes);
}

Status TorchBackend::allgatherHost(const void *in, int64_t bytes, void *out) {
  const int64_t p = size();
  try {
    auto host = at::TensorOptions().dtype(at::kByte);
    at::Tensor inHost = at::from_blob(const_cast<void *>(in), {bytes}, host);
    at::Tensor outHost = at::from_blob(out, {p, bytes}, host);
    // The records travel through the group's device (NCCL only moves device
    // memory); on the CPU they are used in place.
    at::Tensor inDev = device_.is_cpu() ? inHost : inHost.to(device_);
    at::Tensor outDev = device_.is_cpu()
                            ? outHost
                            : at::empty({p, bytes}, host.device(device_));
    std::vector<at::Tensor> inputs{inDev};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int64_t q = 0; q < p; ++q)
      outputs[0].push_back(outDev[q]);
    auto work = group_->allgather(outputs, inputs);
    std::vector<c10::intrusive_ptr<c10d::Work>> works{work};
    Status status = waitAll(name_, "allgatherHost", works);
    if (status && !device_.is_cpu())
      outHost.copy_(outDev);
    return status;
  } catch (const std::exception &e) {
    return backendError(name_, "allgatherHost", e);
  }
}

Status TorchBackend::split(int64_t color, int64_t key,
                           std::unique_ptr<Backend> &out) {
  (void)color;
  (void)key;
  out.reset();
  return {StatusCode::Unsupported,
          name_ + ": process groups are made with torch.distributed.new_group, "
                  "not split by the runtime"};
}

Status TorchBackend::allocate(int64_t bytes, void *&out) {
  if (device_.is_cpu())
    return Backend::allocate(bytes, out);
  try {
    at::Tensor buffer = at::empty(
        {bytes}, at::TensorOptions().dtype(at::kByte).device(device_));
    out = buffer.data_ptr();
    std::lock_guard<std::mutex> lock(buffersMutex_);
    buffers_[out] = std::move(buffer);
    return Status::ok();
  } catch (const std::exception &e) {
    out = nullptr;
    std::ostringstream os;
    os << name_ << ": cannot allocate " << bytes << " bytes on "
       << device_.str() << ": " << e.what();
    return {StatusCode::OutOfMemory, os.str()};
  }
}

void TorchBackend::deallocate(void *ptr) {
  if (device_.is_cpu())
    return Backend::deallocate(ptr);
  std::lock_guard<std::mutex> lock(buffersMutex_);
  buffers_.erase(ptr);
}

Status TorchBackend::copy(const std::vector<CopyJob> &jobs, DType type,
                          const Scaling &scaling) {
  if (device_.is_cpu())
    return Backend::copy(jobs, type, scaling);
  try {
    auto options =
        at::TensorOptions().dtype(scalarTypeOf(type)).device(device_);
    for (const CopyJob &job : jobs) {
      at::Tensor src = at::from_blob(const_cast<void *>(job.src), job.shape,
                                     job.srcStrides, options);
      at::Tensor dst =
          at::from_blob(job.dst, job.shape, job.dstStrides, options);
      if (job.accumulate)
        dst.add_(src);
      else if (scaling.mode == GradScale::Up)
        at::mul_out(dst, src, at::scalar_tensor(scaling.factor, options));
      else if (scaling.mode == GradScale::Down)
        at::div_out(dst, src, at::scalar_tensor(scaling.factor, options));
      else
        dst.copy_(src);
    }
    return Status::ok();
  } catch (const std::exception &e) {
    return backendError(name_, "copy", e);
  }
}

} // namespace seqpar::rt
