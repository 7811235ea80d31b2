//===- SeqParInterfaces.td - seqpar op interfaces ----------*- tablegen -*-===//
//
// The adjoint interface through which the backward pass differentiates the
// resharding ops.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_IR_SEQPARINTERFACES_TD
#define SEQPAR_DIALECT_SEQPAR_IR_SEQPARINTERFACES_TD

include "mlir/IR/OpBase.td"

def SeqPar_CollectiveOpInterface : OpInterface<"CollectiveOpInterface"> {
  let cppNamespace = "::seqpar";
  let description = [{
    A collective over a group of ranks: a grid symbol and the names of the
    group's axes, in the order that linearizes the group rank.
  }];
  let methods = [
    InterfaceMethod<"The grid symbol the group lives on.",
      "::mlir::FlatSymbolRefAttr", "getGroupGrid">,
    InterfaceMethod<[{
        The names of the group's axes, in order (for a hybrid op, the ring
        axis then the Ulysses axis).
      }],
      "::llvm::SmallVector<::llvm::StringRef>", "getGroupAxes">
  ];
}

def SeqPar_AdjointOpInterface : OpInterface<"AdjointOpInterface"> {
  let cppNamespace = "::seqpar";
  let description = [{
    A differentiable resharding op. Its adjoint is another seqpar op that
    carries the gradient of the result back to the layout of the input,
    followed by a multiplication by a rational factor (the gradient scale).
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the insertion point of `builder`, the seqpar op that carries
        `resultGrad` (the gradient of this op's result, of the result's type)
        back to the type of this op's input, and returns its result. The
        factor of `getAdjointFactor` is not applied. Ops that the adjoint needs
        (such as a `tensor.dim` of a dynamic size) are built too. Returns null,
        building nothing, when the grid symbol does not resolve, which the
        verifier excludes.
      }],
      "::mlir::Value", "buildAdjoint",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Value":$resultGrad)>,
    InterfaceMethod<[{
        The factor that the adjoint's result is multiplied by, which depends
        on the sizes of the groups; fails only when the grid symbol does not
        resolve, which the verifier excludes.
      }],
      "::mlir::FailureOr<::seqpar::GradFactor>", "getAdjointFactor",
      (ins "::mlir::SymbolTableCollection &":$symbolTables)>
  ];
}

#endif // SEQPAR_DIALECT_SEQPAR_IR_SEQPARINTERFACES_TD
