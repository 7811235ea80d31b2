//===- ShardToSeqPar.h - Upstream shard IR into seqpar ----------*- C++ -*-===//
//
// The patterns that convert upstream MLIR's `shard` dialect (grids, the
// collectives that shard-partition produces, process queries) into seqpar.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_CONVERSION_SHARDTOSEQPAR_SHARDTOSEQPAR_H
#define SEQPAR_CONVERSION_SHARDTOSEQPAR_SHARDTOSEQPAR_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace seqpar {

/// Adds the pattern that turns `shard.grid @g(shape = 2x3)` into
/// `seqpar.grid @g(axes = ["0" = 2, "1" = 3])`. It runs first, on its own, so
/// that the other patterns find seqpar grids behind the grid symbols.
void populateShardGridToSeqParPatterns(mlir::RewritePatternSet &patterns);

/// Adds the patterns of every other shard op: all_to_all, all_gather and
/// all_slice become seqpar collectives, the process queries group_rank and
/// constants, unused `shard.sharding` ops vanish, and every other shard op
/// is reported ("seqpar has no lowering for 'shard.all_reduce'").
void populateShardToSeqParPatterns(mlir::RewritePatternSet &patterns,
                                   mlir::SymbolTableCollection &symbolTables);

} // namespace seqpar

#endif // SEQPAR_CONVERSION_SHARDTOSEQPAR_SHARDTOSEQPAR_H
