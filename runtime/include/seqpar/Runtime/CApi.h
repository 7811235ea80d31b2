/*===- CApi.h - C ABI of the seqpar runtime for lowered IR --------*- C -*-===*\
|*                                                                            *|
|* Calls made by IR that the seqpar conversion lowers to `func.call`s. The    *|
|* lowering declares each callee as a private `func.func` with                *|
|* `llvm.emit_c_interface`, whose C entry point is `_mlir_ciface_<name>`.     *|
|* Tensors are passed as unranked memrefs (`memref<*xT>`, made from any       *|
|* ranked memref with `memref.cast`), so one entry point serves every rank    *|
|* and element type; the element type travels as a `dtype` code (i32).        *|
|* Integer lists (descriptors, sizes) are rank-1 `memref<?xi64>` passed the   *|
|* same way, in host memory even with NCCL.                                   *|
|*                                                                            *|
|* Conventions:                                                               *|
|*  - The codes (dtypes, op kinds, distributions, grad scales, statuses) and  *|
|*    the layout of the descriptors are those of seqpar/Layout/Codes.h, the   *|
|*    header the conversion includes too.                                     *|
|*  - An op is one descriptor (layout::encodeOp writes it, layout::decodeOp   *|
|*    reads it): its kind, its grid's shape, its group as an ordered list of  *|
|*    grid axes, the dims it moves and how each is distributed (split rule,   *|
|*    explicit sizes, zigzag, packed sequences, and two-level distributions), *|
|*    and its grad scale. A group's ranks are linearized row-major in the     *|
|*    order its axes are listed, so every axis order is a different group     *|
|*    rank order. Hybrid ring x Ulysses is an ordinary two-axis group: the    *|
|*    ring axes first, the Ulysses axis last (inner_axes = 1).                *|
|*  - One entry point runs every op (seqpar_rt_run); the rank-dependent       *|
|*    output shape comes from seqpar_rt_output_shape, and a group's size and  *|
|*    rank from seqpar_rt_group_size / seqpar_rt_group_rank. Sizes and        *|
|*    lengths the IR only knows at run time travel as the list and length     *|
|*    operands of those calls.                                                *|
|*  - A descriptor names its grid, so a program may use several grids over    *|
|*    the same world (each with as many ranks as the world); seqpar_rt_init's *|
|*    grid is the default.                                                    *|
|*  - Every call returns a status (seqpar_rt_status) or, for queries, -1 on   *|
|*    error; then seqpar_rt_last_error() returns this thread's message, which *|
|*    starts with the op's dialect name and names the dims and the values.    *|
|*    The library never aborts the process and no exception leaves it.        *|
|*  - The output memref is allocated by the caller with the op's output       *|
|*    shape. Any strides are accepted for input and output.                   *|
|*  - Calls are collective over the group, in the same order on every rank.   *|
|*    The first use of a group is collective over the whole world.            *|
|*  - Not thread-safe: one thread calls the runtime at a time.                *|
|*  - Descriptors are only read, never written, so lowered IR may pass one    *|
|*    descriptor (a memref.global constant) to several calls.                 *|
|*  - Example (run by ctest): runtime/test/abi/all_to_all.mlir declares       *|
|*    `func.func private @seqpar_rt_run(memref<*xf32>, memref<*xf32>, i32,    *|
|*    memref<*xi64>, ...) -> i32 attributes {llvm.emit_c_interface}` and      *|
|*    calls it after memref.cast.                                             *|
|*                                                                            *|
|* Adjoints (layout::adjointOp): all_to_all(s, g) <-> all_to_all(g, s); each  *|
|* split's adjoint is the gather with the same distribution and vice versa,   *|
|* with the grad scale (seeds: split down, gather up, zigzag split down,      *|
|* zigzag gather up).                                                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SEQPAR_RUNTIME_CAPI_H
#define SEQPAR_RUNTIME_CAPI_H

#include "seqpar/Layout/Codes.h"
#include "seqpar/Runtime/Export.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes (Codes.h; the values of seqpar::rt::StatusCode).
typedef enum seqpar_rt_status {
  SEQPAR_RT_OK = SEQPAR_STATUS_OK,
  SEQPAR_RT_INVALID_ARGUMENT = SEQPAR_STATUS_INVALID_ARGUMENT,
  SEQPAR_RT_NOT_INITIALIZED = SEQPAR_STATUS_NOT_INITIALIZED,
  SEQPAR_RT_MISMATCH = SEQPAR_STATUS_MISMATCH,
  SEQPAR_RT_BACKEND_ERROR = SEQPAR_STATUS_BACKEND_ERROR,
  SEQPAR_RT_UNSUPPORTED = SEQPAR_STATUS_UNSUPPORTED,
  SEQPAR_RT_OUT_OF_MEMORY = SEQPAR_STATUS_OUT_OF_MEMORY,
} seqpar_rt_status;

/// Element type codes (Codes.h; the values of seqpar::rt::DType); i1 is
/// one byte.
typedef enum seqpar_rt_dtype {
  SEQPAR_RT_F64 = SEQPAR_DTYPE_F64,
  SEQPAR_RT_F32 = SEQPAR_DTYPE_F32,
  SEQPAR_RT_F16 = SEQPAR_DTYPE_F16,
  SEQPAR_RT_BF16 = SEQPAR_DTYPE_BF16,
  SEQPAR_RT_I64 = SEQPAR_DTYPE_I64,
  SEQPAR_RT_I32 = SEQPAR_DTYPE_I32,
  SEQPAR_RT_I8 = SEQPAR_DTYPE_I8,
  SEQPAR_RT_I1 = SEQPAR_DTYPE_I1,
} seqpar_rt_dtype;

/// MLIR's unranked memref descriptor: `descriptor` points to the ranked
/// descriptor {T *allocated; T *aligned; int64_t offset; int64_t
/// sizes[rank]; int64_t strides[rank];}. Element (i0, ..., ik) lives at
/// aligned + offset + sum(i_j * strides[j]).
typedef struct seqpar_rt_unranked_memref {
  int64_t rank;
  void *descriptor;
} seqpar_rt_unranked_memref;

/* Set-up. */

/// Creates the runtime over MPI (MPI_Init only if MPI is not initialized)
/// with a grid of `num_axes` axes of sizes `axis_sizes` (product = world
/// size). Calling it again while initialized is an error. With the
/// environment variable SEQPAR_RT_BACKEND=nccl the collectives run on NCCL
/// (bootstrapped over MPI) and every tensor must be in device memory.
SEQPAR_RT_EXPORT int32_t seqpar_rt_init(int64_t num_axes,
                                        const int64_t *axis_sizes);
/// The same with the axis sizes in a rank-1 i64 memref.
SEQPAR_RT_EXPORT int32_t
_mlir_ciface_seqpar_rt_init(seqpar_rt_unranked_memref *axis_sizes);
/// Destroys the runtime; calls MPI_Finalize if seqpar_rt_init initialized
/// MPI. A no-op when not initialized.
SEQPAR_RT_EXPORT int32_t seqpar_rt_finalize(void);
/// 1 when initialized (or a runtime was installed), else 0.
SEQPAR_RT_EXPORT int32_t seqpar_rt_is_initialized(void);
/// Turns the agreement checks on (1) or off (0); see Runtime::setCheckMode.
/// They are on by default; SEQPAR_RT_CHECK=0 turns them off at init.
SEQPAR_RT_EXPORT int32_t seqpar_rt_set_check_mode(int32_t on);
/// For a program that stops at a failed call: when that call was a local
/// query (seqpar_rt_output_shape) whose failure the other ranks have not
/// learned, joins the exchange of the collective they are about to run, so
/// that they fail with an error instead of waiting; otherwise does nothing.
/// Lowered IR calls it before printing the error and exiting.
SEQPAR_RT_EXPORT void seqpar_rt_share_failure(void);
/// Waits until the queued work of every op has finished: a no-op on MPI;
/// with NCCL, outputs are ready for other streams and the host afterwards.
SEQPAR_RT_EXPORT int32_t seqpar_rt_synchronize(void);
/// This thread's last error message ("" when none).
SEQPAR_RT_EXPORT const char *seqpar_rt_last_error(void);

/* Groups and ops are passed as descriptors: rank-1 i64 memrefs whose words
 * Codes.h lays out and layout::encodeGroup / layout::encodeOp write. A group
 * descriptor names its grid's shape, so a program may use several grids over
 * the same world (each with as many ranks as the world). */

/* Queries; on error they return -1 and set the last error. */

SEQPAR_RT_EXPORT int64_t
_mlir_ciface_seqpar_rt_group_size(seqpar_rt_unranked_memref *group);
SEQPAR_RT_EXPORT int64_t
_mlir_ciface_seqpar_rt_group_rank(seqpar_rt_unranked_memref *group);

/// The output shape of the op described by `op` on `in` on this rank (only
/// the input's shape is read), written to `out_shape` (rank-1 i64 memref of
/// the input's rank). The list and length operands are those of
/// seqpar_rt_run. Returns a status.
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_output_shape(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *op,
    seqpar_rt_unranked_memref *scatter_values,
    seqpar_rt_unranked_memref *gather_values, int64_t length,
    seqpar_rt_unranked_memref *out_shape);

/* Buffers for collective outputs. */

/// Allocates `bytes` bytes (64-byte aligned) for a collective's output:
/// from memory the ranks of a node share when the backend has it, so that
/// collectives writing into the buffer take the direct path (see
/// Runtime::allocate), else from the backend's allocator. Returns null on
/// error (the last error says why). Without a runtime, a plain host buffer.
SEQPAR_RT_EXPORT void *seqpar_rt_allocate(int64_t bytes);
/// Frees a buffer of seqpar_rt_allocate (null: nothing). Buffers still live
/// at seqpar_rt_finalize are freed then. Returns a status; any other
/// pointer is an error, never a crash.
SEQPAR_RT_EXPORT int32_t seqpar_rt_deallocate(void *ptr);

/// MLIR's descriptor of a `memref<?xi8>`.
typedef struct seqpar_rt_byte_memref {
  int8_t *allocated;
  int8_t *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
} seqpar_rt_byte_memref;
/// The same for lowered IR (`@seqpar_rt_alloc(i64) -> memref<?xi8>` and
/// `@seqpar_rt_free(memref<?xi8>) -> i32`): the buffer as a byte memref,
/// which memref.view types. On error the memref is null with size 0, and
/// the collective that receives it reports the null pointer.
SEQPAR_RT_EXPORT void
_mlir_ciface_seqpar_rt_alloc(seqpar_rt_byte_memref *result, int64_t bytes);
SEQPAR_RT_EXPORT int32_t
_mlir_ciface_seqpar_rt_free(seqpar_rt_byte_memref *buffer);

/// Bytes this rank has written into peers' outputs on the direct path
/// (Runtime::directBytes), or -1 when not initialized.
SEQPAR_RT_EXPORT int64_t seqpar_rt_direct_bytes(void);

/* Collectives. */

/// Gathers every rank's `mine` into `out` (rank-1 i64 memref of group size).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_exchange_lengths(
    seqpar_rt_unranked_memref *group, int64_t mine,
    seqpar_rt_unranked_memref *out);

/// Runs the op described by `op` (every kind: all_to_all, split, gather, in
/// every distribution) from `in` into `out` (allocated by the caller with
/// the shape seqpar_rt_output_shape gives). `scatter_values` and
/// `gather_values` (rank-1 i64 memrefs, or null) fill the Sizes
/// distributions that the descriptor leaves to run time, `length` a length
/// it leaves to run time (SEQPAR_DESC_RUNTIME_LENGTH).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_run(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, seqpar_rt_unranked_memref *op,
    seqpar_rt_unranked_memref *scatter_values,
    seqpar_rt_unranked_memref *gather_values, int64_t length);

#ifdef __cplusplus
}
#endif

#endif /* SEQPAR_RUNTIME_CAPI_H */
