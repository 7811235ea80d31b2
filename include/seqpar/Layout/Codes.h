/*===- Codes.h - Codes shared by lowered IR and the runtime -------*- C -*-===*\
|*                                                                            *|
|* The numeric codes that cross the boundary between the compiler and the     *|
|* runtime: element types, op kinds, distributions, gradient scales,          *|
|* statuses, and the layout of the op descriptor that lowered IR passes to    *|
|* the runtime as a rank-1 i64 memref. Both sides include this header (as     *|
|* upstream SparseTensor's IR/Enums.h is shared by its IR and runtime); the   *|
|* C++ enums of the Layout library and the runtime take their values from     *|
|* here. Plain C, so that C callers of the runtime can use it too.            *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SEQPAR_LAYOUT_CODES_H
#define SEQPAR_LAYOUT_CODES_H

/* Element types; i1 is stored as one byte. */
#define SEQPAR_DTYPE_F64 0
#define SEQPAR_DTYPE_F32 1
#define SEQPAR_DTYPE_F16 2
#define SEQPAR_DTYPE_BF16 3
#define SEQPAR_DTYPE_I64 4
#define SEQPAR_DTYPE_I32 5
#define SEQPAR_DTYPE_I8 6
#define SEQPAR_DTYPE_I1 7
#define SEQPAR_NUM_DTYPES 8

/* Op kinds: which dims an op moves. A split distributes one whole dim, a
 * gather makes one distributed dim whole, an all-to-all does both. */
#define SEQPAR_KIND_ALL_TO_ALL 0
#define SEQPAR_KIND_SPLIT 1
#define SEQPAR_KIND_GATHER 2
#define SEQPAR_NUM_KINDS 3

/* How a dim is distributed over a group (see layout::Distribution). */
#define SEQPAR_DIST_EVEN 0       /* the split rule */
#define SEQPAR_DIST_SIZES 1      /* explicit per-rank sizes */
#define SEQPAR_DIST_ZIGZAG 2     /* chunks r and 2P-1-r of 2P */
#define SEQPAR_DIST_PACKED 3     /* every packed sequence by the split rule */
#define SEQPAR_DIST_REPLICATED 4 /* entries replicated over slots (GQA) */
#define SEQPAR_NUM_DISTS 5

/* Gradient scales of a split or gather used as an adjoint. */
#define SEQPAR_SCALE_NONE 0
#define SEQPAR_SCALE_UP 1   /* times the group size */
#define SEQPAR_SCALE_DOWN 2 /* divided by the group size */
#define SEQPAR_NUM_SCALES 3

/* Statuses of the runtime's C ABI. */
#define SEQPAR_STATUS_OK 0
#define SEQPAR_STATUS_INVALID_ARGUMENT 1
#define SEQPAR_STATUS_NOT_INITIALIZED 2
#define SEQPAR_STATUS_MISMATCH 3
#define SEQPAR_STATUS_BACKEND_ERROR 4
#define SEQPAR_STATUS_UNSUPPORTED 5
#define SEQPAR_STATUS_OUT_OF_MEMORY 6

/* The op descriptor, a list of i64 words (layout::encodeOp writes it,
 * layout::decodeOp reads and checks it):
 *
 *   SEQPAR_DESC_MAGIC, kind, scale,
 *   G, grid shape[G], A, group axes[A],
 *   scatter move, gather move
 *
 * where a move is `dim, dist, inner_axes, length, N, values[N]` (dim -1: no
 * such move). A Sizes distribution with N = 0 takes its values from the
 * call's list operand of that move; a length of SEQPAR_DESC_RUNTIME_LENGTH
 * takes the call's length operand; a length of -1 is the default (the input's
 * dim for a scatter, the input's dim times the group size for a gather).
 *
 * A group descriptor (group queries, exchange_lengths) is the
 * `G, grid shape[G], A, group axes[A]` part alone. */
#define SEQPAR_DESC_MAGIC 0x5350303100000000LL /* "SP01" */
#define SEQPAR_DESC_RUNTIME_LENGTH (-2)

#endif /* SEQPAR_LAYOUT_CODES_H */
