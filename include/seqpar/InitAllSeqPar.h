//===- InitAllSeqPar.h - Register seqpar dialects and passes ----*- C++ -*-===//
//
// One place to register everything seqpar provides, for seqpar-opt and for
// users who load seqpar into their own tools.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_INITALLSEQPAR_H
#define SEQPAR_INITALLSEQPAR_H

#include "seqpar/Conversion/Passes.h"
#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/Extensions/ShardingExtensions.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/Extensions/ShardingExtensions.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

namespace seqpar {

/// Adds the seqpar dialect to `registry` with everything its pipelines read
/// and write: the upstream dialects of the IR around seqpar ops (func, arith,
/// tensor, linalg, memref, scf, bufferization) and of the lowered IR (cf,
/// math, llvm), their bufferization models (one-shot-bufferize needs them
/// before the dialects load), the func inliner extension and the LLVM
/// conversion interfaces. A tool that loads seqpar needs nothing else.
/// Upstream's shard dialect comes too, with the sharding models of func,
/// arith, tensor and linalg ops, so that sharding-propagation and
/// shard-partition run before convert-shard-to-seqpar in the same tool.
inline void registerSeqParDialects(mlir::DialectRegistry &registry) {
  registry.insert<seqpar::SeqParDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::LLVM::LLVMDialect, mlir::math::MathDialect,
                  mlir::linalg::LinalgDialect, mlir::memref::MemRefDialect,
                  mlir::scf::SCFDialect, mlir::shard::ShardDialect,
                  mlir::tensor::TensorDialect>();
  mlir::func::registerInlinerExtension(registry);
  mlir::arith::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  mlir::linalg::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::scf::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerSeqParToLLVMInterfaces(registry);
  mlir::arith::registerShardingInterfaceExternalModels(registry);
  mlir::func::registerShardingInterfaceExternalModels(registry);
  mlir::linalg::registerShardingInterfaceExternalModels(registry);
  mlir::tensor::registerShardingInterfaceExternalModels(registry);
}

/// Registers every seqpar pass and pipeline with the global pass registry,
/// and upstream's shard passes (sharding-propagation, shard-partition) that
/// convert-shard-to-seqpar follows.
inline void registerAllSeqParPasses() {
  mlir::shard::registerShardPasses();
  registerSeqParTransformsPasses();
  registerSeqParConversionPasses();
  registerSeqParToLLVMPipeline();
}

} // namespace seqpar

#endif // SEQPAR_INITALLSEQPAR_H
