//===- SeqParDialect.cpp - seqpar dialect registration ----------*- C++ -*-===//
//
// Registers the ops and attributes of the seqpar dialect and instantiates the
// generated enum, attribute, interface and op code.
//
//===----------------------------------------------------------------------===//

#include "SeqParDetail.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace seqpar;

#include "seqpar/Dialect/SeqPar/IR/SeqParOpsDialect.cpp.inc"

#include "seqpar/Dialect/SeqPar/IR/SeqParEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParAttributes.cpp.inc"

#include "seqpar/Dialect/SeqPar/IR/SeqParInterfaces.cpp.inc"

namespace {
/// The resharding ops have no regions and no effects beyond their results,
/// and a grid lives at module level, so every seqpar op may be inlined.
struct SeqParInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void SeqParDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "seqpar/Dialect/SeqPar/IR/SeqParOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "seqpar/Dialect/SeqPar/IR/SeqParAttributes.cpp.inc"
      >();
  addInterfaces<SeqParInlinerInterface>();
}

/// Folded group queries (group_size, group_rank on one rank) become index
/// constants.
Operation *SeqParDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  auto integer = dyn_cast<IntegerAttr>(value);
  if (!integer || !type.isIndex())
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, integer);
}

#define GET_OP_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParOps.cpp.inc"
