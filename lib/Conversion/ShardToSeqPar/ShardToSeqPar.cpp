//===- ShardToSeqPar.cpp - Upstream shard IR into seqpar --------*- C++ -*-===//
//
// Converts what upstream's shard-partition leaves (shard grids, all_to_all,
// all_gather, all_slice and the process queries) into seqpar ops, one
// pattern per op, so that seqpar's pipeline lowers and runs it.
//
// The upstream semantics followed here (MLIR 22):
// - A collective's group numbers its processes row-major over its grid axes
//   in the order listed (createProcessLinearIndex in Shard/Transforms, which
//   the all_slice lowering and ShardToMPI's communicator split use): seqpar's
//   group rule, so axes map one to one, in order.
// - Uneven pieces go to the trailing shards (ShardToMPI's lowering of
//   shard.shard_shape: dim / n + (idx >= n - dim % n)), seqpar's split rule
//   gives them to the first ranks. The shard sizes are the reverse of the
//   split rule's; a static uneven split names them explicitly, a dynamic one
//   is checked at run time to divide evenly (upstream's all_slice lowering
//   asserts the same).
//
// Every seqpar op built is checked with seqpar's own verifiers; what they
// reject is reported on the shard op. No size rule is computed here: sizes
// come from the Layout library and result types from the op model.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/ShardToSeqPar/ShardToSeqPar.h"

#include "seqpar/Conversion/Passes.h"
#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"
#include "seqpar/Layout/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <numeric>

namespace seqpar {
#define GEN_PASS_DEF_CONVERTSHARDTOSEQPAR
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// The seqpar names of shard grid axes: axis `k` is named "k".
ArrayAttr axisNames(MLIRContext *ctx, ArrayRef<shard::GridAxis> axes) {
  return ArrayAttr::get(
      ctx, llvm::map_to_vector(axes, [&](shard::GridAxis axis) -> Attribute {
        return StringAttr::get(ctx, Twine(axis));
      }));
}

/// Every axis of a grid of `rank` axes, in order.
SmallVector<shard::GridAxis> allAxes(int64_t rank) {
  SmallVector<shard::GridAxis> axes(rank);
  std::iota(axes.begin(), axes.end(), 0);
  return axes;
}

/// The seqpar grid behind `name` (converted from a shard grid first), or an
/// error on `op`.
FailureOr<seqpar::GridOp> lookupGrid(Operation *op, FlatSymbolRefAttr name,
                                     SymbolTableCollection &symbolTables) {
  if (auto grid =
          symbolTables.lookupNearestSymbolFrom<seqpar::GridOp>(op, name))
    return grid;
  return op->emitOpError() << "names " << name << ", which is not a grid";
}

/// Checks `built`, a seqpar op just made for `op`, with seqpar's verifiers;
/// when they reject it, erases it and reports their message on `op`.
LogicalResult verifyBuilt(Operation *op, Operation *built,
                          SymbolTableCollection &symbolTables,
                          ConversionPatternRewriter &rewriter) {
  std::string message;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler capture(op->getContext(), [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    verified = mlir::verify(built, /*verifyRecursively=*/false);
    if (succeeded(verified))
      verified =
          cast<SymbolUserOpInterface>(built).verifySymbolUses(symbolTables);
  }
  if (succeeded(verified))
    return success();
  rewriter.eraseOp(built);
  return op->emitOpError() << "cannot be expressed in seqpar: " << message;
}

/// Replaces `op` by `value`, cast to the type of `op`'s result where they
/// differ (seqpar's result types can be more static than shard's).
LogicalResult replaceWithCast(Operation *op, Value value,
                              ConversionPatternRewriter &rewriter) {
  Type type = op->getResult(0).getType();
  if (value.getType() != type) {
    if (!tensor::CastOp::areCastCompatible(value.getType(), type))
      return op->emitOpError() << "has result type " << type
                               << " but seqpar computes " << value.getType();
    value = tensor::CastOp::create(rewriter, op->getLoc(), type, value);
  }
  rewriter.replaceOp(op, value);
  return success();
}

/// The group of a shard collective in seqpar's terms.
struct Group {
  FlatSymbolRefAttr grid;
  ArrayAttr axes;
  int64_t size;
};

/// The sizes in which shard splits dim `dim` of `input` over `group`, where
/// seqpar's split rule would split it differently. Shard gives the remainder
/// to the trailing shards, the split rule to the leading ranks, so the shard
/// sizes are the split rule's reversed. A static dim gets them when they are
/// uneven; a dynamic dim gets a run-time check that it divides evenly, where
/// both rules agree. `what` names the shard attribute that chose the dim.
FailureOr<std::optional<SmallVector<int64_t>>>
shardSplitSizes(Operation *op, StringRef what, Value input, int64_t dim,
                const Group &group, ConversionPatternRewriter &rewriter) {
  int64_t parts = group.size;
  auto type = cast<RankedTensorType>(input.getType());
  if (dim < 0 || dim >= type.getRank())
    return op->emitOpError()
           << what << " " << dim << " is not a dim of " << type;
  int64_t length = type.getDimSize(dim);
  if (ShapedType::isDynamic(length)) {
    if (parts > 1) {
      Location loc = op->getLoc();
      Value size = tensor::DimOp::create(rewriter, loc, input, dim);
      Value rest = arith::RemUIOp::create(
          rewriter, loc, size,
          arith::ConstantIndexOp::create(rewriter, loc, parts));
      Value even = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, rest,
          arith::ConstantIndexOp::create(rewriter, loc, 0));
      cf::AssertOp::create(
          rewriter, loc, even,
          llvm::formatv("'{0}' {1} {2}: the dynamic size does not divide into "
                        "{3} equal pieces (shard gives the remainder to the "
                        "last shards)",
                        op->getName(), what, dim, parts)
              .str());
    }
    return std::optional<SmallVector<int64_t>>();
  }
  layout::Result<std::vector<int64_t>> sizes =
      layout::splitSizes(length, parts);
  if (!sizes)
    return op->emitOpError()
           << what << " " << dim << " of " << type << ": " << sizes.error();
  if (layout::allEqual(*sizes))
    return std::optional<SmallVector<int64_t>>();
  // Over several axes, upstream's shard_shape lowering places the remainder
  // by the process's index on the first axis alone, which does not add up to
  // the dim: no layout to follow.
  if (group.axes.size() > 1)
    return op->emitOpError()
           << what << " " << dim << " of size " << length
           << " does not divide into " << parts << " equal pieces over "
           << group.axes.size()
           << " grid axes, where shard defines no layout for the remainder";
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(sizes->rbegin(), sizes->rend()));
}

// The seqpar op of each shard collective, built with a placeholder result
// type that the caller replaces with the inferred one.

FailureOr<Operation *> buildSeqPar(shard::AllToAllOp op, Value input,
                                   const Group &group,
                                   ConversionPatternRewriter &rewriter) {
  int64_t scatter = op.getSplitAxis().getSExtValue();
  FailureOr<std::optional<SmallVector<int64_t>>> sizes =
      shardSplitSizes(op, "split_axis", input, scatter, group, rewriter);
  if (failed(sizes))
    return failure();
  Location loc = op.getLoc();
  Value lengths;
  if (*sizes) {
    auto lengthsType = RankedTensorType::get(
        {static_cast<int64_t>((*sizes)->size())}, rewriter.getI64Type());
    lengths = arith::ConstantOp::create(
        rewriter, loc, DenseIntElementsAttr::get(lengthsType, **sizes));
  }
  return seqpar::AllToAllOp::create(
             rewriter, loc, input.getType(), input, group.grid, group.axes,
             rewriter.getI64IntegerAttr(scatter), IntegerAttr(),
             rewriter.getI64IntegerAttr(op.getConcatAxis().getSExtValue()),
             IntegerAttr(), IntegerAttr(), Value(), lengths, Value())
      .getOperation();
}

FailureOr<Operation *> buildSeqPar(shard::AllGatherOp op, Value input,
                                   const Group &group,
                                   ConversionPatternRewriter &rewriter) {
  // Every process contributes its whole input: equal pieces, no sizes.
  return seqpar::GatherOp::create(
             rewriter, op.getLoc(), input.getType(), input, group.grid,
             group.axes,
             rewriter.getI64IntegerAttr(op.getGatherAxis().getSExtValue()),
             DenseI64ArrayAttr(), IntegerAttr(), Value())
      .getOperation();
}

FailureOr<Operation *> buildSeqPar(shard::AllSliceOp op, Value input,
                                   const Group &group,
                                   ConversionPatternRewriter &rewriter) {
  int64_t dim = op.getSliceAxis().getSExtValue();
  FailureOr<std::optional<SmallVector<int64_t>>> sizes =
      shardSplitSizes(op, "slice_axis", input, dim, group, rewriter);
  if (failed(sizes))
    return failure();
  return seqpar::SplitOp::create(rewriter, op.getLoc(), input.getType(), input,
                                 group.grid, group.axes,
                                 rewriter.getI64IntegerAttr(dim),
                                 *sizes ? rewriter.getDenseI64ArrayAttr(**sizes)
                                        : DenseI64ArrayAttr())
      .getOperation();
}

/// A shard collective on tensors: the seqpar op on the same group (the
/// identity on no grid axes, a group of one process).
template <typename ShardOpTy>
struct CollectiveLowering : OpConversionPattern<ShardOpTy> {
  CollectiveLowering(MLIRContext *ctx, SymbolTableCollection &symbolTables)
      : OpConversionPattern<ShardOpTy>(ctx), symbolTables(symbolTables) {}

  LogicalResult
  matchAndRewrite(ShardOpTy op, typename ShardOpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    if (op.getGridAxes().empty())
      return replaceWithCast(op, input, rewriter);
    MLIRContext *ctx = op.getContext();
    Group group{op.getGridAttr(), axisNames(ctx, op.getGridAxes()), 1};
    SmallVector<StringRef> names =
        llvm::to_vector(group.axes.template getAsValueRange<StringAttr>());
    // seqpar's checks of the group, reported on the shard op.
    FailureOr<ResolvedGroup> resolved =
        resolveGroup(op, group.grid, names, symbolTables);
    if (failed(resolved))
      return failure();
    group.size = resolved->size;
    FailureOr<Operation *> built = buildSeqPar(op, input, group, rewriter);
    if (failed(built))
      return failure();
    // The result type is the op model's; the verifier checks the rest.
    (void)setInferredResultType(*built, symbolTables);
    if (failed(verifyBuilt(op, *built, symbolTables, rewriter)))
      return failure();
    return replaceWithCast(op, (*built)->getResult(0), rewriter);
  }

  SymbolTableCollection &symbolTables;
};

/// A process query: the seqpar group rank of each listed group, or constants.
template <typename ShardOpTy>
struct QueryLowering : OpConversionPattern<ShardOpTy> {
  QueryLowering(MLIRContext *ctx, SymbolTableCollection &symbolTables)
      : OpConversionPattern<ShardOpTy>(ctx), symbolTables(symbolTables) {}

  LogicalResult
  matchAndRewrite(ShardOpTy op, typename ShardOpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<seqpar::GridOp> grid =
        lookupGrid(op, op.getGridAttr(), symbolTables);
    if (failed(grid))
      return failure();
    int64_t rank = grid->getShape().size();
    SmallVector<shard::GridAxis> axes = allAxes(rank);
    if constexpr (!std::is_same_v<ShardOpTy, shard::ProcessLinearIndexOp>)
      if (!op.getAxes().empty())
        axes = llvm::to_vector(op.getAxes());
    for (shard::GridAxis axis : axes)
      if (axis < 0 || axis >= rank)
        return op.emitOpError()
               << "axis " << axis << " is not an axis of " << op.getGridAttr();
    if (op->getNumResults() !=
        (std::is_same_v<ShardOpTy, shard::ProcessLinearIndexOp> ? 1
                                                                : axes.size()))
      return op.emitOpError() << "has " << op->getNumResults()
                              << " results for " << axes.size() << " axes";

    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    SmallVector<Value> results;
    auto groupRank = [&](ArrayRef<shard::GridAxis> group) -> LogicalResult {
      auto rankOp =
          seqpar::GroupRankOp::create(rewriter, loc, rewriter.getIndexType(),
                                      op.getGridAttr(), axisNames(ctx, group));
      if (failed(verifyBuilt(op, rankOp, symbolTables, rewriter)))
        return failure();
      results.push_back(rankOp);
      return success();
    };
    if constexpr (std::is_same_v<ShardOpTy, shard::ProcessLinearIndexOp>) {
      // Row-major over every axis: the rank in the whole grid.
      if (failed(groupRank(axes)))
        return failure();
    } else if constexpr (std::is_same_v<ShardOpTy,
                                        shard::ProcessMultiIndexOp>) {
      for (shard::GridAxis axis : axes)
        if (failed(groupRank(axis)))
          return failure();
    } else {
      for (shard::GridAxis axis : axes)
        results.push_back(arith::ConstantIndexOp::create(
            rewriter, loc, grid->getShape()[axis]));
    }
    rewriter.replaceOp(op, results);
    return success();
  }

  SymbolTableCollection &symbolTables;
};

/// `shard.grid` becomes a seqpar grid of the same name and shape, axis `k`
/// named "k".
struct GridLowering : OpConversionPattern<shard::GridOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(shard::GridOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> shape = op.getShape();
    for (auto [axis, size] : llvm::enumerate(shape))
      if (ShapedType::isDynamic(size))
        return op.emitOpError()
               << "grid @" << op.getSymName() << " has a dynamic size on axis "
               << axis << "; seqpar grids are static";
    layout::Result<layout::Grid> grid =
        layout::makeGrid(layout::Shape(shape.begin(), shape.end()));
    if (!grid)
      return op.emitOpError()
             << "grid @" << op.getSymName()
             << " is not a valid seqpar grid: " << grid.error();
    auto seqparGrid = seqpar::GridOp::create(
        rewriter, op.getLoc(), op.getSymName(),
        axisNames(op.getContext(), allAxes(shape.size())), shape);
    rewriter.replaceOp(op, seqparGrid);
    return success();
  }
};

/// Every other shard op: unused shardings vanish, the rest is reported.
struct OtherShardOpLowering : ConversionPattern {
  OtherShardOpLowering(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/0, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa_and_nonnull<shard::ShardDialect>(op->getDialect()) ||
        isa<shard::GridOp, shard::AllToAllOp, shard::AllGatherOp,
            shard::AllSliceOp, shard::ProcessLinearIndexOp,
            shard::ProcessMultiIndexOp, shard::GridShapeOp>(op))
      return failure();
    if (isa<shard::ShardingOp>(op)) {
      if (op->use_empty()) {
        rewriter.eraseOp(op);
        return success();
      }
      // Its shard users are reported.
      if (llvm::all_of(op->getUsers(), [](Operation *user) {
            return isa_and_nonnull<shard::ShardDialect>(user->getDialect());
          }))
        return failure();
    }
    if (isa<shard::ShardOp>(op))
      return op->emitError()
             << "seqpar has no lowering for 'shard.shard' (a sharding "
                "annotation): run sharding-propagation and shard-partition "
                "before convert-shard-to-seqpar";
    return op->emitError() << "seqpar has no lowering for '" << op->getName()
                           << "'";
  }
};

struct ConvertShardToSeqParPass
    : seqpar::impl::ConvertShardToSeqParBase<ConvertShardToSeqParPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // Shard ops are left unmarked: one that no pattern converts has been
    // reported by its pattern, and fails the pass below.
    ConversionTarget target(*ctx);
    target.addLegalDialect<SeqParDialect, arith::ArithDialect,
                           cf::ControlFlowDialect, tensor::TensorDialect>();
    auto shardOpsLeft = [&] {
      return module
          .walk([](Operation *op) {
            return isa_and_nonnull<shard::ShardDialect>(op->getDialect())
                       ? WalkResult::interrupt()
                       : WalkResult::advance();
          })
          .wasInterrupted();
    };

    // Grids first, so that the collectives find seqpar grids.
    RewritePatternSet gridPatterns(ctx);
    populateShardGridToSeqParPatterns(gridPatterns);
    if (failed(
            applyPartialConversion(module, target, std::move(gridPatterns))) ||
        llvm::any_of(module.getOps<shard::GridOp>(),
                     [](shard::GridOp) { return true; }))
      return signalPassFailure();

    SymbolTableCollection symbolTables;
    RewritePatternSet patterns(ctx);
    populateShardToSeqParPatterns(patterns, symbolTables);
    if (failed(applyPartialConversion(module, target, std::move(patterns))) ||
        shardOpsLeft())
      return signalPassFailure();
  }
};

} // namespace

void seqpar::populateShardGridToSeqParPatterns(RewritePatternSet &patterns) {
  patterns.add<GridLowering>(patterns.getContext());
}

void seqpar::populateShardToSeqParPatterns(
    RewritePatternSet &patterns, SymbolTableCollection &symbolTables) {
  patterns.add<CollectiveLowering<shard::AllToAllOp>,
               CollectiveLowering<shard::AllGatherOp>,
               CollectiveLowering<shard::AllSliceOp>,
               QueryLowering<shard::ProcessLinearIndexOp>,
               QueryLowering<shard::ProcessMultiIndexOp>,
               QueryLowering<shard::GridShapeOp>>(patterns.getContext(),
                                                  symbolTables);
  patterns.add<OtherShardOpLowering>(patterns.getContext());
}
