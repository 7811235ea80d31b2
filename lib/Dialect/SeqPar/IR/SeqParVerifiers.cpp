//===- SeqParVerifiers.cpp - seqpar verifiers -------------------*- C++ -*-===//
//
// The verifiers of the seqpar ops. Every resharding op is verified by the
// same two functions: local checks of its tensors, dims and axis names, and,
// once its grid resolves, the result shape that its op model infers (the
// layout library checks every size and reports the message). The grid is
// checked against the layout library's limits, and the recorded lowering form
// against the one the model gives.
//
//===----------------------------------------------------------------------===//

#include "SeqParDetail.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace seqpar;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The shape as the tensor type prints it, e.g. `2x?x8`.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      "x");
  return text;
}

static bool isSupportedElementType(Type type) {
  return type.isF64() || type.isF32() || type.isF16() || type.isBF16() ||
         type.isSignlessInteger(64) || type.isSignlessInteger(32) ||
         type.isSignlessInteger(8) || type.isSignlessInteger(1);
}

/// What every op needs of its input and (when given) result tensor.
static LogicalResult verifyTensorTypes(Operation *op, ShapedType input,
                                       ShapedType result) {
  if (input.getRank() < 1 || input.getRank() > layout::kMaxTensorRank)
    return op->emitOpError() << "input rank " << input.getRank()
                             << " is outside 1.." << layout::kMaxTensorRank;
  if (!isSupportedElementType(input.getElementType()))
    return op->emitOpError()
           << "element type " << input.getElementType()
           << " is not one of f64, f32, f16, bf16, i64, i32, i8, i1";
  if (!result)
    return success();
  if (result.getRank() != input.getRank())
    return op->emitOpError() << "result rank " << result.getRank()
                             << " differs from input rank " << input.getRank();
  if (result.getElementType() != input.getElementType())
    return op->emitOpError()
           << "result element type " << result.getElementType()
           << " differs from input element type " << input.getElementType();
  return success();
}

static LogicalResult verifyDim(Operation *op, int64_t dim, int64_t rank,
                               StringRef what) {
  if (dim >= 0 && dim < rank)
    return success();
  return op->emitOpError() << what << " " << dim
                           << " is out of range for a tensor of rank " << rank;
}

/// A group lists at least one axis, and each axis once.
static LogicalResult verifyAxisNames(Operation *op,
                                     ArrayRef<StringRef> axisNames) {
  if (axisNames.empty())
    return op->emitOpError("expected at least one grid axis");
  llvm::StringSet<> seen;
  for (StringRef name : axisNames)
    if (!seen.insert(name).second)
      return op->emitOpError()
             << "group lists axis \"" << name << "\" more than once";
  return success();
}

/// A gather size is a constant or an `index` value, not both, and not
/// negative.
static LogicalResult verifyGatherSize(Operation *op, IntegerAttr staticSize,
                                      Value dynamicSize) {
  if (staticSize && dynamicSize)
    return op->emitOpError(
        "a static and a dynamic gather_size are mutually exclusive");
  if (staticSize && staticSize.getInt() < 0)
    return op->emitOpError()
           << "gather_size " << staticSize.getInt() << " is negative";
  return success();
}

//===----------------------------------------------------------------------===//
// GridOp
//===----------------------------------------------------------------------===//

LogicalResult GridOp::verify() {
  ArrayAttr names = getAxisNames();
  ArrayRef<int64_t> shape = getShape();
  if (names.size() != shape.size())
    return emitOpError() << "has " << names.size() << " axis names but "
                         << shape.size() << " axis sizes";
  llvm::StringSet<> seen;
  for (Attribute nameAttr : names) {
    StringRef name = cast<StringAttr>(nameAttr).getValue();
    if (name.empty())
      return emitOpError("axis names must not be empty");
    if (!seen.insert(name).second)
      return emitOpError() << "axis " << nameAttr << " is declared twice";
  }
  // The limits on axes, sizes and ranks are the layout library's, which the
  // runtime checks too.
  layout::Result<layout::Grid> grid =
      layout::makeGrid(layout::Shape(shape.begin(), shape.end()));
  if (!grid)
    return emitOpError() << grid.error();
  return success();
}

std::optional<int64_t> GridOp::getAxisIndex(StringRef name) {
  for (auto [index, axis] : llvm::enumerate(getAxisNames()))
    if (cast<StringAttr>(axis).getValue() == name)
      return static_cast<int64_t>(index);
  return std::nullopt;
}

layout::Grid GridOp::getLayoutGrid() {
  return layout::Grid{layout::Shape(getShape().begin(), getShape().end())};
}

//===----------------------------------------------------------------------===//
// GroupRankOp and GroupSizeOp
//===----------------------------------------------------------------------===//

LogicalResult GroupRankOp::verify() {
  return verifyAxisNames(*this, getGroupAxes());
}

LogicalResult
GroupRankOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  return resolveGroup(*this, getGridAttr(), getGroupAxes(), symbolTables);
}

LogicalResult GroupSizeOp::verify() {
  return verifyAxisNames(*this, getGroupAxes());
}

LogicalResult
GroupSizeOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  return resolveGroup(*this, getGridAttr(), getGroupAxes(), symbolTables);
}

//===----------------------------------------------------------------------===//
// ExchangeLengthsOp
//===----------------------------------------------------------------------===//

LogicalResult ExchangeLengthsOp::verify() {
  auto input = getInput().getType();
  if (failed(verifyTensorTypes(*this, input, nullptr)) ||
      failed(verifyAxisNames(*this, getGroupAxes())))
    return failure();
  return verifyDim(*this, getDim(), input.getRank(), "dim");
}

LogicalResult
ExchangeLengthsOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<ResolvedGroup> group =
      resolveGroup(*this, getGridAttr(), getGroupAxes(), symbolTables);
  if (failed(group))
    return failure();
  SmallVector<int64_t> expected = {group->size};
  ArrayRef<int64_t> actual = getLengths().getType().getShape();
  if (actual == ArrayRef<int64_t>(expected))
    return success();
  return emitOpError() << "expected result shape " << formatShape(expected)
                       << ", got " << formatShape(actual);
}

//===----------------------------------------------------------------------===//
// The modeled ops
//===----------------------------------------------------------------------===//

LogicalResult seqpar::detail::verifyModeledOp(OpModelInterface op) {
  Operation *operation = op;
  auto input = cast<ShapedType>(operation->getOperand(0).getType());
  auto result = cast<ShapedType>(operation->getResult(0).getType());
  if (failed(verifyTensorTypes(operation, input, result)) ||
      failed(verifyAxisNames(
          operation, cast<CollectiveOpInterface>(operation).getGroupAxes())))
    return failure();
  layout::Op model = op.buildOpModel();
  int64_t rank = input.getRank();
  if (model.kind == layout::OpKind::AllToAll) {
    if (failed(verifyDim(operation, model.scatter.dim, rank, "scatter dim")) ||
        failed(verifyDim(operation, model.gather.dim, rank, "gather dim")))
      return failure();
    if (model.scatter.dim == model.gather.dim)
      return op->emitOpError()
             << "scatter dim and gather dim are both " << model.scatter.dim;
  } else {
    const layout::Move &moved =
        model.kind == layout::OpKind::Gather ? model.gather : model.scatter;
    if (failed(verifyDim(operation, moved.dim, rank, "dim")))
      return failure();
  }
  return op.verifyOwnAttributes();
}

LogicalResult
seqpar::detail::verifyModeledOpSymbolUses(OpModelInterface op,
                                          SymbolTableCollection &symbolTables) {
  Operation *operation = op;
  auto collective = cast<CollectiveOpInterface>(operation);
  FailureOr<ResolvedGroup> group =
      resolveGroup(operation, collective.getGroupGrid(),
                   collective.getGroupAxes(), symbolTables);
  if (failed(group) || failed(op.verifyGroupOperands(group->size)))
    return failure();
  FailureOr<layout::Op> model = getOpModel(operation, symbolTables);
  if (failed(model))
    return failure();
  layout::Result<layout::Shape> expected =
      layout::inferShape(*model, detail::inputShapeOf(operation));
  if (!expected)
    return op->emitOpError() << expected.error();
  ArrayRef<int64_t> actual =
      cast<ShapedType>(operation->getResult(0).getType()).getShape();
  if (actual != ArrayRef<int64_t>(*expected))
    return op->emitOpError()
           << "expected result shape " << formatShape(*expected) << ", got "
           << formatShape(actual);

  // A recorded equal or per-peer form is the one the static shapes give, so
  // that the conversion can trust it.
  LoweringForm recorded = getRecordedLoweringForm(operation);
  if (recorded == LoweringForm::Runtime)
    return success();
  FailureOr<LoweringForm> possible =
      chooseLoweringForm(operation, symbolTables);
  if (failed(possible) || *possible != recorded)
    return op->emitOpError()
           << "records the \"" << stringifyLoweringForm(recorded)
           << "\" form in '" << kLoweringAttrName
           << "' but its static shapes give the \""
           << stringifyLoweringForm(succeeded(possible) ? *possible
                                                        : LoweringForm::Runtime)
           << "\" form";
  return success();
}

LogicalResult AllToAllOp::verifyOwnAttributes() {
  if (failed(
          verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize())))
    return failure();
  if ((getGatherSizeAttr() || getDynamicGatherSize()) && getGatherLengths())
    return emitOpError("gather_size and gather_lengths are mutually exclusive");
  // The attributes are read signed: I64Attr's getters are unsigned.
  for (auto [which, slots, lengths] :
       {std::make_tuple("scatter", getScatterSlotsAttr(), getScatterLengths()),
        std::make_tuple("gather", getGatherSlotsAttr(), getGatherLengths())}) {
    if (!slots)
      continue;
    if (slots.getInt() < 1)
      return emitOpError() << which << " slots must be at least 1, got "
                           << slots.getInt();
    if (lengths)
      return emitOpError() << which << " slots and " << which
                           << "_lengths are mutually exclusive";
  }
  if (getScatterSlots() && getGatherSlots())
    return emitOpError("replicates its scatter dim or its gather dim (slots), "
                       "not both");
  if (getGatherSlots() && !getGatherSizeAttr() && !getDynamicGatherSize())
    return emitOpError("gathers replicated blocks (slots) and needs "
                       "gather_size, the gathered length");
  return success();
}

LogicalResult AllToAllOp::verifyGroupOperands(int64_t groupSize) {
  for (auto [name, lengths] :
       {std::make_pair("scatter_lengths", getScatterLengths()),
        std::make_pair("gather_lengths", getGatherLengths())}) {
    if (!lengths)
      continue;
    auto type = cast<RankedTensorType>(lengths.getType());
    if (type.getDimSize(0) != groupSize)
      return emitOpError() << name << " must hold one length per rank: "
                           << "expected " << type.clone({groupSize}) << ", got "
                           << type;
  }
  return success();
}

LogicalResult GatherOp::verifyOwnAttributes() {
  if (failed(
          verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize())))
    return failure();
  if (getSizes() && (getGatherSizeAttr() || getDynamicGatherSize()))
    return emitOpError("sizes and gather_size are mutually exclusive");
  return success();
}

LogicalResult HybridGatherOp::verifyOwnAttributes() {
  return verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize());
}

//===----------------------------------------------------------------------===//
// Discardable attributes
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Shardings and reshard
//===----------------------------------------------------------------------===//

LogicalResult ShardingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   FlatSymbolRefAttr grid,
                                   ArrayRef<DimShardingAttr> dims) {
  // What the syntax can get wrong; the layout library checks the rest
  // against the grid and the shape (ReshardOp::getLayoutShardings).
  llvm::StringMap<size_t> dimOf;
  for (auto [d, dim] : llvm::enumerate(dims)) {
    for (StringAttr axis : dim.getAxes()) {
      if (axis.getValue().empty())
        return emitError() << "dim " << d << ": axis names must not be empty";
      auto [it, inserted] = dimOf.try_emplace(axis.getValue(), d);
      if (inserted)
        continue;
      if (it->second == d)
        return emitError() << "dim " << d << " lists axis " << axis << " twice";
      return emitError() << "axis " << axis << " splits dim " << it->second
                         << " and dim " << d
                         << "; an axis splits at most one dim";
    }
    for (auto [i, v] : llvm::enumerate(dim.getValues()))
      if (v < 0)
        return emitError() << "dim " << d << ": entry " << i << " of the "
                           << layout::distName(dim.getKind()) << " is " << v
                           << ", negative";
  }
  return success();
}

FailureOr<layout::Sharding> ShardingAttr::toLayout(GridOp grid,
                                                   std::string &error) const {
  layout::Sharding sharding;
  sharding.gridShape.assign(grid.getShape().begin(), grid.getShape().end());
  for (DimShardingAttr dim : getDims()) {
    layout::DimSharding d;
    for (StringAttr axis : dim.getAxes()) {
      std::optional<int64_t> index = grid.getAxisIndex(axis.getValue());
      if (!index) {
        error = ("grid @" + grid.getSymName() + " has no axis \"" +
                 axis.getValue() + "\"")
                    .str();
        return failure();
      }
      d.axes.push_back(*index);
    }
    d.dist.kind = dim.getKind();
    d.dist.values.assign(dim.getValues().begin(), dim.getValues().end());
    sharding.dims.push_back(std::move(d));
  }
  return sharding;
}

LogicalResult ReshardOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (failed(verifyTensorTypes(*this, input,
                               cast<ShapedType>(getResult().getType()))))
    return failure();
  ArrayRef<int64_t> shape = getShape();
  if (static_cast<int64_t>(shape.size()) != input.getRank())
    return emitOpError() << "shape has " << shape.size()
                         << " sizes but the input has rank " << input.getRank();
  for (auto [d, size] : llvm::enumerate(shape))
    if (size < 0)
      return emitOpError() << "shape dim " << d << " is " << size
                           << "; a reshard needs every global size, static";
  for (auto [what, sharding] :
       {std::pair<StringRef, ShardingAttr>{"source", getFrom()},
        {"target", getTo()}})
    if (static_cast<int64_t>(sharding.getDims().size()) != input.getRank())
      return emitOpError() << "the " << what << " sharding has "
                           << sharding.getDims().size()
                           << " dims but the input has rank "
                           << input.getRank();
  if (getFrom().getGrid() != getTo().getGrid())
    return emitOpError() << "the source sharding is on " << getFrom().getGrid()
                         << " but the target on " << getTo().getGrid();
  return success();
}

FailureOr<std::pair<layout::Sharding, layout::Sharding>>
ReshardOp::getLayoutShardings(SymbolTableCollection &symbolTables,
                              bool diagnose) {
  FlatSymbolRefAttr gridName = getFrom().getGrid();
  auto grid = symbolTables.lookupNearestSymbolFrom<GridOp>(*this, gridName);
  if (!grid) {
    if (diagnose)
      emitOpError() << gridName << " does not name a seqpar.grid";
    return failure();
  }
  layout::Shape shape(getShape().begin(), getShape().end());
  std::pair<layout::Sharding, layout::Sharding> out;
  for (auto [what, attr, sharding] :
       {std::tuple<StringRef, ShardingAttr, layout::Sharding *>{
            "source", getFrom(), &out.first},
        {"target", getTo(), &out.second}}) {
    std::string error;
    FailureOr<layout::Sharding> s = attr.toLayout(grid, error);
    if (succeeded(s)) {
      layout::Result<bool> ok = layout::verifySharding(*s, shape);
      if (!ok)
        error = ok.error();
    }
    if (!error.empty()) {
      if (diagnose)
        emitOpError() << "the " << what << " sharding " << attr << ": "
                      << error;
      return failure();
    }
    *sharding = std::move(*s);
  }
  return out;
}

LogicalResult ReshardOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  auto shardings = getLayoutShardings(symbolTables, /*diagnose=*/true);
  if (failed(shardings))
    return failure();
  std::string error;
  FailureOr<SmallVector<int64_t>> from =
      getLocalShape(shardings->first, getShape(), error);
  FailureOr<SmallVector<int64_t>> to =
      getLocalShape(shardings->second, getShape(), error);
  if (failed(from) || failed(to))
    return emitOpError() << error;
  ArrayRef<int64_t> input = getInput().getType().getShape();
  for (auto [d, actual, expected] : llvm::enumerate(input, *from))
    if (!ShapedType::isDynamic(actual) && actual != expected)
      return emitOpError()
             << "input dim " << d << " is " << actual << ", but "
             << (ShapedType::isDynamic(expected)
                     ? std::string("its size differs between ranks")
                     : "every rank holds " + std::to_string(expected))
             << " under the source sharding";
  ArrayRef<int64_t> result = getResult().getType().getShape();
  if (result != ArrayRef<int64_t>(*to))
    return emitOpError() << "expected result shape " << formatShape(*to)
                         << ", got " << formatShape(result);
  return success();
}

LogicalResult SeqParDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  if (attr.getName() != kLoweringAttrName)
    return success();
  if (!isa<LoweringFormAttr>(attr.getValue()))
    return op->emitError() << "'" << kLoweringAttrName
                           << "' must be a #seqpar.lowering attribute, got "
                           << attr.getValue();
  if (auto allToAll = dyn_cast<AllToAllOp>(op);
      allToAll && (allToAll.getScatterSlots() || allToAll.getGatherSlots()))
    return op->emitError() << "'" << kLoweringAttrName
                           << "' is not valid on an all_to_all with slots: "
                              "its replicated blocks always take the "
                              "runtime's plan";
  if (!hasLoweringForm(op))
    return op->emitError() << "'" << kLoweringAttrName
                           << "' is only valid on seqpar.all_to_all, "
                              "seqpar.split and seqpar.gather, not on '"
                           << op->getName() << "'";
  return success();
}
