//===- SeqParOps.td - seqpar dialect operations ------------*- tablegen -*-===//
//
// The grid symbol and the tensor-level resharding collectives of sequence and
// context parallelism.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_DIALECT_SEQPAR_IR_SEQPAROPS_TD
#define SEQPAR_DIALECT_SEQPAR_IR_SEQPAROPS_TD

include "seqpar/Dialect/SeqPar/IR/SeqParBase.td"
include "seqpar/Dialect/SeqPar/IR/SeqParInterfaces.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class SeqPar_Op<string mnemonic, list<Trait> traits = []>
    : Op<SeqPar_Dialect, mnemonic, traits> {
  /// How the adjoint of a differentiable op scales the gradient by the group
  /// size: a C++ expression of type GradScale, from which getAdjointFactor is
  /// defined. Ops that leave it empty define getAdjointFactor in C++, if they
  /// have one.
  string adjointScale = "";
  /// The adjoint of a differentiable op whose inverse takes the same group,
  /// dim and sequence lengths and nothing else: the C++ class of that
  /// inverse, from which buildAdjoint is defined. Ops that leave it empty
  /// define buildAdjoint in C++, if they have one.
  string adjointInverse = "";
  /// Whether the op implements OpModelInterface: its verifiers are then the
  /// shared ones, which check it against its model (SeqParVerifiers.cpp).
  bit modeled = 0;
  let extraClassDefinition = !if(!empty(adjointScale), "", [{
    ::mlir::FailureOr<::seqpar::GradFactor>
    $cppClass::getAdjointFactor(::mlir::SymbolTableCollection &symbolTables) {
      return ::seqpar::detail::scaledFactor(*this, symbolTables, }]
        # adjointScale # [{);
    }
  }]) # !if(modeled, [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::seqpar::detail::verifyModeledOp(*this);
    }
    ::llvm::LogicalResult
    $cppClass::verifySymbolUses(::mlir::SymbolTableCollection &symbolTables) {
      return ::seqpar::detail::verifyModeledOpSymbolUses(*this, symbolTables);
    }
  }], "") # !if(!empty(adjointInverse), "", [{
    ::mlir::Value $cppClass::buildAdjoint(::mlir::OpBuilder &builder,
                                          ::mlir::Value resultGrad) {
      return ::seqpar::detail::buildGroupInverse<}] # adjointInverse # [{>(
          *this, builder, resultGrad);
    }
  }]);
}

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

def SeqPar_GridOp : SeqPar_Op<"grid", [Symbol]> {
  let summary = "a grid of ranks with named axes of static sizes";
  let description = [{
    Declares a grid of ranks: named axes, each with a static size. Rank `k` of
    the grid (its rank in the whole job) has the row-major coordinates of `k`
    in the grid's shape, the last axis varying fastest. Collectives name a
    grid and a list of its axes (a *group*, see the dialect description).

    Ring x Ulysses hybrid context parallelism uses a 2-D grid; the hybrid
    ops name the ring axis and the Ulysses axis, in either order of the grid,
    and their group rank is `ringRank * U + ulyssesRank`. More axes (data
    parallelism, say) may be added. Groups may list the axes in any order.

    **Constraints**

    - 1 to 16 axes; axis names are distinct and not empty;
    - every axis size is at least 1;
    - the grid has at most 2147483647 ranks.

    Example:

    ```mlir
    // 8 ranks: rank 5 has coordinates (1, 1), ring rank 1, Ulysses rank 1.
    seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    StrArrayAttr:$axis_names,
    DenseI64ArrayAttr:$shape
  );
  let assemblyFormat = [{
    $sym_name `(` `axes` `=` custom<GridAxes>($axis_names, $shape) `)`
    attr-dict
  }];
  let extraClassDeclaration = [{
    /// The index of the axis named `name`, if there is one.
    std::optional<int64_t> getAxisIndex(::llvm::StringRef name);
    /// The grid as the layout library sees it.
    ::seqpar::layout::Grid getLayoutGrid();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

/// A collective over a group: a grid symbol and a list of its axes.
class SeqPar_GroupOp<string mnemonic, list<Trait> traits = []>
    : SeqPar_Op<mnemonic, !listconcat(traits, [
        Pure, SeqPar_CollectiveOpInterface,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>])> {
  dag groupArgs = (ins
    FlatSymbolRefAttr:$grid,
    StrArrayAttr:$axes
  );
  /// The arguments and the assembly of an op on one `dim` of its input, which
  /// every op but `all_to_all` is.
  dag dimArgs = !con((ins AnyRankedTensor:$input), groupArgs,
                     (ins I64Attr:$dim));
  string dimFormat = "$input `on` $grid `` $axes `dim` $dim";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::FlatSymbolRefAttr getGroupGrid() { return getGridAttr(); }
    ::llvm::SmallVector<::llvm::StringRef> getGroupAxes() {
      return ::llvm::to_vector(getAxes().getAsValueRange<::mlir::StringAttr>());
    }
  }];
}

/// A differentiable resharding op over the 2-D group of a ring axis and an
/// Ulysses axis of one grid: one tensor in, one out.
class SeqPar_HybridOp<string mnemonic, list<Trait> traits = [],
                      list<string> modelMethods = []>
    : SeqPar_Op<mnemonic, !listconcat(traits, [
        Pure, SeqPar_CollectiveOpInterface,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>,
        DeclareOpInterfaceMethods<SeqPar_OpModelInterface, modelMethods>,
        DeclareOpInterfaceMethods<SeqPar_AdjointOpInterface>])> {
  let modeled = 1;
  dag groupArgs = (ins
    FlatSymbolRefAttr:$grid,
    StrAttr:$ring_axis,
    StrAttr:$ulysses_axis
  );
  dag dimArgs = !con((ins AnyRankedTensor:$input), groupArgs,
                     (ins I64Attr:$dim));
  string dimFormat =
      "$input `on` $grid `ring` $ring_axis `ulysses` $ulysses_axis `dim` $dim";
  let results = (outs AnyRankedTensor:$result);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::FlatSymbolRefAttr getGroupGrid() { return getGridAttr(); }
    ::llvm::SmallVector<::llvm::StringRef> getGroupAxes() {
      return {getRingAxis(), getUlyssesAxis()};
    }
  }];
}

/// A differentiable resharding op over a group: one tensor in, one out.
class SeqPar_MoveOp<string mnemonic, list<Trait> traits = [],
                    list<string> modelMethods = []>
    : SeqPar_GroupOp<mnemonic, !listconcat(traits, [
        DeclareOpInterfaceMethods<SeqPar_OpModelInterface, modelMethods>,
        DeclareOpInterfaceMethods<SeqPar_AdjointOpInterface>])> {
  let modeled = 1;
  let results = (outs AnyRankedTensor:$result);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

/// A query of this process's place in a group: a grid symbol and a list of
/// its axes, no tensor.
class SeqPar_GroupQueryOp<string mnemonic, list<Trait> traits = []>
    : SeqPar_Op<mnemonic, !listconcat(traits, [
        Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>])> {
  let arguments = (ins FlatSymbolRefAttr:$grid, StrArrayAttr:$axes);
  let results = (outs Index:$result);
  let assemblyFormat = "`on` $grid `` $axes attr-dict";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    ::mlir::FlatSymbolRefAttr getGroupGrid() { return getGridAttr(); }
    ::llvm::SmallVector<::llvm::StringRef> getGroupAxes() {
      return ::llvm::to_vector(getAxes().getAsValueRange<::mlir::StringAttr>());
    }
  }];
}

def SeqPar_GroupRankOp : SeqPar_GroupQueryOp<"group_rank"> {
  let summary = "this process's rank in a group";
  let description = [{
    Returns this process's index in the group of the listed grid axes: its
    coordinates on those axes, linearized row-major in the order listed (see
    the dialect description). Programs and decompositions that pick a
    rank-dependent value (a piece size from a table, say) ask this op instead
    of calling into the runtime. Folds to 0 on a group of one rank.

    **Constraints**

    - the grid names a `seqpar.grid`, the axes are distinct axes of it.

    Example:

    ```mlir
    seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
    // On global rank 6 (coordinates (1, 2)): 1 * 4 + 2 = 6 over both axes,
    // 2 * 2 + 1 = 5 with the axes listed the other way round.
    %r = seqpar.group_rank on @cp["ulysses", "ring"]
    ```
  }];
}

def SeqPar_GroupSizeOp : SeqPar_GroupQueryOp<"group_size"> {
  let summary = "the number of ranks of a group";
  let description = [{
    Returns the number of ranks of the group of the listed grid axes: the
    product of their sizes. Grids have static shapes, so it always folds to a
    constant.

    **Constraints**

    - the grid names a `seqpar.grid`, the axes are distinct axes of it.

    Example:

    ```mlir
    %p = seqpar.group_size on @cp["ulysses"]  // 4
    ```
  }];
}

def SeqPar_ExchangeLengthsOp : SeqPar_GroupOp<"exchange_lengths"> {
  let summary = "all-gather the local length of one dim over a group";
  let description = [{
    Returns, on every rank of the group, the local length of dim `dim` of
    `input` on each group rank, in group-rank order: the `P` per-rank lengths
    that a variable-length all-to-all (the VILA case) needs. Exchange them once
    and pass the same value to the forward `all_to_all` (as `gather_lengths`)
    and to the reverse one (as `scatter_lengths`): the reverse op reuses them
    instead of exchanging them again.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type;
    - `dim` is a dim of `input`;
    - the result is `tensor<Pxi64>`, `P` the group size;
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %lens = seqpar.exchange_lengths %x on @cp["ulysses"] dim 1
        : tensor<2x?x8x64xbf16> -> tensor<4xi64>
    ```
  }];
  let arguments = dimArgs;
  let results = (outs 1DTensorOf<[I64]>:$lengths);
  let hasCanonicalizer = 1;
  let assemblyFormat = dimFormat # [{ attr-dict
    `:` type($input) `->` type($lengths)
  }];
}

def SeqPar_AllToAllOp : SeqPar_MoveOp<"all_to_all", [
    AttrSizedOperandSegments], ["verifyOwnAttributes", "verifyGroupOperands"]> {
  let summary = "the Ulysses all-to-all: scatter one dim, gather another";
  let description = [{
    Every rank holds the whole scatter dim `s` (length `S`) and its own piece
    of the gather dim `g`. The result on group rank `r` is the concatenation
    along `g`, over `q = 0..P-1`, of rank `q`'s slice
    `[offset(S, P)[r], +sizes(S, P)[r])` along `s`. The other dims are
    unchanged.

    The gather pieces are, on rank `q`:
    - by default, the input's own gather length, the same on every rank: the
      result gather dim is `x.shape[g] * P`;
    - with `gather_size N` (a constant or an `index` value), `sizes(N, P)[q]`:
      the result gather dim is `N`;
    - with `gather_lengths(%lens)`, `%lens[q]`, lengths known only at run time
      and exchanged by `seqpar.exchange_lengths`: the result gather dim is
      their sum.

    With `scatter_lengths(%lens)` the scatter dim is split by `%lens` (which
    must sum to `S`) instead of by the split rule: rank `r` keeps `%lens[r]`.

    The result is the same whether `S` and `N` are multiples of `P` (aligned)
    or not; the runtime resolves every rank's pieces, so no case pads.

    **Replicated blocks** (`scatter s slots V`): for a scatter dim smaller
    than the group, or one that must follow another dim's split (GQA: `S`
    KV heads serving `V` query heads), the `S` entries of `s` are spread
    over `V` slots, entry `i` covering slots `[i*V/S, (i+1)*V/S)`; the slots
    are split by the split rule, and rank `r`, whose slots are `[a, b)`,
    receives every entry covering one of them: `[floor(a*S/V),
    ceil(b*S/V))` (nothing when it has no slot). Neighbouring ranks may
    receive the same entry:

    - `S` dividing `P`, `V = P`: entry `i` goes to ranks
      `[i*P/S, (i+1)*P/S)`, one entry each (`repeat_interleave` by `P/S`,
      then split, without the replicated tensor);
    - `V = P` and `S < P` in general: rank `r` gets the entries covering
      slot `r`, one or two;
    - `V` = the query heads `Hq`: rank `r` gets exactly the KV heads its
      split-rule share of the query heads uses (`S = V`: the split rule).

    Each entry is read once from the input and sent to every rank that
    receives it. `gather g slots V` is the reverse, the adjoint: it needs
    `gather_size` (the gathered length `S`), every rank holds its entries
    as above, and the copies of an entry are summed in group-rank order,
    `((x_0 + x_1) + x_2) + ...` rounded in the element type after each add
    (integers wrap, `i1` or), the same on every rank and in every run.
    `slots` excludes the lengths operand of its dim, and at most one of the
    two dims is replicated.

    **Adjoint**: `all_to_all` of the gradient with `s` and `g` swapped,
    `gather_size = S` (unless `scatter_lengths` is given), the lengths
    operands and the `slots` swapped; the gradient is not scaled. Lengths
    are not exchanged again.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `s` and `g` are distinct dims of `input`;
    - at most one of `gather_size` and `gather_lengths`, `gather_size` not
      negative;
    - each lengths operand is `tensor<Pxi64>`;
    - `slots` is at least 1, on at most one of the two dims, not with the
      lengths operand of its dim, and `gather ... slots` has a
      `gather_size`; `slots * S` fits int64;
    - with a static `gather_size` and a static input gather dim, every rank's
      piece `sizes(N, P)[q]` (with `slots`: its entries) equals it;
    - the result shape is exactly the rule's: dim `s` is `S / P` (with
      `slots`: the entries of a rank) when `S` is static and every rank gets
      the same size, else `?` (always `?` with `scatter_lengths`); dim `g` is
      `N` (static `gather_size`),
      `x.shape[g] * P` (default, static input), else `?`; other dims as the
      input's;
    - the grid names a `seqpar.grid`, the axes are distinct axes of it,
      listed in any order (the order numbers the group ranks), and the group
      has at most 65536 ranks;
    - every size and length fits int64, and the result at most 2^59
      elements.

    Example:

    ```mlir
    seqpar.grid @cp(axes = ["ulysses" = 4])
    // [b, s/P, h, d] -> [b, s, h/P, d]
    %y = seqpar.all_to_all %x on @cp["ulysses"] scatter 2 gather 1
        : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
    // Unaligned: 10 tokens over 4 ranks, 6 heads.
    %u = seqpar.all_to_all %v on @cp["ulysses"] scatter 2 gather 1
        gather_size 10 : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
    // Variable lengths (VILA): exchanged once, reused by the reverse op.
    %lens = seqpar.exchange_lengths %w on @cp["ulysses"] dim 1
        : tensor<2x?x8x64xf16> -> tensor<4xi64>
    %a = seqpar.all_to_all %w on @cp["ulysses"] scatter 2 gather 1
        gather_lengths(%lens : tensor<4xi64>)
        : tensor<2x?x8x64xf16> -> tensor<2x?x2x64xf16>
    %b = seqpar.all_to_all %a on @cp["ulysses"] scatter 1 gather 2
        scatter_lengths(%lens : tensor<4xi64>)
        : tensor<2x?x2x64xf16> -> tensor<2x?x8x64xf16>
    // GQA: 2 KV heads on 4 ranks, each head to 2 ranks; the adjoint sums
    // the two copies of each head's gradient.
    %k = seqpar.all_to_all %kv on @cp["ulysses"] scatter 2 slots 4 gather 1
        : tensor<2x256x2x64xbf16> -> tensor<2x1024x1x64xbf16>
    %dk = seqpar.all_to_all %dk1 on @cp["ulysses"] scatter 1
        gather 2 slots 4 gather_size 2
        : tensor<2x1024x1x64xbf16> -> tensor<2x256x2x64xbf16>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$input), groupArgs, (ins
    I64Attr:$scatter_dim,
    OptionalAttr<I64Attr>:$scatter_slots,
    I64Attr:$gather_dim,
    OptionalAttr<I64Attr>:$gather_slots,
    OptionalAttr<I64Attr>:$gather_size,
    Optional<Index>:$dynamic_gather_size,
    Optional<1DTensorOf<[I64]>>:$scatter_lengths,
    Optional<1DTensorOf<[I64]>>:$gather_lengths
  ));
  let assemblyFormat = [{
    $input `on` $grid `` $axes `scatter` $scatter_dim
    (`slots` $scatter_slots^)? `gather` $gather_dim (`slots` $gather_slots^)?
    (`gather_size` custom<GatherSize>($dynamic_gather_size, $gather_size)^)?
    (`scatter_lengths` `(` $scatter_lengths^ `:` type($scatter_lengths) `)`)?
    (`gather_lengths` `(` $gather_lengths^ `:` type($gather_lengths) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

def SeqPar_SplitOp : SeqPar_MoveOp<"split"> {
  let summary = "keep this rank's slice of one dim";
  let description = [{
    Rank `r` of the group keeps the slice `[offset, +sizes[r])` of dim `dim`,
    where `sizes` defaults to the split rule `sizes(x.shape[dim], P)` and
    `offset` is the sum of the sizes before `r`. No data moves between ranks.

    **Adjoint**: `gather` of the gradient with the same sizes (`gather_size =
    x.shape[dim]` when `sizes` is not given), multiplied by `P` (`grad_scale
    up`), `1 / P` (`down`) or 1 (`none`, the default).

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`;
    - `sizes`, when given, has `P` entries, none negative, that sum to
      `x.shape[dim]` when that is static;
    - the result shape is the input's except dim `dim`: the common size when
      every rank keeps the same size, else `?`;
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %y = seqpar.split %x on @cp["ulysses"] dim 1 grad_scale down
        : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
    %z = seqpar.split %x on @cp["ulysses"] dim 1 sizes [300, 300, 212, 212]
        : tensor<2x1024x64xf32> -> tensor<2x?x64xf32>
    ```
  }];
  let adjointScale = "getGradScale()";
  let arguments = !con(dimArgs, (ins
    OptionalAttr<DenseI64ArrayAttr>:$sizes,
    DefaultValuedAttr<SeqPar_GradScaleAttr, "::seqpar::GradScale::none">:
        $grad_scale
  ));
  let assemblyFormat = dimFormat # [{ (`sizes` $sizes^)?
    (`grad_scale` `` $grad_scale^)? attr-dict `:` type($input) `->` type($result)
  }];
}

def SeqPar_GatherOp : SeqPar_MoveOp<"gather", [],
                                      ["verifyOwnAttributes"]> {
  let summary = "concatenate every rank's tensor along one dim";
  let description = [{
    The result, on every rank of the group, is the concatenation along `dim`
    of every rank's input in group-rank order. Rank `q` contributes
    `sizes[q]` elements along `dim` when `sizes` is given, `sizes(N, P)[q]`
    with `gather_size N` (a constant or an `index` value), and otherwise the
    input's own length, the same on every rank.

    **Adjoint**: `split` of the gradient with the same pieces, multiplied by
    `P` (`grad_scale up`), `1 / P` (`down`) or 1 (`none`, the default).

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`;
    - at most one of `sizes` and `gather_size`; `gather_size` not negative;
      `sizes` has `P` entries, none negative;
    - a static input dim `dim` equals every rank's piece;
    - the result shape is the input's except dim `dim`: the sum of the
      pieces when it is known statically, else `?`;
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %y = seqpar.gather %x on @cp["ulysses"] dim 1 grad_scale up
        : tensor<2x256x64xf32> -> tensor<2x1024x64xf32>
    %z = seqpar.gather %w on @cp["ulysses"] dim 1 sizes [3, 3, 2, 2]
        : tensor<2x?x64xf32> -> tensor<2x10x64xf32>
    %v = seqpar.gather %w on @cp["ulysses"] dim 1 gather_size %n
        : tensor<2x?x64xf32> -> tensor<2x?x64xf32>
    ```
  }];
  let adjointScale = "getGradScale()";
  let arguments = !con(dimArgs, (ins
    OptionalAttr<DenseI64ArrayAttr>:$sizes,
    OptionalAttr<I64Attr>:$gather_size,
    Optional<Index>:$dynamic_gather_size,
    DefaultValuedAttr<SeqPar_GradScaleAttr, "::seqpar::GradScale::none">:
        $grad_scale
  ));
  let assemblyFormat = dimFormat # [{ (`sizes` $sizes^)?
    (`gather_size` custom<GatherSize>($dynamic_gather_size, $gather_size)^)?
    (`grad_scale` `` $grad_scale^)? attr-dict `:` type($input) `->` type($result)
  }];
}

def SeqPar_ZigzagSplitOp : SeqPar_MoveOp<"zigzag_split"> {
  let summary = "load-balanced ring-attention split: chunks r and 2P-1-r";
  let description = [{
    Cuts dim `dim` (length `2P * c`) into `2P` chunks of `c` elements; group
    rank `r` keeps chunks `r` and `2P-1-r`, in that order, so that every rank
    gets the same amount of causal-attention work.

    **Adjoint**: `zigzag_gather` of the gradient, divided by `P`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; when static, its length is a multiple of
      `2P` (any length when `P = 1`: a zigzag over one rank keeps it all);
    - the result shape is the input's with dim `dim` divided by `P` (`?` when
      the input's is);
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %y = seqpar.zigzag_split %x on @cp["ring"] dim 1
        : tensor<2x1024x64xbf16> -> tensor<2x512x64xbf16>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::down";
  let adjointInverse = "ZigzagGatherOp";
  let arguments = dimArgs;
  let assemblyFormat = dimFormat # [{ attr-dict
    `:` type($input) `->` type($result)
  }];
}

def SeqPar_ZigzagGatherOp : SeqPar_MoveOp<"zigzag_gather"> {
  let summary = "inverse of zigzag_split: rebuild the chunks in order";
  let description = [{
    Every group rank `r` holds chunks `r` and `2P-1-r` of `c` elements each
    (its local length is `2c`); the result, on every rank, is the `2P` chunks
    in order, of length `2P * c`.

    **Adjoint**: `zigzag_split` of the gradient, multiplied by `P`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; when static and `P > 1`, its length is even
      (the gathered length is a multiple of `2P`);
    - the result shape is the input's with dim `dim` multiplied by `P` (`?`
      when the input's is);
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %y = seqpar.zigzag_gather %x on @cp["ring"] dim 1
        : tensor<2x512x64xbf16> -> tensor<2x1024x64xbf16>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::up";
  let adjointInverse = "ZigzagSplitOp";
  let arguments = dimArgs;
  let assemblyFormat = dimFormat # [{ attr-dict
    `:` type($input) `->` type($result)
  }];
}

def SeqPar_PackedSplitOp : SeqPar_MoveOp<"packed_split"> {
  let summary = "split every packed variable-length sequence over a group";
  let description = [{
    Dim `dim` holds sequences of lengths `seq_lens = [L_0, L_1, ...]`
    concatenated. Each sequence is split by the split rule `sizes(L_i, P)`;
    group rank `r` keeps its piece of every sequence, concatenated in sequence
    order.

    **Adjoint**: `packed_gather` of the gradient with the same `seq_lens`,
    divided by `P`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`;
    - `seq_lens` are not negative and sum to the input's dim `dim` when that
      is static;
    - the result shape is the input's except dim `dim`: the common local
      length when every rank keeps the same, else `?`;
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    // Rank r keeps pieces [3, 2] (r = 0) or [2, 2] (r = 1) of the two
    // sequences.
    %y = seqpar.packed_split %x on @cp["ring"] dim 0 seq_lens [5, 4]
        : tensor<9x64xf32> -> tensor<?x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::down";
  let adjointInverse = "PackedGatherOp";
  let arguments = !con(dimArgs, (ins DenseI64ArrayAttr:$seq_lens));
  let assemblyFormat = dimFormat # [{ `seq_lens` $seq_lens attr-dict
    `:` type($input) `->` type($result)
  }];
}

def SeqPar_PackedGatherOp : SeqPar_MoveOp<"packed_gather"> {
  let summary = "rebuild packed variable-length sequences from their pieces";
  let description = [{
    The inverse of `packed_split` with the same `seq_lens`: every group rank
    holds its piece of every sequence (the `[P, n]` table of pieces is
    `sizes(L_i, P)[r]`); the result, on every rank, is every sequence rebuilt
    in order, of length `sum(seq_lens)`.

    **Adjoint**: `packed_split` of the gradient, multiplied by `P`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; `seq_lens` are not negative;
    - a static input dim `dim` equals every rank's local length;
    - the result shape is the input's with dim `dim` equal to
      `sum(seq_lens)`;
    - the group is valid (see `all_to_all`).

    Example:

    ```mlir
    %y = seqpar.packed_gather %x on @cp["ring"] dim 0 seq_lens [6, 4]
        : tensor<5x64xf32> -> tensor<10x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::up";
  let adjointInverse = "PackedSplitOp";
  let arguments = !con(dimArgs, (ins DenseI64ArrayAttr:$seq_lens));
  let assemblyFormat = dimFormat # [{ `seq_lens` $seq_lens attr-dict
    `:` type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Hybrid ring x Ulysses composites
//===----------------------------------------------------------------------===//

def SeqPar_HybridSplitOp : SeqPar_HybridOp<"hybrid_split"> {
  let summary = "hybrid context-parallel split: zigzag over ring, then Ulysses";
  let description = [{
    `zigzag_split` over the ring axis (`R` ranks), then `split` of each ring
    rank's local length `len` over the Ulysses axis (`U` ranks) by the split
    rule `sizes(len, U)`. The hybrid group rank is
    `ringRank * U + ulyssesRank`, whatever the order of the two axes in the
    grid. A ring axis of size 1 is a disabled ring, as in the seeds: no
    zigzag and no divisibility requirement, only the Ulysses split. A later
    pass decomposes the op into those two ops.

    **Adjoint**: `hybrid_gather` of the gradient with `gather_size =
    x.shape[dim]`, divided by `R * U` (the zigzag's `1 / R` and the Ulysses
    split's `down`).

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; when static and `R > 1`, its length is a
      multiple of `2R`;
    - the ring axis and the Ulysses axis are distinct axes of the grid;
    - the result shape is the input's except dim `dim`: the common local
      length when every rank keeps the same, else `?`.

    Example:

    ```mlir
    seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
    %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
        : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::down";
  let arguments = dimArgs;
  let assemblyFormat = dimFormat # [{ attr-dict
    `:` type($input) `->` type($result)
  }];
}

def SeqPar_HybridGatherOp : SeqPar_HybridOp<"hybrid_gather", [],
                                            ["verifyOwnAttributes"]> {
  let summary = "hybrid context-parallel gather: Ulysses, then zigzag over ring";
  let description = [{
    The inverse of `hybrid_split`: `gather` over the Ulysses axis, then
    `zigzag_gather` over the ring axis. With `gather_size N` (a constant or
    an `index` value) the pieces are those of `hybrid_split` of a length `N`;
    without it every rank holds the same length `m` and `N = m * R * U`. A
    ring axis of size 1 is disabled (no zigzag).

    **Adjoint**: `hybrid_split` of the gradient, multiplied by `R * U`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; `gather_size` is not negative;
    - the gathered length (`N`, or `m * R * U` when static) is a multiple of
      `2R` when `R > 1` (a ring of one rank is disabled);
    - a static input dim `dim` equals every rank's local length;
    - the ring axis and the Ulysses axis are distinct axes of the grid;
    - the result shape is the input's except dim `dim`, which is `N` (or `?`
      when not static).

    Example:

    ```mlir
    %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
        gather_size 24 : tensor<2x?x64xf32> -> tensor<2x24x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::up";
  let adjointInverse = "HybridSplitOp";
  let arguments = !con(dimArgs, (ins
    OptionalAttr<I64Attr>:$gather_size,
    Optional<Index>:$dynamic_gather_size
  ));
  let assemblyFormat = dimFormat # [{
    (`gather_size` custom<GatherSize>($dynamic_gather_size, $gather_size)^)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

def SeqPar_HybridPackedSplitOp : SeqPar_HybridOp<"hybrid_packed_split"> {
  let summary = "hybrid split of packed sequences: packed over ring, then Ulysses";
  let description = [{
    `packed_split` with `seq_lens` over the ring axis (`R` ranks), then
    `split` of each ring rank's local length `len` over the Ulysses axis (`U`
    ranks) by the split rule `sizes(len, U)`. The hybrid group rank is
    `ringRank * U + ulyssesRank`.

    **Adjoint**: `hybrid_packed_gather` of the gradient with the same
    `seq_lens`, divided by `R * U`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`;
    - `seq_lens` are not negative and sum to the input's dim `dim` when that
      is static;
    - the ring axis and the Ulysses axis are distinct axes of the grid;
    - the result shape is the input's except dim `dim`: the common local
      length when every rank keeps the same, else `?`.

    Example:

    ```mlir
    %y = seqpar.hybrid_packed_split %x on @cp ring "ring" ulysses "ulysses"
        dim 0 seq_lens [16, 8] : tensor<24x64xf32> -> tensor<3x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::down";
  let adjointInverse = "HybridPackedGatherOp";
  let arguments = !con(dimArgs, (ins DenseI64ArrayAttr:$seq_lens));
  let assemblyFormat = dimFormat # [{ `seq_lens` $seq_lens attr-dict
    `:` type($input) `->` type($result)
  }];
}

def SeqPar_HybridPackedGatherOp : SeqPar_HybridOp<"hybrid_packed_gather"> {
  let summary = "inverse of hybrid_packed_split";
  let description = [{
    `gather` over the Ulysses axis, then `packed_gather` with `seq_lens` over
    the ring axis: every sequence rebuilt in order, of length
    `sum(seq_lens)`, on every rank.

    **Adjoint**: `hybrid_packed_split` of the gradient with the same
    `seq_lens`, multiplied by `R * U`.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `dim` is a dim of `input`; `seq_lens` are not negative;
    - a static input dim `dim` equals every rank's local length;
    - the ring axis and the Ulysses axis are distinct axes of the grid;
    - the result shape is the input's with dim `dim` equal to
      `sum(seq_lens)`.

    Example:

    ```mlir
    %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
        dim 0 seq_lens [16, 8] : tensor<3x64xf32> -> tensor<24x64xf32>
    ```
  }];
  let adjointScale = "::seqpar::GradScale::up";
  let adjointInverse = "HybridPackedSplitOp";
  let arguments = !con(dimArgs, (ins DenseI64ArrayAttr:$seq_lens));
  let assemblyFormat = dimFormat # [{ `seq_lens` $seq_lens attr-dict
    `:` type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Resharding between shardings
//===----------------------------------------------------------------------===//

def SeqPar_ReshardOp : SeqPar_Op<"reshard", [
    Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<SeqPar_AdjointOpInterface>]> {
  let summary = "move a tensor from one sharding to another";
  let description = [{
    A tensor of global shape `shape` is laid out over the ranks of a grid as
    `from` says (see `#seqpar.sharding`); the result is the same tensor laid
    out as `to` says. `input` is this rank's part under `from`, the result
    its part under `to`: rank `k` of the grid holds, along each dim, the
    pieces that the sharding gives its coordinates (`heldPieces` in
    `seqpar/Layout/Sharding.h`), in order.

    The op states what moves, not how: `seqpar-plan-reshard` lowers it to the
    cheapest sequence of `split`, `gather`, `all_to_all` (and their zigzag
    and packed forms) under a cost model, exactly, without padding.

    **Adjoint**: `reshard` of the gradient from `to` back to `from`; the
    gradient is not scaled (a sharding only places the one global tensor).

    **Folds**: a reshard between two shardings that lay the tensor out alike
    (the same pieces on every rank) is its input; a reshard of a reshard is
    one reshard from the first's source to the second's target, and nothing
    when those lay the tensor out alike.

    **Constraints**

    - `input` has rank 1 to 6 and a supported element type; the result has
      the same rank and element type;
    - `shape` has one static, non-negative size per dim, and both shardings
      one entry per dim, on the same grid, which names a `seqpar.grid` of
      at most 65536 ranks;
    - every axis is an axis of the grid; the shardings fit `shape` (sizes
      and packed lengths sum to their dim, a zigzag dim divides into its
      chunks);
    - a static input dim is every rank's size under `from`; the result shape
      is exactly the rule's under `to`: a dim's size where every rank holds
      the same, else `?`.

    Example:

    ```mlir
    seqpar.grid @sp(axes = ["u" = 4])
    // Ulysses forward: sequence-sharded to head-sharded, 10 tokens and 6
    // heads on 4 ranks.
    %y = seqpar.reshard %x
        from <@sp, [{}, {"u"}, {}, {} ]> to <@sp, [{}, {}, {"u"}, {} ]>
        shape [2, 10, 6, 64] : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
    ```
  }];
  let arguments = (ins
    AnyRankedTensor:$input,
    SeqPar_ShardingAttr:$from,
    SeqPar_ShardingAttr:$to,
    DenseI64ArrayAttr:$shape
  );
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `from` $from `to` $to `shape` $shape attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// Both shardings as the layout library sees them, or failure (with a
    /// diagnostic when `diagnose`) where the grid or an axis does not
    /// resolve or a sharding does not fit the shape.
    ::mlir::FailureOr<std::pair<::seqpar::layout::Sharding,
                                ::seqpar::layout::Sharding>>
    getLayoutShardings(::mlir::SymbolTableCollection &symbolTables,
                       bool diagnose = false);
  }];
}

#endif // SEQPAR_DIALECT_SEQPAR_IR_SEQPAROPS_TD
