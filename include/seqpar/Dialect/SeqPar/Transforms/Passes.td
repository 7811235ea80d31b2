//===- Passes.td - seqpar transformation passes ------------*- tablegen -*-===//
//
// Passes that rewrite seqpar ops on tensors before they are lowered to the
// runtime: the planning of reshards, the decomposition of the composite ops
// and the choice between aligned and unaligned lowering.
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
      then `packed_gather` over the ring axis. The Ulysses gather rebuilds
      the ring rank's packed length: with that length as its `gather_size`
      when it is the same on every ring rank, or by default (every rank's own
      length) when each ring rank's length splits into equal Ulysses pieces
      (always so on one Ulysses rank). Otherwise the length depends on the
      rank, which these ops cannot name, and the op is left whole for the
      conversion.

    The ring-level pieces come from the op model of the layout library; a
    ring axis of size 1 is a disabled ring (the zigzag over one rank keeps
    the whole length).

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
    Records on every `all_to_all`, `split` and `gather` the form that its
    static shapes prove, as the dialect attribute `seqpar.lowering`
    (`#seqpar.lowering<...>`, verified by the dialect: an `equal` or
    `per_peer` form must be the one the op's static shapes give). The form
    comes from the op model (`seqpar::chooseLoweringForm`): the shard maps
    that the layout library resolves for each dim the op moves.

    - `equal`: the static shapes prove every peer's piece equal (the
      equal-block collective, `MPI_Alltoall`-like);
    - `per_peer`: the shapes are static but the pieces differ (per-peer
      counts, `MPI_Alltoallv`-like);
    - `runtime`: a size is dynamic or the lengths come from
      `exchange_lengths`; only the run time knows.

    The conversion does not need it: each collective passes the runtime its
    op descriptor, from which the runtime resolves every count (its MPI
    backend exchanges per-peer blocks either way), so `seqpar-to-llvm` does
    not run this pass. It states, for a reader or a later pass (a backend
    with a cheaper equal-block collective), what the shapes prove.

    Never padding: the unaligned forms move exactly the elements of each
    piece.
  }];
}

def SeqParPlanReshard : Pass<"seqpar-plan-reshard", "mlir::ModuleOp"> {
  let summary = "Lower each reshard to the cheapest exact sequence of collectives";
  let description = [{
    Replaces every `seqpar.reshard` by the plan that `layout::planReshard`
    finds: a shortest path, under a cost model, over the shardings that
    single-axis steps reach. Each step is one collective over one grid axis:

    - adding an axis to a dim: `split` (or `zigzag_split`, `packed_split`
      for a first axis so distributed), a local copy;
    - removing a dim's last axis: `gather` (`zigzag_gather`,
      `packed_gather`); a further axis gathers the split-rule pieces of a
      length that depends on the rank's place on the dim's other axes, which
      a `seqpar.group_rank` picks from a table when it is not the same on
      every rank;
    - moving the last axis of one dim to the end of another: `all_to_all`
      (explicit sizes through `scatter_lengths`/`gather_lengths` constants).

    Reordering the axes of a dim, several axes on one dim, uneven sizes,
    zigzag and packed distributions are all exact: no step pads. The steps
    use only the axes that the two shardings name.

    **Cost model.** A step costs, on its busiest rank, `latency-us` per
    collective call, plus the larger of the bytes it sends and receives over
    `link-gbps`, plus the bytes it copies locally over `copy-gbps`; every
    rank's bytes come from the op model. A plan costs the sum of its steps.

    **Explain.** With `explain`, each reshard reports its plan as a remark:
    every step, the sharding it leads to, its bytes per rank, its calls and
    its time.

    The lowered ops do not scale gradients (`grad_scale none`); build
    gradients on the reshard ops (whose adjoint is the reverse reshard)
    before this pass: the zigzag and packed ops' adjoints keep the seeds'
    scales.
  }];
  let options = [
    Option<"latencyUs", "latency-us", "double", "20.0",
           "Cost of one collective call, in microseconds">,
    Option<"linkGBps", "link-gbps", "double", "10.0",
           "Bandwidth of a rank's link, in GB/s each way">,
    Option<"copyGBps", "copy-gbps", "double", "20.0",
           "Bandwidth of a rank's local copies, in GB/s">,
    Option<"explain", "explain", "bool", "false",
           "Report each reshard's plan, step by step, as a remark">,
    Option<"searchBudget", "search-budget", "int64_t",
           "::seqpar::layout::kPlanSearchBudget",
           "The most steps priced on a rank (each step priced costs the "
           "grid's ranks) that one plan's search spends before it fails">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQPAR_DIALECT_SEQPAR_TRANSFORMS_PASSES_TD
