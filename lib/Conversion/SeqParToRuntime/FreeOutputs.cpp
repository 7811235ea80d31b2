//===- FreeOutputs.cpp - Free runtime output buffers after use --*- C++ -*-===//
//
// After bufferization, takes every output buffer that the seqpar conversion
// allocated from the runtime's allocator (so that the collectives writing
// into it take the direct path) and frees it after its last use, unless it
// escapes its block. Linear in the size of the IR.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARFREEOUTPUTS
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using seqpar::kAllocFunction;
using seqpar::kFreeFunction;
using seqpar::kOutputAttr;

namespace {

/// True for calls of the runtime or of the conversion's status check, which
/// neither keep nor return their memref arguments.
bool isRuntimeCall(func::CallOp call) {
  StringRef callee = call.getCallee();
  return callee.starts_with("seqpar_rt_") || callee.starts_with("__seqpar_rt_");
}

/// How a use of (a view of) the buffer treats it: read or written, viewed,
/// passed to a function (which may keep it), or kept otherwise.
enum class UseKind { Access, View, Call, Escape };

UseKind classify(OpOperand &use) {
  Operation *user = use.getOwner();
  if (isa<memref::CastOp, UnrealizedConversionCastOp, ViewLikeOpInterface>(
          user))
    return UseKind::View;
  if (auto call = dyn_cast<func::CallOp>(user))
    return isRuntimeCall(call) ? UseKind::Access : UseKind::Call;
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
    SymbolTable symbols(getOperation());
    auto allocFn = symbols.lookup<func::FuncOp>(kAllocFunction);
    auto freeFn = symbols.lookup<func::FuncOp>(kFreeFunction);
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
      bool escapes = false, called = false;
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
          called = called || kind == UseKind::Call;
          if (position[anchor] > position[last])
            last = anchor;
          if (kind == UseKind::View)
            llvm::append_range(worklist, use.getOwner()->getResults());
        }
      }
      if (escapes)
        continue;
      // A buffer passed to a function stays live: the runtime frees it at
      // finalize.
      bool freeAfter = !called && !last->hasTrait<OpTrait::IsTerminator>();
      Value buffer = alloc.getResult();
      if (allocFn && freeFn) {
        const bool lastIsAlloc = last == alloc.getOperation();
        if (std::optional<std::pair<Value, Operation *>> replaced =
                fromRuntime(alloc, allocFn)) {
          buffer = replaced->first;
          // An unused buffer is freed right after its view.
          if (lastIsAlloc)
            last = replaced->second;
        }
      }
      if (freeAfter)
        frees.push_back({last, buffer});
    }
    for (auto [last, buffer] : frees) {
      OpBuilder b(last->getContext());
      b.setInsertionPointAfter(last);
      if (isa<memref::AllocOp>(buffer.getDefiningOp()))
        memref::DeallocOp::create(b, last->getLoc(), buffer);
      else
        func::CallOp::create(b, last->getLoc(), freeFn, ValueRange{buffer});
    }
  }

  /// Replaces `alloc` by a view of a byte buffer of the runtime's allocator
  /// and returns that byte buffer and the view; nothing (the alloc stays)
  /// for element types the runtime does not move.
  std::optional<std::pair<Value, Operation *>>
  fromRuntime(memref::AllocOp alloc, func::FuncOp allocFn) {
    MemRefType type = alloc.getType();
    Type element = type.getElementType();
    if (!element.isIntOrFloat() || !type.getLayout().isIdentity())
      return std::nullopt;
    int64_t elementBytes = (element.getIntOrFloatBitWidth() + 7) / 8;
    int64_t staticElements = 1;
    for (int64_t d : type.getShape())
      if (!ShapedType::isDynamic(d))
        staticElements *= d;
    OpBuilder b(alloc);
    Location loc = alloc.getLoc();
    Value bytes =
        arith::ConstantIndexOp::create(b, loc, staticElements * elementBytes);
    for (Value d : alloc.getDynamicSizes())
      bytes = arith::MulIOp::create(b, loc, bytes, d);
    Value count = arith::IndexCastOp::create(b, loc, b.getI64Type(), bytes);
    Value raw =
        func::CallOp::create(b, loc, allocFn, ValueRange{count}).getResult(0);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    auto view = memref::ViewOp::create(b, loc, type, raw, zero,
                                       alloc.getDynamicSizes());
    alloc.replaceAllUsesWith(view.getResult());
    alloc.erase();
    return std::make_pair(raw, view.getOperation());
  }
};

} // namespace
