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
