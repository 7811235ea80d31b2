//===- Passes.h - seqpar conversion passes and pipeline ---------*- C++ -*-===//
//
// The conversion of seqpar ops to runtime calls and the seqpar-to-llvm
// pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_CONVERSION_PASSES_H
#define SEQPAR_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace seqpar {

/// Marks the output buffers that seqpar-to-runtime allocates, for
/// seqpar-free-outputs.
inline constexpr llvm::StringLiteral kOutputAttr = "seqpar.output";
/// The runtime's allocator for output buffers (runtime/CApi.h:
/// `(i64) -> memref<?xi8>` and `(memref<?xi8>) -> i32`, C interface), which
/// seqpar-to-runtime declares and seqpar-free-outputs calls.
inline constexpr llvm::StringLiteral kAllocFunction = "seqpar_rt_alloc";
inline constexpr llvm::StringLiteral kFreeFunction = "seqpar_rt_free";

#define GEN_PASS_DECL
#include "seqpar/Conversion/Passes.h.inc"

/// Options of the seqpar-to-llvm pipeline.
struct SeqParToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<SeqParToLLVMPipelineOptions> {
  PassOptions::Option<std::string> initFunction{
      *this, "init-function",
      llvm::cl::desc("Function that initializes and finalizes the runtime "
                     "(empty: none)"),
      llvm::cl::init("main")};
  PassOptions::Option<bool> fusePermutes{
      *this, "fuse-permutes",
      llvm::cl::desc("Fold transposes around collectives into strided views"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> simplify{
      *this, "simplify",
      llvm::cl::desc("Canonicalize first: inverse pairs cancel, ops on one "
                     "rank fold away (the dialect's folds and patterns)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> decompose{
      *this, "decompose",
      llvm::cl::desc("Decompose hybrid ops into primitives"),
      llvm::cl::init(true)};
};

/// Adds to `pm` the passes that take seqpar IR on tensors to the LLVM
/// dialect: canonicalize, seqpar-decompose, seqpar-select-lowering,
/// seqpar-to-runtime, One-Shot Bufferize, seqpar-free-outputs, then
/// seqpar-lower-to-llvm (the upstream lowerings to LLVM).
void buildSeqParToLLVMPipeline(mlir::OpPassManager &pm,
                               const SeqParToLLVMPipelineOptions &options);

/// Registers in `registry` the ConvertToLLVMPatternInterface models of the
/// dialects that the seqpar-to-llvm pipeline lowers in one conversion
/// (seqpar-lower-to-llvm: arith, cf, func, index, math, memref, ub). A tool
/// that runs the pipeline calls it with its other registrations.
void registerSeqParToLLVMInterfaces(mlir::DialectRegistry &registry);

/// Registers the seqpar-to-llvm pipeline.
void registerSeqParToLLVMPipeline();

#define GEN_PASS_REGISTRATION
#include "seqpar/Conversion/Passes.h.inc"

} // namespace seqpar

#endif // SEQPAR_CONVERSION_PASSES_H
