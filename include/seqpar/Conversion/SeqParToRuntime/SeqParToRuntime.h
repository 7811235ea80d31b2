//===- SeqParToRuntime.h - seqpar ops to runtime calls ----------*- C++ -*-===//
//
// The patterns that replace seqpar ops on tensors by calls of the runtime's C
// ABI (runtime/include/seqpar/Runtime/CApi.h), one pattern per op, and the
// state they share.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_CONVERSION_SEQPARTORUNTIME_SEQPARTORUNTIME_H
#define SEQPAR_CONVERSION_SEQPARTORUNTIME_SEQPARTORUNTIME_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

#include <memory>

namespace seqpar {

/// What the patterns of one rewrite share: the runtime's declarations (in
/// the module nearest to each op), the constant descriptor globals (one per
/// distinct descriptor), the values that each function reads once at its
/// entry, and whether a pattern reported an error (a symbol of the module
/// clashes with a runtime function). It must outlive the patterns.
class RuntimeLoweringState {
public:
  explicit RuntimeLoweringState(mlir::MLIRContext *ctx);
  ~RuntimeLoweringState();

  /// True once a pattern has reported an error; the ops it did not lower
  /// are left in place.
  bool hasFailed() const;

  /// Calls seqpar_rt_init with `gridShape` at the entry of `fn` and
  /// seqpar_rt_finalize before each of its returns, both checked. Fails,
  /// with an error, when a runtime function's name is taken.
  mlir::LogicalResult addInitAndFinalize(mlir::func::FuncOp fn,
                                         llvm::ArrayRef<int64_t> gridShape);

  class Impl;
  Impl &getImpl() { return *impl; }

private:
  std::unique_ptr<Impl> impl;
};

/// Adds one pattern per seqpar op (a template for the collectives that move
/// data) that replaces the op by a runtime call at the tensor boundary: the
/// input is a read-only buffer of the tensor, the output a new buffer
/// (marked `seqpar.output`) in the result's shape, the result the tensor of
/// that buffer. With `fusePermutes`, transposes around a collective become
/// strided views of these buffers. The patterns run once per op: apply them
/// greedily with ExistingOps strictness and without folding or constant CSE
/// (the state reuses the values it created at function entries, which CSE
/// could erase), as seqpar-to-runtime does. `seqpar.grid` is left for the
/// caller to erase once every collective is lowered.
void populateSeqParToRuntimePatterns(mlir::RewritePatternSet &patterns,
                                     RuntimeLoweringState &state,
                                     bool fusePermutes = true);

} // namespace seqpar

#endif // SEQPAR_CONVERSION_SEQPARTORUNTIME_SEQPARTORUNTIME_H
