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

def SeqPar_OpModelInterface : OpInterface<"OpModelInterface"> {
  let cppNamespace = "::seqpar";
  let description = [{
    A resharding collective described by the op model of the layout library
    (`seqpar/Layout/OpModel.h`): its kind, and how each dim it moves is
    distributed over its group. Each op states its model once; `getOpModel`
    adds the grid and the group axes, and the verifiers, shape inference,
    adjoints, decomposition and lowering choice all ask the model.
  }];
  let methods = [
    InterfaceMethod<[{
        The model of this op without its group: the kind, the scatter and
        gather moves with their distributions, and the gradient scale. The
        grid shape and the group axes are left empty (`getOpModel` fills
        them in).
      }],
      "::seqpar::layout::Op", "buildOpModel">,
    InterfaceMethod<[{
        Checks of the op's own attributes and operands that need neither the
        grid nor the model (sizes given twice, say); the shared verifier
        calls it after the tensor and dim checks.
      }],
      "::llvm::LogicalResult", "verifyOwnAttributes", (ins), "",
      "return ::mlir::success();">,
    InterfaceMethod<[{
        Checks of operands whose type depends on the group size (a lengths
        operand holds one length per rank); the shared verifier calls it once
        the group resolves.
      }],
      "::llvm::LogicalResult", "verifyGroupOperands",
      (ins "int64_t":$groupSize), "", "return ::mlir::success();">
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
