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

#include "mlir/IR/DialectRegistry.h"

namespace seqpar {

/// Adds the seqpar dialect to `registry`, and the interfaces that the
/// seqpar-to-llvm pipeline needs.
inline void registerSeqParDialects(mlir::DialectRegistry &registry) {
  registry.insert<seqpar::SeqParDialect>();
  registerSeqParToLLVMInterfaces(registry);
}

/// Registers every seqpar pass and pipeline with the global pass registry.
inline void registerAllSeqParPasses() {
  registerSeqParTransformsPasses();
  registerSeqParConversionPasses();
  registerSeqParToLLVMPipeline();
}

} // namespace seqpar

#endif // SEQPAR_INITALLSEQPAR_H
