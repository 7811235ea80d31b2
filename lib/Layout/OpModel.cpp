//===- OpModel.cpp - A collective's description and resolver --------------===//
//
// The resolver checks an op against its grid and its input shape, builds the
// shard map of each dim the op moves, and derives the output shape; the
// compiler's shape inference and the runtime's execution both come from the
// same two functions below (resolveMove and resolveImpl).
//
//===----------------------------------------------------------------------===//

#include "seqpar/Layout/OpModel.h"

#include <algorithm>

namespace seqpar::layout {

namespace {

std::string num(int64_t v) { return std::to_string(v); }

//===----------------------------------------------------------------------===//
// Shard maps of each distribution
//===----------------------------------------------------------------------===//

ShardMap explicitMap(const std::vector<int64_t> &sizes, int64_t length) {
  ShardMap map;
  map.globalSize = length;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    map.pieces.push_back({{offset, size}});
    offset += size;
  }
  return map;
}

ShardMap evenMap(int64_t n, int64_t parts) {
  ShardMap map;
  map.globalSize = n;
  for (int64_t r = 0; r < parts; ++r)
    map.pieces.push_back({{splitOffset(n, parts, r), splitSize(n, parts, r)}});
  return map;
}

/// Rank r holds chunks r and 2P-1-r; one rank holds everything (a disabled
/// ring).
ShardMap zigzagMap(int64_t n, int64_t parts) {
  if (parts == 1)
    return evenMap(n, 1);
  int64_t chunk = n / (2 * parts);
  ShardMap map;
  map.globalSize = n;
  for (int64_t r = 0; r < parts; ++r)
    map.pieces.push_back(
        {{r * chunk, chunk}, {(2 * parts - 1 - r) * chunk, chunk}});
  return map;
}

ShardMap packedMap(const std::vector<int64_t> &seqLens, int64_t length,
                   int64_t parts) {
  ShardMap map;
  map.globalSize = length;
  map.pieces.resize(parts);
  int64_t seqStart = 0;
  for (int64_t len : seqLens) {
    for (int64_t r = 0; r < parts; ++r) {
      int64_t size = splitSize(len, parts, r);
      if (size > 0)
        map.pieces[r].push_back({seqStart + splitOffset(len, parts, r), size});
    }
    seqStart += len;
  }
  return map;
}

/// Replicated blocks: rank r holds the entries covering its split-rule share
/// [a, b) of `slots` slots, [floor(a * n / slots), ceil(b * n / slots)); the
/// caller has checked that slots * n fits int64.
ShardMap replicatedMap(int64_t n, int64_t slots, int64_t parts) {
  ShardMap map;
  map.globalSize = n;
  for (int64_t r = 0; r < parts; ++r) {
    int64_t a = splitOffset(slots, parts, r);
    int64_t b = a + splitSize(slots, parts, r);
    int64_t lo = a * n / slots;
    int64_t hi = a == b ? lo : b * n / slots + (b * n % slots != 0);
    map.pieces.push_back({{lo, hi - lo}});
  }
  return map;
}

/// Splits each outer rank's local range by the split rule over `inner`
/// ranks; group rank = outerRank * inner + innerRank.
ShardMap twoLevelMap(const ShardMap &outer, int64_t inner) {
  ShardMap map;
  map.globalSize = outer.globalSize;
  for (const Pieces &pieces : outer.pieces) {
    int64_t len = lengthOf(pieces);
    for (int64_t u = 0; u < inner; ++u)
      map.pieces.push_back(subRange(pieces, splitOffset(len, inner, u),
                                    splitSize(len, inner, u)));
  }
  return map;
}

/// Checks a value list that must hold non-negative entries; returns its sum.
Result<int64_t> checkValues(const std::vector<int64_t> &values,
                            const char *what, const char *entry) {
  for (int64_t v : values)
    if (v < 0)
      return Error{std::string(what) + " " + str(values) + " contain a " +
                   "negative " + entry + " " + num(v)};
  return checkedSum(values, what);
}

bool validKind(OpKind k) {
  auto c = static_cast<int32_t>(k);
  return c >= 0 && c < SEQPAR_NUM_KINDS;
}
bool validDist(DistKind k) {
  auto c = static_cast<int32_t>(k);
  return c >= 0 && c < SEQPAR_NUM_DISTS;
}
bool validScale(GradScale s) {
  auto c = static_cast<int32_t>(s);
  return c >= 0 && c < SEQPAR_NUM_SCALES;
}

} // namespace

Result<ShardMap> shardMap(const Distribution &dist, int64_t length,
                          const Group &group) {
  if (length < 0)
    return Error{"the length " + num(length) + " is negative"};
  ShardMap outer;
  switch (dist.kind) {
  case DistKind::Even:
    outer = evenMap(length, group.outerSize);
    break;
  case DistKind::Sizes: {
    if (dist.innerAxes != 0 || group.innerSize != 1)
      return Error{"explicit sizes give every rank its piece and take no "
                   "inner axes"};
    if (static_cast<int64_t>(dist.values.size()) != group.size)
      return Error{"expected " + num(group.size) +
                   " sizes (one per rank) but got " +
                   num(static_cast<int64_t>(dist.values.size())) + " " +
                   str(dist.values)};
    Result<int64_t> total = checkValues(dist.values, "sizes", "size");
    if (!total)
      return Error{total.error()};
    if (*total != length)
      return Error{"sizes " + str(dist.values) + " sum to " + num(*total) +
                   " but the dim has size " + num(length)};
    return explicitMap(dist.values, length);
  }
  case DistKind::Zigzag:
    if (group.outerSize > 1 && length % (2 * group.outerSize) != 0)
      return Error{"zigzag length " + num(length) +
                   " is not a multiple of 2 * " + num(group.outerSize) + " = " +
                   num(2 * group.outerSize)};
    outer = zigzagMap(length, group.outerSize);
    break;
  case DistKind::Packed: {
    Result<int64_t> total =
        checkValues(dist.values, "sequence lengths", "length");
    if (!total)
      return Error{total.error()};
    if (*total != length)
      return Error{"sequence lengths " + str(dist.values) + " sum to " +
                   num(*total) + " but the dim has size " + num(length)};
    // Every rank holds a piece of every sequence: bound the map's size.
    auto numSeqs = static_cast<int64_t>(dist.values.size());
    if (numSeqs * group.size > kMaxListLength)
      return Error{num(numSeqs) + " sequences over " + num(group.size) +
                   " ranks make more than " + num(kMaxListLength) + " pieces"};
    outer = packedMap(dist.values, length, group.outerSize);
    break;
  }
  case DistKind::Replicated: {
    if (dist.innerAxes != 0 || group.innerSize != 1)
      return Error{"replicated blocks take no inner axes"};
    if (dist.values.size() != 1)
      return Error{"replicated blocks take one slot count but got " +
                   num(static_cast<int64_t>(dist.values.size())) + " values " +
                   str(dist.values)};
    int64_t slots = dist.values.front();
    if (slots < 1)
      return Error{"the slot count " + num(slots) + " is not positive"};
    if (!checkedMul(slots, length))
      return Error{num(slots) + " slots times the length " + num(length) +
                   " overflows int64"};
    return replicatedMap(length, slots, group.size);
  }
  default:
    return Error{"invalid distribution code " +
                 num(static_cast<int32_t>(dist.kind))};
  }
  if (group.innerSize == 1)
    return outer;
  return twoLevelMap(outer, group.innerSize);
}

//===----------------------------------------------------------------------===//
// Names and builders
//===----------------------------------------------------------------------===//

std::string opName(const Op &op) {
  if (op.kind == OpKind::AllToAll)
    return "all_to_all";
  const Distribution &dist =
      op.kind == OpKind::Split ? op.scatter.dist : op.gather.dist;
  std::string base = op.kind == OpKind::Split ? "split" : "gather";
  if (!validKind(op.kind))
    return "invalid op";
  // "hybrid" is the dialect's name of a zigzag or packed ring level split
  // again over Ulysses; a two-level split rule is still a split.
  std::string prefix = dist.innerAxes > 0 ? "hybrid_" : "";
  if (dist.kind == DistKind::Packed)
    return prefix + "packed_" + base;
  if (dist.kind == DistKind::Zigzag)
    return (prefix.empty() ? "zigzag_" : prefix) + base;
  return base;
}

const char *gradScaleName(GradScale scale) {
  switch (scale) {
  case GradScale::None:
    return "none";
  case GradScale::Up:
    return "up";
  case GradScale::Down:
    return "down";
  }
  return "invalid";
}

const char *distName(DistKind kind) {
  switch (kind) {
  case DistKind::Even:
    return "the split rule";
  case DistKind::Sizes:
    return "explicit sizes";
  case DistKind::Zigzag:
    return "zigzag";
  case DistKind::Packed:
    return "packed sequences";
  case DistKind::Replicated:
    return "replicated blocks";
  }
  return "an invalid distribution";
}

namespace {

Distribution sizesOrEven(std::vector<int64_t> sizes, int64_t length) {
  Distribution dist;
  if (!sizes.empty()) {
    dist.kind = DistKind::Sizes;
    dist.values = std::move(sizes);
  } else {
    dist.length = length;
  }
  return dist;
}

Distribution distOf(DistKind kind, std::vector<int64_t> values = {},
                    int64_t length = kDefaultLength, int64_t innerAxes = 0) {
  Distribution dist;
  dist.kind = kind;
  dist.values = std::move(values);
  dist.length = length;
  dist.innerAxes = innerAxes;
  return dist;
}

Op moveOp(OpKind kind, std::vector<int64_t> axes, int64_t dim,
          Distribution dist, GradScale scale) {
  Op op;
  op.kind = kind;
  op.axes = std::move(axes);
  Move &move = kind == OpKind::Split ? op.scatter : op.gather;
  move.dim = dim;
  move.dist = std::move(dist);
  op.scale = scale;
  return op;
}

std::vector<int64_t> concat(std::vector<int64_t> a,
                            const std::vector<int64_t> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

Op allToAllOp(std::vector<int64_t> axes, int64_t scatterDim, int64_t gatherDim,
              std::vector<int64_t> scatterSizes,
              std::vector<int64_t> gatherSizes, int64_t gatherSize) {
  Op op;
  op.kind = OpKind::AllToAll;
  op.axes = std::move(axes);
  op.scatter = {scatterDim, sizesOrEven(std::move(scatterSizes), -1)};
  op.gather = {gatherDim, sizesOrEven(std::move(gatherSizes), gatherSize)};
  return op;
}

Distribution replicatedDist(int64_t slots, int64_t length) {
  return distOf(DistKind::Replicated, {slots}, length);
}

Op splitOp(std::vector<int64_t> axes, int64_t dim, std::vector<int64_t> sizes,
           GradScale scale) {
  return moveOp(OpKind::Split, std::move(axes), dim,
                sizesOrEven(std::move(sizes), -1), scale);
}

Op gatherOp(std::vector<int64_t> axes, int64_t dim, std::vector<int64_t> sizes,
            int64_t gatherSize, GradScale scale) {
  return moveOp(OpKind::Gather, std::move(axes), dim,
                sizesOrEven(std::move(sizes), gatherSize), scale);
}

Op zigzagSplitOp(std::vector<int64_t> axes, int64_t dim, GradScale scale) {
  return moveOp(OpKind::Split, std::move(axes), dim, distOf(DistKind::Zigzag),
                scale);
}

Op zigzagGatherOp(std::vector<int64_t> axes, int64_t dim, int64_t gatherSize,
                  GradScale scale) {
  return moveOp(OpKind::Gather, std::move(axes), dim,
                distOf(DistKind::Zigzag, {}, gatherSize), scale);
}

Op packedSplitOp(std::vector<int64_t> axes, int64_t dim,
                 std::vector<int64_t> seqLens, GradScale scale) {
  return moveOp(OpKind::Split, std::move(axes), dim,
                distOf(DistKind::Packed, std::move(seqLens)), scale);
}

Op packedGatherOp(std::vector<int64_t> axes, int64_t dim,
                  std::vector<int64_t> seqLens, GradScale scale) {
  return moveOp(OpKind::Gather, std::move(axes), dim,
                distOf(DistKind::Packed, std::move(seqLens)), scale);
}

Op hybridSplitOp(std::vector<int64_t> ringAxes,
                 std::vector<int64_t> ulyssesAxes, int64_t dim,
                 GradScale scale) {
  auto inner = static_cast<int64_t>(ulyssesAxes.size());
  return moveOp(OpKind::Split, concat(std::move(ringAxes), ulyssesAxes), dim,
                distOf(DistKind::Zigzag, {}, -1, inner), scale);
}

Op hybridGatherOp(std::vector<int64_t> ringAxes,
                  std::vector<int64_t> ulyssesAxes, int64_t dim,
                  int64_t gatherSize, GradScale scale) {
  auto inner = static_cast<int64_t>(ulyssesAxes.size());
  return moveOp(OpKind::Gather, concat(std::move(ringAxes), ulyssesAxes), dim,
                distOf(DistKind::Zigzag, {}, gatherSize, inner), scale);
}

Op hybridPackedSplitOp(std::vector<int64_t> ringAxes,
                       std::vector<int64_t> ulyssesAxes, int64_t dim,
                       std::vector<int64_t> seqLens, GradScale scale) {
  auto inner = static_cast<int64_t>(ulyssesAxes.size());
  return moveOp(OpKind::Split, concat(std::move(ringAxes), ulyssesAxes), dim,
                distOf(DistKind::Packed, std::move(seqLens), -1, inner), scale);
}

Op hybridPackedGatherOp(std::vector<int64_t> ringAxes,
                        std::vector<int64_t> ulyssesAxes, int64_t dim,
                        std::vector<int64_t> seqLens, GradScale scale) {
  auto inner = static_cast<int64_t>(ulyssesAxes.size());
  return moveOp(OpKind::Gather, concat(std::move(ringAxes), ulyssesAxes), dim,
                distOf(DistKind::Packed, std::move(seqLens), -1, inner), scale);
}

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

Result<Grid> makeGrid(const Shape &gridShape) {
  auto numAxes = static_cast<int64_t>(gridShape.size());
  if (numAxes < 1 || numAxes > kMaxGridAxes)
    return Error{"grid " + str(gridShape) + " has " + num(numAxes) +
                 " axes but 1 to " + num(kMaxGridAxes) + " are supported"};
  int64_t ranks = 1;
  for (int64_t size : gridShape) {
    if (size < 1)
      return Error{"grid " + str(gridShape) + " has an axis of size " +
                   num(size)};
    std::optional<int64_t> next = checkedMul(ranks, size);
    if (!next || *next > kMaxGridRanks)
      return Error{"grid " + str(gridShape) + " has more than " +
                   num(kMaxGridRanks) + " ranks"};
    ranks = *next;
  }
  return Grid{gridShape};
}

Result<Group> makeGroup(const Grid &grid, const std::vector<int64_t> &axes,
                        int64_t innerAxes) {
  auto numAxes = static_cast<int64_t>(axes.size());
  if (numAxes == 0)
    return Error{"a group needs at least one grid axis"};
  for (int64_t i = 0; i < numAxes; ++i) {
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(grid.shape.size()))
      return Error{"axis " + num(axes[i]) +
                   " is out of range for a grid of rank " +
                   num(static_cast<int64_t>(grid.shape.size()))};
    for (int64_t j = 0; j < i; ++j)
      if (axes[j] == axes[i])
        return Error{"axis " + num(axes[i]) + " is listed twice in " +
                     str(axes)};
  }
  if (innerAxes < 0 || innerAxes >= numAxes)
    return Error{"a two-level distribution over group axes " + str(axes) +
                 " needs 0 to " + num(numAxes - 1) + " inner axes, got " +
                 num(innerAxes)};
  // Distinct axes of a checked grid multiply to at most its rank count.
  Group group;
  group.size = grid.groupSize(axes);
  if (group.size > kMaxGroupSize)
    return Error{"group of " + num(group.size) +
                 " ranks exceeds the supported maximum of " +
                 num(kMaxGroupSize)};
  group.innerSize =
      grid.groupSize(std::vector<int64_t>(axes.end() - innerAxes, axes.end()));
  group.outerSize = group.size / group.innerSize;
  return group;
}

//===----------------------------------------------------------------------===//
// The resolver
//===----------------------------------------------------------------------===//

namespace {

/// One dim an op moves, resolved: its map (when the static information
/// allows) and its output length.
struct ResolvedMove {
  bool known = false; ///< Whether `map` was built.
  ShardMap map;
  int64_t outLength = kDynamic;
};

/// Where a move's global length comes from.
Result<int64_t> globalLength(const Move &move, bool isScatter, int64_t inDim,
                             int64_t groupSize, bool allowDynamic) {
  const Distribution &dist = move.dist;
  if (dist.kind == DistKind::Sizes || dist.kind == DistKind::Packed) {
    if (dist.values.empty() && dist.kind == DistKind::Sizes) {
      if (allowDynamic)
        return kDynamic;
      return Error{"the sizes are given at run time but none were passed"};
    }
    return checkedSum(dist.values, dist.kind == DistKind::Sizes
                                       ? "sizes"
                                       : "sequence lengths");
  }
  if (isScatter)
    return inDim;
  if (dist.length >= 0)
    return dist.length;
  if (dist.kind == DistKind::Replicated && dist.length == kDefaultLength)
    return Error{"a gather by replicated blocks needs the gathered length"};
  if (dist.length == kRuntimeLength) {
    if (allowDynamic)
      return kDynamic;
    return Error{"the length is given at run time but none was passed"};
  }
  if (dist.length != kDefaultLength)
    return Error{"invalid length " + num(dist.length)};
  if (inDim == kDynamic)
    return kDynamic;
  std::optional<int64_t> n = checkedMul(inDim, groupSize);
  if (!n)
    return Error{"size " + num(inDim) + " times " + num(groupSize) +
                 " ranks overflows int64"};
  return *n;
}

/// Resolves one move of `op` on an input dim of size `inDim` (kDynamic when
/// unknown). `rank` is the group rank, or -1 for every rank at once.
Result<ResolvedMove> resolveMove(const Grid &grid, const Op &op,
                                 const Move &move, bool isScatter,
                                 int64_t inDim, int64_t rank) {
  const Distribution &dist = move.dist;
  const std::string where = std::string(op.kind != OpKind::AllToAll ? ""
                                        : isScatter                 ? "scatter "
                                                    : "gather ") +
                            "dim " + num(move.dim) + ": ";
  if (!validDist(dist.kind))
    return Error{where + "invalid distribution code " +
                 num(static_cast<int32_t>(dist.kind))};
  if (op.kind == OpKind::AllToAll &&
      (dist.innerAxes != 0 ||
       (dist.kind != DistKind::Even && dist.kind != DistKind::Sizes &&
        dist.kind != DistKind::Replicated)))
    return Error{where +
                 "an all_to_all distributes its dims by the split "
                 "rule, explicit sizes or replicated blocks, not by " +
                 std::string(distName(dist.kind)) +
                 (dist.innerAxes ? " over two levels" : "")};
  if (op.kind != OpKind::AllToAll && dist.kind == DistKind::Replicated)
    return Error{where +
                 "only an all_to_all distributes by replicated "
                 "blocks, not a " +
                 std::string(op.kind == OpKind::Split ? "split" : "gather")};
  Result<Group> group = makeGroup(grid, op.axes, dist.innerAxes);
  if (!group)
    return Error{group.error()};
  Result<int64_t> length =
      globalLength(move, isScatter, inDim, group->size, rank < 0);
  if (!length)
    return Error{where + length.error()};

  ResolvedMove out;
  if (*length == kDynamic) {
    // The input's local length cannot be checked, and the output dim is
    // dynamic; for a scatter, explicit values may still fix every piece.
    return out;
  }
  // A scatter's values must add up to the input's dim, which shardMap
  // checks when it is static.
  int64_t mapLength = isScatter && inDim != kDynamic ? inDim : *length;
  Result<ShardMap> map = shardMap(dist, mapLength, *group);
  if (!map) {
    // Name the input's size when the length was derived from it.
    std::string derived;
    if (!isScatter && dist.length == kDefaultLength && inDim != kDynamic &&
        (dist.kind == DistKind::Even || dist.kind == DistKind::Zigzag))
      derived =
          "input size " + num(inDim) + " gathers to " + num(mapLength) + ": ";
    return Error{where + derived + map.error()};
  }
  out.known = true;
  out.map = std::move(*map);
  std::vector<int64_t> local = out.map.localSizes();
  if (isScatter) {
    if (rank >= 0)
      out.outLength = local[rank];
    else if (allEqual(local))
      out.outLength = local.front();
    return out;
  }
  out.outLength = mapLength;
  if (inDim == kDynamic)
    return out;
  if (rank >= 0) {
    if (local[rank] != inDim)
      return Error{"input dim " + num(move.dim) + " has size " + num(inDim) +
                   " on rank " + num(rank) + " but its piece of " +
                   num(mapLength) + " by " + distName(dist.kind) + " over " +
                   num(group->size) + " ranks is " + num(local[rank]) +
                   " (pieces " + str(local) + ")"};
    return out;
  }
  if (!allEqual(local))
    return Error{"input dim " + num(move.dim) + " has static size " +
                 num(inDim) + " but the ranks hold " + str(local) +
                 ", so it must be dynamic"};
  if (local.front() != inDim)
    return Error{"input dim " + num(move.dim) + " has size " + num(inDim) +
                 " but every rank holds " + num(local.front())};
  return out;
}

/// The checks and maps shared by resolve (rank >= 0, static shape) and
/// inferShape (rank -1, kDynamic dims allowed).
Result<Resolved> resolveImpl(const Op &op, const Shape &inShape, int64_t rank) {
  Resolved res;
  res.op = op;
  res.name = opName(op);
  res.inShape = inShape;
  if (!validKind(op.kind))
    return Error{"invalid op kind code " + num(static_cast<int32_t>(op.kind))};
  if (!validScale(op.scale))
    return Error{"invalid grad scale code " +
                 num(static_cast<int32_t>(op.scale))};
  if (op.kind == OpKind::AllToAll && op.scale != GradScale::None)
    return Error{"an all_to_all takes no gradient scale (its adjoint is an "
                 "all_to_all)"};
  Result<Grid> grid = makeGrid(op.gridShape);
  if (!grid)
    return Error{grid.error()};
  Result<Group> group = makeGroup(*grid, op.axes);
  if (!group)
    return Error{group.error()};
  res.groupSize = group->size;
  if (rank >= group->size)
    return Error{"group rank " + num(rank) +
                 " is out of range for a group of " + num(group->size) +
                 " ranks"};
  res.groupRank = std::max<int64_t>(rank, 0);

  auto tensorRank = static_cast<int64_t>(inShape.size());
  if (tensorRank < 1 || tensorRank > kMaxTensorRank)
    return Error{"the input has rank " + num(tensorRank) + " but ranks 1 to " +
                 num(kMaxTensorRank) + " are supported"};
  Shape known; // The static dims, for the element-count check.
  for (int64_t d : inShape)
    if (d != kDynamic)
      known.push_back(d);
  if (!elementCount(known))
    return Error{"the input shape " + str(inShape) +
                 " has more than 2^59 elements"};

  const bool hasScatter = op.kind != OpKind::Gather;
  const bool hasGather = op.kind != OpKind::Split;
  auto checkDim = [&](const Move &move, const char *what) -> Result<bool> {
    if (move.dim < 0 || move.dim >= tensorRank)
      return Error{std::string(what) + " " + num(move.dim) +
                   " is out of range for a tensor of rank " + num(tensorRank)};
    return true;
  };
  const char *scatterWhat = op.kind == OpKind::AllToAll ? "scatter dim" : "dim";
  const char *gatherWhat = op.kind == OpKind::AllToAll ? "gather dim" : "dim";
  if (hasScatter)
    if (Result<bool> ok = checkDim(op.scatter, scatterWhat); !ok)
      return Error{ok.error()};
  if (hasGather)
    if (Result<bool> ok = checkDim(op.gather, gatherWhat); !ok)
      return Error{ok.error()};
  if (hasScatter && hasGather && op.scatter.dim == op.gather.dim)
    return Error{"scatter dim and gather dim are both " + num(op.scatter.dim)};
  if (hasScatter && hasGather && op.scatter.dist.kind == DistKind::Replicated &&
      op.gather.dist.kind == DistKind::Replicated)
    return Error{"an all_to_all replicates its scatter dim or its gather "
                 "dim, not both"};

  res.outShape = inShape;
  if (hasScatter) {
    Result<ResolvedMove> move =
        resolveMove(*grid, op, op.scatter, true, inShape[op.scatter.dim], rank);
    if (!move)
      return Error{move.error()};
    res.outShape[op.scatter.dim] = move->outLength;
    res.scatterMap = std::move(move->map);
  }
  if (hasGather) {
    Result<ResolvedMove> move =
        resolveMove(*grid, op, op.gather, false, inShape[op.gather.dim], rank);
    if (!move)
      return Error{move.error()};
    res.outShape[op.gather.dim] = move->outLength;
    if (move->known)
      res.inLengths = move->map.localSizes();
    res.gatherMap = std::move(move->map);
  }
  known.clear();
  for (int64_t d : res.outShape)
    if (d != kDynamic)
      known.push_back(d);
  if (!elementCount(known))
    return Error{"the output shape " + str(res.outShape) +
                 " has more than 2^59 elements"};
  return res;
}

} // namespace

Result<Resolved> resolve(const Op &op, const Shape &inShape,
                         int64_t groupRank) {
  if (groupRank < 0)
    return Error{"group rank " + num(groupRank) + " is negative"};
  for (int64_t d : inShape)
    if (d < 0)
      return Error{"the input shape " + str(inShape) + " has a negative size"};
  return resolveImpl(op, inShape, groupRank);
}

Result<Shape> inferShape(const Op &op, const Shape &inShape) {
  for (int64_t d : inShape)
    if (d < 0 && d != kDynamic)
      return Error{"the input shape " + str(inShape) + " has a negative size"};
  Result<Resolved> res = resolveImpl(op, inShape, -1);
  if (!res)
    return Error{res.error()};
  return res->outShape;
}

Result<PieceBalance> pieceBalance(const Op &op, const Shape &inShape) {
  for (int64_t d : inShape)
    if (d < 0 && d != kDynamic)
      return Error{"the input shape " + str(inShape) + " has a negative size"};
  Result<Resolved> res = resolveImpl(op, inShape, -1);
  if (!res)
    return Error{res.error()};
  PieceBalance balance = PieceBalance::Equal;
  auto account = [&](const Move &move, const ShardMap &map, bool isGather) {
    if (!map.pieces.empty()) {
      if (!map.isUniform() && balance == PieceBalance::Equal)
        balance = PieceBalance::Unequal;
      return;
    }
    // No static map: equal only for a gather of every rank's own length.
    bool ownLength = isGather && move.dist.length == kDefaultLength &&
                     (move.dist.kind == DistKind::Even ||
                      move.dist.kind == DistKind::Zigzag);
    if (!ownLength)
      balance = PieceBalance::Unknown;
  };
  if (op.kind != OpKind::Gather)
    account(op.scatter, res->scatterMap, false);
  if (balance != PieceBalance::Unknown && op.kind != OpKind::Split)
    account(op.gather, res->gatherMap, true);
  return balance;
}

Result<Op> adjointOp(const Op &op, const Shape &inShape, int64_t groupRank,
                     GradScale scale) {
  Result<Resolved> res = resolve(op, inShape, groupRank);
  if (!res)
    return Error{res.error()};
  Op adj;
  adj.gridShape = op.gridShape;
  adj.axes = op.axes;
  // Explicit sizes, or replicated blocks kept as they are: the adjoint of a
  // replicating scatter is the gather that sums the replicas, of the
  // scatter's input length, and the other way round.
  auto reverse = [](const Move &move, const ShardMap &map, bool toGather) {
    Distribution dist;
    if (move.dist.kind == DistKind::Replicated) {
      dist = move.dist;
      dist.length = toGather ? map.globalSize : kDefaultLength;
      return dist;
    }
    dist.kind = DistKind::Sizes;
    dist.values = map.localSizes();
    return dist;
  };
  switch (op.kind) {
  case OpKind::AllToAll:
    adj.kind = OpKind::AllToAll;
    adj.scatter = {op.gather.dim, reverse(op.gather, res->gatherMap, false)};
    adj.gather = {op.scatter.dim, reverse(op.scatter, res->scatterMap, true)};
    return adj;
  case OpKind::Split:
    adj.kind = OpKind::Gather;
    adj.gather = op.scatter;
    // The gather rebuilds the split's input length.
    if (adj.gather.dist.kind == DistKind::Even ||
        adj.gather.dist.kind == DistKind::Zigzag)
      adj.gather.dist.length = res->scatterMap.globalSize;
    adj.scale = scale;
    return adj;
  case OpKind::Gather:
    adj.kind = OpKind::Split;
    adj.scatter = op.gather;
    adj.scatter.dist.length = kDefaultLength;
    adj.scale = scale;
    return adj;
  }
  return Error{"invalid op kind code " + num(static_cast<int32_t>(op.kind))};
}

//===----------------------------------------------------------------------===//
// Block plans
//===----------------------------------------------------------------------===//

bool AllToAllPlan::equalCounts() const {
  return allEqual(sendCounts) && allEqual(recvCounts) &&
         (sendCounts.empty() || sendCounts[0] == recvCounts[0]);
}

namespace {
/// The begin of a rank's one interval under an Even, Sizes or Replicated
/// map.
int64_t beginOf(const ShardMap &map, int64_t rank) {
  const Pieces &pieces = map.pieces[rank];
  return pieces.empty() ? 0 : pieces.front().begin;
}

/// `block` with dim `dim` listed first, the others in order.
StridedBlock dimFirst(const StridedBlock &block, int64_t dim) {
  StridedBlock moved{block.offset, {block.shape[dim]}, {block.strides[dim]}};
  for (size_t d = 0; d < block.shape.size(); ++d) {
    if (static_cast<int64_t>(d) == dim)
      continue;
    moved.shape.push_back(block.shape[d]);
    moved.strides.push_back(block.strides[d]);
  }
  return moved;
}

/// The steps that sum every peer's block of a replicated gather dim into the
/// output, in group-rank order: the part of peer q's block that an earlier
/// peer wrote is added, the rest copied. The pieces of replicated blocks
/// are single intervals that move forward with the rank, so what the
/// earlier peers wrote is [0, covered).
std::vector<ReduceStep> planReduce(const Resolved &res,
                                   const AllToAllPlan &plan) {
  const int64_t g = res.op.gather.dim;
  std::vector<ReduceStep> steps;
  int64_t covered = 0;
  for (int64_t q = 0; q < res.groupSize; ++q) {
    const int64_t begin = beginOf(res.gatherMap, q);
    const int64_t size = res.gatherMap.localSize(q);
    if (size == 0)
      continue;
    StridedBlock src =
        q == res.groupRank ? plan.send[q] : denseBlock(plan.recv[q].shape);
    const StridedBlock &dst = plan.recv[q];
    int64_t added = std::clamp<int64_t>(covered - begin, 0, size);
    if (added > 0)
      steps.push_back(
          {q, src.slice(g, 0, added), dst.slice(g, 0, added), true});
    if (added < size)
      steps.push_back({q, src.slice(g, added, size - added),
                       dst.slice(g, added, size - added), false});
    covered = std::max(covered, begin + size);
  }
  return steps;
}
} // namespace

AllToAllPlan planAllToAll(const Resolved &res, const Shape &inStrides,
                          const Shape &outStrides) {
  const int64_t s = res.op.scatter.dim, g = res.op.gather.dim;
  StridedBlock in{0, res.inShape, inStrides};
  StridedBlock out{0, res.outShape, outStrides};
  AllToAllPlan plan;
  plan.sendShared = res.op.scatter.dist.kind == DistKind::Replicated;
  // With a shared send, the input packed once with the scatter dim first
  // holds each entry's data as one range of `perEntry` elements.
  const int64_t perEntry =
      res.inShape[s] ? numElements(res.inShape) / res.inShape[s] : 0;
  if (plan.sendShared)
    plan.sendAll = dimFirst(in, s);
  int64_t sendAcc = 0, recvAcc = 0;
  for (int64_t q = 0; q < res.groupSize; ++q) {
    StridedBlock send =
        in.slice(s, beginOf(res.scatterMap, q), res.scatterMap.localSize(q));
    StridedBlock recv =
        out.slice(g, beginOf(res.gatherMap, q), res.gatherMap.localSize(q));
    plan.send.push_back(plan.sendShared ? dimFirst(send, s) : send);
    plan.recv.push_back(plan.sendShared ? dimFirst(recv, s) : recv);
    plan.sendCounts.push_back(plan.send.back().numElements());
    plan.recvCounts.push_back(plan.recv.back().numElements());
    plan.sendDispls.push_back(
        plan.sendShared ? beginOf(res.scatterMap, q) * perEntry : sendAcc);
    plan.recvDispls.push_back(recvAcc);
    sendAcc += plan.sendCounts.back();
    recvAcc += plan.recvCounts.back();
  }
  if (res.op.gather.dist.kind == DistKind::Replicated)
    plan.reduce = planReduce(res, plan);
  return plan;
}

std::vector<CopyStep> planSplit(const Resolved &res, const Shape &inStrides,
                                const Shape &outStrides) {
  const int64_t d = res.op.scatter.dim;
  StridedBlock in{0, res.inShape, inStrides};
  StridedBlock out{0, res.outShape, outStrides};
  std::vector<CopyStep> steps;
  int64_t pos = 0;
  for (const Interval &p : res.scatterMap.pieces[res.groupRank]) {
    steps.push_back({in.slice(d, p.begin, p.size), out.slice(d, pos, p.size)});
    pos += p.size;
  }
  return steps;
}

GatherPlan planGather(const Resolved &res, const Shape &inStrides,
                      const Shape &outStrides) {
  const int64_t d = res.op.gather.dim;
  StridedBlock out{0, res.outShape, outStrides};
  GatherPlan plan;
  plan.unpack.resize(res.groupSize);
  int64_t acc = 0;
  for (int64_t q = 0; q < res.groupSize; ++q) {
    Shape peerShape = res.inShape;
    peerShape[d] = res.gatherMap.localSize(q);
    StridedBlock peer = q == res.groupRank
                            ? StridedBlock{0, res.inShape, inStrides}
                            : denseBlock(peerShape);
    plan.recvCounts.push_back(numElements(peerShape));
    plan.recvDispls.push_back(acc);
    acc += plan.recvCounts.back();
    int64_t pos = 0;
    for (const Interval &p : res.gatherMap.pieces[q]) {
      plan.unpack[q].push_back(
          {peer.slice(d, pos, p.size), out.slice(d, p.begin, p.size)});
      pos += p.size;
    }
  }
  return plan;
}

Shape peerOutputShape(const Resolved &res, int64_t peer) {
  Shape shape = res.outShape;
  if (res.op.kind != OpKind::Gather && peer >= 0 && peer < res.groupSize)
    shape[res.op.scatter.dim] = res.scatterMap.localSize(peer);
  return shape;
}

Result<std::vector<CopyStep>> planPush(const Resolved &res,
                                       const Shape &inStrides, int64_t peer,
                                       const Shape &peerOutStrides) {
  if (peer < 0 || peer >= res.groupSize)
    return Error{"peer " + num(peer) + " is out of range for a group of " +
                 num(res.groupSize) + " ranks"};
  if (res.op.kind == OpKind::Split)
    return Error{"a split moves nothing between ranks"};
  if (res.op.gather.dist.kind == DistKind::Replicated)
    return Error{"a replicated gather dim sums its blocks; it is not pushed"};
  Shape peerShape = peerOutputShape(res, peer);
  if (inStrides.size() != res.inShape.size() ||
      peerOutStrides.size() != peerShape.size())
    return Error{"the strides " + str(inStrides) + " and " +
                 str(peerOutStrides) + " do not match the shapes " +
                 str(res.inShape) + " and " + str(peerShape)};
  const int64_t r = res.groupRank, g = res.op.gather.dim;
  StridedBlock in{0, res.inShape, inStrides};
  StridedBlock out{0, peerShape, peerOutStrides};
  std::vector<CopyStep> steps;
  if (res.op.kind == OpKind::AllToAll) {
    const int64_t s = res.op.scatter.dim;
    steps.push_back(
        {in.slice(s, beginOf(res.scatterMap, peer),
                  res.scatterMap.localSize(peer)),
         out.slice(g, beginOf(res.gatherMap, r), res.gatherMap.localSize(r))});
    return steps;
  }
  int64_t pos = 0;
  for (const Interval &p : res.gatherMap.pieces[r]) {
    steps.push_back({in.slice(g, pos, p.size), out.slice(g, p.begin, p.size)});
    pos += p.size;
  }
  return steps;
}

//===----------------------------------------------------------------------===//
// Descriptors
//===----------------------------------------------------------------------===//

namespace {

void appendList(std::vector<int64_t> &words, const std::vector<int64_t> &v) {
  words.push_back(static_cast<int64_t>(v.size()));
  words.insert(words.end(), v.begin(), v.end());
}

void appendMove(std::vector<int64_t> &words, const Move &move, bool present) {
  if (!present) {
    words.insert(words.end(), {-1, 0, 0, kDefaultLength, 0});
    return;
  }
  words.push_back(move.dim);
  words.push_back(static_cast<int64_t>(move.dist.kind));
  words.push_back(move.dist.innerAxes);
  words.push_back(move.dist.length);
  appendList(words, move.dist.values);
}

/// Reads words in order, failing past the end.
class Reader {
public:
  Reader(const int64_t *words, int64_t count) : words_(words), count_(count) {}

  Result<int64_t> next(const char *what) {
    if (pos_ >= count_)
      return Error{"the descriptor of " + num(count_) +
                   " words ends before its " + what};
    return words_[pos_++];
  }
  Result<std::vector<int64_t>> list(const char *what) {
    Result<int64_t> n = next(what);
    if (!n)
      return Error{n.error()};
    if (*n < 0 || *n > count_ - pos_)
      return Error{"the descriptor's " + std::string(what) + " count " +
                   num(*n) + " exceeds the " + num(count_ - pos_) +
                   " words left"};
    std::vector<int64_t> out(words_ + pos_, words_ + pos_ + *n);
    pos_ += *n;
    return out;
  }
  bool atEnd() const { return pos_ == count_; }

private:
  const int64_t *words_;
  int64_t count_;
  int64_t pos_ = 0;
};

Result<Move> readMove(Reader &reader, const char *which,
                      const int64_t *runtimeValues, int64_t numRuntimeValues,
                      int64_t runtimeLength, bool &tookLength) {
  Move move;
  Result<int64_t> dim = reader.next("dim");
  Result<int64_t> dist = dim ? reader.next("distribution") : dim;
  Result<int64_t> inner = dist ? reader.next("inner axes") : dist;
  Result<int64_t> length = inner ? reader.next("length") : inner;
  if (!length)
    return Error{length.error()};
  Result<std::vector<int64_t>> values = reader.list("values");
  if (!values)
    return Error{values.error()};
  if (*dist < 0 || *dist >= SEQPAR_NUM_DISTS)
    return Error{"the descriptor's " + std::string(which) +
                 " distribution code " + num(*dist) + " is not one of 0 to " +
                 num(SEQPAR_NUM_DISTS - 1)};
  move.dim = *dim;
  move.dist.kind = static_cast<DistKind>(*dist);
  move.dist.innerAxes = *inner;
  move.dist.length = *length;
  move.dist.values = std::move(*values);
  const bool takesValues = move.dim >= 0 && move.dist.kind == DistKind::Sizes &&
                           move.dist.values.empty();
  if (takesValues && numRuntimeValues == 0)
    return Error{"the " + std::string(which) +
                 " sizes are given at run time but the call passes none"};
  if (!takesValues && numRuntimeValues != 0)
    return Error{"the call passes " + std::string(which) +
                 " sizes but the descriptor does not take them"};
  if (takesValues)
    move.dist.values.assign(runtimeValues, runtimeValues + numRuntimeValues);
  if (move.dist.length == kRuntimeLength) {
    tookLength = true;
    if (runtimeLength < 0)
      return Error{"the " + std::string(which) +
                   " length is given at run time but the call passes " +
                   num(runtimeLength)};
    move.dist.length = runtimeLength;
  }
  return move;
}

} // namespace

std::vector<int64_t> encodeOp(const Op &op) {
  std::vector<int64_t> words = {SEQPAR_DESC_MAGIC,
                                static_cast<int64_t>(op.kind),
                                static_cast<int64_t>(op.scale)};
  std::vector<int64_t> group = encodeGroup(op.gridShape, op.axes);
  words.insert(words.end(), group.begin(), group.end());
  appendMove(words, op.scatter, op.kind != OpKind::Gather);
  appendMove(words, op.gather, op.kind != OpKind::Split);
  return words;
}

Result<Op> decodeOp(const int64_t *words, int64_t count,
                    const CallOperands &operands) {
  if (!words || count < 1)
    return Error{"the op descriptor is empty"};
  for (int64_t n : {count, operands.numScatterValues, operands.numGatherValues})
    if (n > kMaxListLength)
      return Error{"a list of " + num(n) + " entries exceeds the limit of " +
                   num(kMaxListLength)};
  if (words[0] != SEQPAR_DESC_MAGIC)
    return Error{"the op descriptor does not start with the seqpar magic word"};
  Reader reader(words + 1, count - 1);
  Result<int64_t> kind = reader.next("kind");
  Result<int64_t> scale = kind ? reader.next("grad scale") : kind;
  if (!scale)
    return Error{scale.error()};
  if (*kind < 0 || *kind >= SEQPAR_NUM_KINDS)
    return Error{"the descriptor's op kind code " + num(*kind) +
                 " is not one of 0 to " + num(SEQPAR_NUM_KINDS - 1)};
  if (*scale < 0 || *scale >= SEQPAR_NUM_SCALES)
    return Error{"the descriptor's grad scale code " + num(*scale) +
                 " is not 0 (none), 1 (up) or 2 (down)"};
  Op op;
  op.kind = static_cast<OpKind>(*kind);
  op.scale = static_cast<GradScale>(*scale);
  Result<std::vector<int64_t>> grid = reader.list("grid shape");
  Result<std::vector<int64_t>> axes =
      grid ? reader.list("group axes")
           : Result<std::vector<int64_t>>(Error{grid.error()});
  if (!axes)
    return Error{axes.error()};
  op.gridShape = std::move(*grid);
  op.axes = std::move(*axes);
  // The length operand belongs to whichever move leaves its length open.
  bool tookLength = false;
  Result<Move> scatter =
      readMove(reader, "scatter", operands.scatterValues,
               operands.numScatterValues, operands.length, tookLength);
  if (!scatter)
    return Error{scatter.error()};
  Result<Move> gather =
      readMove(reader, "gather", operands.gatherValues,
               operands.numGatherValues, operands.length, tookLength);
  if (!gather)
    return Error{gather.error()};
  if (!reader.atEnd())
    return Error{"the op descriptor has words past its end"};
  if (operands.length != kDefaultLength && !tookLength)
    return Error{"the call passes the length " + num(operands.length) +
                 " but the descriptor does not take one"};
  op.scatter = std::move(*scatter);
  op.gather = std::move(*gather);
  return op;
}

std::vector<int64_t> encodeGroup(const Shape &gridShape,
                                 const std::vector<int64_t> &axes) {
  std::vector<int64_t> words;
  appendList(words, gridShape);
  appendList(words, axes);
  return words;
}

Result<bool> decodeGroup(const int64_t *words, int64_t count, Shape &gridShape,
                         std::vector<int64_t> &axes) {
  if (!words || count < 1)
    return Error{"the group descriptor is empty"};
  Reader reader(words, count);
  Result<std::vector<int64_t>> grid = reader.list("grid shape");
  if (!grid)
    return Error{grid.error()};
  Result<std::vector<int64_t>> list = reader.list("group axes");
  if (!list)
    return Error{list.error()};
  if (!reader.atEnd())
    return Error{"the group descriptor has words past its end"};
  gridShape = std::move(*grid);
  axes = std::move(*list);
  return true;
}

} // namespace seqpar::layout
