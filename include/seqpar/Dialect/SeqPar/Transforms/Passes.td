//===- Passes.td - seqpar transformation passes -----------*- tablegen -*-===//
//
// Passes that rewrite seqpar ops on tensors before they are lowered to the
// runtime: decomposition of the composite ops and the choice between aligned
// and unaligned lowering.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_TD
#define SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SeqParDecompose : Pass<"seqpar-decompose", "mlir::ModuleOp"> {
  let summary = "Decompose hybrid ring x Ulysses ops into primitives";
  let description = [{
    Rewrites the composite context-parallel ops into the primitive ones, in
    the order of the seeds' `*_with_cp` functions:

    - `hybrid_split`: `zigzag_split` over the ring axis, then `split` over the
      Ulysses axis by the split rule (`grad_scale down`);
    - `hybrid_gather`: `gather` over the Ulysses axis of the ring rank's
      length `N / R` (`grad_scale up`), then `zigzag_gather` over the ring;
    - `hybrid_packed_split`: `packed_split` over the ring axis, then `split`
      over the Ulysses axis by the split rule (`grad_scale down`);
    - `hybrid_packed_gather`: `gather` over the Ulysses axis (`grad_scale up`)
      then `packed_gather` over the ring axis. The Ulysses gather needs the
      ring rank's packed length; when it is not the same on every ring rank
      it depends on the rank, which the tensor-level ops cannot name, so the
      op is left whole and the conversion calls the runtime's hybrid packed
      gather.

    The grad scales make the adjoint of the decomposition the adjoint of the
    composite (`1 / (R * U)` for the splits, `R * U` for the gathers).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect"
  ];
}

def SeqParSelectLowering : Pass<"seqpar-select-lowering", "mlir::ModuleOp"> {
  let summary = "Choose aligned or unaligned lowering from static shapes";
  let description = [{
    Records on every `all_to_all`, `split` and `gather` the form the
    conversion lowers it to, as the attribute `seqpar.lowering`:

    - `"equal"`: the static shapes prove every peer's piece equal; the
      runtime call gets no size tables (the equal-block collective);
    - `"per_peer"`: the shapes are static but the pieces differ; the
      conversion passes the per-peer counts, computed at compile time by the
      Layout library, and takes the rank-dependent result size from them;
    - `"runtime"`: a size is dynamic or the lengths come from
      `exchange_lengths`; the runtime derives the counts. Ops without the
      attribute are lowered this way.

    Never padding: the unaligned forms move exactly the elements of each
    piece.
  }];
}

#endif // SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_TD
