//===- FusePermutes.cpp - Permutes around a collective as views -*- C++ -*-===//
//
// Finds the permutes (linalg.transpose, or a linalg.generic that only
// permutes) around a collective and turns them into strided views of its
// buffers.
//
//===----------------------------------------------------------------------===//

#include "FusePermutes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace {

SmallVector<int64_t> identityPermutation(int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(0, rank));
}

bool isIdentity(ArrayRef<int64_t> perm) {
  for (auto [i, p] : llvm::enumerate(perm))
    if (static_cast<int64_t>(i) != p)
      return false;
  return true;
}

int64_t rankOf(Value value) {
  return cast<ShapedType>(value.getType()).getRank();
}

} // namespace

std::optional<SmallVector<int64_t>> seqpar::getPermutation(Operation *op) {
  if (auto transpose = dyn_cast_or_null<linalg::TransposeOp>(op)) {
    if (!transpose.hasPureTensorSemantics())
      return std::nullopt;
    return SmallVector<int64_t>(transpose.getPermutation());
  }
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  AffineMap inMap = generic.getIndexingMapsArray()[0];
  AffineMap outMap = generic.getIndexingMapsArray()[1];
  if (!outMap.isIdentity() || !inMap.isPermutation())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 || !yield ||
      yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  // Input index k is loop index m[k]: the result is transpose(x, m^-1).
  SmallVector<int64_t> perm(inMap.getNumResults());
  for (auto [k, expr] : llvm::enumerate(inMap.getResults()))
    perm[cast<AffineDimExpr>(expr).getPosition()] = k;
  return perm;
}

SmallVector<int64_t> seqpar::invertPermutation(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return inverse;
}

seqpar::PermutedInput seqpar::findInputPermutes(Value operand, bool fuse) {
  PermutedInput input{operand, identityPermutation(rankOf(operand)), {}};
  if (!fuse)
    return input;
  // Going up the chain, the operand's dim i is the source's dim perm[i].
  while (Operation *def = input.source.getDefiningOp()) {
    std::optional<SmallVector<int64_t>> p = getPermutation(def);
    if (!p)
      break;
    for (int64_t &d : input.perm)
      d = (*p)[d];
    input.peeled.push_back(def);
    input.source = def->getOperand(0);
  }
  return input;
}

seqpar::PermutedOutput seqpar::findOutputPermutes(Value result, bool fuse) {
  PermutedOutput output{result, identityPermutation(rankOf(result)), {}};
  if (!fuse)
    return output;
  // Going down a chain of single-user permutes, dim i of the last one's
  // result is the collective's result dim perm[i].
  while (output.replaced.hasOneUse()) {
    OpOperand &use = *output.replaced.use_begin();
    Operation *user = use.getOwner();
    std::optional<SmallVector<int64_t>> p = getPermutation(user);
    if (!p || use.getOperandNumber() != 0)
      break;
    SmallVector<int64_t> next(p->size());
    for (auto [i, d] : llvm::enumerate(*p))
      next[i] = output.perm[d];
    output.perm = std::move(next);
    output.fused.push_back(user);
    output.replaced = user->getResult(0);
  }
  return output;
}

Value seqpar::buildPermutedView(OpBuilder &b, Location loc, Value buffer,
                                ArrayRef<int64_t> perm) {
  if (isIdentity(perm))
    return buffer;
  return memref::TransposeOp::create(
      b, loc, buffer,
      AffineMapAttr::get(AffineMap::getPermutationMap(
          llvm::to_vector_of<unsigned>(perm), b.getContext())));
}

void seqpar::replaceFused(RewriterBase &rewriter, Operation *op,
                          const PermutedInput &input,
                          const PermutedOutput &output, Value replacement) {
  rewriter.replaceAllUsesWith(output.replaced, replacement);
  // Each fused permute's only user is the next one.
  for (Operation *fused : llvm::reverse(output.fused))
    rewriter.eraseOp(fused);
  rewriter.eraseOp(op);
  // Peeled permutes may have other users; those keep them.
  SmallVector<Operation *> worklist(input.peeled.begin(), input.peeled.end());
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Operation *dead = worklist.pop_back_val();
    if (erased.contains(dead) || !isOpTriviallyDead(dead))
      continue;
    for (Value operand : dead->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    erased.insert(dead);
    rewriter.eraseOp(dead);
  }
}
