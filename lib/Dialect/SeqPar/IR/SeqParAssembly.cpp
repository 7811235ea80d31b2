//===- SeqParAssembly.cpp - seqpar custom assembly directives ---*- C++ -*-===//
//
// The parsers and printers of the custom directives that the ops' declarative
// assembly formats use: a grid's named axes and a gather size that is a
// constant or an `index` value.
//
//===----------------------------------------------------------------------===//

#include "SeqParDetail.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace seqpar;

ParseResult seqpar::parseGridAxes(OpAsmParser &parser, ArrayAttr &names,
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

void seqpar::printGridAxes(OpAsmPrinter &printer, Operation *, ArrayAttr names,
                           DenseI64ArrayAttr shape) {
  printer << '[';
  llvm::interleaveComma(llvm::zip(names, shape.asArrayRef()), printer,
                        [&](auto axis) {
                          printer.printAttribute(std::get<0>(axis));
                          printer << " = " << std::get<1>(axis);
                        });
  printer << ']';
}

ParseResult seqpar::parseGatherSize(
    OpAsmParser &parser,
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

void seqpar::printGatherSize(OpAsmPrinter &printer, Operation *,
                             Value dynamicSize, IntegerAttr staticSize) {
  if (dynamicSize)
    printer << dynamicSize;
  else if (staticSize)
    printer << staticSize.getInt();
}

//===----------------------------------------------------------------------===//
// #seqpar.sharding
//===----------------------------------------------------------------------===//

// `<@grid, [{"a" zigzag, "b"}, {}, {"c" sizes [3, 5]}]>`: per dim its axes in
// order, the first followed by its distribution when that is not the split
// rule.

/// `{"a" zigzag, "b"}`.
static DimShardingAttr parseDimSharding(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  SmallVector<StringAttr> axes;
  layout::DistKind kind = layout::DistKind::Even;
  SmallVector<int64_t> values;
  auto parseValues = [&]() {
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                          [&]() -> ParseResult {
                                            int64_t v;
                                            if (parser.parseInteger(v))
                                              return failure();
                                            values.push_back(v);
                                            return success();
                                          });
  };
  auto parseAxis = [&]() -> ParseResult {
    std::string name;
    if (parser.parseString(&name))
      return failure();
    axes.push_back(StringAttr::get(ctx, name));
    if (axes.size() > 1)
      return success();
    if (succeeded(parser.parseOptionalKeyword("sizes"))) {
      kind = layout::DistKind::Sizes;
      return parseValues();
    }
    if (succeeded(parser.parseOptionalKeyword("zigzag"))) {
      kind = layout::DistKind::Zigzag;
      return success();
    }
    if (succeeded(parser.parseOptionalKeyword("packed"))) {
      kind = layout::DistKind::Packed;
      return parseValues();
    }
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Braces, parseAxis))
    return {};
  return DimShardingAttr::get(ctx, ArrayRef<StringAttr>(axes), kind,
                              ArrayRef<int64_t>(values));
}

static void printDimSharding(AsmPrinter &printer, DimShardingAttr dim) {
  printer << "{";
  for (auto [i, axis] : llvm::enumerate(dim.getAxes())) {
    if (i) {
      printer << ", " << axis;
      continue;
    }
    printer << axis;
    auto printValues = [&] {
      printer << " [";
      llvm::interleaveComma(dim.getValues(), printer);
      printer << "]";
    };
    switch (dim.getKind()) {
    case layout::DistKind::Sizes:
      printer << " sizes";
      printValues();
      break;
    case layout::DistKind::Zigzag:
      printer << " zigzag";
      break;
    case layout::DistKind::Packed:
      printer << " packed";
      printValues();
      break;
    default:
      break;
    }
  }
  printer << "}";
}

Attribute DimShardingAttr::parse(AsmParser &parser, Type) {
  DimShardingAttr dim;
  if (parser.parseLess() || !(dim = parseDimSharding(parser)) ||
      parser.parseGreater())
    return {};
  return dim;
}

void DimShardingAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printDimSharding(printer, *this);
  printer << ">";
}

Attribute ShardingAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  FlatSymbolRefAttr grid;
  SmallVector<DimShardingAttr> dims;
  auto parseDim = [&]() -> ParseResult {
    DimShardingAttr dim = parseDimSharding(parser);
    if (!dim)
      return failure();
    dims.push_back(dim);
    return success();
  };
  if (parser.parseLess() || parser.parseAttribute(grid) ||
      parser.parseComma() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseDim) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<ShardingAttr>(loc, parser.getContext(), grid,
                                         ArrayRef<DimShardingAttr>(dims));
}

void ShardingAttr::print(AsmPrinter &printer) const {
  printer << "<" << getGrid() << ", [";
  llvm::interleaveComma(getDims(), printer, [&](DimShardingAttr dim) {
    printDimSharding(printer, dim);
  });
  printer << "]>";
}
