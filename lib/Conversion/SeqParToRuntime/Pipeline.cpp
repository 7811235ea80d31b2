//===- Pipeline.cpp - The seqpar-to-llvm pipeline ---------------*- C++ -*-===//
//
// seqpar IR on tensors to the LLVM dialect: seqpar's passes, then One-Shot
// Bufferize and the upstream lowerings, leaving calls of the runtime and
// nothing seqpar-specific.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/Passes.h"

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void seqpar::buildSeqParToLLVMPipeline(
    OpPassManager &pm, const SeqParToLLVMPipelineOptions &options) {
  if (options.simplify)
    pm.addPass(createCanonicalizerPass());
  // Reshards become collectives under the default cost model (after the
  // canonicalizer has composed chains of them).
  pm.addPass(createSeqParPlanReshard());
  if (options.decompose)
    pm.addPass(createSeqParDecompose());
  // No seqpar-select-lowering: the descriptor gives the runtime every
  // count, so the conversion makes the same call whatever form the shapes
  // prove, and nothing here would read the recorded form.
  ConvertSeqParToRuntimeOptions conversion;
  conversion.initFunction = options.initFunction;
  conversion.fusePermutes = options.fusePermutes;
  pm.addPass(createConvertSeqParToRuntime(conversion));

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // A loop may carry a collective's output (a new buffer) to its next
  // iteration.
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Output buffers are freed after their last use. Upstream's
  // buffer-deallocation-pipeline would also free escaping buffers, but its
  // time grows with the square of the buffers live in a block (6 s for a
  // function with 4000 collectives); seqpar-free-outputs is linear.
  pm.addPass(createSeqParFreeOutputs());
  // Upstream's structured lowerings where needed, one conversion for arith,
  // cf, func, index, math and memref (their ConvertToLLVMPatternInterface
  // models are registered by registerSeqParToLLVMInterfaces) and
  // reconcile-unrealized-casts, in one pass: each pass over the large IR
  // costs a walk and a verification.
  pm.addPass(createSeqParLowerToLLVM());
}

void seqpar::registerSeqParToLLVMInterfaces(DialectRegistry &registry) {
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
}

void seqpar::registerSeqParToLLVMPipeline() {
  PassPipelineRegistration<SeqParToLLVMPipelineOptions>(
      "seqpar-to-llvm",
      "Lower seqpar IR on tensors to the LLVM dialect and runtime calls",
      buildSeqParToLLVMPipeline);
}
