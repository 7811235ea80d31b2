//===- TestAdjoint.cpp - test pass of the adjoint interface -----*- C++ -*-===//
//
// --test-seqpar-adjoint builds, after every op implementing
// AdjointOpInterface, its adjoint applied to the op's own result (standing in
// for the gradient), and records the gradient factor on the op, so that lit
// tests can check the adjoint ops and their types; the output is verified
// like any pass output.
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
struct TestAdjointPass
    : public PassWrapper<TestAdjointPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestAdjointPass)

  StringRef getArgument() const final { return "test-seqpar-adjoint"; }
  StringRef getDescription() const final {
    return "Build the adjoint of every seqpar op (test only)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<tensor::TensorDialect>();
  }

  void runOnOperation() override {
    SymbolTableCollection symbolTables;
    SmallVector<seqpar::AdjointOpInterface> ops;
    getOperation().walk(
        [&](seqpar::AdjointOpInterface op) { ops.push_back(op); });
    for (seqpar::AdjointOpInterface op : ops) {
      OpBuilder builder(op->getContext());
      builder.setInsertionPointAfter(op);
      Value adjoint = op.buildAdjoint(builder, op->getResult(0));
      FailureOr<seqpar::GradFactor> factor = op.getAdjointFactor(symbolTables);
      if (!adjoint || failed(factor)) {
        op->emitOpError("has no adjoint");
        return signalPassFailure();
      }
      op->setAttr("test.adjoint_factor",
                  builder.getDenseI64ArrayAttr({factor->num, factor->den}));
    }
  }
};
} // namespace

void seqpar::test::registerTestAdjointPass() {
  PassRegistration<TestAdjointPass>();
}
