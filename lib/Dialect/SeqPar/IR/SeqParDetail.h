//===- SeqParDetail.h - Functions the generated op code calls ---*- C++ -*-===//
//
// Private to the dialect library: the custom assembly directives, and the
// shared verifiers and adjoint builders that the definitions generated from
// SeqParOps.td call, declared for the file that includes SeqParOps.cpp.inc.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LIB_DIALECT_SEQPAR_IR_SEQPARDETAIL_H
#define SEQPAR_LIB_DIALECT_SEQPAR_IR_SEQPARDETAIL_H

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <tuple>

namespace seqpar {

//===----------------------------------------------------------------------===//
// Custom directives (SeqParAssembly.cpp)
//===----------------------------------------------------------------------===//

/// `["ring" = 2, "ulysses" = 4]`.
mlir::ParseResult parseGridAxes(mlir::OpAsmParser &parser,
                                mlir::ArrayAttr &names,
                                mlir::DenseI64ArrayAttr &shape);
void printGridAxes(mlir::OpAsmPrinter &printer, mlir::Operation *op,
                   mlir::ArrayAttr names, mlir::DenseI64ArrayAttr shape);

/// A gather size: an integer or an `index` SSA value.
mlir::ParseResult parseGatherSize(
    mlir::OpAsmParser &parser,
    std::optional<mlir::OpAsmParser::UnresolvedOperand> &dynamicSize,
    mlir::IntegerAttr &staticSize);
void printGatherSize(mlir::OpAsmPrinter &printer, mlir::Operation *op,
                     mlir::Value dynamicSize, mlir::IntegerAttr staticSize);

namespace detail {

/// The shape of a modeled op's input, as the layout library takes it.
inline layout::Shape inputShapeOf(mlir::Operation *op) {
  llvm::ArrayRef<int64_t> shape =
      mlir::cast<mlir::ShapedType>(op->getOperand(0).getType()).getShape();
  return layout::Shape(shape.begin(), shape.end());
}

//===----------------------------------------------------------------------===//
// Shared verifiers of the modeled ops (SeqParVerifiers.cpp)
//===----------------------------------------------------------------------===//

/// The local checks of a modeled op: tensor ranks and element types, the
/// dims its model moves, the group's axis names, then the op's own
/// attribute checks.
llvm::LogicalResult verifyModeledOp(OpModelInterface op);

/// Resolves the group (diagnosing a bad grid or axis), checks the operands
/// that depend on the group size, infers the result shape through the model
/// and compares it with the declared one, and checks a recorded lowering
/// form.
llvm::LogicalResult
verifyModeledOpSymbolUses(OpModelInterface op,
                          mlir::SymbolTableCollection &symbolTables);

//===----------------------------------------------------------------------===//
// Adjoints (SeqParOpModel.cpp and below)
//===----------------------------------------------------------------------===//

/// The adjoint factor of an op that scales the gradient by its group size as
/// `scale` says (the getAdjointFactor generated from `adjointScale`).
mlir::FailureOr<GradFactor>
scaledFactor(CollectiveOpInterface op,
             mlir::SymbolTableCollection &symbolTables, GradScale scale);

/// Builds the adjoint `AdjointOpTy` of `op` on `resultGrad`, with the
/// attributes that `buildArgs()` returns as a tuple, typed by its model and
/// cast back to the forward input's type where the two differ. Builds nothing
/// and returns null when the forward op's grid does not resolve (the verifier
/// excludes it).
template <typename AdjointOpTy, typename OpTy, typename BuildArgs>
mlir::Value buildAdjointOp(OpTy op, mlir::OpBuilder &b, mlir::Value resultGrad,
                           BuildArgs buildArgs) {
  mlir::SymbolTableCollection symbolTables;
  if (mlir::failed(getOpModel(op, symbolTables)))
    return mlir::Value();
  return std::apply(
      [&](auto &&...args) {
        return createModeledOp<AdjointOpTy>(
            b, op.getLoc(), symbolTables, op.getInput().getType(), resultGrad,
            std::forward<decltype(args)>(args)...);
      },
      buildArgs());
}

template <typename OpTy>
using RingAxisOf = decltype(std::declval<OpTy &>().getRingAxisAttr());
template <typename OpTy>
using SeqLensOf = decltype(std::declval<OpTy &>().getSeqLensAttr());

/// The group attributes of `op` (grid and axes, or grid, ring and Ulysses
/// axis) and its dim, which an op and its inverse share.
template <typename OpTy> auto groupAndDim(OpTy op) {
  if constexpr (llvm::is_detected<RingAxisOf, OpTy>::value)
    return std::make_tuple(op.getGridAttr(), op.getRingAxisAttr(),
                           op.getUlyssesAxisAttr(), op.getDimAttr());
  else
    return std::make_tuple(op.getGridAttr(), op.getAxesAttr(), op.getDimAttr());
}

/// The adjoint of an op whose inverse `AdjointOpTy` takes the same group, dim
/// and sequence lengths, and nothing else: the buildAdjoint generated from an
/// op's `adjointInverse`.
template <typename AdjointOpTy, typename OpTy>
mlir::Value buildGroupInverse(OpTy op, mlir::OpBuilder &b,
                              mlir::Value resultGrad) {
  return buildAdjointOp<AdjointOpTy>(op, b, resultGrad, [&] {
    if constexpr (llvm::is_detected<SeqLensOf, OpTy>::value)
      return std::tuple_cat(groupAndDim(op),
                            std::make_tuple(op.getSeqLensAttr()));
    else
      return groupAndDim(op);
  });
}

} // namespace detail
} // namespace seqpar

#endif // SEQPAR_LIB_DIALECT_SEQPAR_IR_SEQPARDETAIL_H
