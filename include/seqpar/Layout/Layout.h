//===- Layout.h - Shard arithmetic of sequence parallelism -------*- C++
//-*-===//
//
// The single source of truth for every size and offset in seqpar: the split
// rule, zigzag chunk maps, packed-sequence tables, grid rank maps, and the
// block plans of the collectives. Pure C++17; used by the compiler on static
// shapes and by the runtime on dynamic ones.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LAYOUT_LAYOUT_H
#define SEQPAR_LAYOUT_LAYOUT_H

#include <cstdint>
#include <string>
#include <vector>

namespace seqpar::layout {

using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// The split rule
//===----------------------------------------------------------------------===//

/// Size of part `idx` when `n` is split into `parts`: n / parts, plus one for
/// the first n % parts parts.
int64_t splitSize(int64_t n, int64_t parts, int64_t idx);
/// Sum of the sizes of the parts before `idx`.
int64_t splitOffset(int64_t n, int64_t parts, int64_t idx);
/// All `parts` sizes of the split of `n`.
std::vector<int64_t> splitSizes(int64_t n, int64_t parts);
/// Exclusive prefix sums: offsets[i] = sizes[0] + ... + sizes[i-1].
std::vector<int64_t> offsetsOf(const std::vector<int64_t> &sizes);
/// Sum of `values`.
int64_t sum(const std::vector<int64_t> &values);
/// True when every entry of `values` is the same (or there are none).
bool allEqual(const std::vector<int64_t> &values);
/// Product of `shape` (1 for rank 0).
int64_t numElements(const Shape &shape);
/// Row-major strides of a dense `shape`, in elements.
Shape denseStrides(const Shape &shape);

/// Renders `values` as "[a, b, c]" for diagnostics.
std::string str(const std::vector<int64_t> &values);

//===----------------------------------------------------------------------===//
// Validation. Each returns an empty string when the arguments are valid and
// otherwise a lower-case message naming the values, without a period, which
// the dialect verifiers and the runtime prefix with the op name.
//===----------------------------------------------------------------------===//

/// `sizes` must have `parts` non-negative entries summing to `n`.
std::string checkSizes(const std::vector<int64_t> &sizes, int64_t n,
                       int64_t parts);
/// A zigzag split of `n` over `parts` ranks needs n % (2 * parts) == 0.
std::string checkZigzag(int64_t n, int64_t parts);
/// Packed sequence lengths must be non-negative and sum to `n`.
std::string checkSeqLens(const std::vector<int64_t> &seqLens, int64_t n);
/// A tensor dim index must lie in [0, rank).
std::string checkDim(int64_t dim, int64_t rank, const char *what);

//===----------------------------------------------------------------------===//
// Shard maps: which global intervals of a dim each rank holds, in local order
//===----------------------------------------------------------------------===//

/// The half-open interval [begin, begin + size) of a dim.
struct Interval {
  int64_t begin = 0;
  int64_t size = 0;
  bool operator==(const Interval &o) const {
    return begin == o.begin && size == o.size;
  }
};
using Pieces = std::vector<Interval>;

/// Restricts `pieces`, read as one concatenated local dim, to the local range
/// [offset, offset + size), and returns the global intervals of that range.
Pieces subRange(const Pieces &pieces, int64_t offset, int64_t size);
/// Total length of `pieces`.
int64_t lengthOf(const Pieces &pieces);

/// How a dim of global length `globalSize` is distributed over a group: rank
/// r's local dim is the concatenation of `pieces[r]`, in order. Every split and
/// gather flavour of seqpar (plain, explicit sizes, zigzag, packed, hybrid) is
/// one of these; a gather is the inverse of the split with the same map.
struct ShardMap {
  int64_t globalSize = 0;
  std::vector<Pieces> pieces;

  int64_t numRanks() const { return static_cast<int64_t>(pieces.size()); }
  int64_t localSize(int64_t rank) const { return lengthOf(pieces[rank]); }
  std::vector<int64_t> localSizes() const;
  /// True when every rank holds the same number of elements.
  bool isUniform() const;
  /// True when the pieces of all ranks cover [0, globalSize) exactly once.
  bool tilesExactly() const;
};

/// Split by `sizes` (one entry per rank), in rank order.
ShardMap explicitShardMap(const std::vector<int64_t> &sizes);
/// Split of `n` over `parts` ranks by the split rule.
ShardMap evenShardMap(int64_t n, int64_t parts);
/// Zigzag (load-balanced ring) split: `n` = 2 * parts * c, rank r holds chunks
/// r and 2 * parts - 1 - r. Precondition: checkZigzag(n, parts) is empty.
ShardMap zigzagShardMap(int64_t n, int64_t parts);
/// Packed sequences: each sequence is split by the split rule; rank r holds its
/// piece of every sequence, in sequence order.
ShardMap packedShardMap(const std::vector<int64_t> &seqLens, int64_t parts);
/// Hybrid ring x Ulysses: `ring` map first, then the split rule over `ulysses`
/// on each ring rank's local length. Group rank = ringRank * ulysses + uRank.
ShardMap hybridShardMap(const ShardMap &ring, int64_t ulysses);

/// The [parts, numSeqs] table of packedShardMap's piece sizes
/// (cal_split_sizes_multi of the seeds).
std::vector<std::vector<int64_t>>
packedSizeTable(const std::vector<int64_t> &seqLens, int64_t parts);

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

/// A grid of ranks with row-major coordinates (last axis fastest). A group is
/// a list of distinct axes; the group rank linearizes the coordinates of those
/// axes row-major in the order listed.
struct Grid {
  Shape shape;

  int64_t numRanks() const { return numElements(shape); }
  Shape coords(int64_t rank) const;
  int64_t rankOf(const Shape &coords) const;
  int64_t groupSize(const std::vector<int64_t> &axes) const;
  int64_t groupRank(int64_t rank, const std::vector<int64_t> &axes) const;
  /// Global ranks of the group of `axes` that contains `rank`, ordered by
  /// group rank.
  std::vector<int64_t> groupMembers(int64_t rank,
                                    const std::vector<int64_t> &axes) const;
  /// Empty when `axes` are distinct and in range, else a message.
  std::string checkAxes(const std::vector<int64_t> &axes) const;
};

//===----------------------------------------------------------------------===//
// Block plans
//===----------------------------------------------------------------------===//

/// A strided box of elements: `offset` from a base, `shape`, and `strides`
/// (in elements) of each dim.
struct StridedBlock {
  int64_t offset = 0;
  Shape shape;
  Shape strides;

  int64_t numElements() const { return layout::numElements(shape); }
  /// True when the elements form one dense run (size-1 dims ignored).
  bool isContiguous() const;
  /// The sub-box [start, start + size) along `dim`.
  StridedBlock slice(int64_t dim, int64_t start, int64_t size) const;
};

/// A dense row-major block of `shape` at element offset `offset`.
StridedBlock denseBlock(const Shape &shape, int64_t offset = 0);

/// The plan of one all-to-all on a rank: for every peer q, the box of the
/// input sent to q, and the box of the output filled by q's data, with the
/// counts and displacements of a packed buffer in peer order.
struct AllToAllPlan {
  Shape outShape;
  std::vector<StridedBlock> send; ///< Box of the input sent to peer q.
  std::vector<StridedBlock> recv; ///< Box of the output received from q.
  std::vector<int64_t> sendCounts, sendDispls; ///< In elements.
  std::vector<int64_t> recvCounts, recvDispls; ///< In elements.
  /// True when every peer sends and receives the same count (the
  /// alltoall-with-equal-blocks form).
  bool equalCounts() const;
};

/// Plans the all-to-all of a tensor of `inShape` (strides `inStrides`) with
/// scatter dim `s` split by `scatterSizes` and gather dim `g` pieced by
/// `gatherSizes`, on group rank `rank`. The output is dense row-major, or
/// strided by `outStrides` when given. Preconditions: s != g, dims in range,
/// inShape[s] == sum(scatterSizes), inShape[g] == gatherSizes[rank].
AllToAllPlan planAllToAll(const Shape &inShape, const Shape &inStrides,
                          int64_t s, int64_t g,
                          const std::vector<int64_t> &scatterSizes,
                          const std::vector<int64_t> &gatherSizes, int64_t rank,
                          const Shape &outStrides = {});

/// One box copied to another of the same shape.
struct CopyStep {
  StridedBlock src;
  StridedBlock dst;
};

/// The copies that make rank `rank`'s local tensor from the global tensor of
/// `globalShape` (strides `globalStrides`) split along `dim` by `map`; the
/// local tensor is dense.
std::vector<CopyStep> planSplit(const Shape &globalShape,
                                const Shape &globalStrides, int64_t dim,
                                const ShardMap &map, int64_t rank);

/// The gather along `dim` by `map` of local tensors whose other dims are
/// `localShape` (localShape[dim] is ignored): every rank contributes its whole
/// dense local tensor, placed one after another in a receive buffer in rank
/// order (`recvDispls`, `recvCounts`), and `unpack` moves them into the dense
/// global output.
struct GatherPlan {
  Shape outShape;
  std::vector<int64_t> recvCounts, recvDispls; ///< In elements.
  std::vector<CopyStep> unpack;                ///< Receive buffer -> output.
};
GatherPlan planGather(const Shape &localShape, int64_t dim,
                      const ShardMap &map);

} // namespace seqpar::layout

#endif // SEQPAR_LAYOUT_LAYOUT_H
