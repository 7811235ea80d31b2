//===- CApi.cpp - C ABI of the seqpar runtime
//------------------------------===//
//
// Thin wrappers that decode memref descriptors and codes into the C++ API and
// turn its Status into a code plus a thread-local message.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/CApi.h"
#include "seqpar/Layout/Layout.h"
#include "seqpar/Runtime/Runtime.h"

#include <cstdlib>
#include <memory>
#include <string>

using namespace seqpar::rt;

// The C codes are the C++ enums' values; the casts below rely on it.
static_assert(int32_t(StatusCode::Ok) == SEQPAR_RT_OK &&
              int32_t(StatusCode::InvalidArgument) ==
                  SEQPAR_RT_INVALID_ARGUMENT &&
              int32_t(StatusCode::NotInitialized) ==
                  SEQPAR_RT_NOT_INITIALIZED &&
              int32_t(StatusCode::Mismatch) == SEQPAR_RT_MISMATCH &&
              int32_t(StatusCode::BackendError) == SEQPAR_RT_BACKEND_ERROR &&
              int32_t(StatusCode::Unsupported) == SEQPAR_RT_UNSUPPORTED &&
              int32_t(StatusCode::OutOfMemory) == SEQPAR_RT_OUT_OF_MEMORY);
static_assert(int32_t(DType::F64) == SEQPAR_RT_F64 &&
              int32_t(DType::F32) == SEQPAR_RT_F32 &&
              int32_t(DType::F16) == SEQPAR_RT_F16 &&
              int32_t(DType::BF16) == SEQPAR_RT_BF16 &&
              int32_t(DType::I64) == SEQPAR_RT_I64 &&
              int32_t(DType::I32) == SEQPAR_RT_I32 &&
              int32_t(DType::I8) == SEQPAR_RT_I8 &&
              int32_t(DType::I1) == SEQPAR_RT_I1);

namespace {

std::unique_ptr<Runtime> &globalSlot() {
  static std::unique_ptr<Runtime> runtime;
  return runtime;
}

thread_local std::string lastError;

int32_t report(const Status &st) {
  lastError = st.isOk() ? std::string() : st.message();
  return static_cast<int32_t>(st.code());
}

Status notInitialized(const char *what) {
  return {StatusCode::NotInitialized, std::string(what) +
                                          ": the runtime is not initialized "
                                          "(call seqpar_rt_init first)"};
}

std::vector<int64_t> axesOfMask(int64_t mask) {
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < 63; ++i)
    if (mask & (int64_t(1) << i))
      axes.push_back(i);
  return axes;
}

Status checkMask(const char *what, int64_t mask) {
  if (mask < 0)
    return {StatusCode::InvalidArgument,
            std::string(what) + ": the axis mask " + std::to_string(mask) +
                " is negative"};
  return Status::ok();
}

/// Decodes an unranked memref of element size `es` into a tensor view.
Status decodeTensor(const char *op, const char *what,
                    const seqpar_rt_unranked_memref *m, DType type,
                    TensorRef &out) {
  std::string prefix = std::string(op) + ": the " + what;
  if (!m || !m->descriptor)
    return {StatusCode::InvalidArgument, prefix + " memref is null"};
  if (m->rank < 1 || m->rank > kMaxRank)
    return {StatusCode::InvalidArgument, prefix + " has rank " +
                                             std::to_string(m->rank) +
                                             " but ranks 1 to 6 are supported"};
  struct Header {
    char *allocated;
    char *aligned;
    int64_t offset;
  };
  const auto *h = static_cast<const Header *>(m->descriptor);
  const auto *dims = reinterpret_cast<const int64_t *>(h + 1);
  out.dtype = type;
  out.sizes.assign(dims, dims + m->rank);
  out.strides.assign(dims + m->rank, dims + 2 * m->rank);
  out.data = h->aligned ? h->aligned + h->offset * elementSize(type) : nullptr;
  // Lists are read and exchange_lengths' output written right here, before
  // Runtime::run could check the data pointer.
  if (!out.data && seqpar::layout::numElements(out.sizes) > 0)
    return {StatusCode::InvalidArgument, prefix + " of shape " +
                                             seqpar::layout::str(out.sizes) +
                                             " has a null data pointer"};
  return Status::ok();
}

/// Decodes a rank-1 i64 memref; null or empty means "default" (empty list).
Status decodeList(const char *op, const char *what,
                  const seqpar_rt_unranked_memref *m,
                  std::vector<int64_t> &out) {
  out.clear();
  if (!m || !m->descriptor)
    return Status::ok();
  if (m->rank != 1)
    return {StatusCode::InvalidArgument,
            std::string(op) + ": the " + what + " memref has rank " +
                std::to_string(m->rank) + " but must have rank 1"};
  TensorRef t;
  if (Status st = decodeTensor(op, what, m, DType::I64, t); !st)
    return st;
  for (int64_t i = 0; i < t.sizes[0]; ++i)
    out.push_back(static_cast<const int64_t *>(t.data)[i * t.strides[0]]);
  return Status::ok();
}

Status decodeDType(const char *op, int32_t code, DType &out) {
  if (!isValidDType(code))
    return {StatusCode::InvalidArgument,
            std::string(op) + ": the element type code " +
                std::to_string(code) + " is not one of 0 (f64) to 7 (i1)"};
  out = static_cast<DType>(code);
  return Status::ok();
}

Status decodeScale(const char *op, int32_t code, GradScale &out) {
  if (code < 0 || code > 2)
    return {StatusCode::InvalidArgument,
            std::string(op) + ": the grad scale code " + std::to_string(code) +
                " is not 0 (none), 1 (up) or 2 (down)"};
  out = static_cast<GradScale>(code);
  return Status::ok();
}

/// Decodes the tensors and runs `op`.
int32_t runOp(OpDesc op, seqpar_rt_unranked_memref *in,
              seqpar_rt_unranked_memref *out, int32_t dtype) {
  std::string name = opName(op);
  Runtime *rt = globalRuntime();
  if (!rt)
    return report(notInitialized(name.c_str()));
  DType type;
  TensorRef inT, outT;
  if (Status st = decodeDType(name.c_str(), dtype, type); !st)
    return report(st);
  if (Status st = decodeTensor(name.c_str(), "input", in, type, inT); !st)
    return report(st);
  if (Status st = decodeTensor(name.c_str(), "output", out, type, outT); !st)
    return report(st);
  return report(rt->run(op, inT, outT));
}

/// Runs a split or gather whose list argument and scale need decoding.
int32_t runListOp(OpDesc op, seqpar_rt_unranked_memref *in,
                  seqpar_rt_unranked_memref *out, int32_t dtype,
                  seqpar_rt_unranked_memref *list, const char *listName,
                  int32_t scale) {
  std::string name = opName(op);
  if (Status st = decodeList(name.c_str(), listName, list, op.sizes); !st)
    return report(st);
  if (Status st = decodeScale(name.c_str(), scale, op.scale); !st)
    return report(st);
  return runOp(std::move(op), in, out, dtype);
}

} // namespace

namespace seqpar::rt {
void installGlobalRuntime(std::unique_ptr<Runtime> runtime) {
  globalSlot() = std::move(runtime);
}
Runtime *globalRuntime() { return globalSlot().get(); }
} // namespace seqpar::rt

extern "C" {

int32_t seqpar_rt_init(int64_t num_axes, const int64_t *axis_sizes) {
  if (num_axes < 1 || !axis_sizes)
    return report({StatusCode::InvalidArgument,
                   "init: the grid needs at least one axis, got " +
                       std::to_string(num_axes)});
  if (globalRuntime())
    return report({StatusCode::InvalidArgument,
                   "init: the runtime is already initialized"});
  std::unique_ptr<Backend> world;
  if (Status st = createMpiWorldBackend(world); !st)
    return report({st.code(), "init: " + st.message()});
  // Lowered GPU code passes device buffers: SEQPAR_RT_BACKEND=nccl.
  const char *backend = std::getenv("SEQPAR_RT_BACKEND");
  std::string name = backend ? backend : "";
  if (name == "nccl") {
    std::unique_ptr<Backend> nccl;
    if (Status st = createNcclBackend(std::move(world), -1, nccl); !st)
      return report({st.code(), "init: " + st.message()});
    world = std::move(nccl);
  } else if (!name.empty() && name != "mpi") {
    return report({StatusCode::InvalidArgument,
                   "init: unknown backend '" + name +
                       "' in SEQPAR_RT_BACKEND (expected mpi or nccl)"});
  }
  std::unique_ptr<Runtime> rt;
  if (Status st = Runtime::create(std::move(world),
                                  {axis_sizes, axis_sizes + num_axes}, rt);
      !st)
    return report(st);
  installGlobalRuntime(std::move(rt));
  return report(Status::ok());
}

int32_t _mlir_ciface_seqpar_rt_init(seqpar_rt_unranked_memref *axis_sizes) {
  std::vector<int64_t> sizes;
  if (Status st = decodeList("init", "axis sizes", axis_sizes, sizes); !st)
    return report(st);
  return seqpar_rt_init(static_cast<int64_t>(sizes.size()), sizes.data());
}

int32_t seqpar_rt_finalize(void) {
  installGlobalRuntime(nullptr);
  Status st = finalizeMpiIfOwned();
  return report(st.isOk() ? st
                          : Status(st.code(), "finalize: " + st.message()));
}

int32_t seqpar_rt_is_initialized(void) { return globalRuntime() ? 1 : 0; }

int32_t seqpar_rt_set_check_mode(int32_t on) {
  Runtime *rt = globalRuntime();
  if (!rt)
    return report(notInitialized("set_check_mode"));
  rt->setCheckMode(on != 0);
  return report(Status::ok());
}

int32_t seqpar_rt_synchronize(void) {
  Runtime *rt = globalRuntime();
  if (!rt)
    return report(notInitialized("synchronize"));
  Status st = rt->world().synchronize();
  return report(st ? st : Status(st.code(), "synchronize: " + st.message()));
}

const char *seqpar_rt_last_error(void) { return lastError.c_str(); }

int64_t seqpar_rt_group_size(int64_t axis_mask) {
  Runtime *rt = globalRuntime();
  int64_t out = -1;
  Status st =
      rt ? checkMask("group_size", axis_mask) : notInitialized("group_size");
  if (st)
    st = rt->groupSize(axesOfMask(axis_mask), out);
  report(st);
  return st ? out : -1;
}

int64_t seqpar_rt_group_rank(int64_t axis_mask) {
  Runtime *rt = globalRuntime();
  int64_t out = -1;
  Status st =
      rt ? checkMask("group_rank", axis_mask) : notInitialized("group_rank");
  if (st)
    st = rt->groupRank(axesOfMask(axis_mask), out);
  report(st);
  return st ? out : -1;
}

int64_t seqpar_rt_split_size(int64_t n, int64_t parts, int64_t idx) {
  if (n < 0 || parts < 1 || idx < 0 || idx >= parts) {
    report({StatusCode::InvalidArgument,
            "split_size: cannot take part " + std::to_string(idx) + " of " +
                std::to_string(n) + " split into " + std::to_string(parts) +
                " parts"});
    return -1;
  }
  report(Status::ok());
  return seqpar::layout::splitSize(n, parts, idx);
}

int64_t _mlir_ciface_seqpar_rt_local_length(
    int32_t map_kind, int64_t axis_mask, int64_t ring_axis,
    int64_t ulysses_axis, int64_t n, seqpar_rt_unranked_memref *seq_lens) {
  Runtime *rt = globalRuntime();
  Status st = rt ? Status::ok() : notInitialized("local_length");
  if (st && (map_kind < 0 || map_kind > 2))
    st = {StatusCode::InvalidArgument,
          "local_length: the map kind " + std::to_string(map_kind) +
              " is not 0 (split rule), 1 (zigzag) or 2 (packed)"};
  if (st && ulysses_axis < 0)
    st = checkMask("local_length", axis_mask);
  OpDesc op;
  op.kind = OpKind::Split;
  op.map = static_cast<MapKind>(map_kind);
  op.hybrid = ulysses_axis >= 0;
  op.axes = op.hybrid ? std::vector<int64_t>{ring_axis, ulysses_axis}
                      : axesOfMask(axis_mask);
  if (st)
    st = decodeList("local_length", "sequence lengths", seq_lens, op.sizes);
  std::vector<int64_t> shape;
  if (st)
    st = rt->outputShape(op, {n}, shape);
  report(st);
  return st ? shape[0] : -1;
}

int32_t
_mlir_ciface_seqpar_rt_exchange_lengths(int64_t axis_mask, int64_t mine,
                                        seqpar_rt_unranked_memref *out) {
  Runtime *rt = globalRuntime();
  if (!rt)
    return report(notInitialized("exchange_lengths"));
  if (Status st = checkMask("exchange_lengths", axis_mask); !st)
    return report(st);
  TensorRef t;
  if (Status st =
          decodeTensor("exchange_lengths", "output", out, DType::I64, t);
      !st)
    return report(st);
  std::vector<int64_t> axes = axesOfMask(axis_mask), all;
  int64_t size = 0;
  if (Status st = rt->groupSize(axes, size); !st)
    return report({st.code(), "exchange_lengths: " + st.message()});
  if (t.rank() != 1 || t.sizes[0] != size)
    return report({StatusCode::InvalidArgument,
                   "exchange_lengths: the output has shape " +
                       seqpar::layout::str(t.sizes) + " but the group has " +
                       std::to_string(size) + " ranks"});
  if (Status st = rt->exchangeLengths(axes, mine, all); !st)
    return report(st);
  for (int64_t q = 0; q < size; ++q)
    static_cast<int64_t *>(t.data)[q * t.strides[0]] = all[q];
  return report(Status::ok());
}

int32_t _mlir_ciface_seqpar_rt_all_to_all(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t scatter_dim, int64_t gather_dim,
    int64_t gather_size, seqpar_rt_unranked_memref *scatter_sizes,
    seqpar_rt_unranked_memref *gather_sizes) {
  if (Status st = checkMask("all_to_all", axis_mask); !st)
    return report(st);
  OpDesc op = allToAllOp(axesOfMask(axis_mask), scatter_dim, gather_dim, {}, {},
                         gather_size);
  if (Status st =
          decodeList("all_to_all", "scatter sizes", scatter_sizes, op.sizes);
      !st)
    return report(st);
  if (Status st = decodeList("all_to_all", "gather sizes", gather_sizes,
                             op.gatherSizes);
      !st)
    return report(st);
  return runOp(std::move(op), in, out, dtype);
}

int32_t _mlir_ciface_seqpar_rt_split(seqpar_rt_unranked_memref *in,
                                     seqpar_rt_unranked_memref *out,
                                     int32_t dtype, int64_t axis_mask,
                                     int64_t dim,
                                     seqpar_rt_unranked_memref *sizes,
                                     int32_t scale) {
  if (Status st = checkMask("split", axis_mask); !st)
    return report(st);
  return runListOp(splitOp(axesOfMask(axis_mask), dim), in, out, dtype, sizes,
                   "sizes", scale);
}

int32_t _mlir_ciface_seqpar_rt_gather(seqpar_rt_unranked_memref *in,
                                      seqpar_rt_unranked_memref *out,
                                      int32_t dtype, int64_t axis_mask,
                                      int64_t dim,
                                      seqpar_rt_unranked_memref *sizes,
                                      int32_t scale) {
  if (Status st = checkMask("gather", axis_mask); !st)
    return report(st);
  return runListOp(gatherOp(axesOfMask(axis_mask), dim), in, out, dtype, sizes,
                   "sizes", scale);
}

int32_t _mlir_ciface_seqpar_rt_zigzag_split(seqpar_rt_unranked_memref *in,
                                            seqpar_rt_unranked_memref *out,
                                            int32_t dtype, int64_t axis_mask,
                                            int64_t dim, int32_t scale) {
  if (Status st = checkMask("zigzag_split", axis_mask); !st)
    return report(st);
  return runListOp(zigzagSplitOp(axesOfMask(axis_mask), dim), in, out, dtype,
                   nullptr, "", scale);
}

int32_t _mlir_ciface_seqpar_rt_zigzag_gather(seqpar_rt_unranked_memref *in,
                                             seqpar_rt_unranked_memref *out,
                                             int32_t dtype, int64_t axis_mask,
                                             int64_t dim, int32_t scale) {
  if (Status st = checkMask("zigzag_gather", axis_mask); !st)
    return report(st);
  return runListOp(zigzagGatherOp(axesOfMask(axis_mask), dim), in, out, dtype,
                   nullptr, "", scale);
}

int32_t _mlir_ciface_seqpar_rt_hybrid_split(seqpar_rt_unranked_memref *in,
                                            seqpar_rt_unranked_memref *out,
                                            int32_t dtype, int64_t ring_axis,
                                            int64_t ulysses_axis, int64_t dim,
                                            int32_t scale) {
  return runListOp(hybridSplitOp(ring_axis, ulysses_axis, dim), in, out, dtype,
                   nullptr, "", scale);
}

int32_t _mlir_ciface_seqpar_rt_hybrid_gather(seqpar_rt_unranked_memref *in,
                                             seqpar_rt_unranked_memref *out,
                                             int32_t dtype, int64_t ring_axis,
                                             int64_t ulysses_axis, int64_t dim,
                                             int64_t global_length,
                                             int32_t scale) {
  return runListOp(hybridGatherOp(ring_axis, ulysses_axis, dim, global_length),
                   in, out, dtype, nullptr, "", scale);
}

int32_t _mlir_ciface_seqpar_rt_packed_split(seqpar_rt_unranked_memref *in,
                                            seqpar_rt_unranked_memref *out,
                                            int32_t dtype, int64_t axis_mask,
                                            int64_t dim,
                                            seqpar_rt_unranked_memref *seq_lens,
                                            int32_t scale) {
  if (Status st = checkMask("packed_split", axis_mask); !st)
    return report(st);
  return runListOp(packedSplitOp(axesOfMask(axis_mask), dim, {}), in, out,
                   dtype, seq_lens, "sequence lengths", scale);
}

int32_t _mlir_ciface_seqpar_rt_packed_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale) {
  if (Status st = checkMask("packed_gather", axis_mask); !st)
    return report(st);
  return runListOp(packedGatherOp(axesOfMask(axis_mask), dim, {}), in, out,
                   dtype, seq_lens, "sequence lengths", scale);
}

int32_t _mlir_ciface_seqpar_rt_packed_hybrid_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale) {
  return runListOp(packedHybridSplitOp(ring_axis, ulysses_axis, dim, {}), in,
                   out, dtype, seq_lens, "sequence lengths", scale);
}

int32_t _mlir_ciface_seqpar_rt_packed_hybrid_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale) {
  return runListOp(packedHybridGatherOp(ring_axis, ulysses_axis, dim, {}), in,
                   out, dtype, seq_lens, "sequence lengths", scale);
}

} // extern "C"
