//===- Decompose.cpp - Decompose hybrid seqpar ops --------------*- C++ -*-===//
//
// Rewrites the hybrid ring x Ulysses ops into the primitive ops they are made
// of, in the order of the seeds' *_with_cp functions. The pieces of the ring
// level come from the op model's shard maps and every type from the model of
// the op built; nothing here splits a length by hand. A hybrid_gather whose
// gathered length is dynamic stays whole: the conversion lowers it as one op
// over its two-axis group, and the runtime resolves its pieces.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARDECOMPOSE
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// A verified hybrid op's model and its two levels: the ring group (the
/// leading axis) and the Ulysses group (the inner axis).
struct HybridModel {
  layout::Op model;
  layout::Group ring;
  layout::Group ulysses;

  /// The distribution of the ring level: the hybrid distribution without
  /// its inner split.
  layout::Distribution ringDistribution() const {
    const layout::Move &moved =
        model.kind == layout::OpKind::Gather ? model.gather : model.scatter;
    layout::Distribution dist = moved.dist;
    dist.innerAxes = 0;
    return dist;
  }
};

FailureOr<HybridModel> getHybridModel(Operation *op,
                                      SymbolTableCollection &symbolTables) {
  FailureOr<layout::Op> model = getOpModel(op, symbolTables);
  if (failed(model) || model->axes.size() != 2)
    return failure();
  layout::Result<layout::Grid> grid = layout::makeGrid(model->gridShape);
  if (!grid)
    return failure();
  layout::Result<layout::Group> ring =
      layout::makeGroup(*grid, {model->axes[0]});
  layout::Result<layout::Group> ulysses =
      layout::makeGroup(*grid, {model->axes[1]});
  if (!ring || !ulysses)
    return failure();
  return HybridModel{*model, *ring, *ulysses};
}

ArrayAttr axisList(Builder &b, StringRef axis) {
  return b.getStrArrayAttr({axis});
}

/// Base of the patterns: holds the symbol tables that resolve grids.
template <typename OpTy> struct HybridPattern : OpRewritePattern<OpTy> {
  HybridPattern(MLIRContext *ctx, SymbolTableCollection &symbolTables)
      : OpRewritePattern<OpTy>(ctx), symbolTables(symbolTables) {}
  SymbolTableCollection &symbolTables;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    FailureOr<HybridModel> hybrid = getHybridModel(op, symbolTables);
    if (failed(hybrid))
      return rewriter.notifyMatchFailure(op, "the grid does not resolve");
    return decompose(op, *hybrid, rewriter);
  }

  /// Replaces `op`, whose model is `hybrid`, by primitive ops.
  virtual LogicalResult decompose(OpTy op, const HybridModel &hybrid,
                                  PatternRewriter &rewriter) const = 0;

  /// Replaces `op` by a gather over the Ulysses axis, scaled up in the
  /// adjoint, of pieces that split `gatherSize` (static or dynamic; neither:
  /// every rank's own length), then `RingOpTy` over the ring axis with the
  /// attributes `ringArgs` after its dim.
  template <typename RingOpTy, typename... Args>
  void replaceWithGathers(PatternRewriter &rewriter, OpTy op,
                          IntegerAttr gatherSize, Value dynamicGatherSize,
                          Args &&...ringArgs) const {
    Value gathered = createModeledOp<GatherOp>(
        rewriter, op.getLoc(), symbolTables, Type(), op.getInput(),
        op.getGridAttr(), axisList(rewriter, op.getUlyssesAxis()),
        op.getDimAttr(), /*sizes=*/nullptr, gatherSize, dynamicGatherSize,
        GradScaleAttr::get(rewriter.getContext(), GradScale::up));
    Value whole = createModeledOp<RingOpTy>(
        rewriter, op.getLoc(), symbolTables, op.getType(), gathered,
        op.getGridAttr(), axisList(rewriter, op.getRingAxis()), op.getDimAttr(),
        std::forward<Args>(ringArgs)...);
    rewriter.replaceOp(op, whole);
  }
};

/// The ring half of a hybrid split: a zigzag split of the input.
Value splitOverRing(PatternRewriter &rewriter, HybridSplitOp op,
                    SymbolTableCollection &symbolTables) {
  return createModeledOp<ZigzagSplitOp>(
      rewriter, op.getLoc(), symbolTables, Type(), op.getInput(),
      op.getGridAttr(), axisList(rewriter, op.getRingAxis()), op.getDimAttr());
}

/// The ring half of a hybrid packed split: a packed split of the input.
Value splitOverRing(PatternRewriter &rewriter, HybridPackedSplitOp op,
                    SymbolTableCollection &symbolTables) {
  return createModeledOp<PackedSplitOp>(rewriter, op.getLoc(), symbolTables,
                                        Type(), op.getInput(), op.getGridAttr(),
                                        axisList(rewriter, op.getRingAxis()),
                                        op.getDimAttr(), op.getSeqLensAttr());
}

/// hybrid_split and hybrid_packed_split: the zigzag or packed split over the
/// ring, then the split rule over Ulysses.
template <typename OpTy> struct DecomposeHybridSplit : HybridPattern<OpTy> {
  using HybridPattern<OpTy>::HybridPattern;
  LogicalResult decompose(OpTy op, const HybridModel &,
                          PatternRewriter &rewriter) const override {
    Value ringLocal = splitOverRing(rewriter, op, this->symbolTables);
    Value split = createModeledOp<SplitOp>(
        rewriter, op.getLoc(), this->symbolTables, op.getType(), ringLocal,
        op.getGridAttr(), axisList(rewriter, op.getUlyssesAxis()),
        op.getDimAttr(), /*sizes=*/nullptr,
        GradScaleAttr::get(rewriter.getContext(), GradScale::down));
    rewriter.replaceOp(op, split);
    return success();
  }
};

/// hybrid_gather: gather over Ulysses of the ring-local length, then
/// zigzag_gather over the ring.
struct DecomposeHybridGather : HybridPattern<HybridGatherOp> {
  using HybridPattern::HybridPattern;
  LogicalResult decompose(HybridGatherOp op, const HybridModel &hybrid,
                          PatternRewriter &rewriter) const override {
    IntegerAttr ringLocal;
    if (std::optional<int64_t> n = op.getGatherSize()) {
      // Zigzag pieces are the same on every ring rank.
      layout::Result<layout::ShardMap> map =
          layout::shardMap(hybrid.ringDistribution(), *n, hybrid.ring);
      if (!map || !map->isUniform())
        return rewriter.notifyMatchFailure(op, "no zigzag pieces of the size");
      ringLocal = rewriter.getI64IntegerAttr(map->localSize(0));
    } else if (op.getDynamicGatherSize()) {
      // The ring-local length of a length known only at run time is the
      // runtime's to resolve: the op lowers whole, over its two-axis group.
      return rewriter.notifyMatchFailure(op, "the gathered length is dynamic");
    }
    // Without a gather size every rank holds the same length m and the
    // Ulysses gather's default (m * U) is the ring-local length.
    replaceWithGathers<ZigzagGatherOp>(rewriter, op, ringLocal, Value());
    return success();
  }
};

/// hybrid_packed_gather: gather over Ulysses of the ring rank's packed
/// length, then packed_gather over the ring. When every ring rank holds the
/// same packed length it is a static gather_size. Otherwise the length
/// depends on the ring rank: when each splits into equal Ulysses pieces, the
/// default gather of every rank's own length rebuilds it; else the ring rank
/// (seqpar.group_rank) picks the length from the table of the ring pieces.
struct DecomposeHybridPackedGather : HybridPattern<HybridPackedGatherOp> {
  using HybridPattern::HybridPattern;
  LogicalResult decompose(HybridPackedGatherOp op, const HybridModel &hybrid,
                          PatternRewriter &rewriter) const override {
    layout::Distribution ringDist = hybrid.ringDistribution();
    layout::Result<int64_t> total =
        layout::checkedSum(ringDist.values, "seq_lens");
    if (!total)
      return rewriter.notifyMatchFailure(op, total.error());
    layout::Result<layout::ShardMap> ringMap =
        layout::shardMap(ringDist, *total, hybrid.ring);
    if (!ringMap)
      return rewriter.notifyMatchFailure(op, ringMap.error());
    IntegerAttr ringLocal;
    Value dynamicRingLocal;
    if (ringMap->isUniform()) {
      ringLocal = rewriter.getI64IntegerAttr(ringMap->localSize(0));
    } else if (!splitsEvenly(ringMap->localSizes(), hybrid.ulysses)) {
      dynamicRingLocal = ringRankEntry(rewriter, op, ringMap->localSizes());
    }
    replaceWithGathers<PackedGatherOp>(rewriter, op, ringLocal,
                                       dynamicRingLocal, op.getSeqLensAttr());
    return success();
  }

  /// True when each of `lengths` splits into equal pieces over `ulysses`.
  static bool splitsEvenly(const std::vector<int64_t> &lengths,
                           const layout::Group &ulysses) {
    layout::Distribution even;
    for (int64_t length : lengths) {
      layout::Result<layout::ShardMap> map =
          layout::shardMap(even, length, ulysses);
      if (!map || !map->isUniform())
        return false;
    }
    return true;
  }

  /// `table[r]` as an index, r this process's rank on the ring axis.
  Value ringRankEntry(PatternRewriter &rewriter, HybridPackedGatherOp op,
                      const std::vector<int64_t> &table) const {
    Location loc = op.getLoc();
    Value rank = GroupRankOp::create(rewriter, loc, rewriter.getIndexType(),
                                     op.getGridAttr(),
                                     axisList(rewriter, op.getRingAxis()));
    auto type = RankedTensorType::get({static_cast<int64_t>(table.size())},
                                      rewriter.getIndexType());
    Value values = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(type, llvm::to_vector(llvm::map_range(
                                         table, [&](int64_t v) -> Attribute {
                                           return rewriter.getIndexAttr(v);
                                         }))));
    return tensor::ExtractOp::create(rewriter, loc, values, rank);
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
