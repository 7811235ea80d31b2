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
/// hybrid_packed_split and (when its Ulysses gather can be rank-generic: one
/// packed length on every ring rank, or equal Ulysses pieces of each)
/// hybrid_packed_gather into primitive seqpar ops.
/// `symbolTables` resolves the grids and must outlive the patterns.
void populateSeqParDecompositionPatterns(
    mlir::RewritePatternSet &patterns,
    mlir::SymbolTableCollection &symbolTables);

// The lowering form (LoweringForm, chooseLoweringForm,
// getRecordedLoweringForm, kLoweringAttrName) is the dialect's, declared in
// SeqPar.h, so that the conversion reads it without this library.

#define GEN_PASS_REGISTRATION
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"

} // namespace seqpar

#endif // SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_H
