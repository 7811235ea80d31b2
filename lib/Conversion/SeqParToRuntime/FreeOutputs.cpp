//===- FreeOutputs.cpp - Free runtime output buffers after use --*- C++ -*-===//
//
// After bufferization, inserts a memref.dealloc after the last use of every
// output buffer that the seqpar conversion allocated and that does not
// escape its block. Linear in the size of the IR.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARFREEOUTPUTS
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using seqpar::kOutputAttr;

namespace {

/// True for calls of the runtime or of the conversion's status check, which
/// neither keep nor return their memref arguments.
bool isRuntimeCall(func::CallOp call) {
  StringRef callee = call.getCallee();
  return callee.starts_with("seqpar_rt_") || callee.starts_with("__seqpar_rt_");
}

/// How a use of (a view of) the buffer treats it.
enum class UseKind { Access, View, Escape };

UseKind classify(OpOperand &use) {
  Operation *user = use.getOwner();
  if (isa<memref::CastOp, UnrealizedConversionCastOp, ViewLikeOpInterface>(
          user))
    return UseKind::View;
  if (auto call = dyn_cast<func::CallOp>(user))
    return isRuntimeCall(call) ? UseKind::Access : UseKind::Escape;
  if (isa<memref::LoadOp, memref::DimOp, memref::CopyOp,
          memref::ExtractAlignedPointerAsIndexOp>(user))
    return UseKind::Access;
  // A store keeps the buffer only if it is the stored value.
  if (auto store = dyn_cast<memref::StoreOp>(user))
    return use.get() == store.getMemRef() ? UseKind::Access : UseKind::Escape;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(user))
    return linalgOp.hasPureBufferSemantics() ? UseKind::Access
                                             : UseKind::Escape;
  return UseKind::Escape;
}

struct SeqParFreeOutputsPass
    : public seqpar::impl::SeqParFreeOutputsBase<SeqParFreeOutputsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp alloc) {
      if (alloc->hasAttr(kOutputAttr))
        allocs.push_back(alloc);
    });
    // Position of every op of the blocks that hold an output, numbered
    // once: isBeforeInBlock would renumber a block after each insertion.
    DenseMap<Operation *, unsigned> position;
    DenseSet<Block *> numbered;
    SmallVector<std::pair<Operation *, Value>> frees;
    for (memref::AllocOp alloc : allocs) {
      alloc->removeAttr(kOutputAttr);
      Block *block = alloc->getBlock();
      if (numbered.insert(block).second) {
        unsigned i = 0;
        for (Operation &op : *block)
          position[&op] = i++;
      }
      Operation *last = alloc;
      bool escapes = false;
      SmallVector<Value> worklist = {alloc.getResult()};
      while (!worklist.empty() && !escapes) {
        Value value = worklist.pop_back_val();
        for (OpOperand &use : value.getUses()) {
          Operation *anchor = block->findAncestorOpInBlock(*use.getOwner());
          UseKind kind = classify(use);
          if (!anchor || kind == UseKind::Escape) {
            escapes = true;
            break;
          }
          if (position[anchor] > position[last])
            last = anchor;
          if (kind == UseKind::View)
            llvm::append_range(worklist, use.getOwner()->getResults());
        }
      }
      if (!escapes && !last->hasTrait<OpTrait::IsTerminator>())
        frees.push_back({last, alloc.getResult()});
    }
    for (auto [last, buffer] : frees) {
      OpBuilder b(last->getContext());
      b.setInsertionPointAfter(last);
      memref::DeallocOp::create(b, last->getLoc(), buffer);
    }
  }
};

} // namespace
