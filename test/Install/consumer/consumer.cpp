//===- consumer.cpp - A tool built against an installed seqpar --*- C++ -*-===//
//
// Registers the seqpar dialect and passes with one call each, lowers an
// all-to-all with the seqpar-to-llvm pipeline, and queries the runtime.
//
//===----------------------------------------------------------------------===//

#include "seqpar/InitAllSeqPar.h"
#include "seqpar/Runtime/CApi.h"
#include "seqpar/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

static const char *kInput = R"mlir(
seqpar.grid @sp(axes = ["ulysses" = 2])
func.func @reshard(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %y = seqpar.all_to_all %x on @sp["ulysses"] scatter 1 gather 0
      : tensor<4x8xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
)mlir";

int main() {
  mlir::DialectRegistry registry;
  seqpar::registerSeqParDialects(registry);
  seqpar::registerAllSeqParPasses();

  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kInput, &context);
  if (!module) {
    std::fprintf(stderr, "consumer: cannot parse the input\n");
    return 1;
  }
  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::parsePassPipeline("seqpar-to-llvm", pm)) ||
      mlir::failed(pm.run(*module))) {
    std::fprintf(stderr, "consumer: the seqpar-to-llvm pipeline failed\n");
    return 1;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  bool callsRuntime =
      text.find("_mlir_ciface_seqpar_rt_run") != std::string::npos;
  bool seqparLeft = text.find("seqpar.") != std::string::npos;
  std::printf("lowered: calls the runtime: %s, seqpar ops left: %s\n",
              callsRuntime ? "yes" : "no", seqparLeft ? "yes" : "no");
  if (!callsRuntime || seqparLeft)
    std::fprintf(stderr, "%s\n", text.c_str());

  int64_t axes[1] = {2};
  if (seqpar_rt_init(1, axes) != SEQPAR_RT_OK) {
    std::fprintf(stderr, "consumer: %s\n", seqpar_rt_last_error());
    return 1;
  }
  // The C++ API of the runtime the C ABI initialized: the group of axis 0.
  int64_t rank = -1, size = -1;
  seqpar::rt::Runtime *runtime = seqpar::rt::globalRuntime();
  if (!runtime || !runtime->groupRank({0}, rank) ||
      !runtime->groupSize({0}, size)) {
    std::fprintf(stderr, "consumer: the group query failed\n");
    return 1;
  }
  std::printf("runtime: rank %lld of %lld\n", static_cast<long long>(rank),
              static_cast<long long>(size));
  seqpar_rt_finalize();
  return callsRuntime && !seqparLeft ? 0 : 1;
}
