//===- seqpar-opt.cpp - The seqpar optimizer driver -------------*- C++ -*-===//
//
// mlir-opt with the seqpar dialect and passes, plus the upstream dialects that
// seqpar pipelines produce and consume.
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"
#include "seqpar/InitAllSeqPar.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  seqpar::registerSeqParDialects(registry);

  // Upstream passes that seqpar pipelines use (canonicalize, cse, inline,
  // one-shot-bufferize, ...), then seqpar's own.
  mlir::registerTransformsPasses();
  mlir::bufferization::registerBufferizationPasses();
  seqpar::registerAllSeqParPasses();
  seqpar::test::registerTestAdjointPass();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "seqpar optimizer driver\n", registry));
}
