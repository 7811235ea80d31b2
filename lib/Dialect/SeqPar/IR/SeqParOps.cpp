//===- SeqParOps.cpp - seqpar verifiers, assembly, adjoints -----*- C++ -*-===//
//
// Verification of the seqpar ops against the normative semantics, the custom
// assembly directives, result shape inference and the adjoint interface. All
// sizes come from the layout library; nothing here restates a size rule.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <climits>

using namespace mlir;
using namespace seqpar;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::vector<int64_t> toVector(ArrayRef<int64_t> values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

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

/// The size every rank holds when the rule gives all ranks the same one; a
/// rank-dependent size is dynamic in rank-generic IR.
static int64_t uniformOrDynamic(const std::vector<int64_t> &local) {
  if (local.empty() || !layout::allEqual(local))
    return ShapedType::kDynamic;
  return local.front();
}

/// `size * factor`, or dynamic when `size` is; the verifiers reject the
/// products that overflow, and the fallback keeps unverified input from
/// reaching undefined behaviour.
static int64_t timesOrDynamic(int64_t size, int64_t factor) {
  if (ShapedType::isDynamic(size))
    return ShapedType::kDynamic;
  return llvm::checkedMul(size, factor).value_or(ShapedType::kDynamic);
}

/// The per-rank sizes for a diagnostic; long lists (large groups) keep their
/// first and last entries so that the message stays readable.
static std::string formatRankSizes(const std::vector<int64_t> &sizes) {
  constexpr size_t kShown = 8;
  if (sizes.size() <= 2 * kShown)
    return layout::str(sizes);
  ArrayRef<int64_t> all(sizes);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(all.take_front(kShown), os);
  os << ", ..., ";
  llvm::interleaveComma(all.take_back(kShown), os);
  os << "] (" << sizes.size() << " ranks)";
  return text;
}

static std::optional<int64_t> checkedSum(ArrayRef<int64_t> values) {
  int64_t acc = 0;
  for (int64_t v : values) {
    std::optional<int64_t> next = llvm::checkedAdd(acc, v);
    if (!next)
      return std::nullopt;
    acc = *next;
  }
  return acc;
}

static bool isSupportedElementType(Type type) {
  return type.isF64() || type.isF32() || type.isF16() || type.isBF16() ||
         type.isSignlessInteger(64) || type.isSignlessInteger(32) ||
         type.isSignlessInteger(8) || type.isSignlessInteger(1);
}

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

/// What every resharding op needs of its input and (when given) result.
static LogicalResult verifyTensorTypes(Operation *op, ShapedType input,
                                       ShapedType result) {
  if (input.getRank() < 1 || input.getRank() > 6)
    return op->emitOpError()
           << "input rank " << input.getRank() << " is outside 1..6";
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
                               const char *what) {
  std::string message = layout::checkDim(dim, rank, what);
  if (!message.empty())
    return op->emitOpError() << message;
  return success();
}

static LogicalResult verifyAxesNotEmpty(Operation *op, ArrayAttr axes) {
  if (axes.empty())
    return op->emitOpError("expected at least one grid axis");
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

/// The sum of `values`, which the layout library's checks compute too; fails
/// where that would overflow.
static FailureOr<int64_t> verifySum(Operation *op, StringRef what,
                                    ArrayRef<int64_t> values) {
  std::optional<int64_t> total = checkedSum(values);
  if (!total)
    return op->emitOpError() << what << " " << layout::str(toVector(values))
                             << " overflow int64 when summed";
  return *total;
}

/// `size * ranks` for a gather of a static dim of `size` over `ranks` ranks.
static LogicalResult verifyTimesRanks(Operation *op, int64_t dim, int64_t size,
                                      int64_t ranks) {
  if (ShapedType::isDynamic(size) || llvm::checkedMul(size, ranks))
    return success();
  return op->emitOpError() << "dim " << dim << " of size " << size << " times "
                           << ranks << " ranks overflows int64";
}

/// A static input dim claims the same local length on every rank; `local` is
/// what the op's rule gives each rank.
static LogicalResult verifyLocalLength(Operation *op, int64_t dim, int64_t size,
                                       const std::vector<int64_t> &local) {
  if (ShapedType::isDynamic(size))
    return success();
  if (!layout::allEqual(local))
    return op->emitOpError()
           << "input dim " << dim << " has static size " << size
           << " but the ranks hold " << formatRankSizes(local)
           << ", so it must be dynamic";
  if (local.front() != size)
    return op->emitOpError() << "input dim " << dim << " has size " << size
                             << " but every rank holds " << local.front();
  return success();
}

static LogicalResult verifyResultShape(Operation *op,
                                       ArrayRef<int64_t> expected,
                                       ShapedType actual) {
  if (actual.getShape() == expected)
    return success();
  return op->emitOpError() << "expected result shape " << formatShape(expected)
                           << ", got " << formatShape(actual.getShape());
}

/// Reports a layout check's message, if any, after `prefix`.
static LogicalResult verifyLayoutCheck(Operation *op, const std::string &error,
                                       const Twine &prefix = "") {
  if (error.empty())
    return success();
  return op->emitOpError() << prefix << error;
}

//===----------------------------------------------------------------------===//
// Custom directives
//===----------------------------------------------------------------------===//

/// `["ring" = 2, "ulysses" = 4]`.
static ParseResult parseGridAxes(OpAsmParser &parser, ArrayAttr &names,
                                 DenseI64ArrayAttr &shape) {
  SmallVector<Attribute> nameAttrs;
  SmallVector<int64_t> sizes;
  auto parseAxis = [&]() -> ParseResult {
    std::string name;
    int64_t size;
    SMLoc loc = parser.getCurrentLocation();
    if (failed(parser.parseOptionalString(&name)) ||
        failed(parser.parseOptionalEqual()))
      return parser.emitError(loc, "expected an axis as \"name\" = size");
    OptionalParseResult parsedSize = parser.parseOptionalInteger(size);
    if (!parsedSize.has_value())
      return parser.emitError(parser.getCurrentLocation(),
                              "expected the size of axis \"")
             << name << "\"";
    if (failed(*parsedSize))
      return failure();
    nameAttrs.push_back(parser.getBuilder().getStringAttr(name));
    sizes.push_back(size);
    return success();
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseAxis))
    return failure();
  names = parser.getBuilder().getArrayAttr(nameAttrs);
  shape = parser.getBuilder().getDenseI64ArrayAttr(sizes);
  return success();
}

static void printGridAxes(OpAsmPrinter &printer, GridOp, ArrayAttr names,
                          DenseI64ArrayAttr shape) {
  printer << '[';
  llvm::interleaveComma(llvm::zip(names, shape.asArrayRef()), printer,
                        [&](auto axis) {
                          printer.printAttribute(std::get<0>(axis));
                          printer << " = " << std::get<1>(axis);
                        });
  printer << ']';
}

/// A gather size: an integer or an `index` SSA value.
static ParseResult
parseGatherSize(OpAsmParser &parser,
                std::optional<OpAsmParser::UnresolvedOperand> &dynamicSize,
                IntegerAttr &staticSize) {
  OpAsmParser::UnresolvedOperand operand;
  OptionalParseResult parsed = parser.parseOptionalOperand(operand);
  if (parsed.has_value()) {
    if (failed(*parsed))
      return failure();
    dynamicSize = operand;
    return success();
  }
  int64_t value;
  OptionalParseResult parsedValue = parser.parseOptionalInteger(value);
  if (!parsedValue.has_value())
    return parser.emitError(parser.getCurrentLocation(),
                            "expected a gather size: an integer or an index "
                            "value");
  if (failed(*parsedValue))
    return failure();
  staticSize = parser.getBuilder().getI64IntegerAttr(value);
  return success();
}

static void printGatherSize(OpAsmPrinter &printer, Operation *,
                            Value dynamicSize, IntegerAttr staticSize) {
  if (dynamicSize)
    printer << dynamicSize;
  else if (staticSize)
    printer << staticSize.getInt();
}

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

/// Looks up the grid and the axes of a group. Reports what does not resolve
/// on `op` when `diagnose` is set; the adjoints and folds run on verified IR
/// and only need to stay safe on anything else.
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
  layout::Grid layoutGrid = grid.getLayoutGrid();
  std::vector<int64_t> axes = toVector(group.axes);
  if (std::string error = layoutGrid.checkAxes(axes); !error.empty()) {
    if (diagnose)
      op->emitOpError() << "invalid group of grid @" << gridName.getValue()
                        << ": " << error;
    return failure();
  }
  // Distinct axes multiply to at most the grid's rank count, which the grid
  // verifier bounds, so this cannot overflow; a repeated axis could.
  group.size = layoutGrid.groupSize(axes);
  return group;
}

FailureOr<ResolvedGroup>
seqpar::resolveGroup(Operation *op, FlatSymbolRefAttr gridName,
                     ArrayRef<StringRef> axisNames,
                     SymbolTableCollection &symbolTables) {
  FailureOr<ResolvedGroup> group =
      lookupGroup(op, gridName, axisNames, symbolTables, /*diagnose=*/true);
  if (failed(group))
    return failure();
  if (group->size > kMaxGroupSize)
    return op->emitOpError()
           << "group of " << group->size
           << " ranks exceeds the supported maximum of " << kMaxGroupSize;
  return group;
}

/// The group of a verified collective, without diagnostics.
static FailureOr<ResolvedGroup>
lookupGroup(CollectiveOpInterface op, SymbolTableCollection &symbolTables) {
  return lookupGroup(op, op.getGroupGrid(), op.getGroupAxes(), symbolTables,
                     /*diagnose=*/false);
}

FailureOr<int64_t> seqpar::getGroupSize(CollectiveOpInterface op,
                                        SymbolTableCollection &symbolTables) {
  FailureOr<ResolvedGroup> group = lookupGroup(op, symbolTables);
  if (failed(group))
    return failure();
  return group->size;
}

FailureOr<int64_t> seqpar::getGroupSize(CollectiveOpInterface op) {
  SymbolTableCollection symbolTables;
  return getGroupSize(op, symbolTables);
}

/// The ring and Ulysses sizes of a hybrid op's group.
static std::pair<int64_t, int64_t> hybridSizes(ResolvedGroup &group) {
  ArrayRef<int64_t> shape = group.grid.getShape();
  return {shape[group.axes[0]], shape[group.axes[1]]};
}

/// Resolves the group of an op for its verifySymbolUses and returns its size.
static FailureOr<int64_t> resolveGroupSize(CollectiveOpInterface op,
                                           SymbolTableCollection &tables) {
  FailureOr<ResolvedGroup> group =
      resolveGroup(op, op.getGroupGrid(), op.getGroupAxes(), tables);
  if (failed(group))
    return failure();
  return group->size;
}

/// The ring and Ulysses sizes of a hybrid op, for its verifySymbolUses.
static FailureOr<std::pair<int64_t, int64_t>>
resolveHybridSizes(CollectiveOpInterface op, SymbolTableCollection &tables) {
  FailureOr<ResolvedGroup> group =
      resolveGroup(op, op.getGroupGrid(), op.getGroupAxes(), tables);
  if (failed(group))
    return failure();
  return hybridSizes(*group);
}

/// The ring and Ulysses sizes of a verified hybrid op, for its adjoint.
static FailureOr<std::pair<int64_t, int64_t>>
lookupHybridSizes(CollectiveOpInterface op) {
  SymbolTableCollection tables;
  FailureOr<ResolvedGroup> group = lookupGroup(op, tables);
  if (failed(group))
    return failure();
  return hybridSizes(*group);
}

//===----------------------------------------------------------------------===//
// Result shapes
//===----------------------------------------------------------------------===//

SmallVector<int64_t> seqpar::inferAllToAllShape(
    ArrayRef<int64_t> input, int64_t scatterDim, int64_t gatherDim,
    int64_t groupSize, std::optional<int64_t> gatherSize,
    bool dynamicGatherSize, bool hasScatterLengths, bool hasGatherLengths) {
  SmallVector<int64_t> out(input);
  int64_t scatter = input[scatterDim];
  out[scatterDim] =
      hasScatterLengths || ShapedType::isDynamic(scatter)
          ? ShapedType::kDynamic
          : uniformOrDynamic(layout::splitSizes(scatter, groupSize));
  if (hasGatherLengths || dynamicGatherSize)
    out[gatherDim] = ShapedType::kDynamic;
  else if (gatherSize)
    out[gatherDim] = *gatherSize;
  else
    out[gatherDim] = timesOrDynamic(input[gatherDim], groupSize);
  return out;
}

SmallVector<int64_t>
seqpar::inferSplitShape(ArrayRef<int64_t> input, int64_t dim, int64_t groupSize,
                        std::optional<ArrayRef<int64_t>> sizes) {
  SmallVector<int64_t> out(input);
  if (sizes)
    out[dim] = uniformOrDynamic(toVector(*sizes));
  else if (ShapedType::isDynamic(input[dim]))
    out[dim] = ShapedType::kDynamic;
  else
    out[dim] = uniformOrDynamic(layout::splitSizes(input[dim], groupSize));
  return out;
}

SmallVector<int64_t> seqpar::inferGatherShape(
    ArrayRef<int64_t> input, int64_t dim, int64_t groupSize,
    std::optional<ArrayRef<int64_t>> sizes, std::optional<int64_t> gatherSize,
    bool dynamicGatherSize) {
  SmallVector<int64_t> out(input);
  if (sizes)
    out[dim] = checkedSum(*sizes).value_or(ShapedType::kDynamic);
  else if (gatherSize)
    out[dim] = *gatherSize;
  else if (dynamicGatherSize)
    out[dim] = ShapedType::kDynamic;
  else
    out[dim] = timesOrDynamic(input[dim], groupSize);
  return out;
}

SmallVector<int64_t> seqpar::inferZigzagSplitShape(ArrayRef<int64_t> input,
                                                   int64_t dim,
                                                   int64_t groupSize) {
  SmallVector<int64_t> out(input);
  if (!ShapedType::isDynamic(input[dim]))
    out[dim] = uniformOrDynamic(
        layout::zigzagShardMap(input[dim], groupSize).localSizes());
  return out;
}

SmallVector<int64_t> seqpar::inferZigzagGatherShape(ArrayRef<int64_t> input,
                                                    int64_t dim,
                                                    int64_t groupSize) {
  SmallVector<int64_t> out(input);
  out[dim] = timesOrDynamic(input[dim], groupSize);
  return out;
}

SmallVector<int64_t> seqpar::inferPackedSplitShape(ArrayRef<int64_t> input,
                                                   int64_t dim,
                                                   int64_t groupSize,
                                                   ArrayRef<int64_t> seqLens) {
  SmallVector<int64_t> out(input);
  out[dim] = uniformOrDynamic(
      layout::packedShardMap(toVector(seqLens), groupSize).localSizes());
  return out;
}

SmallVector<int64_t> seqpar::inferPackedGatherShape(ArrayRef<int64_t> input,
                                                    int64_t dim,
                                                    ArrayRef<int64_t> seqLens) {
  SmallVector<int64_t> out(input);
  out[dim] = checkedSum(seqLens).value_or(ShapedType::kDynamic);
  return out;
}

SmallVector<int64_t> seqpar::inferHybridSplitShape(ArrayRef<int64_t> input,
                                                   int64_t dim,
                                                   int64_t ringSize,
                                                   int64_t ulyssesSize) {
  SmallVector<int64_t> out(input);
  if (!ShapedType::isDynamic(input[dim]))
    out[dim] = uniformOrDynamic(
        layout::hybridShardMap(layout::zigzagShardMap(input[dim], ringSize),
                               ulyssesSize)
            .localSizes());
  return out;
}

SmallVector<int64_t> seqpar::inferHybridGatherShape(
    ArrayRef<int64_t> input, int64_t dim, int64_t ringSize, int64_t ulyssesSize,
    std::optional<int64_t> gatherSize, bool dynamicGatherSize) {
  SmallVector<int64_t> out(input);
  if (gatherSize)
    out[dim] = *gatherSize;
  else if (dynamicGatherSize)
    out[dim] = ShapedType::kDynamic;
  else
    out[dim] = timesOrDynamic(input[dim], ringSize * ulyssesSize);
  return out;
}

SmallVector<int64_t>
seqpar::inferHybridPackedSplitShape(ArrayRef<int64_t> input, int64_t dim,
                                    int64_t ringSize, int64_t ulyssesSize,
                                    ArrayRef<int64_t> seqLens) {
  SmallVector<int64_t> out(input);
  out[dim] = uniformOrDynamic(
      layout::hybridShardMap(
          layout::packedShardMap(toVector(seqLens), ringSize), ulyssesSize)
          .localSizes());
  return out;
}

SmallVector<int64_t>
seqpar::inferHybridPackedGatherShape(ArrayRef<int64_t> input, int64_t dim,
                                     ArrayRef<int64_t> seqLens) {
  return inferPackedGatherShape(input, dim, seqLens);
}

//===----------------------------------------------------------------------===//
// Adjoint helpers
//===----------------------------------------------------------------------===//

/// The length of dim `dim` of `tensor` as a static attribute or an `index`
/// value, for an adjoint's gather_size.
static std::pair<IntegerAttr, Value> lengthOf(OpBuilder &b, Location loc,
                                              Value tensor, int64_t dim) {
  int64_t size = cast<ShapedType>(tensor.getType()).getDimSize(dim);
  if (!ShapedType::isDynamic(size))
    return {b.getI64IntegerAttr(size), Value()};
  return {IntegerAttr(), tensor::DimOp::create(b, loc, tensor, dim)};
}

static ArrayRef<int64_t> shapeOf(Value tensor) {
  return cast<ShapedType>(tensor.getType()).getShape();
}

/// Builds `AdjointOpTy` on the gradient with the `shape` its rule infers from
/// the gradient's, and casts it to the forward input's type where the two
/// differ: the inferred type may be more or less static than the forward
/// input's, never contradicting it.
template <typename AdjointOpTy, typename OpTy, typename... Args>
static Value createAdjoint(OpBuilder &b, OpTy op, ArrayRef<int64_t> shape,
                           Value resultGrad, Args &&...args) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  Value adjoint = AdjointOpTy::create(b, op.getLoc(), inputType.clone(shape),
                                      resultGrad, std::forward<Args>(args)...);
  if (adjoint.getType() == inputType)
    return adjoint;
  return tensor::CastOp::create(b, op.getLoc(), inputType, adjoint);
}

/// The adjoint factor of an op that scales the gradient by its group size as
/// `scale` says: the body of the getAdjointFactor that SeqParOps.td generates
/// from each op's `adjointScale`.
static FailureOr<GradFactor> scaledFactor(CollectiveOpInterface op,
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

static std::optional<int64_t> optionalInt(IntegerAttr attr) {
  if (!attr)
    return std::nullopt;
  return attr.getInt();
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
  if (shape.empty())
    return emitOpError("expected at least one axis");
  llvm::StringSet<> seen;
  int64_t ranks = 1;
  for (auto [nameAttr, size] : llvm::zip(names, shape)) {
    StringRef name = cast<StringAttr>(nameAttr).getValue();
    if (name.empty())
      return emitOpError("axis names must not be empty");
    if (!seen.insert(name).second)
      return emitOpError() << "axis " << nameAttr << " is declared twice";
    if (size < 1)
      return emitOpError() << "axis " << nameAttr << " has size " << size
                           << ", expected at least 1";
    std::optional<int64_t> product = llvm::checkedMul(ranks, size);
    if (!product || *product > INT32_MAX)
      return emitOpError() << "grid has more than " << INT32_MAX
                           << " ranks, the most a communicator holds";
    ranks = *product;
  }
  return success();
}

std::optional<int64_t> GridOp::getAxisIndex(StringRef name) {
  for (auto [index, axis] : llvm::enumerate(getAxisNames()))
    if (cast<StringAttr>(axis).getValue() == name)
      return static_cast<int64_t>(index);
  return std::nullopt;
}

layout::Grid GridOp::getLayoutGrid() {
  return layout::Grid{toVector(getShape())};
}

//===----------------------------------------------------------------------===//
// Local checks shared by the ops
//===----------------------------------------------------------------------===//

/// The local checks of an op with one `dim` on a list of grid axes.
template <typename OpTy> static LogicalResult verifyGroupDimOp(OpTy op) {
  auto input = op.getInput().getType();
  if (failed(verifyTensorTypes(op, input, op.getResult().getType())) ||
      failed(verifyAxesNotEmpty(op, op.getAxes())))
    return failure();
  return verifyDim(op, op.getDim(), input.getRank(), "dim");
}

/// The local checks of a hybrid op: a ring and a Ulysses axis.
template <typename OpTy> static LogicalResult verifyHybridDimOp(OpTy op) {
  auto input = op.getInput().getType();
  if (failed(verifyTensorTypes(op, input, op.getResult().getType())) ||
      failed(verifyDim(op, op.getDim(), input.getRank(), "dim")))
    return failure();
  if (op.getRingAxis() == op.getUlyssesAxis())
    return op.emitOpError() << "ring axis and ulysses axis are both \""
                            << op.getRingAxis() << "\"";
  return success();
}

/// Local checks of a packed op's `seq_lens` against its dim of `size` (the
/// global length for a split, dynamic for a gather, whose input dim is a
/// local piece).
static LogicalResult verifySeqLens(Operation *op, ArrayRef<int64_t> seqLens,
                                   int64_t size, int64_t dim) {
  FailureOr<int64_t> total = verifySum(op, "seq_lens", seqLens);
  if (failed(total))
    return failure();
  int64_t n = ShapedType::isDynamic(size) ? *total : size;
  return verifyLayoutCheck(op, layout::checkSeqLens(toVector(seqLens), n),
                           "dim " + Twine(dim) + ": ");
}

//===----------------------------------------------------------------------===//
// ExchangeLengthsOp
//===----------------------------------------------------------------------===//

LogicalResult ExchangeLengthsOp::verify() {
  auto input = getInput().getType();
  if (failed(verifyTensorTypes(*this, input, nullptr)) ||
      failed(verifyAxesNotEmpty(*this, getAxes())))
    return failure();
  return verifyDim(*this, getDim(), input.getRank(), "dim");
}

LogicalResult
ExchangeLengthsOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  return verifyResultShape(*this, {*groupSize}, getLengths().getType());
}

//===----------------------------------------------------------------------===//
// AllToAllOp
//===----------------------------------------------------------------------===//

LogicalResult AllToAllOp::verify() {
  auto input = getInput().getType();
  if (failed(verifyTensorTypes(*this, input, getResult().getType())) ||
      failed(verifyAxesNotEmpty(*this, getAxes())) ||
      failed(
          verifyDim(*this, getScatterDim(), input.getRank(), "scatter dim")) ||
      failed(verifyDim(*this, getGatherDim(), input.getRank(), "gather dim")))
    return failure();
  if (getScatterDim() == getGatherDim())
    return emitOpError() << "scatter dim and gather dim are both "
                         << getScatterDim();
  if (failed(
          verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize())))
    return failure();
  if ((getGatherSizeAttr() || getDynamicGatherSize()) && getGatherLengths())
    return emitOpError("gather_size and gather_lengths are mutually exclusive");
  return success();
}

LogicalResult
AllToAllOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  int64_t p = *groupSize;
  for (auto [name, lengths] :
       {std::make_pair("scatter_lengths", getScatterLengths()),
        std::make_pair("gather_lengths", getGatherLengths())}) {
    if (!lengths)
      continue;
    auto type = cast<RankedTensorType>(lengths.getType());
    if (type.getDimSize(0) != p)
      return emitOpError() << name << " must hold one length per rank: "
                           << "expected " << type.clone({p}) << ", got "
                           << type;
  }
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t g = getGatherDim();
  if (std::optional<int64_t> n = optionalInt(getGatherSizeAttr())) {
    if (failed(
            verifyLocalLength(*this, g, shape[g], layout::splitSizes(*n, p))))
      return failure();
  } else if (!getDynamicGatherSize() && !getGatherLengths()) {
    if (failed(verifyTimesRanks(*this, g, shape[g], p)))
      return failure();
  }
  return verifyResultShape(
      *this,
      inferAllToAllShape(shape, getScatterDim(), g, p,
                         optionalInt(getGatherSizeAttr()),
                         static_cast<bool>(getDynamicGatherSize()),
                         static_cast<bool>(getScatterLengths()),
                         static_cast<bool>(getGatherLengths())),
      getResult().getType());
}

Value AllToAllOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  int64_t s = getScatterDim(), g = getGatherDim();
  // The reverse op gathers back the scatter dim: its full length is S, or the
  // sum of the scatter lengths, which the lengths operand carries.
  IntegerAttr gatherSize;
  Value dynamicGatherSize;
  if (!getScatterLengths())
    std::tie(gatherSize, dynamicGatherSize) =
        lengthOf(b, getLoc(), getInput(), s);
  SmallVector<int64_t> shape = inferAllToAllShape(
      shapeOf(resultGrad), g, s, *groupSize, optionalInt(gatherSize),
      static_cast<bool>(dynamicGatherSize),
      static_cast<bool>(getGatherLengths()),
      static_cast<bool>(getScatterLengths()));
  return createAdjoint<AllToAllOp>(
      b, *this, shape, resultGrad, getGridAttr(), getAxesAttr(),
      b.getI64IntegerAttr(g), b.getI64IntegerAttr(s), gatherSize,
      dynamicGatherSize, getGatherLengths(), getScatterLengths());
}

FailureOr<GradFactor> AllToAllOp::getAdjointFactor(SymbolTableCollection &) {
  return GradFactor{};
}

//===----------------------------------------------------------------------===//
// SplitOp and GatherOp
//===----------------------------------------------------------------------===//

LogicalResult SplitOp::verify() {
  if (failed(verifyGroupDimOp(*this)))
    return failure();
  if (std::optional<ArrayRef<int64_t>> sizes = getSizes())
    return verifySum(*this, "sizes", *sizes);
  return success();
}

LogicalResult SplitOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (std::optional<ArrayRef<int64_t>> sizes = getSizes()) {
    // A dynamic dim is checked against the sizes at run time.
    int64_t n =
        ShapedType::isDynamic(shape[d]) ? *checkedSum(*sizes) : shape[d];
    if (failed(verifyLayoutCheck(
            *this, layout::checkSizes(toVector(*sizes), n, *groupSize),
            "dim " + Twine(d) + ": ")))
      return failure();
  }
  return verifyResultShape(*this,
                           inferSplitShape(shape, d, *groupSize, getSizes()),
                           getResult().getType());
}

Value SplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  // Explicit sizes carry over; the split rule's pieces are those of a gather
  // of the input's length.
  IntegerAttr gatherSize;
  Value dynamicGatherSize;
  if (!getSizes())
    std::tie(gatherSize, dynamicGatherSize) =
        lengthOf(b, getLoc(), getInput(), getDim());
  SmallVector<int64_t> shape = inferGatherShape(
      shapeOf(resultGrad), getDim(), *groupSize, getSizes(),
      optionalInt(gatherSize), static_cast<bool>(dynamicGatherSize));
  return createAdjoint<GatherOp>(
      b, *this, shape, resultGrad, getGridAttr(), getAxesAttr(), getDimAttr(),
      getSizesAttr(), gatherSize, dynamicGatherSize,
      GradScaleAttr::get(getContext(), GradScale::none));
}

LogicalResult GatherOp::verify() {
  if (failed(verifyGroupDimOp(*this)) ||
      failed(
          verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize())))
    return failure();
  std::optional<ArrayRef<int64_t>> sizes = getSizes();
  if (!sizes)
    return success();
  if (getGatherSizeAttr() || getDynamicGatherSize())
    return emitOpError("sizes and gather_size are mutually exclusive");
  return verifySum(*this, "sizes", *sizes);
}

LogicalResult GatherOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  int64_t p = *groupSize;
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (std::optional<ArrayRef<int64_t>> sizes = getSizes()) {
    std::vector<int64_t> pieces = toVector(*sizes);
    if (failed(verifyLayoutCheck(
            *this, layout::checkSizes(pieces, *checkedSum(*sizes), p),
            "dim " + Twine(d) + ": ")) ||
        failed(verifyLocalLength(*this, d, shape[d], pieces)))
      return failure();
  } else if (std::optional<int64_t> n = optionalInt(getGatherSizeAttr())) {
    if (failed(
            verifyLocalLength(*this, d, shape[d], layout::splitSizes(*n, p))))
      return failure();
  } else if (!getDynamicGatherSize()) {
    if (failed(verifyTimesRanks(*this, d, shape[d], p)))
      return failure();
  }
  return verifyResultShape(
      *this,
      inferGatherShape(shape, d, p, getSizes(),
                       optionalInt(getGatherSizeAttr()),
                       static_cast<bool>(getDynamicGatherSize())),
      getResult().getType());
}

Value GatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  // Explicit sizes carry over; a gather_size or equal pieces are the split
  // rule of the gathered length.
  SmallVector<int64_t> shape =
      inferSplitShape(shapeOf(resultGrad), getDim(), *groupSize, getSizes());
  return createAdjoint<SplitOp>(
      b, *this, shape, resultGrad, getGridAttr(), getAxesAttr(), getDimAttr(),
      getSizesAttr(), GradScaleAttr::get(getContext(), GradScale::none));
}

//===----------------------------------------------------------------------===//
// ZigzagSplitOp and ZigzagGatherOp
//===----------------------------------------------------------------------===//

LogicalResult ZigzagSplitOp::verify() { return verifyGroupDimOp(*this); }

LogicalResult
ZigzagSplitOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (!ShapedType::isDynamic(shape[d]) &&
      failed(verifyLayoutCheck(*this, layout::checkZigzag(shape[d], *groupSize),
                               "dim " + Twine(d) + ": ")))
    return failure();
  return verifyResultShape(*this, inferZigzagSplitShape(shape, d, *groupSize),
                           getResult().getType());
}

Value ZigzagSplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  SmallVector<int64_t> shape =
      inferZigzagGatherShape(shapeOf(resultGrad), getDim(), *groupSize);
  return createAdjoint<ZigzagGatherOp>(
      b, *this, shape, resultGrad, getGridAttr(), getAxesAttr(), getDimAttr());
}

LogicalResult ZigzagGatherOp::verify() { return verifyGroupDimOp(*this); }

LogicalResult
ZigzagGatherOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  int64_t p = *groupSize;
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (failed(verifyTimesRanks(*this, d, shape[d], p)))
    return failure();
  SmallVector<int64_t> expected = inferZigzagGatherShape(shape, d, p);
  if (!ShapedType::isDynamic(expected[d]) &&
      failed(verifyLayoutCheck(*this, layout::checkZigzag(expected[d], p),
                               "input dim " + Twine(d) + " of size " +
                                   Twine(shape[d]) + " gathers to " +
                                   Twine(expected[d]) + ": ")))
    return failure();
  return verifyResultShape(*this, expected, getResult().getType());
}

Value ZigzagGatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  SmallVector<int64_t> shape =
      inferZigzagSplitShape(shapeOf(resultGrad), getDim(), *groupSize);
  return createAdjoint<ZigzagSplitOp>(
      b, *this, shape, resultGrad, getGridAttr(), getAxesAttr(), getDimAttr());
}

//===----------------------------------------------------------------------===//
// PackedSplitOp and PackedGatherOp
//===----------------------------------------------------------------------===//

LogicalResult PackedSplitOp::verify() {
  if (failed(verifyGroupDimOp(*this)))
    return failure();
  return verifySeqLens(*this, getSeqLens(),
                       getInput().getType().getDimSize(getDim()), getDim());
}

LogicalResult
PackedSplitOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  return verifyResultShape(
      *this,
      inferPackedSplitShape(getInput().getType().getShape(), getDim(),
                            *groupSize, getSeqLens()),
      getResult().getType());
}

Value PackedSplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  SmallVector<int64_t> shape =
      inferPackedGatherShape(shapeOf(resultGrad), getDim(), getSeqLens());
  return createAdjoint<PackedGatherOp>(b, *this, shape, resultGrad,
                                       getGridAttr(), getAxesAttr(),
                                       getDimAttr(), getSeqLensAttr());
}

LogicalResult PackedGatherOp::verify() {
  if (failed(verifyGroupDimOp(*this)))
    return failure();
  return verifySeqLens(*this, getSeqLens(), ShapedType::kDynamic, getDim());
}

LogicalResult
PackedGatherOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  FailureOr<int64_t> groupSize = resolveGroupSize(*this, symbolTables);
  if (failed(groupSize))
    return failure();
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (failed(verifyLocalLength(
          *this, d, shape[d],
          layout::packedShardMap(toVector(getSeqLens()), *groupSize)
              .localSizes())))
    return failure();
  return verifyResultShape(*this,
                           inferPackedGatherShape(shape, d, getSeqLens()),
                           getResult().getType());
}

Value PackedGatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<int64_t> groupSize = getGroupSize(*this);
  if (failed(groupSize))
    return Value();
  SmallVector<int64_t> shape = inferPackedSplitShape(
      shapeOf(resultGrad), getDim(), *groupSize, getSeqLens());
  return createAdjoint<PackedSplitOp>(b, *this, shape, resultGrad,
                                      getGridAttr(), getAxesAttr(),
                                      getDimAttr(), getSeqLensAttr());
}

//===----------------------------------------------------------------------===//
// Hybrid ops
//===----------------------------------------------------------------------===//

LogicalResult HybridSplitOp::verify() { return verifyHybridDimOp(*this); }

LogicalResult
HybridSplitOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  auto sizes = resolveHybridSizes(*this, symbolTables);
  if (failed(sizes))
    return failure();
  auto [ring, ulysses] = *sizes;
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (!ShapedType::isDynamic(shape[d]) &&
      failed(verifyLayoutCheck(*this, layout::checkZigzag(shape[d], ring),
                               "dim " + Twine(d) + " over the ring axis: ")))
    return failure();
  return verifyResultShape(*this,
                           inferHybridSplitShape(shape, d, ring, ulysses),
                           getResult().getType());
}

Value HybridSplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<std::pair<int64_t, int64_t>> sizes = lookupHybridSizes(*this);
  if (failed(sizes))
    return Value();
  auto [ring, ulysses] = *sizes;
  auto [gatherSize, dynamicGatherSize] =
      lengthOf(b, getLoc(), getInput(), getDim());
  SmallVector<int64_t> shape = inferHybridGatherShape(
      shapeOf(resultGrad), getDim(), ring, ulysses, optionalInt(gatherSize),
      static_cast<bool>(dynamicGatherSize));
  return createAdjoint<HybridGatherOp>(
      b, *this, shape, resultGrad, getGridAttr(), getRingAxisAttr(),
      getUlyssesAxisAttr(), getDimAttr(), gatherSize, dynamicGatherSize);
}

LogicalResult HybridGatherOp::verify() {
  if (failed(verifyHybridDimOp(*this)))
    return failure();
  return verifyGatherSize(*this, getGatherSizeAttr(), getDynamicGatherSize());
}

LogicalResult
HybridGatherOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  auto sizes = resolveHybridSizes(*this, symbolTables);
  if (failed(sizes))
    return failure();
  auto [ring, ulysses] = *sizes;
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  std::optional<int64_t> gatherSize = optionalInt(getGatherSizeAttr());
  if (!gatherSize && !getDynamicGatherSize() &&
      failed(verifyTimesRanks(*this, d, shape[d], ring * ulysses)))
    return failure();
  SmallVector<int64_t> expected =
      inferHybridGatherShape(shape, d, ring, ulysses, gatherSize,
                             static_cast<bool>(getDynamicGatherSize()));
  // The gathered length, where static, is one the hybrid split can produce;
  // with a gather_size, the static input dim must be every rank's piece of it.
  int64_t n = expected[d];
  if (!ShapedType::isDynamic(n)) {
    if (failed(verifyLayoutCheck(*this, layout::checkZigzag(n, ring),
                                 "gathered length over the ring axis: ")))
      return failure();
    if (gatherSize &&
        failed(verifyLocalLength(
            *this, d, shape[d],
            layout::hybridShardMap(layout::zigzagShardMap(n, ring), ulysses)
                .localSizes())))
      return failure();
  }
  return verifyResultShape(*this, expected, getResult().getType());
}

Value HybridGatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<std::pair<int64_t, int64_t>> sizes = lookupHybridSizes(*this);
  if (failed(sizes))
    return Value();
  auto [ring, ulysses] = *sizes;
  SmallVector<int64_t> shape =
      inferHybridSplitShape(shapeOf(resultGrad), getDim(), ring, ulysses);
  return createAdjoint<HybridSplitOp>(b, *this, shape, resultGrad,
                                      getGridAttr(), getRingAxisAttr(),
                                      getUlyssesAxisAttr(), getDimAttr());
}

LogicalResult HybridPackedSplitOp::verify() {
  if (failed(verifyHybridDimOp(*this)))
    return failure();
  return verifySeqLens(*this, getSeqLens(),
                       getInput().getType().getDimSize(getDim()), getDim());
}

LogicalResult
HybridPackedSplitOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  auto sizes = resolveHybridSizes(*this, symbolTables);
  if (failed(sizes))
    return failure();
  auto [ring, ulysses] = *sizes;
  return verifyResultShape(
      *this,
      inferHybridPackedSplitShape(getInput().getType().getShape(), getDim(),
                                  ring, ulysses, getSeqLens()),
      getResult().getType());
}

Value HybridPackedSplitOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  SmallVector<int64_t> shape =
      inferHybridPackedGatherShape(shapeOf(resultGrad), getDim(), getSeqLens());
  return createAdjoint<HybridPackedGatherOp>(
      b, *this, shape, resultGrad, getGridAttr(), getRingAxisAttr(),
      getUlyssesAxisAttr(), getDimAttr(), getSeqLensAttr());
}

LogicalResult HybridPackedGatherOp::verify() {
  if (failed(verifyHybridDimOp(*this)))
    return failure();
  return verifySeqLens(*this, getSeqLens(), ShapedType::kDynamic, getDim());
}

LogicalResult
HybridPackedGatherOp::verifySymbolUses(SymbolTableCollection &symbolTables) {
  auto sizes = resolveHybridSizes(*this, symbolTables);
  if (failed(sizes))
    return failure();
  auto [ring, ulysses] = *sizes;
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t d = getDim();
  if (failed(verifyLocalLength(
          *this, d, shape[d],
          layout::hybridShardMap(
              layout::packedShardMap(toVector(getSeqLens()), ring), ulysses)
              .localSizes())))
    return failure();
  return verifyResultShape(*this,
                           inferHybridPackedGatherShape(shape, d, getSeqLens()),
                           getResult().getType());
}

Value HybridPackedGatherOp::buildAdjoint(OpBuilder &b, Value resultGrad) {
  FailureOr<std::pair<int64_t, int64_t>> sizes = lookupHybridSizes(*this);
  if (failed(sizes))
    return Value();
  auto [ring, ulysses] = *sizes;
  SmallVector<int64_t> shape = inferHybridPackedSplitShape(
      shapeOf(resultGrad), getDim(), ring, ulysses, getSeqLens());
  return createAdjoint<HybridPackedSplitOp>(
      b, *this, shape, resultGrad, getGridAttr(), getRingAxisAttr(),
      getUlyssesAxisAttr(), getDimAttr(), getSeqLensAttr());
}

#define GET_OP_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParOps.cpp.inc"
