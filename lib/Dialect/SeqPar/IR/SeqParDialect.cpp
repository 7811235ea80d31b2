//===- SeqParDialect.cpp - seqpar dialect registration ----------*- C++ -*-===//
//
// Registers the ops and attributes of the seqpar dialect and instantiates the
// generated enum, attribute and interface code.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace seqpar;

#include "seqpar/Dialect/SeqPar/IR/SeqParOpsDialect.cpp.inc"

#include "seqpar/Dialect/SeqPar/IR/SeqParEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParAttributes.cpp.inc"

#include "seqpar/Dialect/SeqPar/IR/SeqParInterfaces.cpp.inc"

void SeqParDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "seqpar/Dialect/SeqPar/IR/SeqParOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "seqpar/Dialect/SeqPar/IR/SeqParAttributes.cpp.inc"
      >();
}
