//===- SeqParOpModel.cpp - seqpar op models, shapes, adjoints ---*- C++ -*-===//
//
// What each seqpar collective is in the layout library's op model, stated
// once per op; the group resolution that completes a model; the result shapes
// and lowering forms that follow from it; and the adjoints, whose types come
// from the model too. No size rule is restated here: every size comes from
// seqpar/Layout/OpModel.h.
//
//===----------------------------------------------------------------------===//

#include "SeqParDetail.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

#include <tuple>

using namespace mlir;
using namespace seqpar;

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

/// Looks up the grid and the axes of a group and checks them with the layout
/// library. Reports what does not resolve on `op` when `diagnose` is set; the
/// adjoints, folds and passes run on verified IR and only need to stay safe on
/// anything else.
static FailureOr<ResolvedGroup> lookupGroup(Operation *op,
                                            FlatSymbolRefAttr gridName,
                                            ArrayRef<StringRef> axisNames,
                                            SymbolTableCollection &symbolTables,
                                            bool diagnose) {
  auto grid = symbolTables.lookupNearestSymbolFrom<GridOp>(op, gridName);
  if (!grid) {
    if (diagnose)
      op->emitOpError() << gridName << " does not name a seqpar.grid";
    return failure();
  }
  ResolvedGroup group;
  group.grid = grid;
  for (StringRef name : axisNames) {
    std::optional<int64_t> index = grid.getAxisIndex(name);
    if (!index) {
      if (diagnose)
        op->emitOpError() << "grid " << gridName << " has no axis \"" << name
                          << "\"";
      return failure();
    }
    group.axes.push_back(*index);
  }
  // The grid verifier has checked the grid unless this runs on unverified
  // IR; both checks report in the one form that names the grid.
  layout::Result<layout::Grid> layoutGrid = layout::makeGrid(
      layout::Shape(grid.getShape().begin(), grid.getShape().end()));
  layout::Result<layout::Group> layoutGroup =
      layoutGrid
          ? layout::makeGroup(
                *layoutGrid,
                std::vector<int64_t>(group.axes.begin(), group.axes.end()))
          : layout::Result<layout::Group>(layout::Error{layoutGrid.error()});
  if (!layoutGroup) {
    if (diagnose)
      op->emitOpError() << "invalid group of grid " << gridName << ": "
                        << layoutGroup.error();
    return failure();
  }
  group.size = layoutGroup->size;
  return group;
}

FailureOr<ResolvedGroup>
seqpar::resolveGroup(Operation *op, FlatSymbolRefAttr gridName,
                     ArrayRef<StringRef> axisNames,
                     SymbolTableCollection &symbolTables) {
  return lookupGroup(op, gridName, axisNames, symbolTables, /*diagnose=*/true);
}

FailureOr<int64_t> seqpar::getGroupSize(Operation *op,
                                        FlatSymbolRefAttr gridName,
                                        ArrayRef<StringRef> axisNames,
                                        SymbolTableCollection &symbolTables) {
  FailureOr<ResolvedGroup> group =
      lookupGroup(op, gridName, axisNames, symbolTables, /*diagnose=*/false);
  if (failed(group))
    return failure();
  return group->size;
}

FailureOr<int64_t> seqpar::getGroupSize(CollectiveOpInterface op,
                                        SymbolTableCollection &symbolTables) {
  return getGroupSize(op, op.getGroupGrid(), op.getGroupAxes(), symbolTables);
}

FailureOr<int64_t> seqpar::getGroupSize(CollectiveOpInterface op) {
  SymbolTableCollection symbolTables;
  return getGroupSize(op, symbolTables);
}

//===----------------------------------------------------------------------===//
// Op models
//===----------------------------------------------------------------------===//

namespace {
using layout::DistKind;

/// A move of `dim` distributed as `kind`.
layout::Move makeMove(int64_t dim, DistKind kind,
                      std::optional<ArrayRef<int64_t>> values = std::nullopt,
                      int64_t length = layout::kDefaultLength,
                      int64_t innerAxes = 0) {
  layout::Move m;
  m.dim = dim;
  m.dist.kind = kind;
  if (values)
    m.dist.values.assign(values->begin(), values->end());
  m.dist.length = length;
  m.dist.innerAxes = innerAxes;
  return m;
}

/// The length of a gather: a static gather_size, one given at run time, or
/// the default (every rank's own length).
int64_t gatherLength(IntegerAttr staticSize, Value dynamicSize) {
  if (staticSize)
    return staticSize.getInt();
  if (dynamicSize)
    return layout::kRuntimeLength;
  return layout::kDefaultLength;
}

/// The model of a split (`moved` is its scatter move) or a gather (its
/// gather move). Its scale stays None: an op's grad_scale is the factor of
/// its adjoint (getAdjointFactor), the op itself moves its data unscaled.
layout::Op oneMoveModel(layout::OpKind kind, layout::Move moved) {
  layout::Op op;
  op.kind = kind;
  (kind == layout::OpKind::Gather ? op.gather : op.scatter) = std::move(moved);
  return op;
}

layout::Op splitModel(layout::Move scatter) {
  return oneMoveModel(layout::OpKind::Split, std::move(scatter));
}

layout::Op gatherModel(layout::Move gather) {
  return oneMoveModel(layout::OpKind::Gather, std::move(gather));
}

/// The hybrid ops distribute over the group [ring, ulysses]: the ring level
/// first, each ring piece split again over the last (Ulysses) axis.
constexpr int64_t kHybridInnerAxes = 1;
} // namespace

layout::Op AllToAllOp::buildOpModel() {
  layout::Op op;
  op.kind = layout::OpKind::AllToAll;
  // The verifier rejects slots together with the lengths of the same dim;
  // slots win here so that the model of an invalid op still says so.
  if (IntegerAttr slots = getScatterSlotsAttr())
    op.scatter = makeMove(getScatterDim(), DistKind::Replicated,
                          ArrayRef<int64_t>{slots.getInt()});
  else if (getScatterLengths())
    op.scatter =
        makeMove(getScatterDim(), DistKind::Sizes, ArrayRef<int64_t>());
  else
    op.scatter = makeMove(getScatterDim(), DistKind::Even);
  int64_t length = gatherLength(getGatherSizeAttr(), getDynamicGatherSize());
  if (IntegerAttr slots = getGatherSlotsAttr())
    op.gather = makeMove(getGatherDim(), DistKind::Replicated,
                         ArrayRef<int64_t>{slots.getInt()}, length);
  else if (getGatherLengths())
    op.gather = makeMove(getGatherDim(), DistKind::Sizes, ArrayRef<int64_t>());
  else
    op.gather = makeMove(getGatherDim(), DistKind::Even, std::nullopt, length);
  return op;
}

layout::Op SplitOp::buildOpModel() {
  std::optional<ArrayRef<int64_t>> sizes = getSizes();
  return splitModel(
      makeMove(getDim(), sizes ? DistKind::Sizes : DistKind::Even, sizes));
}

layout::Op GatherOp::buildOpModel() {
  if (std::optional<ArrayRef<int64_t>> sizes = getSizes())
    return gatherModel(makeMove(getDim(), DistKind::Sizes, sizes));
  return gatherModel(
      makeMove(getDim(), DistKind::Even, std::nullopt,
               gatherLength(getGatherSizeAttr(), getDynamicGatherSize())));
}

layout::Op ZigzagSplitOp::buildOpModel() {
  return splitModel(makeMove(getDim(), DistKind::Zigzag));
}

layout::Op ZigzagGatherOp::buildOpModel() {
  return gatherModel(makeMove(getDim(), DistKind::Zigzag));
}

layout::Op PackedSplitOp::buildOpModel() {
  return splitModel(makeMove(getDim(), DistKind::Packed, getSeqLens()));
}

layout::Op PackedGatherOp::buildOpModel() {
  return gatherModel(makeMove(getDim(), DistKind::Packed, getSeqLens()));
}

layout::Op HybridSplitOp::buildOpModel() {
  return splitModel(makeMove(getDim(), DistKind::Zigzag, std::nullopt,
                             layout::kDefaultLength, kHybridInnerAxes));
}

layout::Op HybridGatherOp::buildOpModel() {
  return gatherModel(
      makeMove(getDim(), DistKind::Zigzag, std::nullopt,
               gatherLength(getGatherSizeAttr(), getDynamicGatherSize()),
               kHybridInnerAxes));
}

layout::Op HybridPackedSplitOp::buildOpModel() {
  return splitModel(makeMove(getDim(), DistKind::Packed, getSeqLens(),
                             layout::kDefaultLength, kHybridInnerAxes));
}

layout::Op HybridPackedGatherOp::buildOpModel() {
  return gatherModel(makeMove(getDim(), DistKind::Packed, getSeqLens(),
                              layout::kDefaultLength, kHybridInnerAxes));
}

FailureOr<layout::Op> seqpar::getOpModel(Operation *op,
                                         SymbolTableCollection &symbolTables) {
  auto modeled = dyn_cast<OpModelInterface>(op);
  auto collective = dyn_cast<CollectiveOpInterface>(op);
  if (!modeled || !collective)
    return failure();
  FlatSymbolRefAttr gridName = collective.getGroupGrid();
  auto grid = symbolTables.lookupNearestSymbolFrom<GridOp>(op, gridName);
  if (!grid)
    return failure();
  layout::Op model = modeled.buildOpModel();
  model.gridShape.assign(grid.getShape().begin(), grid.getShape().end());
  for (StringRef name : collective.getGroupAxes()) {
    std::optional<int64_t> index = grid.getAxisIndex(name);
    if (!index)
      return failure();
    model.axes.push_back(*index);
  }
  return model;
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
seqpar::inferResultShape(Operation *op, ArrayRef<int64_t> inputShape,
                         SymbolTableCollection &symbolTables) {
  FailureOr<layout::Op> model = getOpModel(op, symbolTables);
  if (failed(model))
    return failure();
  layout::Result<layout::Shape> shape = layout::inferShape(
      *model, layout::Shape(inputShape.begin(), inputShape.end()));
  if (!shape)
    return failure();
  return SmallVector<int64_t>(shape->begin(), shape->end());
}

LogicalResult
seqpar::setInferredResultType(Operation *op,
                              SymbolTableCollection &symbolTables) {
  auto inputType = cast<RankedTensorType>(op->getOperand(0).getType());
  FailureOr<SmallVector<int64_t>> shape =
      inferResultShape(op, inputType.getShape(), symbolTables);
  if (failed(shape))
    return failure();
  op->getResult(0).setType(inputType.clone(*shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Lowering forms
//===----------------------------------------------------------------------===//

/// The moves of a model that it has (a split has no gather move, say).
static SmallVector<const layout::Move *> movesOf(const layout::Op &model) {
  SmallVector<const layout::Move *> moves;
  for (const layout::Move *m : {&model.scatter, &model.gather})
    if (m->dim >= 0)
      moves.push_back(m);
  return moves;
}

bool seqpar::hasLoweringForm(Operation *op) {
  auto modeled = dyn_cast<OpModelInterface>(op);
  if (!modeled)
    return false;
  layout::Op model = modeled.buildOpModel();
  return llvm::all_of(movesOf(model), [](const layout::Move *m) {
    return m->dist.innerAxes == 0 &&
           (m->dist.kind == DistKind::Even || m->dist.kind == DistKind::Sizes);
  });
}

FailureOr<LoweringForm>
seqpar::chooseLoweringForm(Operation *op, SymbolTableCollection &symbolTables) {
  if (!hasLoweringForm(op))
    return LoweringForm::Runtime;
  FailureOr<layout::Op> model = getOpModel(op, symbolTables);
  if (failed(model))
    return failure();
  layout::Result<layout::PieceBalance> balance =
      layout::pieceBalance(*model, detail::inputShapeOf(op));
  if (!balance)
    return failure();
  switch (*balance) {
  case layout::PieceBalance::Equal:
    return LoweringForm::Equal;
  case layout::PieceBalance::Unequal:
    return LoweringForm::PerPeer;
  case layout::PieceBalance::Unknown:
    break;
  }
  return LoweringForm::Runtime;
}

LoweringForm seqpar::getRecordedLoweringForm(Operation *op) {
  if (auto attr = op->getAttrOfType<LoweringFormAttr>(kLoweringAttrName))
    return attr.getValue();
  return LoweringForm::Runtime;
}

//===----------------------------------------------------------------------===//
// Adjoints
//===----------------------------------------------------------------------===//

FailureOr<GradFactor>
seqpar::detail::scaledFactor(CollectiveOpInterface op,
                             SymbolTableCollection &symbolTables,
                             GradScale scale) {
  FailureOr<int64_t> groupSize = getGroupSize(op, symbolTables);
  if (failed(groupSize))
    return failure();
  switch (scale) {
  case GradScale::up:
    return GradFactor{*groupSize, 1};
  case GradScale::down:
    return GradFactor{1, *groupSize};
  case GradScale::none:
    break;
  }
  return GradFactor{};
}

FailureOr<GradFactor> AllToAllOp::getAdjointFactor(SymbolTableCollection &) {
  return GradFactor{};
}

/// The gather_size of an adjoint that gathers dim `dim` of `tensor` back:
/// its length as a static attribute or an `index` value; none where the
/// pieces are given explicitly (`explicitPieces`), which the adjoint carries
/// over instead.
static std::pair<IntegerAttr, Value>
adjointGatherSize(OpBuilder &b, Location loc, Value tensor, int64_t dim,
                  bool explicitPieces) {
  if (explicitPieces)
    return {};
  int64_t size = cast<ShapedType>(tensor.getType()).getDimSize(dim);
  if (!ShapedType::isDynamic(size))
    return {b.getI64IntegerAttr(size), Value()};
  return {IntegerAttr(), tensor::DimOp::create(b, loc, tensor, dim)};
}

Value AllToAllOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  // The reverse op gathers back the scatter dim: its full length S, or the
  // scatter lengths, which the lengths operand carries; lengths and slots
  // swap (a replicating scatter's adjoint sums the replicas).
  return detail::buildAdjointOp<AllToAllOp>(*this, b, resultGrad, [&] {
    auto [gatherSize, dynamicGatherSize] =
        adjointGatherSize(b, getLoc(), getInput(), getScatterDim(),
                          static_cast<bool>(getScatterLengths()));
    return std::make_tuple(getGridAttr(), getAxesAttr(), getGatherDimAttr(),
                           getGatherSlotsAttr(), getScatterDimAttr(),
                           getScatterSlotsAttr(), gatherSize, dynamicGatherSize,
                           getGatherLengths(), getScatterLengths());
  });
}

Value SplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  // Explicit sizes carry over; the split rule's pieces are those of a gather
  // of the input's length.
  return detail::buildAdjointOp<GatherOp>(*this, b, resultGrad, [&] {
    auto [gatherSize, dynamicGatherSize] = adjointGatherSize(
        b, getLoc(), getInput(), getDim(), getSizes().has_value());
    return std::make_tuple(getGridAttr(), getAxesAttr(), getDimAttr(),
                           getSizesAttr(), gatherSize, dynamicGatherSize,
                           GradScaleAttr::get(getContext(), GradScale::none));
  });
}

Value GatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  // Explicit sizes carry over; a gather_size or equal pieces are the split
  // rule of the gathered length.
  return detail::buildAdjointOp<SplitOp>(*this, b, resultGrad, [&] {
    return std::make_tuple(getGridAttr(), getAxesAttr(), getDimAttr(),
                           getSizesAttr(),
                           GradScaleAttr::get(getContext(), GradScale::none));
  });
}

Value HybridSplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  // The hybrid gather of the forward input's length.
  return detail::buildAdjointOp<HybridGatherOp>(*this, b, resultGrad, [&] {
    auto [gatherSize, dynamicGatherSize] = adjointGatherSize(
        b, getLoc(), getInput(), getDim(), /*explicitPieces=*/false);
    return std::tuple_cat(detail::groupAndDim(*this),
                          std::make_tuple(gatherSize, dynamicGatherSize));
  });
}

//===----------------------------------------------------------------------===//
// Shardings and reshard
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
seqpar::getLocalShape(const layout::Sharding &sharding, ArrayRef<int64_t> shape,
                      std::string &error) {
  const layout::Shape global(shape.begin(), shape.end());
  SmallVector<int64_t> local;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    layout::Result<std::vector<int64_t>> lengths =
        layout::dimLengths(sharding, global, d);
    if (!lengths) {
      error = lengths.error();
      return failure();
    }
    const bool uniform = llvm::all_equal(*lengths);
    local.push_back(uniform ? lengths->front() : ShapedType::kDynamic);
  }
  return local;
}

Value ReshardOp::buildAdjoint(OpBuilder &builder, Value resultGrad) {
  return ReshardOp::create(builder, getLoc(), getInput().getType(), resultGrad,
                           getTo(), getFrom(), getShapeAttr());
}

FailureOr<GradFactor>
ReshardOp::getAdjointFactor(SymbolTableCollection &symbolTables) {
  if (failed(getLayoutShardings(symbolTables)))
    return failure();
  return GradFactor{};
}
