//===- SeqParFolds.cpp - seqpar folds and canonicalization ------*- C++ -*-===//
//
// The algebra of the resharding ops: ops on a group of one rank fold away,
// inverse pairs cancel, and an all-to-all that gathers back what the previous
// one scattered composes with it into one all-to-all.
//
// Cancelling and composing need the pieces that each rank holds along a dim to
// be provably the same on both sides. They are compared symbolically
// (PieceSpec): static per-rank sizes, the split rule of a length that is only
// known as an SSA value or a tensor dim, one equal length per rank, or a
// run-time lengths operand. Anything that cannot be proven equal is left
// alone, so that a mismatch still reaches the runtime's size checks.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace seqpar;

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

/// A group of one rank, on which every resharding op is the identity.
static bool isUnitGroup(CollectiveOpInterface op) {
  FailureOr<int64_t> size = getGroupSize(op);
  return succeeded(size) && *size == 1;
}

/// Two ops run on the same group: the same grid and the same axes in the same
/// order (the order fixes the group ranks).
static bool sameGroup(CollectiveOpInterface a, CollectiveOpInterface b) {
  return a.getGroupGrid() == b.getGroupGrid() &&
         a.getGroupAxes() == b.getGroupAxes();
}

//===----------------------------------------------------------------------===//
// Symbolic lengths and pieces
//===----------------------------------------------------------------------===//

namespace {
/// A non-negative length known statically, as an `index` SSA value, or as a
/// dim of a tensor value; normalized so that equal forms compare equal.
struct Length {
  std::optional<int64_t> constant;
  Value value;      ///< An index value or a tensor.
  int64_t dim = -1; ///< The dim of `value` when it is a tensor.

  bool operator==(const Length &o) const {
    return constant == o.constant && value == o.value && dim == o.dim;
  }

  static Length ofIndex(Value index);
  static Length ofDim(Value tensor, int64_t dim);
  /// A gather size: a static attribute or a dynamic value.
  static Length ofSize(IntegerAttr staticSize, Value dynamicSize) {
    if (staticSize)
      return {staticSize.getInt(), Value(), -1};
    return ofIndex(dynamicSize);
  }
};

/// How the ranks of a group divide a dim.
struct PieceSpec {
  enum class Kind {
    Opaque,  ///< Not known; never equal to anything.
    Static,  ///< The per-rank sizes `sizes`.
    Rule,    ///< The split rule of the symbolic length `length`.
    Uniform, ///< Every rank holds the same symbolic length `length`.
    Lengths, ///< The run-time lengths operand `lengths`.
  };
  Kind kind = Kind::Opaque;
  std::vector<int64_t> sizes;
  Length length;
  Value lengths;

  bool operator==(const PieceSpec &o) const {
    if (kind != o.kind || kind == Kind::Opaque)
      return false;
    switch (kind) {
    case Kind::Static:
      return sizes == o.sizes;
    case Kind::Rule:
    case Kind::Uniform:
      return length == o.length;
    case Kind::Lengths:
      return lengths == o.lengths;
    case Kind::Opaque:
      break;
    }
    return false;
  }
  bool operator!=(const PieceSpec &o) const { return !(*this == o); }

  static PieceSpec ofStatic(std::vector<int64_t> sizes) {
    PieceSpec spec;
    spec.kind = Kind::Static;
    spec.sizes = std::move(sizes);
    return spec;
  }
  static PieceSpec ofLengths(Value lengths) {
    PieceSpec spec;
    spec.kind = Kind::Lengths;
    spec.lengths = lengths;
    return spec;
  }
  static PieceSpec rule(const Length &length, int64_t groupSize);
  static PieceSpec uniform(const Length &length, int64_t groupSize) {
    if (length.constant)
      return ofStatic(std::vector<int64_t>(groupSize, *length.constant));
    PieceSpec spec;
    spec.kind = Kind::Uniform;
    spec.length = length;
    return spec;
  }
};
} // namespace

Length Length::ofIndex(Value index) {
  if (std::optional<int64_t> c = getConstantIntValue(index))
    return {*c, Value(), -1};
  if (auto dimOp = index.getDefiningOp<tensor::DimOp>())
    if (std::optional<int64_t> d = dimOp.getConstantIndex())
      return ofDim(dimOp.getSource(), *d);
  return {std::nullopt, index, -1};
}

/// Where `tensor` is the result of a seqpar op that leaves `dim` as its input
/// has it, or that sets it to a dynamic gather size, the length is read
/// through the op; this is what lets an op and its adjoint be matched.
Length Length::ofDim(Value tensor, int64_t dim) {
  auto type = cast<ShapedType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return {type.getDimSize(dim), Value(), -1};
  Length opaque{std::nullopt, tensor, dim};
  Operation *def = tensor.getDefiningOp();
  if (!def)
    return opaque;
  return llvm::TypeSwitch<Operation *, Length>(def)
      .Case([&](AllToAllOp op) {
        if (dim != static_cast<int64_t>(op.getScatterDim()) &&
            dim != static_cast<int64_t>(op.getGatherDim()))
          return ofDim(op.getInput(), dim);
        if (dim == static_cast<int64_t>(op.getGatherDim()) &&
            op.getDynamicGatherSize())
          return ofIndex(op.getDynamicGatherSize());
        return opaque;
      })
      .Case<GatherOp, HybridGatherOp>([&](auto op) {
        if (dim != static_cast<int64_t>(op.getDim()))
          return ofDim(op.getInput(), dim);
        if (op.getDynamicGatherSize())
          return ofIndex(op.getDynamicGatherSize());
        return opaque;
      })
      .Case<SplitOp, ZigzagSplitOp, ZigzagGatherOp, PackedSplitOp,
            PackedGatherOp, HybridSplitOp, HybridPackedSplitOp,
            HybridPackedGatherOp>([&](auto op) {
        if (dim != static_cast<int64_t>(op.getDim()))
          return ofDim(op.getInput(), dim);
        return opaque;
      })
      .Default(opaque);
}

/// The input of the op that produced `tensor` when that op gathered `dim` by
/// default, every rank contributing its own equal length; the split rule of
/// the gathered length then gives every rank that length back.
static Value defaultGatherInput(Value tensor, int64_t dim) {
  Operation *def = tensor.getDefiningOp();
  if (auto op = dyn_cast_or_null<AllToAllOp>(def))
    if (dim == static_cast<int64_t>(op.getGatherDim()) &&
        !op.getGatherSizeAttr() && !op.getDynamicGatherSize() &&
        !op.getGatherLengths())
      return op.getInput();
  if (auto op = dyn_cast_or_null<GatherOp>(def))
    if (dim == static_cast<int64_t>(op.getDim()) && !op.getSizes() &&
        !op.getGatherSizeAttr() && !op.getDynamicGatherSize())
      return op.getInput();
  return Value();
}

PieceSpec PieceSpec::rule(const Length &length, int64_t groupSize) {
  if (length.constant) {
    layout::Result<std::vector<int64_t>> sizes =
        layout::splitSizes(*length.constant, groupSize);
    return sizes ? ofStatic(*sizes) : PieceSpec();
  }
  if (length.dim >= 0)
    if (Value input = defaultGatherInput(length.value, length.dim))
      return uniform(Length::ofDim(input, length.dim), groupSize);
  PieceSpec spec;
  spec.kind = Kind::Rule;
  spec.length = length;
  return spec;
}

/// The pieces of dim `dim` that the ranks hold when `tensor` is split by the
/// split rule of its length.
static PieceSpec splitRuleOf(Value tensor, int64_t dim, int64_t groupSize) {
  return PieceSpec::rule(Length::ofDim(tensor, dim), groupSize);
}

/// The pieces a gather-like op collects along `dim` of `input`: explicit
/// sizes, lengths, a gather size, or every rank's own equal length.
static PieceSpec gatherPieces(Value input, int64_t dim, int64_t groupSize,
                              std::optional<ArrayRef<int64_t>> sizes,
                              IntegerAttr staticSize, Value dynamicSize,
                              Value lengths) {
  if (sizes)
    return PieceSpec::ofStatic(
        std::vector<int64_t>(sizes->begin(), sizes->end()));
  if (lengths)
    return PieceSpec::ofLengths(lengths);
  if (staticSize || dynamicSize)
    return PieceSpec::rule(Length::ofSize(staticSize, dynamicSize), groupSize);
  return PieceSpec::uniform(Length::ofDim(input, dim), groupSize);
}

static PieceSpec scatterPieces(AllToAllOp op, int64_t groupSize) {
  if (op.getScatterLengths())
    return PieceSpec::ofLengths(op.getScatterLengths());
  return splitRuleOf(op.getInput(), op.getScatterDim(), groupSize);
}

static PieceSpec gatherPieces(AllToAllOp op, int64_t groupSize) {
  return gatherPieces(op.getInput(), op.getGatherDim(), groupSize, std::nullopt,
                      op.getGatherSizeAttr(), op.getDynamicGatherSize(),
                      op.getGatherLengths());
}

static PieceSpec splitPieces(SplitOp op, int64_t groupSize) {
  if (std::optional<ArrayRef<int64_t>> sizes = op.getSizes())
    return PieceSpec::ofStatic(
        std::vector<int64_t>(sizes->begin(), sizes->end()));
  return splitRuleOf(op.getInput(), op.getDim(), groupSize);
}

static PieceSpec gatherPieces(GatherOp op, int64_t groupSize) {
  return gatherPieces(op.getInput(), op.getDim(), groupSize, op.getSizes(),
                      op.getGatherSizeAttr(), op.getDynamicGatherSize(),
                      Value());
}

//===----------------------------------------------------------------------===//
// Inverse pairs. Each returns whether `second(first(x))` is provably `x`, the
// group being the same; the scales are checked separately.
//===----------------------------------------------------------------------===//

/// A split then a gather of the same pieces rebuilds the input, and a gather
/// then a split of the same pieces gives every rank its own piece back.
static bool areInverse(SplitOp split, GatherOp gather, int64_t groupSize) {
  return split.getDim() == gather.getDim() &&
         splitPieces(split, groupSize) == gatherPieces(gather, groupSize);
}
static bool areInverse(GatherOp gather, SplitOp split, int64_t groupSize) {
  return areInverse(split, gather, groupSize);
}

/// A hybrid split then a hybrid gather: the hybrid pieces depend only on the
/// global length, so the gather must rebuild the length that was split. The
/// verified result type holds that length where it is static, and Length
/// reads a dynamic gather_size through the gather.
static bool areInverse(HybridSplitOp a, HybridGatherOp b, int64_t) {
  return a.getDim() == b.getDim() &&
         Length::ofDim(b.getResult(), b.getDim()) ==
             Length::ofDim(a.getInput(), a.getDim());
}

template <typename OpTy>
using SeqLensOf = decltype(std::declval<OpTy &>().getSeqLens());

/// The other pairs. Zigzag chunks depend only on the length, which a split
/// then a gather preserves, and a hybrid split of a hybrid-gathered tensor
/// splits the length that was gathered; packed pieces, plain or hybrid, depend
/// only on the sequence lengths, which both ops carry.
template <typename First, typename Second>
static bool areInverse(First a, Second b, int64_t) {
  if (a.getDim() != b.getDim())
    return false;
  if constexpr (llvm::is_detected<SeqLensOf, First>::value)
    return a.getSeqLens() == b.getSeqLens();
  else
    return true;
}

//===----------------------------------------------------------------------===//
// Rewrites shared by the ops
//===----------------------------------------------------------------------===//

/// Replaces `op` by `value`, through a tensor.cast where the types differ in
/// which dims are static (both types describe the same tensor).
static void replaceWithValue(PatternRewriter &rewriter, Operation *op,
                             Value value) {
  Type type = op->getResult(0).getType();
  if (value.getType() != type)
    value = tensor::CastOp::create(rewriter, op->getLoc(), type, value);
  rewriter.replaceOp(op, value);
}

/// The product of two adjoint factors is one: removing the pair then keeps
/// the gradients that the backward pass would build from it.
static bool factorsCancel(AdjointOpInterface a, AdjointOpInterface b) {
  SymbolTableCollection tables;
  FailureOr<GradFactor> fa = a.getAdjointFactor(tables);
  FailureOr<GradFactor> fb = b.getAdjointFactor(tables);
  if (failed(fa) || failed(fb))
    return false;
  std::optional<int64_t> num = llvm::checkedMul(fa->num, fb->num);
  std::optional<int64_t> den = llvm::checkedMul(fa->den, fb->den);
  return num && den && *num == *den;
}

/// On a group of one rank every resharding op is the identity.
template <typename OpTy> static OpFoldResult foldUnitGroup(OpTy op) {
  if (op.getInput().getType() != op.getResult().getType())
    return {};
  if (!isUnitGroup(op))
    return {};
  return op.getInput();
}

namespace {
/// The identity on a group of one rank where the types differ in which dims
/// are static, which a fold cannot express.
template <typename OpTy>
struct CastOnUnitGroup : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    // Equal types are the fold's; checking them first keeps the symbol
    // lookup off the common path.
    if (op.getInput().getType() == op.getResult().getType())
      return rewriter.notifyMatchFailure(op, "the fold handles equal types");
    if (!isUnitGroup(op))
      return rewriter.notifyMatchFailure(op, "group of more than one rank");
    if (!tensor::CastOp::areCastCompatible(op.getInput().getType(),
                                           op.getResult().getType()))
      return failure();
    replaceWithValue(rewriter, op, op.getInput());
    return success();
  }
};

/// `Second(First(x))` is `x` when the two ops are inverse (see
/// `areInverse`).
template <typename First, typename Second>
struct CancelInversePair : public OpRewritePattern<Second> {
  using OpRewritePattern<Second>::OpRewritePattern;
  LogicalResult matchAndRewrite(Second op,
                                PatternRewriter &rewriter) const override {
    auto first = op.getInput().template getDefiningOp<First>();
    if (!first || !sameGroup(first, op))
      return rewriter.notifyMatchFailure(op, "not after its inverse");
    FailureOr<int64_t> size = getGroupSize(op);
    if (failed(size) || !areInverse(first, op, *size) ||
        !factorsCancel(first, op))
      return rewriter.notifyMatchFailure(op, "pieces or scales differ");
    replaceWithValue(rewriter, op, first.getInput());
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// all_to_all
//===----------------------------------------------------------------------===//

/// Whether an all_to_all replicates one of its dims (`slots`).
static bool replicates(AllToAllOp op) {
  return op.getScatterSlots() || op.getGatherSlots();
}

namespace {
/// `all_to_all(all_to_all(x; s, g); g, s)` is `x` when the second scatters
/// `g` into exactly the pieces the first gathered and gathers `s` from
/// exactly the pieces the first scattered: every element goes back to the
/// rank and position it came from.
struct CancelAllToAllPair : public OpRewritePattern<AllToAllOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AllToAllOp op,
                                PatternRewriter &rewriter) const override {
    auto first = op.getInput().getDefiningOp<AllToAllOp>();
    // Replicated blocks are not inverted by their adjoint, which sums the
    // copies: P/S times the input, not the input.
    if (!first || replicates(first) || replicates(op) ||
        !sameGroup(first, op) || op.getScatterDim() != first.getGatherDim() ||
        op.getGatherDim() != first.getScatterDim())
      return rewriter.notifyMatchFailure(op, "not after its adjoint");
    FailureOr<int64_t> size = getGroupSize(op);
    if (failed(size) ||
        scatterPieces(op, *size) != gatherPieces(first, *size) ||
        gatherPieces(op, *size) != scatterPieces(first, *size))
      return rewriter.notifyMatchFailure(op, "pieces differ");
    replaceWithValue(rewriter, op, first.getInput());
    return success();
  }
};

/// `all_to_all(all_to_all(x; s1, g1); s2, s1)` with `s2 != g1` is
/// `all_to_all(x; s2, g1)` when the second gathers `s1` from exactly the
/// pieces the first scattered. Proof: write `x_q` for rank q's input and
/// `S_p`, `D_r` for the pieces of `s1` and `s2`. The first gives rank p
/// `concat_q along g1 of x_q[S_p]`; the second gives rank r
/// `concat_p along s1 of (concat_q along g1 of x_q[S_p, D_r])`. Concatenations
/// along two different dims commute, and the `S_p` tile `s1` in order, so this
/// is `concat_q along g1 of x_q[D_r]`, which is the single all-to-all that
/// scatters `s2` by the second's pieces and gathers `g1` by the first's.
/// Only when the first has no other use, so that no collective is added.
struct ComposeAllToAlls : public OpRewritePattern<AllToAllOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AllToAllOp op,
                                PatternRewriter &rewriter) const override {
    auto first = op.getInput().getDefiningOp<AllToAllOp>();
    // The proof needs pieces that tile their dims, which replicated blocks
    // do not.
    if (!first || replicates(first) || replicates(op) || !first->hasOneUse() ||
        !sameGroup(first, op) || op.getGatherDim() != first.getScatterDim() ||
        op.getScatterDim() == first.getGatherDim())
      return rewriter.notifyMatchFailure(op, "not a composable pair");
    FailureOr<int64_t> size = getGroupSize(op);
    if (failed(size) || gatherPieces(op, *size) != scatterPieces(first, *size))
      return rewriter.notifyMatchFailure(op, "pieces differ");
    SymbolTableCollection symbolTables;
    Value composed = createModeledOp<AllToAllOp>(
        rewriter, op.getLoc(), symbolTables, Type(), first.getInput(),
        op.getGridAttr(), op.getAxesAttr(), op.getScatterDimAttr(),
        IntegerAttr(), first.getGatherDimAttr(), IntegerAttr(),
        first.getGatherSizeAttr(), first.getDynamicGatherSize(),
        op.getScatterLengths(), first.getGatherLengths());
    replaceWithValue(rewriter, op, composed);
    return success();
  }
};

/// On one rank, the exchanged lengths are the local length.
struct ExchangeLengthsOnUnitGroup : public OpRewritePattern<ExchangeLengthsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExchangeLengthsOp op,
                                PatternRewriter &rewriter) const override {
    if (!isUnitGroup(op))
      return rewriter.notifyMatchFailure(op, "group of more than one rank");
    Location loc = op.getLoc();
    Value length =
        tensor::DimOp::create(rewriter, loc, op.getInput(), op.getDim());
    length = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                        length);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(
        op, op.getLengths().getType(), ValueRange{length});
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void ExchangeLengthsOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                    MLIRContext *context) {
  results.add<ExchangeLengthsOnUnitGroup>(context);
}

OpFoldResult AllToAllOp::fold(FoldAdaptor) { return foldUnitGroup(*this); }
void AllToAllOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results
      .add<CastOnUnitGroup<AllToAllOp>, CancelAllToAllPair, ComposeAllToAlls>(
          context);
}

/// Folds and patterns of a split/gather-like op `OpTy` whose inverse is
/// `InverseTy`.
#define SEQPAR_INVERSE_PAIR_CANONICALIZATION(OpTy, InverseTy)                  \
  OpFoldResult OpTy::fold(FoldAdaptor) { return foldUnitGroup(*this); }        \
  void OpTy::getCanonicalizationPatterns(RewritePatternSet &results,           \
                                         MLIRContext *context) {               \
    results.add<CastOnUnitGroup<OpTy>, CancelInversePair<InverseTy, OpTy>>(    \
        context);                                                              \
  }

SEQPAR_INVERSE_PAIR_CANONICALIZATION(SplitOp, GatherOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(GatherOp, SplitOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(ZigzagSplitOp, ZigzagGatherOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(ZigzagGatherOp, ZigzagSplitOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(PackedSplitOp, PackedGatherOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(PackedGatherOp, PackedSplitOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(HybridSplitOp, HybridGatherOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(HybridGatherOp, HybridSplitOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(HybridPackedSplitOp, HybridPackedGatherOp)
SEQPAR_INVERSE_PAIR_CANONICALIZATION(HybridPackedGatherOp, HybridPackedSplitOp)

#undef SEQPAR_INVERSE_PAIR_CANONICALIZATION

//===----------------------------------------------------------------------===//
// Group queries
//===----------------------------------------------------------------------===//

OpFoldResult GroupSizeOp::fold(FoldAdaptor) {
  SymbolTableCollection symbolTables;
  FailureOr<int64_t> size =
      getGroupSize(*this, getGridAttr(), getGroupAxes(), symbolTables);
  if (failed(size))
    return {};
  return IntegerAttr::get(IndexType::get(getContext()), *size);
}

OpFoldResult GroupRankOp::fold(FoldAdaptor) {
  // The one rank of a group of one.
  SymbolTableCollection symbolTables;
  FailureOr<int64_t> size =
      getGroupSize(*this, getGridAttr(), getGroupAxes(), symbolTables);
  if (failed(size) || *size != 1)
    return {};
  return IntegerAttr::get(IndexType::get(getContext()), 0);
}

//===----------------------------------------------------------------------===//
// reshard
//===----------------------------------------------------------------------===//

/// Whether `a` and `b` lay the tensor of `op` out alike: equal canonical
/// shardings (the same pieces on every rank).
static bool layOutAlike(ReshardOp op, ShardingAttr a, ShardingAttr b) {
  if (a == b)
    return true;
  SymbolTableCollection symbolTables;
  auto grid = symbolTables.lookupNearestSymbolFrom<GridOp>(op, a.getGrid());
  if (!grid || a.getGrid() != b.getGrid())
    return false;
  std::string error;
  FailureOr<layout::Sharding> la = a.toLayout(grid, error);
  FailureOr<layout::Sharding> lb = b.toLayout(grid, error);
  const layout::Shape shape(op.getShape().begin(), op.getShape().end());
  if (failed(la) || failed(lb) || !layout::verifySharding(*la, shape) ||
      !layout::verifySharding(*lb, shape))
    return false;
  return layout::canonicalSharding(*la, shape) ==
         layout::canonicalSharding(*lb, shape);
}

OpFoldResult ReshardOp::fold(FoldAdaptor) {
  if (getInput().getType() != getResult().getType() ||
      !layOutAlike(*this, getFrom(), getTo()))
    return {};
  return getInput();
}

namespace {
/// A reshard between shardings that lay the tensor out alike where the
/// types differ in which dims are static, which a fold cannot express.
struct CastAlikeReshard : public OpRewritePattern<ReshardOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshardOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getInput().getType() == op.getResult().getType())
      return rewriter.notifyMatchFailure(op, "the fold handles equal types");
    if (!tensor::CastOp::areCastCompatible(op.getInput().getType(),
                                           op.getResult().getType()) ||
        !layOutAlike(op, op.getFrom(), op.getTo()))
      return rewriter.notifyMatchFailure(op, "the layouts differ");
    replaceWithValue(rewriter, op, op.getInput());
    return success();
  }
};

/// reshard(reshard(x; a -> b); b' -> c), b and b' alike, is
/// reshard(x; a -> c): one plan instead of two (and none when a and c are
/// alike, which the fold of the new op then removes).
struct ComposeReshards : public OpRewritePattern<ReshardOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshardOp op,
                                PatternRewriter &rewriter) const override {
    auto first = op.getInput().getDefiningOp<ReshardOp>();
    if (!first || first.getShape() != op.getShape() ||
        !layOutAlike(op, first.getTo(), op.getFrom()))
      return rewriter.notifyMatchFailure(op, "not after a reshard to its "
                                             "source");
    auto composed =
        ReshardOp::create(rewriter, op.getLoc(), op.getType(), first.getInput(),
                          first.getFrom(), op.getTo(), op.getShapeAttr());
    rewriter.replaceOp(op, composed.getResult());
    return success();
  }
};
} // namespace

void ReshardOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<CastAlikeReshard, ComposeReshards>(context);
}
