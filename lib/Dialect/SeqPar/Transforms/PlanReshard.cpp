//===- PlanReshard.cpp - Lower reshards to planned collectives --*- C++ -*-===//
//
// Replaces each seqpar.reshard by the plan of layout::planReshard, one
// seqpar collective per step. The plan, every step's sharding and every
// length here come from the layout library (seqpar/Layout/Sharding.h); this
// file only picks, for each step, the op that states it.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARPLANRESHARD
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

using layout::DistKind;

/// Builds the ops of one reshard's plan.
class PlanBuilder {
public:
  PlanBuilder(OpBuilder &b, ReshardOp op, GridOp grid,
              SymbolTableCollection &symbolTables, const layout::Shape &shape)
      : b(b), loc(op.getLoc()), grid(grid), gridRef(op.getFrom().getGrid()),
        symbolTables(symbolTables), shape(shape) {}

  /// The op of `step` from `before` on `input`, which is laid out as
  /// `before`; `after` is the sharding the step leads to.
  Value build(const layout::Sharding &before, const layout::Sharding &after,
              const layout::ReshardStep &step, Value input) {
    const layout::DimSharding &dim = before.dims[step.dim];
    ArrayAttr axes = axesAttr({step.axis});
    IntegerAttr dimAttr = b.getI64IntegerAttr(step.dim);
    auto none = GradScaleAttr::get(b.getContext(), GradScale::none);
    switch (step.kind) {
    case layout::OpKind::Split: {
      // A further axis splits the held length by the split rule.
      const layout::Distribution dist =
          dim.axes.empty() ? step.dist : layout::Distribution();
      switch (dist.kind) {
      case DistKind::Zigzag:
        return createModeledOp<ZigzagSplitOp>(b, loc, symbolTables, Type(),
                                              input, gridRef, axes, dimAttr);
      case DistKind::Packed:
        return createModeledOp<PackedSplitOp>(
            b, loc, symbolTables, Type(), input, gridRef, axes, dimAttr,
            b.getDenseI64ArrayAttr(dist.values));
      default:
        return createModeledOp<SplitOp>(b, loc, symbolTables, Type(), input,
                                        gridRef, axes, dimAttr, sizesAttr(dist),
                                        none);
      }
    }
    case layout::OpKind::Gather: {
      if (dim.axes.size() == 1 && dim.dist.kind == DistKind::Zigzag)
        return createModeledOp<ZigzagGatherOp>(b, loc, symbolTables, Type(),
                                               input, gridRef, axes, dimAttr);
      if (dim.axes.size() == 1 && dim.dist.kind == DistKind::Packed)
        return createModeledOp<PackedGatherOp>(
            b, loc, symbolTables, Type(), input, gridRef, axes, dimAttr,
            b.getDenseI64ArrayAttr(dim.dist.values));
      if (dim.axes.size() == 1 && dim.dist.kind == DistKind::Sizes)
        return createModeledOp<GatherOp>(
            b, loc, symbolTables, Type(), input, gridRef, axes, dimAttr,
            sizesAttr(dim.dist), IntegerAttr(), Value(), none);
      auto [size, dynamicSize] = gatheredLength(after, step.dim);
      return createModeledOp<GatherOp>(
          b, loc, symbolTables, Type(), input, gridRef, axes, dimAttr,
          DenseI64ArrayAttr(), size, dynamicSize, none);
    }
    case layout::OpKind::AllToAll: {
      const layout::DimSharding &from = before.dims[step.fromDim];
      // The scatter: explicit sizes on a first axis, else the split rule.
      Value scatterLengths;
      if (dim.axes.empty() && step.dist.kind == DistKind::Sizes)
        scatterLengths = lengthsConstant(step.dist.values);
      // The gather: a first axis's sizes, else the length the rank holds
      // afterwards.
      IntegerAttr size;
      Value dynamicSize, gatherLengths;
      if (from.axes.size() == 1 && from.dist.kind == DistKind::Sizes)
        gatherLengths = lengthsConstant(from.dist.values);
      else
        std::tie(size, dynamicSize) = gatheredLength(after, step.fromDim);
      return createModeledOp<AllToAllOp>(
          b, loc, symbolTables, Type(), input, gridRef, axes, dimAttr,
          IntegerAttr(), b.getI64IntegerAttr(step.fromDim), IntegerAttr(), size,
          dynamicSize, scatterLengths, gatherLengths);
    }
    }
    llvm_unreachable("every step kind is handled");
  }

private:
  ArrayAttr axesAttr(ArrayRef<int64_t> axes) {
    SmallVector<Attribute> names;
    for (int64_t a : axes)
      names.push_back(grid.getAxisNames()[a]);
    return b.getArrayAttr(names);
  }

  DenseI64ArrayAttr sizesAttr(const layout::Distribution &dist) {
    if (dist.kind != DistKind::Sizes)
      return {};
    return b.getDenseI64ArrayAttr(dist.values);
  }

  Value lengthsConstant(const std::vector<int64_t> &values) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getI64Type());
    return arith::ConstantOp::create(
        b, loc, DenseIntElementsAttr::get(type, ArrayRef<int64_t>(values)));
  }

  /// The length of dim `d` that a rank holds under `after`, the result of a
  /// gather into it: a constant when every rank holds the same, else the
  /// entry of the table of layout::dimLengths for the rank's place on the
  /// dim's axes (seqpar.group_rank over them).
  std::pair<IntegerAttr, Value> gatheredLength(const layout::Sharding &after,
                                               int64_t d) {
    const std::vector<int64_t> &axes = after.dims[d].axes;
    const std::vector<int64_t> table = *layout::dimLengths(after, shape, d);
    if (llvm::all_equal(table))
      return {b.getI64IntegerAttr(table.front()), Value()};
    Value rank =
        GroupRankOp::create(b, loc, b.getIndexType(), gridRef, axesAttr(axes));
    auto type = RankedTensorType::get({static_cast<int64_t>(table.size())},
                                      b.getIndexType());
    SmallVector<Attribute> entries;
    for (int64_t v : table)
      entries.push_back(b.getIndexAttr(v));
    Value values = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, entries));
    return {IntegerAttr(), tensor::ExtractOp::create(b, loc, values, rank)};
  }

  OpBuilder &b;
  Location loc;
  GridOp grid;
  FlatSymbolRefAttr gridRef;
  SymbolTableCollection &symbolTables;
  const layout::Shape &shape;
};

struct SeqParPlanReshardPass
    : public seqpar::impl::SeqParPlanReshardBase<SeqParPlanReshardPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto [name, value] :
         {std::pair<StringRef, double>{"latency-us", latencyUs},
          {"link-gbps", linkGBps},
          {"copy-gbps", copyGBps}})
      if (!(value > 0) || value == std::numeric_limits<double>::infinity()) {
        getOperation().emitError()
            << "seqpar-plan-reshard: " << name
            << " must be a positive number, got " << value;
        return signalPassFailure();
      }
    layout::CostModel model;
    model.latency = latencyUs * 1e-6;
    model.linkBytesPerSecond = linkGBps * 1e9;
    model.copyBytesPerSecond = copyGBps * 1e9;
    SymbolTableCollection symbolTables;
    SmallVector<ReshardOp> reshards;
    getOperation().walk([&](ReshardOp op) { reshards.push_back(op); });
    for (ReshardOp op : reshards)
      if (failed(lower(op, model, symbolTables)))
        return signalPassFailure();
  }

  LogicalResult lower(ReshardOp op, const layout::CostModel &model,
                      SymbolTableCollection &symbolTables) {
    auto shardings = op.getLayoutShardings(symbolTables, /*diagnose=*/true);
    if (failed(shardings))
      return failure();
    auto grid = symbolTables.lookupNearestSymbolFrom<GridOp>(
        op, op.getFrom().getGrid());
    const layout::Shape shape(op.getShape().begin(), op.getShape().end());
    Type element = op.getType().getElementType();
    const int64_t elementBytes =
        std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
    std::vector<std::string> names;
    for (Attribute name : grid.getAxisNames())
      names.push_back(cast<StringAttr>(name).getValue().str());
    layout::Result<layout::ReshardPlan> plan =
        layout::planReshard(shardings->first, shardings->second, shape,
                            elementBytes, model, searchBudget, names);
    if (!plan)
      return op.emitOpError() << "cannot be planned: " << plan.error();
    if (explain)
      op.emitRemark() << layout::explain(*plan, names);
    OpBuilder b(op);
    PlanBuilder builder(b, op, grid, symbolTables, shape);
    Value value = op.getInput();
    layout::Sharding current = plan->from;
    for (const layout::ReshardStep &step : plan->steps) {
      layout::Sharding next = *layout::applyStep(current, step, shape);
      value = builder.build(current, next, step, value);
      current = std::move(next);
    }
    if (value.getType() != op.getType())
      value = tensor::CastOp::create(b, op.getLoc(), op.getType(), value);
    op.replaceAllUsesWith(value);
    op.erase();
    return success();
  }
};

} // namespace
