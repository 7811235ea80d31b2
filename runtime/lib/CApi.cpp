//===- CApi.cpp - C ABI of the seqpar runtime -----------------------------===//
//
// Thin wrappers that decode memref descriptors and op descriptors (with
// layout::decodeOp and layout::decodeGroup) into the C++ API and turn its
// Status into a code plus a thread-local message. No exception leaves this
// file: each entry point runs behind a guard that turns one into a status.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/CApi.h"
#include "seqpar/Layout/Layout.h"
#include "seqpar/Layout/OpModel.h"
#include "seqpar/Runtime/Runtime.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <set>
#include <stdexcept>
#include <string>

using namespace seqpar::rt;
namespace layout = seqpar::layout;
using layout::Shape;

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
              int32_t(DType::I1) == SEQPAR_RT_I1 && SEQPAR_NUM_DTYPES == 8);

namespace {

std::unique_ptr<Runtime> &globalSlot() {
  static std::unique_ptr<Runtime> runtime;
  return runtime;
}

thread_local std::string lastError;

/// Buffers seqpar_rt_allocate made while no runtime was installed.
std::set<void *> &looseBuffers() {
  static std::set<void *> buffers;
  return buffers;
}

int32_t report(const Status &st) {
  lastError = st.isOk() ? std::string() : st.message();
  return static_cast<int32_t>(st.code());
}

/// Runs `body` (returning a Status) and reports its status; exceptions
/// (allocation failures of huge lists, say) become statuses, since nothing
/// may unwind into C or MLIR-generated frames.
template <typename Fn> int32_t guarded(const char *what, Fn body) {
  try {
    return report(body());
  } catch (const std::bad_alloc &) {
    return report(
        {StatusCode::OutOfMemory, std::string(what) + ": out of memory"});
  } catch (const std::length_error &e) {
    return report(
        {StatusCode::InvalidArgument,
         std::string(what) + ": a list is too long (" + e.what() + ")"});
  } catch (const std::exception &e) {
    return report({StatusCode::BackendError,
                   std::string(what) + ": unexpected error: " + e.what()});
  } catch (...) {
    return report(
        {StatusCode::BackendError, std::string(what) + ": unexpected error"});
  }
}

Status notInitialized(const std::string &what) {
  return {StatusCode::NotInitialized,
          what + ": the runtime is not initialized (call seqpar_rt_init "
                 "first)"};
}

Status invalid(std::string message) {
  return {StatusCode::InvalidArgument, std::move(message)};
}

struct MemrefHeader {
  char *allocated;
  char *aligned;
  int64_t offset;
};

/// Decodes the shape and strides of an unranked memref.
Status decodeShape(const std::string &op, const char *what,
                   const seqpar_rt_unranked_memref *m, TensorRef &out) {
  const std::string prefix = op + ": the " + what;
  if (!m || !m->descriptor)
    return invalid(prefix + " memref is null");
  if (m->rank < 1 || m->rank > kMaxRank)
    return invalid(prefix + " has rank " + std::to_string(m->rank) +
                   " but ranks 1 to " + std::to_string(kMaxRank) +
                   " are supported");
  const auto *h = static_cast<const MemrefHeader *>(m->descriptor);
  const auto *dims = reinterpret_cast<const int64_t *>(h + 1);
  out.sizes.assign(dims, dims + m->rank);
  out.strides.assign(dims + m->rank, dims + 2 * m->rank);
  return Status::ok();
}

/// Decodes an unranked memref of element type `type` into a tensor view.
Status decodeTensor(const std::string &op, const char *what,
                    const seqpar_rt_unranked_memref *m, DType type,
                    TensorRef &out) {
  if (Status st = decodeShape(op, what, m, out); !st)
    return st;
  const std::string prefix = op + ": the " + what;
  const auto *h = static_cast<const MemrefHeader *>(m->descriptor);
  out.dtype = type;
  layout::Result<int64_t> count = layout::elementCount(out.sizes);
  if (!count)
    return invalid(prefix + " " + count.error());
  std::optional<int64_t> offset =
      layout::checkedMul(h->offset, elementSize(type));
  if (!offset)
    return invalid(prefix + " has the offset " + std::to_string(h->offset) +
                   ", past the int64 range in bytes");
  out.data = h->aligned ? h->aligned + *offset : nullptr;
  // The entry points index lists and the output shape through the strides.
  if (*count > 0)
    if (layout::Result<std::pair<int64_t, int64_t>> span =
            layout::elementSpan(out.sizes, out.strides, elementSize(type));
        !span)
      return invalid(prefix + " of " + span.error());
  // Lists are read and exchange_lengths' output written right here, before
  // Runtime::run could check the data pointer.
  if (!out.data && *count > 0)
    return invalid(prefix + " of shape " + layout::str(out.sizes) +
                   " has a null data pointer");
  return Status::ok();
}

/// Decodes a rank-1 i64 memref; a null memref is an empty list.
Status decodeList(const std::string &op, const char *what,
                  const seqpar_rt_unranked_memref *m,
                  std::vector<int64_t> &out) {
  out.clear();
  if (!m || !m->descriptor)
    return Status::ok();
  if (m->rank != 1)
    return invalid(op + ": the " + what + " memref has rank " +
                   std::to_string(m->rank) + " but must have rank 1");
  TensorRef t;
  if (Status st = decodeTensor(op, what, m, DType::I64, t); !st)
    return st;
  if (t.sizes[0] > layout::kMaxListLength)
    return invalid(op + ": the " + what + " list has " +
                   std::to_string(t.sizes[0]) + " entries but at most " +
                   std::to_string(layout::kMaxListLength) + " are supported");
  out.reserve(size_t(t.sizes[0]));
  for (int64_t i = 0; i < t.sizes[0]; ++i)
    out.push_back(static_cast<const int64_t *>(t.data)[i * t.strides[0]]);
  return Status::ok();
}

Status decodeDType(const std::string &op, int32_t code, DType &out) {
  if (!isValidDType(code))
    return invalid(op + ": the element type code " + std::to_string(code) +
                   " is not one of 0 (f64) to " +
                   std::to_string(SEQPAR_NUM_DTYPES - 1) + " (i1)");
  out = static_cast<DType>(code);
  return Status::ok();
}

/// Decodes an op descriptor and the operands that fill its run-time slots.
Status decodeOp(const char *entry, seqpar_rt_unranked_memref *desc,
                seqpar_rt_unranked_memref *scatterValues,
                seqpar_rt_unranked_memref *gatherValues, int64_t length,
                Op &out) {
  std::vector<int64_t> words, sv, gv;
  if (Status st = decodeList(entry, "op descriptor", desc, words); !st)
    return st;
  if (Status st = decodeList(entry, "scatter values", scatterValues, sv); !st)
    return st;
  if (Status st = decodeList(entry, "gather values", gatherValues, gv); !st)
    return st;
  layout::CallOperands operands;
  operands.scatterValues = sv.data();
  operands.numScatterValues = static_cast<int64_t>(sv.size());
  operands.gatherValues = gv.data();
  operands.numGatherValues = static_cast<int64_t>(gv.size());
  operands.length = length;
  layout::Result<Op> op = layout::decodeOp(
      words.data(), static_cast<int64_t>(words.size()), operands);
  if (!op)
    return invalid(std::string(entry) + ": " + op.error());
  out = std::move(*op);
  return Status::ok();
}

/// Decodes a group descriptor into its grid shape and ordered axes.
Status decodeGroup(const char *entry, seqpar_rt_unranked_memref *desc,
                   Shape &gridShape, std::vector<int64_t> &axes) {
  std::vector<int64_t> words;
  if (Status st = decodeList(entry, "group descriptor", desc, words); !st)
    return st;
  layout::Result<bool> ok = layout::decodeGroup(
      words.data(), static_cast<int64_t>(words.size()), gridShape, axes);
  if (!ok)
    return invalid(std::string(entry) + ": " + ok.error());
  return Status::ok();
}

/// A query that returns a value or -1 with the last error set.
template <typename Fn> int64_t query(const char *what, Fn body) {
  int64_t value = -1;
  int32_t code = guarded(what, [&] { return body(value); });
  return code == SEQPAR_RT_OK ? value : -1;
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
  return guarded("init", [&]() -> Status {
    if (num_axes < 1 || num_axes > layout::kMaxGridAxes || !axis_sizes)
      return invalid("init: the grid needs 1 to " +
                     std::to_string(layout::kMaxGridAxes) + " axes, got " +
                     std::to_string(num_axes) +
                     (axis_sizes ? "" : " and no axis sizes"));
    Shape gridShape(axis_sizes, axis_sizes + num_axes);
    // The grid first: a bad one must not leave MPI initialized.
    if (layout::Result<layout::Grid> grid = layout::makeGrid(gridShape); !grid)
      return invalid("init: " + grid.error());
    if (globalRuntime())
      return invalid("init: the runtime is already initialized");
    std::unique_ptr<Backend> world;
    if (Status st = createMpiWorldBackend(world); !st)
      return {st.code(), "init: " + st.message()};
    // Lowered GPU code passes device buffers: SEQPAR_RT_BACKEND=nccl.
    const char *backend = std::getenv("SEQPAR_RT_BACKEND");
    std::string name = backend ? backend : "";
    if (name == "nccl") {
      std::unique_ptr<Backend> nccl;
      if (Status st = createNcclBackend(std::move(world), -1, nccl); !st)
        return {st.code(), "init: " + st.message()};
      world = std::move(nccl);
    } else if (!name.empty() && name != "mpi") {
      return invalid("init: unknown backend '" + name +
                     "' in SEQPAR_RT_BACKEND (expected mpi or nccl)");
    }
    std::unique_ptr<Runtime> rt;
    if (Status st = Runtime::create(std::move(world), gridShape, rt); !st)
      return st;
    installGlobalRuntime(std::move(rt));
    return Status::ok();
  });
}

int32_t _mlir_ciface_seqpar_rt_init(seqpar_rt_unranked_memref *axis_sizes) {
  std::vector<int64_t> sizes;
  int32_t code = guarded("init", [&] {
    return decodeList("init", "axis sizes", axis_sizes, sizes);
  });
  if (code != SEQPAR_RT_OK)
    return code;
  return seqpar_rt_init(static_cast<int64_t>(sizes.size()), sizes.data());
}

int32_t seqpar_rt_finalize(void) {
  return guarded("finalize", []() -> Status {
    installGlobalRuntime(nullptr);
    Status st = finalizeMpiIfOwned();
    return st.isOk() ? st : Status(st.code(), "finalize: " + st.message());
  });
}

int32_t seqpar_rt_is_initialized(void) { return globalRuntime() ? 1 : 0; }

int32_t seqpar_rt_set_check_mode(int32_t on) {
  return guarded("set_check_mode", [&]() -> Status {
    Runtime *rt = globalRuntime();
    if (!rt)
      return notInitialized("set_check_mode");
    rt->setCheckMode(on != 0);
    return Status::ok();
  });
}

void *seqpar_rt_allocate(int64_t bytes) {
  void *out = nullptr;
  int32_t code = guarded("alloc", [&]() -> Status {
    if (Runtime *rt = globalRuntime())
      return rt->allocate(bytes, out);
    if (bytes < 0)
      return invalid("alloc: the size " + std::to_string(bytes) +
                     " is negative");
    out = std::aligned_alloc(64, (size_t(bytes) + 63) / 64 * 64 + 64);
    if (!out)
      return {StatusCode::OutOfMemory,
              "alloc: cannot allocate " + std::to_string(bytes) + " bytes"};
    looseBuffers().insert(out);
    return Status::ok();
  });
  return code == SEQPAR_RT_OK ? out : nullptr;
}

int32_t seqpar_rt_deallocate(void *ptr) {
  return guarded("free", [&]() -> Status {
    if (!ptr)
      return Status::ok();
    // A buffer allocated without a runtime (the runtime's own go with it).
    if (looseBuffers().erase(ptr)) {
      std::free(ptr);
      return Status::ok();
    }
    if (Runtime *rt = globalRuntime())
      return rt->deallocate(ptr);
    char text[32];
    std::snprintf(text, sizeof(text), "%p", ptr);
    return invalid(std::string("free: ") + text +
                   " is not a live buffer of seqpar_rt_alloc (the runtime "
                   "frees its buffers at finalize)");
  });
}

void _mlir_ciface_seqpar_rt_alloc(seqpar_rt_byte_memref *result,
                                  int64_t bytes) {
  if (!result)
    return;
  auto *p = static_cast<int8_t *>(seqpar_rt_allocate(bytes));
  *result = {p, p, 0, p ? bytes : 0, 1};
}

int32_t _mlir_ciface_seqpar_rt_free(seqpar_rt_byte_memref *buffer) {
  return seqpar_rt_deallocate(buffer ? buffer->allocated : nullptr);
}

int64_t seqpar_rt_direct_bytes(void) {
  Runtime *rt = globalRuntime();
  return rt ? rt->directBytes() : -1;
}

int32_t seqpar_rt_synchronize(void) {
  return guarded("synchronize", []() -> Status {
    Runtime *rt = globalRuntime();
    if (!rt)
      return notInitialized("synchronize");
    Status st = rt->world().synchronize();
    return st ? st : Status(st.code(), "synchronize: " + st.message());
  });
}

const char *seqpar_rt_last_error(void) { return lastError.c_str(); }

/// A group query (Runtime::groupSize or groupRank) named `what`.
static int64_t
groupQuery(const char *what, seqpar_rt_unranked_memref *group,
           Status (Runtime::*member)(const Shape &,
                                     const std::vector<int64_t> &, int64_t &)) {
  return query(what, [&](int64_t &out) -> Status {
    Shape gridShape;
    std::vector<int64_t> axes;
    if (Status st = decodeGroup(what, group, gridShape, axes); !st)
      return st;
    Runtime *rt = globalRuntime();
    if (!rt)
      return notInitialized(what);
    Status st = (rt->*member)(gridShape, axes, out);
    return st ? st : Status(st.code(), std::string(what) + ": " + st.message());
  });
}

int64_t _mlir_ciface_seqpar_rt_group_size(seqpar_rt_unranked_memref *group) {
  return groupQuery("group_size", group, &Runtime::groupSize);
}

int64_t _mlir_ciface_seqpar_rt_group_rank(seqpar_rt_unranked_memref *group) {
  return groupQuery("group_rank", group, &Runtime::groupRank);
}

/// The start of an op entry point named `what`: its descriptor and run-time
/// operands decoded into `desc`, and the runtime.
static Status opCall(const char *what, seqpar_rt_unranked_memref *op,
                     seqpar_rt_unranked_memref *scatterValues,
                     seqpar_rt_unranked_memref *gatherValues, int64_t length,
                     Op &desc, Runtime *&rt) {
  if (Status st = decodeOp(what, op, scatterValues, gatherValues, length, desc);
      !st)
    return st;
  rt = globalRuntime();
  return rt ? Status::ok() : notInitialized(opName(desc));
}

/// Whether this thread's last failure was a local query's that the other
/// ranks have not learned of (see seqpar_rt_share_failure).
static thread_local bool unsharedFailure = false;

void seqpar_rt_share_failure(void) {
  Runtime *rt = globalRuntime();
  if (!unsharedFailure || !rt)
    return;
  unsharedFailure = false;
  (void)rt->failCall({StatusCode::InvalidArgument, lastError});
}

int32_t _mlir_ciface_seqpar_rt_output_shape(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *op,
    seqpar_rt_unranked_memref *scatter_values,
    seqpar_rt_unranked_memref *gather_values, int64_t length,
    seqpar_rt_unranked_memref *out_shape) {
  unsharedFailure = false;
  int32_t code = guarded("output_shape", [&]() -> Status {
    Op desc;
    Runtime *rt = nullptr;
    if (Status st = opCall("output_shape", op, scatter_values, gather_values,
                           length, desc, rt);
        !st)
      return st;
    const std::string name = opName(desc);
    TensorRef inT, outT;
    if (Status st = decodeShape(name, "input", in, inT); !st)
      return st;
    if (Status st =
            decodeTensor(name, "output shape", out_shape, DType::I64, outT);
        !st)
      return st;
    if (outT.rank() != 1 || outT.sizes[0] != inT.rank())
      return invalid(name + ": the output shape memref has shape " +
                     layout::str(outT.sizes) + " but the input has rank " +
                     std::to_string(inT.rank()));
    Shape shape;
    if (Status st = rt->outputShape(desc, inT.sizes, shape); !st)
      return st;
    for (int64_t i = 0; i < inT.rank(); ++i)
      static_cast<int64_t *>(outT.data)[i * outT.strides[0]] = shape[i];
    return Status::ok();
  });
  unsharedFailure = code != SEQPAR_RT_OK;
  return code;
}

int32_t
_mlir_ciface_seqpar_rt_exchange_lengths(seqpar_rt_unranked_memref *group,
                                        int64_t mine,
                                        seqpar_rt_unranked_memref *out) {
  unsharedFailure = false;
  return guarded("exchange_lengths", [&]() -> Status {
    Shape gridShape;
    std::vector<int64_t> axes;
    Runtime *rt = globalRuntime();
    if (!rt)
      return notInitialized("exchange_lengths");
    if (Status st = decodeGroup("exchange_lengths", group, gridShape, axes);
        !st)
      return rt->failCall(st);
    TensorRef t;
    if (Status st =
            decodeTensor("exchange_lengths", "output", out, DType::I64, t);
        !st)
      return rt->failCall(st);
    int64_t size = 0;
    if (Status st = rt->groupSize(gridShape, axes, size); !st)
      return rt->failCall({st.code(), "exchange_lengths: " + st.message()});
    if (t.rank() != 1 || t.sizes[0] != size)
      return rt->failCall(invalid("exchange_lengths: the output has shape " +
                                  layout::str(t.sizes) + " but the group has " +
                                  std::to_string(size) + " ranks"));
    std::vector<int64_t> all;
    if (Status st = rt->exchangeLengths(gridShape, axes, mine, all); !st)
      return st;
    for (int64_t q = 0; q < size; ++q)
      static_cast<int64_t *>(t.data)[q * t.strides[0]] = all[q];
    return Status::ok();
  });
}

int32_t _mlir_ciface_seqpar_rt_run(seqpar_rt_unranked_memref *in,
                                   seqpar_rt_unranked_memref *out,
                                   int32_t dtype, seqpar_rt_unranked_memref *op,
                                   seqpar_rt_unranked_memref *scatter_values,
                                   seqpar_rt_unranked_memref *gather_values,
                                   int64_t length) {
  unsharedFailure = false; // A run takes part in the exchange, or fails it.
  return guarded("run", [&]() -> Status {
    Op desc;
    Runtime *rt = nullptr;
    // A rank that cannot even read its call still joins the others' first
    // exchange (Runtime::failCall), so that they fail instead of waiting.
    auto fail = [&](Status st) {
      Runtime *live = globalRuntime();
      return live ? live->failCall(st) : st;
    };
    if (Status st =
            opCall("run", op, scatter_values, gather_values, length, desc, rt);
        !st)
      return fail(st);
    const std::string name = opName(desc);
    DType type;
    TensorRef inT, outT;
    if (Status st = decodeDType(name, dtype, type); !st)
      return fail(st);
    if (Status st = decodeTensor(name, "input", in, type, inT); !st)
      return fail(st);
    if (Status st = decodeTensor(name, "output", out, type, outT); !st)
      return fail(st);
    return rt->run(desc, inT, outT);
  });
}

} // extern "C"
