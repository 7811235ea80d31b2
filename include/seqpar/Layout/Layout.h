//===- Layout.h - Shard arithmetic of sequence parallelism ------*- C++ -*-===//
//
// The single source of truth for every size and offset in seqpar: the limits,
// checked int64 arithmetic, the split rule, shard maps, grid rank maps and
// strided blocks. The op model and its resolver (OpModel.h) build on it. Pure
// C++17; used by the compiler on static shapes and by the runtime on dynamic
// ones. Nothing here asserts or aborts: what can fail returns a Result.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LAYOUT_LAYOUT_H
#define SEQPAR_LAYOUT_LAYOUT_H

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace seqpar::layout {

using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// Limits, shared by the compiler and the runtime
//===----------------------------------------------------------------------===//

/// Tensor ranks 1 to kMaxTensorRank.
constexpr int64_t kMaxTensorRank = 6;
/// Grids of 1 to kMaxGridAxes axes.
constexpr int64_t kMaxGridAxes = 16;
/// Ranks of a grid (a communicator holds at most INT32_MAX).
constexpr int64_t kMaxGridRanks = std::numeric_limits<int32_t>::max();
/// Ranks of a group.
constexpr int64_t kMaxGroupSize = 65536;
/// Entries of a list (sizes, sequence lengths, a descriptor's words).
constexpr int64_t kMaxListLength = int64_t(1) << 24;
/// Elements of a tensor (so that its byte size fits int64 too).
constexpr int64_t kMaxElements = int64_t(1) << 59;
/// A dim whose size is not known statically (MLIR's ShapedType::kDynamic).
constexpr int64_t kDynamic = std::numeric_limits<int64_t>::min();

//===----------------------------------------------------------------------===//
// Results and checked arithmetic
//===----------------------------------------------------------------------===//

/// An error: a lower-case message naming the values, without a period.
struct Error {
  std::string message;
};

/// A value or an Error.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::move(error.message)), failed_(true) {}

  explicit operator bool() const { return !failed_; }
  const T &operator*() const { return value_; }
  T &operator*() { return value_; }
  const T *operator->() const { return &value_; }
  T *operator->() { return &value_; }
  /// The message; empty on success.
  const std::string &error() const { return error_; }

private:
  T value_{};
  std::string error_;
  bool failed_ = false;
};

std::optional<int64_t> checkedAdd(int64_t a, int64_t b);
std::optional<int64_t> checkedMul(int64_t a, int64_t b);
/// Sum of `values`; an error naming `what` and the values on overflow.
Result<int64_t> checkedSum(const std::vector<int64_t> &values,
                           const char *what);
/// Elements of a tensor of `shape`: every dim at least 0, the product at
/// most kMaxElements.
Result<int64_t> elementCount(const Shape &shape);

//===----------------------------------------------------------------------===//
// The split rule
//===----------------------------------------------------------------------===//

/// Size of part `idx` when `n` is split into `parts`: n / parts, plus one for
/// the first n % parts parts. Total: n >= 0, parts >= 1 and idx in
/// [0, parts) are the caller's to check (resolve does); other arguments give
/// 0, never undefined behaviour.
int64_t splitSize(int64_t n, int64_t parts, int64_t idx);
/// Sum of the sizes of the parts before `idx` (idx in [0, parts]).
int64_t splitOffset(int64_t n, int64_t parts, int64_t idx);
/// All `parts` sizes of the split of `n` (cal_split_sizes of the seeds);
/// n >= 0 and parts in [1, kMaxGroupSize].
Result<std::vector<int64_t>> splitSizes(int64_t n, int64_t parts);
/// Exclusive prefix sums of sizes whose sum is known not to overflow.
std::vector<int64_t> offsetsOf(const std::vector<int64_t> &sizes);
/// True when every entry of `values` is the same (or there are none).
bool allEqual(const std::vector<int64_t> &values);
/// Product of a shape already checked by elementCount (1 for rank 0).
int64_t numElements(const Shape &shape);
/// Row-major strides of a dense `shape`, in elements.
Shape denseStrides(const Shape &shape);

/// Renders `values` as "[a, b, c]" for diagnostics (kDynamic as "?"); long
/// lists keep their first and last entries.
std::string str(const std::vector<int64_t> &values);

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

/// The [parts, numSeqs] table of the pieces of packed sequences split by the
/// split rule (cal_split_sizes_multi of the seeds): lengths not negative,
/// parts in [1, kMaxGroupSize].
Result<std::vector<std::vector<int64_t>>>
packedSizeTable(const std::vector<int64_t> &seqLens, int64_t parts);
/// The inverse: the sequence lengths whose packedSizeTable over `parts`
/// ranks is `table`, or an error when `table` is no such table.
Result<std::vector<int64_t>>
packedLengths(const std::vector<std::vector<int64_t>> &table, int64_t parts);

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

/// A grid of ranks with row-major coordinates (last axis fastest). A group is
/// a list of distinct axes; the group rank linearizes the coordinates of those
/// axes row-major in the order listed. The members assume a shape and axes
/// checked by makeGrid and makeGroup (OpModel.h).
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
};

//===----------------------------------------------------------------------===//
// Strided blocks
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

/// The lowest and the highest element offset (from element [0, ..., 0]) that
/// a non-empty view of `sizes` and `strides` (any sign) touches; an error
/// naming them when an offset, or its byte offset with elements of
/// `elementBytes` bytes, is past the int64 range.
Result<std::pair<int64_t, int64_t>>
elementSpan(const Shape &sizes, const Shape &strides, int64_t elementBytes = 1);

/// A dense row-major block of `shape` at element offset `offset`.
StridedBlock denseBlock(const Shape &shape, int64_t offset = 0);

/// One box copied to another of the same shape.
struct CopyStep {
  StridedBlock src;
  StridedBlock dst;
};

} // namespace seqpar::layout

#endif // SEQPAR_LAYOUT_LAYOUT_H
