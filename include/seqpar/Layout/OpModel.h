//===- OpModel.h - A collective's description and resolver ------*- C++ -*-===//
//
// The op model: what every seqpar collective is (a kind, a group of ordered
// grid axes, and how each dim it moves is distributed), and the one resolver
// that says what each rank holds and what its output shape is. The dialect's
// verifiers and shape inference, the decomposition, the conversion (through
// the runtime's output-shape query), the runtime and the Python package all
// ask this file; none of them computes a split, an offset or a gathered
// length by hand.
//
// Every function checks its arguments and its int64 arithmetic and reports
// errors as lower-case messages that name the dims and the values, without
// the op's name, which the caller (a verifier, the runtime) puts in front.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LAYOUT_OPMODEL_H
#define SEQPAR_LAYOUT_OPMODEL_H

#include "seqpar/Layout/Codes.h"
#include "seqpar/Layout/Layout.h"

namespace seqpar::layout {

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

enum class OpKind : int32_t {
  AllToAll = SEQPAR_KIND_ALL_TO_ALL,
  Split = SEQPAR_KIND_SPLIT,
  Gather = SEQPAR_KIND_GATHER,
};

enum class DistKind : int32_t {
  /// The split rule: rank r holds sizes(n, P)[r], in rank order.
  Even = SEQPAR_DIST_EVEN,
  /// Explicit per-rank sizes, in rank order.
  Sizes = SEQPAR_DIST_SIZES,
  /// Rank r holds chunks r and 2P-1-r of 2P equal chunks (one rank: all).
  Zigzag = SEQPAR_DIST_ZIGZAG,
  /// Packed sequences, each split by the split rule.
  Packed = SEQPAR_DIST_PACKED,
  /// Replicated blocks (an all_to_all's KV heads under GQA): the dim's N
  /// entries are spread over V slots (`values` = {V}), entry i covering the
  /// slots [i * V / N, (i + 1) * V / N); the slots are split over the group
  /// by the split rule, and rank r holds every entry that covers one of its
  /// slots: the entries [floor(a * N / V), ceil(b * N / V)) for its slots
  /// [a, b), none for no slots. Pieces of neighbouring ranks may overlap:
  /// with N < P = V each entry goes to P / N ranks (N dividing P), with V the
  /// query heads each rank gets the KV heads its query heads use. A scatter
  /// by it copies each overlapping entry to every rank holding it; a gather
  /// by it sums the copies, in group-rank order.
  Replicated = SEQPAR_DIST_REPLICATED,
};

/// Gradient scaling of a split or gather used as an adjoint: times the group
/// size P (`Up`) or divided by it (`Down`).
enum class GradScale : int32_t {
  None = SEQPAR_SCALE_NONE,
  Up = SEQPAR_SCALE_UP,
  Down = SEQPAR_SCALE_DOWN,
};

/// A length not fixed by the description: the input's dim for a scatter, the
/// input's dim times the group size for a gather (equal pieces).
constexpr int64_t kDefaultLength = -1;
/// A length or list given with the call at run time (a descriptor slot).
constexpr int64_t kRuntimeLength = SEQPAR_DESC_RUNTIME_LENGTH;

/// How one dim is distributed over a group.
struct Distribution {
  DistKind kind = DistKind::Even;
  /// Sizes: one size per group rank (empty: given with the call at run
  /// time). Packed: the sequence lengths. Replicated: {V}, the slots.
  std::vector<int64_t> values;
  /// Even, Zigzag and Replicated: the global length of the dim,
  /// kDefaultLength or kRuntimeLength (a gather by replicated blocks needs
  /// it). Sizes and Packed: unused (their values give it).
  int64_t length = kDefaultLength;
  /// Two-level distributions (hybrid ring x Ulysses): the distribution runs
  /// over the group of the leading axes, and each of its pieces is split
  /// again by the split rule over the last `innerAxes` axes. Group rank =
  /// outerRank * innerSize + innerRank, which is the row-major order of the
  /// listed axes. A leading group of one rank is disabled: no zigzag, no
  /// divisibility requirement.
  int64_t innerAxes = 0;
};

/// A dim that an op distributes (scatter: whole -> pieces) or makes whole
/// (gather: pieces -> whole).
struct Move {
  int64_t dim = -1;
  Distribution dist;
};

/// One collective.
struct Op {
  OpKind kind = OpKind::Split;
  /// The grid's axis sizes (ranks row-major, last axis fastest); empty: the
  /// runtime's default grid (the runtime fills it in before resolving).
  Shape gridShape;
  /// The group: distinct grid axes, ranks linearized row-major in this order.
  std::vector<int64_t> axes;
  /// Split and all_to_all: the dim distributed.
  Move scatter;
  /// Gather and all_to_all: the dim made whole.
  Move gather;
  /// Split and gather only.
  GradScale scale = GradScale::None;
};

/// The op's name as the dialect spells it: "all_to_all", "split",
/// "zigzag_gather", "packed_split", "hybrid_split", "hybrid_packed_gather".
std::string opName(const Op &op);
/// "none", "up", "down".
const char *gradScaleName(GradScale scale);
/// "the split rule", "explicit sizes", "zigzag", "packed sequences",
/// "replicated blocks".
const char *distName(DistKind kind);

//===----------------------------------------------------------------------===//
// Builders, in the seeds' vocabulary. An empty size list means the split rule;
// a length of -1 (kDefaultLength) means the default.
//===----------------------------------------------------------------------===//

Op allToAllOp(std::vector<int64_t> axes, int64_t scatterDim, int64_t gatherDim,
              std::vector<int64_t> scatterSizes = {},
              std::vector<int64_t> gatherSizes = {}, int64_t gatherSize = -1);
/// Replicated blocks over `slots` slots (DistKind::Replicated), for either
/// move of an all_to_all: GQA's KV heads, `slots` its query heads or, for
/// fewer heads than ranks, the group size. A gather needs its `length`.
Distribution replicatedDist(int64_t slots, int64_t length = kDefaultLength);
Op splitOp(std::vector<int64_t> axes, int64_t dim,
           std::vector<int64_t> sizes = {}, GradScale scale = GradScale::None);
Op gatherOp(std::vector<int64_t> axes, int64_t dim,
            std::vector<int64_t> sizes = {}, int64_t gatherSize = -1,
            GradScale scale = GradScale::None);
Op zigzagSplitOp(std::vector<int64_t> axes, int64_t dim,
                 GradScale scale = GradScale::None);
Op zigzagGatherOp(std::vector<int64_t> axes, int64_t dim,
                  int64_t gatherSize = -1, GradScale scale = GradScale::None);
Op packedSplitOp(std::vector<int64_t> axes, int64_t dim,
                 std::vector<int64_t> seqLens,
                 GradScale scale = GradScale::None);
Op packedGatherOp(std::vector<int64_t> axes, int64_t dim,
                  std::vector<int64_t> seqLens,
                  GradScale scale = GradScale::None);
/// Hybrid ring x Ulysses: zigzag over `ringAxes`, then the split rule over
/// `ulyssesAxes`; one group of ringAxes followed by ulyssesAxes.
Op hybridSplitOp(std::vector<int64_t> ringAxes,
                 std::vector<int64_t> ulyssesAxes, int64_t dim,
                 GradScale scale = GradScale::None);
Op hybridGatherOp(std::vector<int64_t> ringAxes,
                  std::vector<int64_t> ulyssesAxes, int64_t dim,
                  int64_t gatherSize = -1, GradScale scale = GradScale::None);
Op hybridPackedSplitOp(std::vector<int64_t> ringAxes,
                       std::vector<int64_t> ulyssesAxes, int64_t dim,
                       std::vector<int64_t> seqLens,
                       GradScale scale = GradScale::None);
Op hybridPackedGatherOp(std::vector<int64_t> ringAxes,
                        std::vector<int64_t> ulyssesAxes, int64_t dim,
                        std::vector<int64_t> seqLens,
                        GradScale scale = GradScale::None);

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

/// Checks a grid shape against the limits: 1 to kMaxGridAxes axes, each of
/// size at least 1, at most kMaxGridRanks ranks.
Result<Grid> makeGrid(const Shape &gridShape);

/// A group of a grid and the sizes of the two levels of a distribution over
/// it (the leading axes and the last `innerAxes` axes).
struct Group {
  int64_t size = 1;
  int64_t outerSize = 1;
  int64_t innerSize = 1;
};
/// Checks `axes` (distinct, in range, at least one, the group at most
/// kMaxGroupSize ranks) and `innerAxes` (0 to axes.size() - 1).
Result<Group> makeGroup(const Grid &grid, const std::vector<int64_t> &axes,
                        int64_t innerAxes = 0);

//===----------------------------------------------------------------------===//
// The resolver
//===----------------------------------------------------------------------===//

/// The shard map of `dist` on a dim of global length `length` over a group;
/// `length` must agree with Sizes and Packed values.
Result<ShardMap> shardMap(const Distribution &dist, int64_t length,
                          const Group &group);

/// What one rank holds for one op.
struct Resolved {
  Op op;            ///< With the runtime's grid filled in.
  std::string name; ///< opName(op).
  int64_t groupSize = 1;
  int64_t groupRank = 0;
  Shape inShape;
  Shape outShape;
  /// The distribution of the scatter dim (split, all_to_all) and of the
  /// gather dim (gather, all_to_all); empty maps for moves the op lacks.
  ShardMap scatterMap;
  ShardMap gatherMap;
  /// The input length of the gather dim on every rank (empty for splits):
  /// what check mode compares across ranks.
  std::vector<int64_t> inLengths;
};

/// Resolves `op` on an input of static shape `inShape` on group rank
/// `groupRank` (in [0, group size)). `op.gridShape` must be set. Checks
/// everything: grid, group, tensor rank (1 to kMaxTensorRank), dims, sizes,
/// lengths, the input's length of the gather dim on this rank, overflow.
Result<Resolved> resolve(const Op &op, const Shape &inShape, int64_t groupRank);

/// The rank-generic output shape for a compiler: `inShape` may hold kDynamic
/// dims, and a result dim is kDynamic where it differs between ranks or
/// depends on a dynamic input dim or a run-time length. Checks what the
/// static parts allow (a static input gather dim must equal every rank's
/// piece, say).
Result<Shape> inferShape(const Op &op, const Shape &inShape);

/// Whether every rank holds pieces of the same size in each dim `op` moves,
/// as far as the static parts of `inShape` (kDynamic allowed) tell: the
/// equal-block or the per-peer form of a collective. A gather of every
/// rank's own length (the default length) is equal by definition.
enum class PieceBalance { Equal, Unequal, Unknown };
Result<PieceBalance> pieceBalance(const Op &op, const Shape &inShape);

/// The adjoint of `op` on an input of static `inShape` on group rank
/// `groupRank`: the op that maps the gradient of the output back to the
/// gradient of the input, with every implicit size made explicit (the same
/// description on every rank) and gradient scale `scale` (splits and
/// gathers). all_to_all(s, g) <-> all_to_all(g, s); split <-> gather with
/// the same distribution.
Result<Op> adjointOp(const Op &op, const Shape &inShape, int64_t groupRank,
                     GradScale scale);

//===----------------------------------------------------------------------===//
// Block plans: which strided block of which tensor goes where, in elements
//===----------------------------------------------------------------------===//

/// One step of the sum that builds the output of an all_to_all whose gather
/// dim is replicated: a box of `peer`'s data (its block as received, dense in
/// the shape of `recv[peer]`; this rank's own in the input) copied to a box
/// of the output, or added to it where an earlier peer wrote it.
struct ReduceStep {
  int64_t peer = 0;
  StridedBlock src;
  StridedBlock dst;
  bool accumulate = false;
};

/// The plan of one all-to-all on a rank: for every peer q, the box of the
/// input sent to q and the box of the output filled by q's data, with the
/// counts and displacements of a packed buffer in peer order.
struct AllToAllPlan {
  std::vector<StridedBlock> send; ///< Box of the input sent to peer q.
  std::vector<StridedBlock> recv; ///< Box of the output received from q.
  std::vector<int64_t> sendCounts, sendDispls;
  std::vector<int64_t> recvCounts, recvDispls;
  /// A replicated scatter dim (peers' send boxes overlap): every box of
  /// `send` and `recv` lists the scatter dim first, the order of the data on
  /// the wire; `sendAll` is the whole input in that order, and peer q's data
  /// is the `sendCounts[q]` elements at `sendDispls[q]` of the input packed
  /// once in that order. The ranges overlap: each entry is read once.
  bool sendShared = false;
  StridedBlock sendAll;
  /// A replicated gather dim (peers' receive boxes overlap): the output is
  /// `reduce`, executed in order; peers' data is copied or added in
  /// group-rank order, so every rank sums in the same order.
  std::vector<ReduceStep> reduce;
  /// True when every peer sends and receives the same count.
  bool equalCounts() const;
};
AllToAllPlan planAllToAll(const Resolved &res, const Shape &inStrides,
                          const Shape &outStrides);

/// The copies that make this rank's output of a split from its input.
std::vector<CopyStep> planSplit(const Resolved &res, const Shape &inStrides,
                                const Shape &outStrides);

/// A gather: every rank sends its whole input (dense, in its shape); peer q's
/// data lands at `recvDispls[q]` of a receive buffer (`recvCounts[q]`
/// elements), and `unpack[q]` moves it into the output. For q == this rank,
/// `unpack[q]` reads the input itself (offsets and strides of the input);
/// for the others, q's dense block at offset 0 of its part of the buffer.
struct GatherPlan {
  std::vector<int64_t> recvCounts, recvDispls;
  std::vector<std::vector<CopyStep>> unpack;
};
GatherPlan planGather(const Resolved &res, const Shape &inStrides,
                      const Shape &outStrides);

/// The direct path between ranks that share memory: this rank writes its
/// data straight into peer `peer`'s output (of shape peerOutputShape, with
/// `peerOutStrides`), reading its input (with `inStrides`) in place. The
/// steps are this rank's block for the peer (all_to_all) or its pieces
/// (gather), each a box of the input and the box of the peer's output it
/// fills; with every rank pushing to every peer, each output is filled
/// exactly once. Splits move nothing between ranks, and a replicated gather
/// dim sums its blocks (planAllToAll's reduce): both are errors here.
Result<std::vector<CopyStep>> planPush(const Resolved &res,
                                       const Shape &inStrides, int64_t peer,
                                       const Shape &peerOutStrides);
/// The output shape of group rank `peer` for the op `res` resolved on this
/// rank (it differs from this rank's in an all_to_all's scatter dim).
Shape peerOutputShape(const Resolved &res, int64_t peer);

//===----------------------------------------------------------------------===//
// The descriptor lowered IR passes to the runtime (see Codes.h)
//===----------------------------------------------------------------------===//

std::vector<int64_t> encodeOp(const Op &op);

/// The values of the descriptor slots left to run time.
struct CallOperands {
  const int64_t *scatterValues = nullptr;
  int64_t numScatterValues = 0;
  const int64_t *gatherValues = nullptr;
  int64_t numGatherValues = 0;
  int64_t length = kDefaultLength;
};
/// Reads a descriptor, fills its run-time slots from `operands`, and checks
/// its codes; the op itself is checked by resolve.
Result<Op> decodeOp(const int64_t *words, int64_t count,
                    const CallOperands &operands = {});

std::vector<int64_t> encodeGroup(const Shape &gridShape,
                                 const std::vector<int64_t> &axes);
/// Reads a group descriptor into `gridShape` and `axes`; checks the counts
/// (makeGrid and makeGroup check the values).
Result<bool> decodeGroup(const int64_t *words, int64_t count, Shape &gridShape,
                         std::vector<int64_t> &axes);

} // namespace seqpar::layout

#endif // SEQPAR_LAYOUT_OPMODEL_H
