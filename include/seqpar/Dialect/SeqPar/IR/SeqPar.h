//===- SeqPar.h - seqpar dialect and ops ------------------------*- C++ -*-===//
//
// The seqpar dialect, its attributes, the adjoint interface and the ops.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H
#define SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H

#include "seqpar/Layout/OpModel.h"
#include "seqpar/Layout/Sharding.h"

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

} // namespace seqpar

#include "seqpar/Dialect/SeqPar/IR/SeqParEnums.h.inc"
#include "seqpar/Dialect/SeqPar/IR/SeqParOpsDialect.h.inc"

namespace seqpar {
class GridOp;
} // namespace seqpar

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

/// The op model (seqpar/Layout/OpModel.h) of a collective: its kind, grid
/// shape, ordered group axes, and how each dim it moves is distributed. A
/// dynamic gather size is a kRuntimeLength length, a lengths operand a Sizes
/// distribution with no values (both given with the call at run time).
/// Each op states its model once (OpModelInterface::buildOpModel); this adds
/// the grid shape and the group's axis indices, in the order the op lists
/// them (for a hybrid op [ring, ulysses], with innerAxes = 1). Fails, without
/// a diagnostic, for ops without a model (exchange_lengths) and when the grid
/// or an axis does not resolve; the verifiers report those. The model is not
/// checked here: layout::inferShape and layout::resolve check it.
mlir::FailureOr<layout::Op>
getOpModel(mlir::Operation *op, mlir::SymbolTableCollection &symbolTables);

/// The size of the group of a verified collective (for hybrid ops, the
/// product of the ring and Ulysses sizes), or failure when its grid does not
/// resolve.
mlir::FailureOr<int64_t>
getGroupSize(CollectiveOpInterface op,
             mlir::SymbolTableCollection &symbolTables);
/// The size of the group of `axisNames` on `gridName` as seen from `op`, or
/// failure, without a diagnostic, when the grid or an axis does not resolve.
mlir::FailureOr<int64_t>
getGroupSize(mlir::Operation *op, mlir::FlatSymbolRefAttr gridName,
             llvm::ArrayRef<llvm::StringRef> axisNames,
             mlir::SymbolTableCollection &symbolTables);
/// As above, with symbol tables built for this one lookup (folds and adjoint
/// builders, which have none at hand).
mlir::FailureOr<int64_t> getGroupSize(CollectiveOpInterface op);

//===----------------------------------------------------------------------===//
// Shapes through the op model
//===----------------------------------------------------------------------===//

/// The result shape of a modeled op (OpModelInterface) on an input of
/// `inputShape`: layout::inferShape of its model, ShapedType::kDynamic where
/// a dim is not static or depends on the rank. Fails, without a diagnostic,
/// where the model does not resolve or rejects the shape; the verifiers
/// report those.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferResultShape(mlir::Operation *op, llvm::ArrayRef<int64_t> inputShape,
                 mlir::SymbolTableCollection &symbolTables);

/// Gives the result of `op`, a modeled op just built with a placeholder
/// result type, the type its model infers from its input. Fails, leaving the
/// type as it is, where the model does not resolve.
mlir::LogicalResult
setInferredResultType(mlir::Operation *op,
                      mlir::SymbolTableCollection &symbolTables);

/// Builds a modeled op `OpTy` on `input` with the result type its model
/// infers (the same element type), casting it to `castTo` where that is
/// given and differs (a type that is more or less static, never a
/// contradictory one). The result stays typed as `input` where the model does
/// not resolve, which the verifier excludes.
template <typename OpTy, typename... Args>
mlir::Value createModeledOp(mlir::OpBuilder &builder, mlir::Location loc,
                            mlir::SymbolTableCollection &symbolTables,
                            mlir::Type castTo, mlir::Value input,
                            Args &&...args) {
  auto op = OpTy::create(builder, loc, input.getType(), input,
                         std::forward<Args>(args)...);
  (void)setInferredResultType(op, symbolTables);
  mlir::Value result = op.getResult();
  if (!castTo || result.getType() == castTo)
    return result;
  return mlir::tensor::CastOp::create(builder, loc, castTo, result);
}

/// The local shape of a tensor of static global `shape` laid out as
/// `sharding` (see `#seqpar.sharding`): each dim's size where every rank of
/// the grid holds the same, else ShapedType::kDynamic. Fails, with the
/// layout library's message in `error`, where the sharding does not fit.
mlir::FailureOr<llvm::SmallVector<int64_t>>
getLocalShape(const layout::Sharding &sharding, llvm::ArrayRef<int64_t> shape,
              std::string &error);

//===----------------------------------------------------------------------===//
// Lowering form
//===----------------------------------------------------------------------===//

/// The name of the discardable attribute, a LoweringFormAttr, that records
/// the lowering form of an all_to_all, split or gather.
inline constexpr llvm::StringLiteral kLoweringAttrName = "seqpar.lowering";

/// Whether `op` is one that a lowering form can be recorded on: a split,
/// gather or all_to_all whose distributions are the split rule or explicit
/// sizes (all_to_all, split and gather).
bool hasLoweringForm(mlir::Operation *op);

/// The form that the static shapes of `op` allow, from its op model: Equal
/// when every piece of every dim it moves is provably the same size,
/// PerPeer when the sizes are static but differ, Runtime when a size is
/// known only at run time, and for ops without a lowering form. Fails when
/// the grid does not resolve or the model rejects the shapes.
mlir::FailureOr<LoweringForm>
chooseLoweringForm(mlir::Operation *op,
                   mlir::SymbolTableCollection &symbolTables);

/// The form recorded on `op` in kLoweringAttrName, Runtime when none.
LoweringForm getRecordedLoweringForm(mlir::Operation *op);

} // namespace seqpar

#endif // SEQPAR_DIALECT_SEQPAR_IR_SEQPAR_H
