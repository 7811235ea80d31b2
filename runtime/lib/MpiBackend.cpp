//===- MpiBackend.cpp - The MPI backend -----------------------------------===//
//
// Per-peer nonblocking sends and receives, so that each peer's chunk can come
// straight from the user's input or go straight into the output. Messages
// above 1 GiB are cut in pieces because MPI counts are ints; pieces between
// two ranks arrive in order (MPI's non-overtaking rule on one tag).
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Backend.h"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace seqpar::rt {
namespace {

/// Largest message; larger transfers go in pieces. SEQPAR_RT_MPI_PIECE_BYTES
/// lowers it (the tests use it to cut small messages into many pieces).
int64_t maxPieceBytes() {
  static const int64_t bytes = [] {
    const char *env = std::getenv("SEQPAR_RT_MPI_PIECE_BYTES");
    long long v = env ? std::atoll(env) : 0;
    return v > 0 && v < (int64_t(1) << 30) ? int64_t(v) : int64_t(1) << 30;
  }();
  return bytes;
}
constexpr int kTag = 0x5e9a;

/// True when createMpiWorldBackend called MPI_Init_thread.
bool initializedByUs = false;

Status mpiError(const char *call, int err) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(err, text, &len);
  return {StatusCode::BackendError,
          std::string("mpi: ") + call + " failed: " + std::string(text, len)};
}

/// SEQPAR_RT_NODE_SIZE=k cuts each node into nodes of k consecutive ranks
/// (the tests use it to run the path between nodes on one machine); 0 or
/// unset keeps the nodes MPI finds.
int64_t nodeSizeOverride() {
  const char *env = std::getenv("SEQPAR_RT_NODE_SIZE");
  long long v = env ? std::atoll(env) : 0;
  return v > 0 ? int64_t(v) : 0;
}

class MpiBackend final : public Backend {
public:
  explicit MpiBackend(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_size(comm_, &size_);
    MPI_Comm_rank(comm_, &rank_);
  }
  ~MpiBackend() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized)
      MPI_Comm_free(&comm_);
  }

  const char *name() const override { return "mpi"; }
  int64_t size() const override { return size_; }
  int64_t rank() const override { return rank_; }

  Status alltoallv(const void *const *send, const int64_t *sendBytes,
                   void *const *recv, const int64_t *recvBytes) override {
    std::vector<MPI_Request> reqs;
    // Receives first so that no message waits in an unexpected queue; then
    // sends in a rotated order so that peers are not all hit at once.
    for (int i = 1; i < size_; ++i) {
      int q = (rank_ + size_ - i) % size_;
      if (Status st = post(recv[q], recvBytes[q], q, /*isSend=*/false, reqs);
          !st)
        return st;
    }
    for (int i = 1; i < size_; ++i) {
      int q = (rank_ + i) % size_;
      if (Status st = post(const_cast<void *>(send[q]), sendBytes[q], q,
                           /*isSend=*/true, reqs);
          !st)
        return st;
    }
    return wait(reqs);
  }

  Status allgatherv(const void *send, int64_t bytes, void *const *recv,
                    const int64_t *recvBytes) override {
    std::vector<MPI_Request> reqs;
    for (int i = 1; i < size_; ++i) {
      int q = (rank_ + size_ - i) % size_;
      if (Status st = post(recv[q], recvBytes[q], q, false, reqs); !st)
        return st;
    }
    for (int i = 1; i < size_; ++i) {
      int q = (rank_ + i) % size_;
      if (Status st = post(const_cast<void *>(send), bytes, q, true, reqs); !st)
        return st;
    }
    return wait(reqs);
  }

  Status allgatherHost(const void *in, int64_t bytes, void *out) override {
    int err = MPI_Allgather(in, int(bytes), MPI_BYTE, out, int(bytes), MPI_BYTE,
                            comm_);
    return err == MPI_SUCCESS ? Status::ok() : mpiError("MPI_Allgather", err);
  }

  Status split(int64_t color, int64_t key,
               std::unique_ptr<Backend> &out) override {
    MPI_Comm sub;
    int err = MPI_Comm_split(comm_, int(color), int(key), &sub);
    if (err != MPI_SUCCESS)
      return mpiError("MPI_Comm_split", err);
    MPI_Comm_set_errhandler(sub, MPI_ERRORS_RETURN);
    auto backend = std::make_unique<MpiBackend>(sub);
    if (shared_) {
      // The sub-communicator's ranks learn each other's nodes (collective
      // over it, as the split is).
      const int64_t mine = nodes_[rank_];
      if (Status st = backend->shareMemory(shared_, mine); !st)
        return st;
    }
    out = std::move(backend);
    return Status::ok();
  }

  SharedMemory *sharedMemory() override { return shared_; }
  const std::vector<int64_t> &nodes() const override { return nodes_; }

  /// Offers `memory` to the direct path and gathers every rank's `node`.
  Status shareMemory(SharedMemory *memory, int64_t node) {
    nodes_.assign(size_, 0);
    if (Status st = allgatherHost(&node, sizeof(node), nodes_.data()); !st)
      return st;
    shared_ = memory;
    return Status::ok();
  }

private:
  Status post(void *buf, int64_t bytes, int peer, bool isSend,
              std::vector<MPI_Request> &reqs) {
    char *p = static_cast<char *>(buf);
    const int64_t piece = maxPieceBytes();
    for (int64_t done = 0; done < bytes; done += piece) {
      int n = int(std::min(piece, bytes - done));
      MPI_Request req;
      int err = isSend
                    ? MPI_Isend(p + done, n, MPI_BYTE, peer, kTag, comm_, &req)
                    : MPI_Irecv(p + done, n, MPI_BYTE, peer, kTag, comm_, &req);
      if (err != MPI_SUCCESS) {
        wait(reqs); // Do not leave requests behind.
        return mpiError(isSend ? "MPI_Isend" : "MPI_Irecv", err);
      }
      reqs.push_back(req);
    }
    return Status::ok();
  }

  Status wait(std::vector<MPI_Request> &reqs) {
    if (reqs.empty())
      return Status::ok();
    std::vector<MPI_Status> statuses(reqs.size());
    int err = MPI_Waitall(int(reqs.size()), reqs.data(), statuses.data());
    if (err == MPI_ERR_IN_STATUS) {
      for (const MPI_Status &s : statuses)
        if (s.MPI_ERROR != MPI_SUCCESS)
          return mpiError("MPI_Waitall", s.MPI_ERROR);
    }
    return err == MPI_SUCCESS ? Status::ok() : mpiError("MPI_Waitall", err);
  }

  MPI_Comm comm_;
  int size_ = 0, rank_ = 0;
  SharedMemory *shared_ = nullptr;
  std::vector<int64_t> nodes_;
};

/// This rank's node: the world rank of its node's first rank (MPI's shared
/// memory domain), cut into nodes of SEQPAR_RT_NODE_SIZE ranks when set.
Status findNode(MPI_Comm comm, int64_t &node) {
  MPI_Comm local;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int err =
      MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
  if (err != MPI_SUCCESS)
    return mpiError("MPI_Comm_split_type", err);
  int localRank = 0, first = rank;
  MPI_Comm_rank(local, &localRank);
  err = MPI_Bcast(&first, 1, MPI_INT, 0, local);
  MPI_Comm_free(&local);
  if (err != MPI_SUCCESS)
    return mpiError("MPI_Bcast", err);
  const int64_t cut = nodeSizeOverride();
  node = int64_t(first) * (int64_t(1) << 31) + (cut ? localRank / cut : 0);
  return Status::ok();
}

} // namespace

Status createMpiWorldBackend(std::unique_ptr<Backend> &out) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (finalized)
    return {StatusCode::BackendError,
            "mpi: MPI is already finalized and cannot be initialized again"};
  if (!initialized) {
    int provided = 0;
    int err = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (err != MPI_SUCCESS)
      return {StatusCode::BackendError, "mpi: MPI_Init_thread failed"};
    initializedByUs = true;
  }
  // A private duplicate: our tags never meet the application's messages, and
  // its error handler returns instead of aborting.
  MPI_Comm comm;
  int err = MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  if (err != MPI_SUCCESS)
    return mpiError("MPI_Comm_dup", err);
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  auto backend = std::make_unique<MpiBackend>(comm);
  if (SharedMemory *memory = hostSharedMemory()) {
    int64_t node = 0;
    if (Status st = findNode(comm, node); !st)
      return st;
    if (Status st = backend->shareMemory(memory, node); !st)
      return st;
  }
  out = std::move(backend);
  return Status::ok();
}

Status finalizeMpiIfOwned() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!initializedByUs || finalized)
    return Status::ok();
  initializedByUs = false;
  int err = MPI_Finalize();
  return err == MPI_SUCCESS ? Status::ok() : mpiError("MPI_Finalize", err);
}

} // namespace seqpar::rt
