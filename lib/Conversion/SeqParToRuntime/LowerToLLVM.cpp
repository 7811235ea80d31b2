//===- LowerToLLVM.cpp - Bufferized seqpar output to LLVM -------*- C++ -*-===//
//
// The last pass of seqpar-to-llvm: shares unranked descriptors, runs the
// upstream structured lowerings only on functions that need them, converts
// to the LLVM dialect, reconciles the casts left and keeps one of each
// constant and of each field extracted from a value of the entry per
// function, with one walk and one verification of the large IR instead of
// six.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/Passes.h"

#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/DialectConversion.h"

#include <tuple>

namespace seqpar {
#define GEN_PASS_DEF_SEQPARLOWERTOLLVM
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;

namespace {

/// Upstream's lowerings of structured ops, run on the functions that hold
/// any.
void buildStructuredLowering(OpPassManager &pm) {
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
}

/// True for ops that convert-to-llvm lowers directly and that none of the
/// structured lowerings rewrites; anything else sends its function through
/// them.
bool lowersDirectly(Operation *op) {
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp, memref::CastOp,
          memref::LoadOp, memref::StoreOp, memref::GetGlobalOp, memref::DimOp,
          UnrealizedConversionCastOp>(op))
    return true;
  StringRef dialect = op->getName().getDialectNamespace();
  return llvm::is_contained(
      {StringRef("llvm"), StringRef("func"), StringRef("arith"),
       StringRef("cf"), StringRef("math"), StringRef("index"), StringRef("ub")},
      dialect);
}

/// Makes later unranked casts of a buffer in a block reuse the first one:
/// each becomes an alloca and a store of the descriptor in LLVM, and the
/// descriptor of a buffer is the same wherever it is taken.
void shareUnrankedCasts(ModuleOp module) {
  SmallVector<Operation *> dead;
  DenseMap<std::tuple<Block *, Value, Type>, Value> first;
  module.walk([&](memref::CastOp cast) {
    if (!isa<UnrankedMemRefType>(cast.getType()))
      return;
    // A cast between ranked types keeps the descriptor as it is.
    Value root = cast.getSource();
    while (auto inner = root.getDefiningOp<memref::CastOp>()) {
      if (!isa<MemRefType>(inner.getSource().getType()))
        break;
      root = inner.getSource();
    }
    Value &seen = first[{cast->getBlock(), root, cast.getType()}];
    if (!seen) {
      seen = cast.getResult();
      return;
    }
    cast.getResult().replaceAllUsesWith(seen);
    dead.push_back(cast);
  });
  DenseMap<std::tuple<Block *, Value, Type>, Value> renamed;
  module.walk([&](UnrealizedConversionCastOp cast) {
    if (cast.getNumOperands() != 1 || cast.getNumResults() != 1)
      return;
    Value &seen = renamed[{cast->getBlock(), cast.getOperand(0),
                           cast.getResult(0).getType()}];
    if (!seen) {
      seen = cast.getResult(0);
      return;
    }
    cast.getResult(0).replaceAllUsesWith(seen);
    dead.push_back(cast);
  });
  for (Operation *op : dead) {
    // A ranked cast that only fed the unranked one is now unused.
    Operation *source = op->getOperand(0).getDefiningOp();
    op->erase();
    while (source && isa<memref::CastOp>(source) && source->use_empty()) {
      Operation *next = source->getOperand(0).getDefiningOp();
      source->erase();
      source = next;
    }
  }
}

/// Replaces each op of `ops` by the first one that `keyOf` gives the same
/// key, which `place` moves where it dominates all of them.
template <typename Key>
void keepFirst(ArrayRef<Operation *> ops, function_ref<Key(Operation *)> keyOf,
               function_ref<void(Operation *)> place) {
  DenseMap<Key, Operation *> first;
  for (Operation *op : ops) {
    Operation *&kept = first[keyOf(op)];
    if (kept) {
      op->getResult(0).replaceAllUsesWith(kept->getResult(0));
      op->erase();
      continue;
    }
    kept = op;
    place(op);
  }
}

/// Keeps, per function, one of each constant (llvm.mlir.constant, zero,
/// poison), at its entry: the lowering of every allocation and descriptor
/// creates its own, about a third of the ops of a collective. And one
/// llvm.extractvalue of each field of a value defined at the entry: a call
/// of the runtime takes each unranked memref as two scalars, extracted again
/// at every call, while the descriptors and lists that every collective
/// passes are made once, at the entry.
void shareEntryValues(ModuleOp module) {
  module.walk([&](LLVM::LLVMFuncOp fn) {
    if (fn.isExternal())
      return;
    Block &entry = fn.getBody().front();
    SmallVector<Operation *> constants, extracts;
    fn.getBody().walk([&](Operation *op) {
      if (isa<LLVM::ConstantOp, LLVM::ZeroOp, LLVM::PoisonOp>(op))
        constants.push_back(op);
      else if (auto extract = dyn_cast<LLVM::ExtractValueOp>(op);
               extract && extract.getContainer().getParentBlock() == &entry)
        extracts.push_back(op);
    });
    // Kept constants go to the entry in the order they were first seen.
    Operation *lastKept = nullptr;
    keepFirst<std::tuple<OperationName, Attribute, Type>>(
        constants,
        [](Operation *op) {
          Attribute value;
          if (auto constant = dyn_cast<LLVM::ConstantOp>(op))
            value = constant.getValue();
          return std::make_tuple(op->getName(), value,
                                 op->getResult(0).getType());
        },
        [&](Operation *op) {
          if (lastKept)
            op->moveAfter(lastKept);
          else
            op->moveBefore(&entry, entry.begin());
          lastKept = op;
        });
    // A kept extract goes right after the value it reads, so that it
    // dominates every use of the others.
    keepFirst<std::pair<Value, ArrayRef<int64_t>>>(
        extracts,
        [](Operation *op) {
          auto extract = cast<LLVM::ExtractValueOp>(op);
          return std::make_pair(extract.getContainer(), extract.getPosition());
        },
        [&](Operation *op) {
          Value container = cast<LLVM::ExtractValueOp>(op).getContainer();
          if (Operation *def = container.getDefiningOp())
            op->moveAfter(def);
          else
            op->moveBefore(&entry, entry.begin());
        });
  });
}

struct SeqParLowerToLLVMPass
    : public seqpar::impl::SeqParLowerToLLVMBase<SeqParLowerToLLVMPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registerConvertToLLVMDependentDialectLoading(registry);
    OpPassManager structured(func::FuncOp::getOperationName());
    buildStructuredLowering(structured);
    structured.getDependentDialects(registry);
  }

  LogicalResult initialize(MLIRContext *context) override {
    structured =
        std::make_shared<OpPassManager>(func::FuncOp::getOperationName());
    buildStructuredLowering(*structured);
    auto conversionTarget = std::make_shared<ConversionTarget>(*context);
    auto converter = std::make_shared<LLVMTypeConverter>(context);
    RewritePatternSet set(context);
    conversionTarget->addLegalDialect<LLVM::LLVMDialect>();
    for (Dialect *dialect : context->getLoadedDialects()) {
      // A dialect loaded along the way (vector and complex with linalg) may
      // promise the interface in an extension nobody registered: it has no
      // patterns to give, and asking for it aborts when assertions are on.
      if (dialect->hasPromisedInterface(
              dialect->getTypeID(),
              ConvertToLLVMPatternInterface::getInterfaceID()))
        continue;
      if (auto *iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect))
        iface->populateConvertToLLVMConversionPatterns(*conversionTarget,
                                                       *converter, set);
    }
    patterns = std::make_shared<FrozenRewritePatternSet>(std::move(set));
    target = conversionTarget;
    typeConverter = converter;
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    shareUnrankedCasts(module);

    SmallVector<func::FuncOp> structuredFunctions;
    module.walk([&](func::FuncOp fn) {
      WalkResult found = fn.getBody().walk([](Operation *op) {
        return lowersDirectly(op) ? WalkResult::advance()
                                  : WalkResult::interrupt();
      });
      if (found.wasInterrupted())
        structuredFunctions.push_back(fn);
    });
    for (func::FuncOp fn : structuredFunctions)
      if (failed(runPipeline(*structured, fn)))
        return signalPassFailure();

    ConversionConfig config;
    config.allowPatternRollback = false;
    if (failed(applyPartialConversion(module, *target, *patterns, config)))
      return signalPassFailure();

    SmallVector<UnrealizedConversionCastOp> casts;
    module.walk(
        [&](UnrealizedConversionCastOp cast) { casts.push_back(cast); });
    reconcileUnrealizedCasts(casts);
    shareEntryValues(module);
  }

  std::shared_ptr<OpPassManager> structured;
  std::shared_ptr<const FrozenRewritePatternSet> patterns;
  std::shared_ptr<const ConversionTarget> target;
  std::shared_ptr<const LLVMTypeConverter> typeConverter;
};

} // namespace
