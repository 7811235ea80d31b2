//===- Passes.h - seqpar transformation passes ------------------*- C++ -*-===//
//
// Decomposition of composite seqpar ops and the choice of aligned or
// unaligned lowering.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_H
#define SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_H

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace seqpar {

#define GEN_PASS_DECL
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"

/// Adds the patterns that decompose hybrid_split, hybrid_gather,
/// hybrid_packed_split and (when the ring pieces are uniform)
/// hybrid_packed_gather into primitive seqpar ops. `symbolTables` resolves
/// the grids and must outlive the patterns.
void populateSeqParDecompositionPatterns(
    mlir::RewritePatternSet &patterns,
    mlir::SymbolTableCollection &symbolTables);

/// The name of the attribute that records the lowering form.
inline constexpr llvm::StringLiteral kLoweringAttrName = "seqpar.lowering";

/// The form in which a collective is lowered (see seqpar-select-lowering).
enum class LoweringForm { Equal, PerPeer, Runtime };

/// The form that the static shapes of `op` allow: Equal when every piece is
/// provably equal, PerPeer when the sizes are static but differ, Runtime
/// otherwise (and for ops other than all_to_all, split and gather). Fails
/// when the grid does not resolve.
mlir::FailureOr<LoweringForm>
chooseLoweringForm(mlir::Operation *op,
                   mlir::SymbolTableCollection &symbolTables);

/// "equal", "per_peer" or "runtime".
llvm::StringRef stringifyLoweringForm(LoweringForm form);
/// The form recorded on `op` by seqpar-select-lowering, Runtime when none.
LoweringForm getRecordedLoweringForm(mlir::Operation *op);

#define GEN_PASS_REGISTRATION
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"

} // namespace seqpar

#endif // SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_H
