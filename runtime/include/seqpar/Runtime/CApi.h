/*===- CApi.h - C ABI of the seqpar runtime for lowered IR --------*- C -*-===*\
|*                                                                            *|
|* Calls made by IR that the seqpar conversion lowers to `func.call`s. The    *|
|* lowering declares each callee as a private `func.func` with                *|
|* `llvm.emit_c_interface`, whose C entry point is `_mlir_ciface_<name>`.     *|
|* Tensors are passed as unranked memrefs (`memref<*xT>`, made from any       *|
|* ranked memref with `memref.cast`), so one entry point serves every rank    *|
|* and element type; the element type travels as a `dtype` code (i32).        *|
|* Integer lists (sizes, sequence lengths) are rank-1 `memref<?xi64>` passed  *|
|* the same way, in host memory even with NCCL; an empty list (or a null     *|
|* pointer) means "the default".                                              *|
|*                                                                            *|
|* Conventions:                                                               *|
|*  - Every call returns a status (seqpar_rt_status); on failure,             *|
|*    seqpar_rt_last_error() returns this thread's message, which names the   *|
|*    op, the dims and the sizes. The library never aborts the process.       *|
|*  - A group is a bit mask of grid axes (bit i = axis i); its ranks are      *|
|*    ordered by their coordinates on those axes, row-major in increasing     *|
|*    axis order. Hybrid ops take the ring and Ulysses axes explicitly; their *|
|*    group rank is ring coordinate * Ulysses size + Ulysses coordinate.      *|
|*  - `scale` is a grad scale code: 0 none, 1 up (times the group size P),    *|
|*    2 down (divided by P); floating-point types only.                       *|
|*  - The output memref is allocated by the caller with the op's output       *|
|*    shape (seqpar_rt_split_size and seqpar_rt_local_length give the         *|
|*    rank-dependent sizes). Any strides are accepted for input and output.   *|
|*  - Calls are collective over the group, in the same order on every rank.   *|
|*    The first use of a group is collective over the whole grid.             *|
|*  - Not thread-safe: one thread calls the runtime at a time.                *|
|*  - Descriptors are only read, never written, so lowered IR may pass one    *|
|*    descriptor to several calls (the conversion shares them per block).     *|
|*  - Example (run by ctest): runtime/test/abi/all_to_all.mlir declares       *|
|*    `func.func private @seqpar_rt_all_to_all(memref<*xf32>, ...) -> i32     *|
|*    attributes {llvm.emit_c_interface}` and calls it after memref.cast.     *|
|*                                                                            *|
|* Adjoints: all_to_all(s, g, sc, ga) <-> all_to_all(g, s, ga, sc); each      *|
|* split's adjoint is the gather with the same map and vice versa, with the   *|
|* grad scale (seeds: split down, gather up, zigzag split down, zigzag gather *|
|* up).                                                                       *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SEQPAR_RUNTIME_CAPI_H
#define SEQPAR_RUNTIME_CAPI_H

#include "seqpar/Runtime/Export.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes (the values of seqpar::rt::StatusCode).
typedef enum seqpar_rt_status {
  SEQPAR_RT_OK = 0,
  SEQPAR_RT_INVALID_ARGUMENT = 1,
  SEQPAR_RT_NOT_INITIALIZED = 2,
  SEQPAR_RT_MISMATCH = 3,
  SEQPAR_RT_BACKEND_ERROR = 4,
  SEQPAR_RT_UNSUPPORTED = 5,
  SEQPAR_RT_OUT_OF_MEMORY = 6,
} seqpar_rt_status;

/// Element type codes (the values of seqpar::rt::DType); i1 is one byte.
typedef enum seqpar_rt_dtype {
  SEQPAR_RT_F64 = 0,
  SEQPAR_RT_F32 = 1,
  SEQPAR_RT_F16 = 2,
  SEQPAR_RT_BF16 = 3,
  SEQPAR_RT_I64 = 4,
  SEQPAR_RT_I32 = 5,
  SEQPAR_RT_I8 = 6,
  SEQPAR_RT_I1 = 7,
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
/// Turns check mode on (1) or off (0); see Runtime::setCheckMode. The
/// environment variable SEQPAR_RT_CHECK=1 turns it on at init.
SEQPAR_RT_EXPORT int32_t seqpar_rt_set_check_mode(int32_t on);
/// Waits until the queued work of every op has finished: a no-op on MPI;
/// with NCCL, outputs are ready for other streams and the host afterwards.
SEQPAR_RT_EXPORT int32_t seqpar_rt_synchronize(void);
/// This thread's last error message ("" when none).
SEQPAR_RT_EXPORT const char *seqpar_rt_last_error(void);

/* Queries; on error they return -1 and set the last error. */

SEQPAR_RT_EXPORT int64_t seqpar_rt_group_size(int64_t axis_mask);
SEQPAR_RT_EXPORT int64_t seqpar_rt_group_rank(int64_t axis_mask);
/// The split rule: size of part `idx` of `n` split into `parts`.
SEQPAR_RT_EXPORT int64_t seqpar_rt_split_size(int64_t n, int64_t parts,
                                              int64_t idx);
/// This rank's local length of a dim of global length `n` distributed over
/// the group by `map_kind` (0 split rule, 1 zigzag, 2 packed with `seq_lens`):
/// over `axis_mask` when `ulysses_axis` < 0, else hybrid over ring axis
/// `ring_axis` then Ulysses axis `ulysses_axis` (axis_mask ignored).
SEQPAR_RT_EXPORT int64_t _mlir_ciface_seqpar_rt_local_length(
    int32_t map_kind, int64_t axis_mask, int64_t ring_axis,
    int64_t ulysses_axis, int64_t n, seqpar_rt_unranked_memref *seq_lens);

/* Collectives. */

/// Gathers every rank's `mine` into `out` (rank-1 i64 memref of group size).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_exchange_lengths(
    int64_t axis_mask, int64_t mine, seqpar_rt_unranked_memref *out);

/// all_to_all: scatter dim `scatter_dim` (split by `scatter_sizes`, default
/// the split rule), gather dim `gather_dim` pieced by `gather_sizes` (default
/// the split rule of `gather_size`, or the input's gather dim times P when
/// `gather_size` < 0).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_all_to_all(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t scatter_dim, int64_t gather_dim,
    int64_t gather_size, seqpar_rt_unranked_memref *scatter_sizes,
    seqpar_rt_unranked_memref *gather_sizes);

/// split / gather along `dim` with per-rank `sizes` (split default: the split
/// rule; gather default: every rank's local length).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim,
    seqpar_rt_unranked_memref *sizes, int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim,
    seqpar_rt_unranked_memref *sizes, int32_t scale);

/// Zigzag (load-balanced ring) split and gather.
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_zigzag_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim, int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_zigzag_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim, int32_t scale);

/// Hybrid ring x Ulysses split and gather (`global_length`: the gathered
/// length of `dim`).
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_hybrid_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_hybrid_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    int64_t global_length, int32_t scale);

/// Packed variable-length sequences, plain and hybrid.
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_packed_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_packed_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t axis_mask, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_packed_hybrid_split(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale);
SEQPAR_RT_EXPORT int32_t _mlir_ciface_seqpar_rt_packed_hybrid_gather(
    seqpar_rt_unranked_memref *in, seqpar_rt_unranked_memref *out,
    int32_t dtype, int64_t ring_axis, int64_t ulysses_axis, int64_t dim,
    seqpar_rt_unranked_memref *seq_lens, int32_t scale);

#ifdef __cplusplus
}
#endif

#endif /* SEQPAR_RUNTIME_CAPI_H */
