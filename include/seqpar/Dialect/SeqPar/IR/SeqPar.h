//===- SeqPar.h - seqpar dialect and ops ------------------------*- C++ -*-===//
//
// The seqpar dialect, its attributes, the adjoint interface and the ops.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H
#define SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H

#include "seqpar/Layout/Layout.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>

namespace seqpar {

/// The rational factor num / den that an adjoint multiplies the gradient by.
struct GradFactor {
  int64_t num = 1;
  int64_t den = 1;
  bool isOne() const { return num == den; }
  bool operator==(const GradFactor &o) const {
    return num == o.num && den == o.den;
  }
};

/// The largest group a collective may run on; bounds the per-rank tables that
/// verification and lowering build.
constexpr int64_t kMaxGroupSize = 65536;

} // namespace seqpar

#include "seqpar/Dialect/SeqPar/IR/SeqParEnums.h.inc"
#include "seqpar/Dialect/SeqPar/IR/SeqParOpsDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParAttributes.h.inc"

#include "seqpar/Dialect/SeqPar/IR/SeqParInterfaces.h.inc"

#define GET_OP_CLASSES
#include "seqpar/Dialect/SeqPar/IR/SeqParOps.h.inc"

namespace seqpar {

/// A collective's group resolved against its grid: the grid op, the indices
/// of the group's axes and the group size.
struct ResolvedGroup {
  GridOp grid;
  llvm::SmallVector<int64_t> axes;
  int64_t size = 1;
};

/// Resolves the group of `op` (a collective naming `gridName` and the axes
/// `axisNames`). Emits an error on `op` and fails when the grid symbol, an
/// axis or the group is invalid.
mlir::FailureOr<ResolvedGroup>
resolveGroup(mlir::Operation *op, mlir::FlatSymbolRefAttr gridName,
             llvm::ArrayRef<llvm::StringRef> axisNames,
             mlir::SymbolTableCollection &symbolTables);

/// The size of the group of a verified collective (for hybrid ops, the
/// product of the ring and Ulysses sizes), or failure when its grid does not
/// resolve.
mlir::FailureOr<int64_t>
getGroupSize(CollectiveOpInterface op,
             mlir::SymbolTableCollection &symbolTables);
/// As above, with symbol tables built for this one lookup (folds and adjoint
/// builders, which have none at hand).
mlir::FailureOr<int64_t> getGroupSize(CollectiveOpInterface op);

//===----------------------------------------------------------------------===//
// Result shapes
//
// The result shape of each collective on a group of `groupSize` ranks (for the
// hybrid ops, `ringSize` x `ulyssesSize`), from its input shape and
// attributes; ShapedType::kDynamic marks a dim that is dynamic because it is
// not static or depends on the rank. The verifiers check results against
// these, and passes use them to type the ops they create. Preconditions: the
// arguments satisfy the op's verifier.
//===----------------------------------------------------------------------===//

llvm::SmallVector<int64_t>
inferAllToAllShape(llvm::ArrayRef<int64_t> input, int64_t scatterDim,
                   int64_t gatherDim, int64_t groupSize,
                   std::optional<int64_t> gatherSize, bool dynamicGatherSize,
                   bool hasScatterLengths, bool hasGatherLengths);
llvm::SmallVector<int64_t>
inferSplitShape(llvm::ArrayRef<int64_t> input, int64_t dim, int64_t groupSize,
                std::optional<llvm::ArrayRef<int64_t>> sizes);
llvm::SmallVector<int64_t>
inferGatherShape(llvm::ArrayRef<int64_t> input, int64_t dim, int64_t groupSize,
                 std::optional<llvm::ArrayRef<int64_t>> sizes,
                 std::optional<int64_t> gatherSize, bool dynamicGatherSize);
llvm::SmallVector<int64_t> inferZigzagSplitShape(llvm::ArrayRef<int64_t> input,
                                                 int64_t dim,
                                                 int64_t groupSize);
llvm::SmallVector<int64_t> inferZigzagGatherShape(llvm::ArrayRef<int64_t> input,
                                                  int64_t dim,
                                                  int64_t groupSize);
llvm::SmallVector<int64_t>
inferPackedSplitShape(llvm::ArrayRef<int64_t> input, int64_t dim,
                      int64_t groupSize, llvm::ArrayRef<int64_t> seqLens);
llvm::SmallVector<int64_t>
inferPackedGatherShape(llvm::ArrayRef<int64_t> input, int64_t dim,
                       llvm::ArrayRef<int64_t> seqLens);
llvm::SmallVector<int64_t> inferHybridSplitShape(llvm::ArrayRef<int64_t> input,
                                                 int64_t dim, int64_t ringSize,
                                                 int64_t ulyssesSize);
llvm::SmallVector<int64_t>
inferHybridGatherShape(llvm::ArrayRef<int64_t> input, int64_t dim,
                       int64_t ringSize, int64_t ulyssesSize,
                       std::optional<int64_t> gatherSize,
                       bool dynamicGatherSize);
llvm::SmallVector<int64_t>
inferHybridPackedSplitShape(llvm::ArrayRef<int64_t> input, int64_t dim,
                            int64_t ringSize, int64_t ulyssesSize,
                            llvm::ArrayRef<int64_t> seqLens);
llvm::SmallVector<int64_t>
inferHybridPackedGatherShape(llvm::ArrayRef<int64_t> input, int64_t dim,
                             llvm::ArrayRef<int64_t> seqLens);

} // namespace seqpar

#endif // SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H
