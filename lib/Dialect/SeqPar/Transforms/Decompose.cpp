//===- Decompose.cpp - Decompose hybrid seqpar ops --------------*- C++ -*-===//
//
// Rewrites the hybrid ring x Ulysses ops into the primitive ops they are made
// of, in the order of the seeds' *_with_cp functions, so that the rest of the
// pipeline (lowering choice, conversion) only sees primitives.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

#include "seqpar/Layout/Layout.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARDECOMPOSE
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// The ring size R and Ulysses size U of a verified hybrid op.
template <typename OpTy>
FailureOr<std::pair<int64_t, int64_t>>
hybridSizes(OpTy op, SymbolTableCollection &symbolTables) {
  FailureOr<ResolvedGroup> ring =
      resolveGroup(op, op.getGridAttr(), {op.getRingAxis()}, symbolTables);
  FailureOr<ResolvedGroup> ulysses =
      resolveGroup(op, op.getGridAttr(), {op.getUlyssesAxis()}, symbolTables);
  if (failed(ring) || failed(ulysses))
    return failure();
  return std::make_pair(ring->size, ulysses->size);
}

RankedTensorType withShape(Value v, ArrayRef<int64_t> shape) {
  return cast<RankedTensorType>(v.getType()).clone(shape);
}

ArrayAttr axisList(Builder &b, StringRef axis) {
  return b.getStrArrayAttr({axis});
}

/// Replaces `op` by `value`, casting when the decomposition's type is more or
/// less static than the composite's (the verifier fixes the composite's).
void replaceWithCast(PatternRewriter &rewriter, Operation *op, Value value) {
  Type type = op->getResult(0).getType();
  if (value.getType() != type)
    value = tensor::CastOp::create(rewriter, op->getLoc(), type, value);
  rewriter.replaceOp(op, value);
}

/// A split over the Ulysses axis by the split rule, scaled down in the
/// adjoint, of `input` (the ring-local tensor).
Value ulyssesSplit(PatternRewriter &rewriter, Location loc, Value input,
                   FlatSymbolRefAttr grid, StringRef axis, int64_t dim,
                   int64_t ulyssesSize) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape =
      inferSplitShape(type.getShape(), dim, ulyssesSize, std::nullopt);
  return SplitOp::create(
      rewriter, loc, withShape(input, shape), input, grid,
      axisList(rewriter, axis), rewriter.getI64IntegerAttr(dim),
      /*sizes=*/nullptr,
      GradScaleAttr::get(rewriter.getContext(), GradScale::down));
}

/// A gather over the Ulysses axis, scaled up in the adjoint, of pieces that
/// split `gatherSize` (static or dynamic; neither: the input's own length).
Value ulyssesGather(PatternRewriter &rewriter, Location loc, Value input,
                    FlatSymbolRefAttr grid, StringRef axis, int64_t dim,
                    int64_t ulyssesSize, std::optional<int64_t> gatherSize,
                    Value dynamicGatherSize) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape =
      inferGatherShape(type.getShape(), dim, ulyssesSize, std::nullopt,
                       gatherSize, static_cast<bool>(dynamicGatherSize));
  IntegerAttr sizeAttr =
      gatherSize ? rewriter.getI64IntegerAttr(*gatherSize) : IntegerAttr();
  return GatherOp::create(
      rewriter, loc, withShape(input, shape), input, grid,
      axisList(rewriter, axis), rewriter.getI64IntegerAttr(dim),
      /*sizes=*/nullptr, sizeAttr, dynamicGatherSize,
      GradScaleAttr::get(rewriter.getContext(), GradScale::up));
}

/// Base of the patterns: holds the symbol tables that resolve grids.
template <typename OpTy> struct HybridPattern : OpRewritePattern<OpTy> {
  HybridPattern(MLIRContext *ctx, SymbolTableCollection &symbolTables)
      : OpRewritePattern<OpTy>(ctx), symbolTables(symbolTables) {}
  SymbolTableCollection &symbolTables;
};

/// The ring half of a hybrid split: a zigzag split of the input.
Value splitOverRing(PatternRewriter &rewriter, HybridSplitOp op, int64_t ring) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  return ZigzagSplitOp::create(
      rewriter, op.getLoc(),
      withShape(op.getInput(),
                inferZigzagSplitShape(type.getShape(), op.getDim(), ring)),
      op.getInput(), op.getGridAttr(), axisList(rewriter, op.getRingAxis()),
      op.getDimAttr());
}

/// The ring half of a hybrid packed split: a packed split of the input.
Value splitOverRing(PatternRewriter &rewriter, HybridPackedSplitOp op,
                    int64_t ring) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  return PackedSplitOp::create(
      rewriter, op.getLoc(),
      withShape(op.getInput(),
                inferPackedSplitShape(type.getShape(), op.getDim(), ring,
                                      op.getSeqLens())),
      op.getInput(), op.getGridAttr(), axisList(rewriter, op.getRingAxis()),
      op.getDimAttr(), op.getSeqLensAttr());
}

/// hybrid_split and hybrid_packed_split: the zigzag or packed split over the
/// ring, then split over Ulysses.
template <typename OpTy> struct DecomposeHybridSplit : HybridPattern<OpTy> {
  using HybridPattern<OpTy>::HybridPattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto sizes = hybridSizes(op, this->symbolTables);
    if (failed(sizes))
      return failure();
    auto [ring, ulysses] = *sizes;
    Value split = ulyssesSplit(
        rewriter, op.getLoc(), splitOverRing(rewriter, op, ring),
        op.getGridAttr(), op.getUlyssesAxis(), op.getDim(), ulysses);
    replaceWithCast(rewriter, op, split);
    return success();
  }
};

/// hybrid_gather: gather over Ulysses of the ring-local length N / R, then
/// zigzag_gather over the ring.
struct DecomposeHybridGather : HybridPattern<HybridGatherOp> {
  using HybridPattern::HybridPattern;
  LogicalResult matchAndRewrite(HybridGatherOp op,
                                PatternRewriter &rewriter) const override {
    auto sizes = hybridSizes(op, symbolTables);
    if (failed(sizes))
      return failure();
    auto [ring, ulysses] = *sizes;
    int64_t dim = op.getDim();
    Location loc = op.getLoc();
    std::optional<int64_t> ringLocal;
    Value dynamicRingLocal;
    if (std::optional<int64_t> n = op.getGatherSize()) {
      ringLocal = *n / ring;
    } else if (Value n = op.getDynamicGatherSize()) {
      Value r = arith::ConstantIndexOp::create(rewriter, loc, ring);
      dynamicRingLocal = arith::DivUIOp::create(rewriter, loc, n, r);
    }
    // Without a gather size every rank holds the same length m and the
    // Ulysses gather's default (m * U) is the ring-local length.
    Value gathered = ulyssesGather(rewriter, loc, op.getInput(),
                                   op.getGridAttr(), op.getUlyssesAxis(), dim,
                                   ulysses, ringLocal, dynamicRingLocal);
    auto type = cast<RankedTensorType>(gathered.getType());
    Value zigzag = ZigzagGatherOp::create(
        rewriter, loc,
        withShape(gathered, inferZigzagGatherShape(type.getShape(), dim, ring)),
        gathered, op.getGridAttr(), axisList(rewriter, op.getRingAxis()),
        op.getDimAttr());
    replaceWithCast(rewriter, op, zigzag);
    return success();
  }
};

/// hybrid_packed_gather: gather over Ulysses of the ring rank's packed
/// length, then packed_gather over the ring. Only when that length is the
/// same on every ring rank: otherwise it depends on the rank and the op is
/// left for the conversion.
struct DecomposeHybridPackedGather : HybridPattern<HybridPackedGatherOp> {
  using HybridPattern::HybridPattern;
  LogicalResult matchAndRewrite(HybridPackedGatherOp op,
                                PatternRewriter &rewriter) const override {
    auto sizes = hybridSizes(op, symbolTables);
    if (failed(sizes))
      return failure();
    auto [ring, ulysses] = *sizes;
    std::vector<int64_t> seqLens(op.getSeqLens().begin(),
                                 op.getSeqLens().end());
    layout::ShardMap ringMap = layout::packedShardMap(seqLens, ring);
    if (!ringMap.isUniform())
      return rewriter.notifyMatchFailure(
          op, "the ring ranks' packed lengths differ");
    int64_t dim = op.getDim();
    Location loc = op.getLoc();
    Value gathered = ulyssesGather(rewriter, loc, op.getInput(),
                                   op.getGridAttr(), op.getUlyssesAxis(), dim,
                                   ulysses, ringMap.localSize(0), Value());
    auto type = cast<RankedTensorType>(gathered.getType());
    Value packed = PackedGatherOp::create(
        rewriter, loc,
        withShape(gathered, inferPackedGatherShape(type.getShape(), dim,
                                                   op.getSeqLens())),
        gathered, op.getGridAttr(), axisList(rewriter, op.getRingAxis()),
        op.getDimAttr(), op.getSeqLensAttr());
    replaceWithCast(rewriter, op, packed);
    return success();
  }
};

struct SeqParDecomposePass
    : public seqpar::impl::SeqParDecomposeBase<SeqParDecomposePass> {
  using Base::Base;
  void runOnOperation() override {
    SymbolTableCollection symbolTables;
    RewritePatternSet patterns(&getContext());
    populateSeqParDecompositionPatterns(patterns, symbolTables);
    // Only the composites are rewritten, and the ops they produce are not
    // matched again: one pass over the ops suffices.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    config.enableFolding(false);
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace

void seqpar::populateSeqParDecompositionPatterns(
    RewritePatternSet &patterns, SymbolTableCollection &symbolTables) {
  patterns.add<DecomposeHybridSplit<HybridSplitOp>, DecomposeHybridGather,
               DecomposeHybridSplit<HybridPackedSplitOp>,
               DecomposeHybridPackedGather>(patterns.getContext(),
                                            symbolTables);
}
