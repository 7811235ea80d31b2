//===- FusePermutes.h - Permutes around a collective as views ---*- C++ -*-===//
//
// The permutes that feed a collective and the chain of permutes that
// consumes its result, found on tensors and applied to the collective's
// buffers as strided views (memref.transpose), so that the runtime's one pack
// and one unpack permute the data and no copy is left. Chains compose and
// identity permutes vanish.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LIB_CONVERSION_SEQPARTORUNTIME_FUSEPERMUTES_H
#define SEQPAR_LIB_CONVERSION_SEQPARTORUNTIME_FUSEPERMUTES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace seqpar {

/// The permutation `p` that `op` applies to its single tensor input, as
/// `linalg.transpose` defines it (result dim i is input dim p[i]), or none.
/// A `linalg.generic` counts when it only copies through a permuted map.
std::optional<llvm::SmallVector<int64_t>> getPermutation(mlir::Operation *op);

/// A collective's tensor operand seen through the permutes that produce it:
/// dim i of the operand is dim `perm[i]` of `source`.
struct PermutedInput {
  mlir::Value source;
  llvm::SmallVector<int64_t> perm;
  /// The permutes looked through, the operand's producer first.
  llvm::SmallVector<mlir::Operation *> peeled;
};

/// Looks through the permutes that produce `operand` (none when `fuse` is
/// false).
PermutedInput findInputPermutes(mlir::Value operand, bool fuse);

/// A collective's result seen through the chain of permutes that consume it,
/// each the single user of the previous value: dim i of `replaced` is dim
/// `perm[i]` of the result.
struct PermutedOutput {
  /// The last permute's result, or the collective's result.
  mlir::Value replaced;
  llvm::SmallVector<int64_t> perm;
  /// The permutes, in the order they run.
  llvm::SmallVector<mlir::Operation *> fused;
};

/// Follows the single-user permutes that consume `result` (none when `fuse`
/// is false).
PermutedOutput findOutputPermutes(mlir::Value result, bool fuse);

/// `buffer` viewed through `perm` (view dim i is buffer dim perm[i]) with a
/// memref.transpose, or `buffer` itself for the identity.
mlir::Value buildPermutedView(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value buffer, llvm::ArrayRef<int64_t> perm);

/// The inverse permutation of `perm`.
llvm::SmallVector<int64_t> invertPermutation(llvm::ArrayRef<int64_t> perm);

/// Replaces `output.replaced` by `replacement`, erases the fused permutes,
/// then the collective `op`, then the peeled input permutes that no longer
/// have users.
void replaceFused(mlir::RewriterBase &rewriter, mlir::Operation *op,
                  const PermutedInput &input, const PermutedOutput &output,
                  mlir::Value replacement);

} // namespace seqpar

#endif // SEQPAR_LIB_CONVERSION_SEQPARTORUNTIME_FUSEPERMUTES_H
