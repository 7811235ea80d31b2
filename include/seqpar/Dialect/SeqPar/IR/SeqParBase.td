//===- SeqParBase.td - seqpar dialect and enums ------------*- tablegen -*-===//
//
// The seqpar dialect definition and the attributes its ops share.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_IR_SEQPARBASE_TD
#define SEQPAR_DIALECT_SEQPAR_IR_SEQPARBASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def SeqPar_Dialect : Dialect {
  let name = "seqpar";
  let cppNamespace = "::seqpar";
  let summary = "Resharding steps of sequence and context parallelism";
  let description = [{
    The `seqpar` dialect expresses the resharding steps of sequence and
    context parallelism on tensors: the Ulysses all-to-all (with uneven and
    per-rank variable lengths), plain splits and gathers with explicit sizes
    and gradient scales, the zigzag (load-balanced ring attention) split, the
    packed variable-length split, and their hybrid ring x Ulysses forms.

    **Grids and groups.** A `seqpar.grid` symbol names the axes of a grid of
    ranks and their static sizes. Ranks map to grid coordinates row-major (the
    last axis varies fastest). A collective runs over a *group*: a list of
    distinct axes of a grid, written `@grid["axis", ...]`. The group holds the
    ranks that share every coordinate outside the listed axes; its size `P` is
    the product of the listed axes' sizes, and a rank's index `r` in it
    linearizes its coordinates on the listed axes row-major, in the order
    listed.

    **The split rule.** Splitting a length `n` over `P` ranks gives rank `r`
    `sizes(n, P)[r] = n / P + (r < n % P ? 1 : 0)` elements (the remainder goes
    to the first ranks), at offset `offset(n, P)[r]`, the sum of the sizes
    before `r`. Every size and offset is computed by the `seqpar::layout`
    library, shared with the runtime.

    Any order of a grid's axes is a valid group: `@cp["ulysses", "ring"]` on
    a grid `["ring", "ulysses"]` is the same set of ranks as `@cp["ring",
    "ulysses"]`, numbered differently. Grids have 1 to 16 axes and at most
    2147483647 ranks; groups at most 65536 ranks.

    **The op model.** Every resharding op is described once by the op model
    of the `seqpar::layout` library: its kind (split, gather or all-to-all),
    its ordered group axes, and how each dim it moves is distributed (the
    split rule, explicit sizes, zigzag chunks or packed sequences; for the
    hybrid ops, a distribution over the ring axis whose pieces are split
    again over the Ulysses axis). The verifiers, result shapes, adjoints,
    decomposition and lowering choice, and the runtime, all ask that model,
    so their sizes and messages agree.

    **Static and dynamic sizes.** Every op is rank-generic SPMD code, so a
    static dim in its types claims the same size on every rank. A result dim
    whose local size depends on the rank (an uneven split) is therefore
    dynamic (`?`), and the verifiers check every result shape against the
    op's rule exactly. Dynamic input dims are allowed; the dims that depend on
    them are dynamic too, and the runtime checks them.

    **Gradients.** Every differentiable op implements `AdjointOpInterface`: it
    builds the op that carries the gradient of its result back to its input,
    and names the factor that gradient is scaled by.

    **Canonicalization.** Every resharding op on a group of one rank is the
    identity (a fold, or a `tensor.cast` where the types differ only in which
    dims are static; `exchange_lengths` becomes the local length). An op
    followed by its inverse on the same group cancels (`all_to_all` and its
    adjoint, `split`/`gather` and `gather`/`split` with the same pieces, and
    the zigzag, packed and hybrid pairs) when the pieces are provably the same
    and the two gradient scales undo each other, so that gradients built
    later do not change. `all_to_all(all_to_all(x; s1, g1); s2, s1)` with
    `s2 != g1` becomes `all_to_all(x; s2, g1)` when the second gathers `s1`
    from the pieces the first scattered and the first has no other use.

    Tensors have rank 1 to 6 and one of the element types f64, f32, f16, bf16,
    i64, i32, i8 or i1.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Enums and attributes
//===----------------------------------------------------------------------===//

def SeqPar_GradScale : I32EnumAttr<"GradScale",
    "scale applied to the gradient by the adjoint of a split or gather", [
  I32EnumAttrCase<"none", 0>,
  I32EnumAttrCase<"up", 1>,
  I32EnumAttrCase<"down", 2>
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::seqpar";
  let description = [{
    `none` leaves the gradient as it is, `up` multiplies it by the group size
    `P` and `down` divides it by `P`.
  }];
}

def SeqPar_GradScaleAttr
    : EnumAttr<SeqPar_Dialect, SeqPar_GradScale, "grad_scale"> {
  let assemblyFormat = "$value";
}

def SeqPar_LoweringForm : I32EnumAttr<"LoweringForm",
    "the form in which a collective is lowered to the runtime", [
  I32EnumAttrCase<"Equal", 0, "equal">,
  I32EnumAttrCase<"PerPeer", 1, "per_peer">,
  I32EnumAttrCase<"Runtime", 2, "runtime">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::seqpar";
  let description = [{
    `equal`: the static shapes prove every peer's piece equal (an
    equal-block collective); `per_peer`: the shapes are static but the pieces
    differ (per-peer counts, known at compile time); `runtime`: a size is
    known only at run time and the runtime derives the counts.
  }];
}

def SeqPar_LoweringFormAttr
    : EnumAttr<SeqPar_Dialect, SeqPar_LoweringForm, "lowering"> {
  let summary = "the lowering form recorded by seqpar-select-lowering";
  let description = [{
    Recorded on an `all_to_all`, `split` or `gather` as the discardable
    attribute `seqpar.lowering`, e.g.
    `{seqpar.lowering = #seqpar.lowering<per_peer>}`. The dialect verifies it:
    it must be this attribute, on one of those ops, and an `equal` or
    `per_peer` form must be the one that the op's static shapes give.
  }];
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Shardings
//===----------------------------------------------------------------------===//

def SeqPar_DimShardingAttr : AttrDef<SeqPar_Dialect, "DimSharding"> {
  let summary = "how one dim of a tensor is split over grid axes";
  let description = [{
    One entry of a `#seqpar.sharding`: the grid axes that split the dim, in
    order, and how the first of them splits it, written as in the sharding:
    `#seqpar.dim_sharding<{"ring" zigzag, "ulysses"}>`.
  }];
  let mnemonic = "dim_sharding";
  let hasCustomAssemblyFormat = 1;
  let parameters = (ins
    ArrayRefParameter<"::mlir::StringAttr", "the grid axes, in order">:$axes,
    "::seqpar::layout::DistKind":$kind,
    ArrayRefParameter<"int64_t", "the sizes or sequence lengths">:$values
  );
}

def SeqPar_ShardingAttr : AttrDef<SeqPar_Dialect, "Sharding"> {
  let mnemonic = "sharding";
  let summary = "how a tensor is laid out over the ranks of a grid";
  let description = [{
    Names a `seqpar.grid` and, for every dim of a tensor, the grid axes that
    split it, in order. Axes that no dim names replicate the tensor: every
    rank along them holds the same data.

    **What each rank holds.** A dim of global length `n` split over axes
    `[a, b, ...]`:
    - the first axis `a` splits `n` by the dim's distribution: the split rule
      (the default: the remainder to the first ranks), `sizes [...]` (one size
      per rank of `a`, summing to `n`), `zigzag` (the ring-attention split:
      rank `r` holds chunks `r` and `2A-1-r` of `2A` equal chunks) or
      `packed [L_0, ...]` (packed sequences that sum to `n`, each split by the
      split rule);
    - every further axis splits what the previous axes left on the rank by
      the split rule (hierarchically, as the hybrid ring x Ulysses ops do).

    Removing the last axis of a dim is therefore a gather over that axis,
    adding one a split, and moving the last axis of one dim to the end of
    another an all-to-all over it, for uneven sizes too: no padding is ever
    needed. The layout library (`seqpar/Layout/Sharding.h`) is the one
    definition; `seqpar.reshard` and the planner ask it.

    **Constraints**

    - every axis is an axis of the grid, named once in the whole sharding;
    - a distribution follows at least one axis; `sizes` has one entry per
      rank of the first axis; sizes and lengths are not negative and sum to
      the dim (checked by the op that has the tensor's shape);
    - a zigzag dim is a multiple of twice the first axis's size (any length
      on one rank).

    Example:

    ```mlir
    seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
    // [batch, seq, heads, dim]: the sequence zigzag over the ring, then
    // split again over Ulysses; heads and head dim whole.
    #seq = #seqpar.sharding<@cp, [{}, {"ring" zigzag, "ulysses"}, {}, {} ]>
    // The Ulysses layout: sequence zigzag over the ring, heads over Ulysses.
    #heads = #seqpar.sharding<@cp, [{}, {"ring" zigzag}, {"ulysses"}, {} ]>
    // Uneven explicit pieces over one axis, and packed sequences.
    #sizes = #seqpar.sharding<@cp, [{"ulysses" sizes [3, 3, 2, 0]} ]>
    #packed = #seqpar.sharding<@cp, [{"ring" packed [5, 4]}, {} ]>
    ```
  }];
  let parameters = (ins
    "::mlir::FlatSymbolRefAttr":$grid,
    ArrayRefParameter<"::seqpar::DimShardingAttr", "one entry per dim">:$dims
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The sharding on `grid` (which this attribute names) as the layout
    /// library sees it, or the name of an axis the grid does not have.
    ::mlir::FailureOr<::seqpar::layout::Sharding>
    toLayout(::seqpar::GridOp grid, std::string &error) const;
  }];
}

#endif // SEQPAR_DIALECT_SEQPAR_IR_SEQPARBASE_TD
