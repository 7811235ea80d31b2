//===- Passes.td - seqpar conversion passes ----------------*- tablegen -*-===//
//
// The conversion of seqpar ops to calls of the runtime's C ABI, and of
// upstream shard IR into seqpar.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_CONVERSION_PASSES_TD
#define SEQPAR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSeqParToRuntime : Pass<"seqpar-to-runtime", "mlir::ModuleOp"> {
  let summary = "Lower seqpar ops to calls of libseqpar_runtime";
  let description = [{
    Replaces every seqpar op on tensors by calls of the runtime's C ABI at
    the tensor boundary, one pattern per op (`populateSeqParToRuntimePatterns`
    in `seqpar/Conversion/SeqParToRuntime/SeqParToRuntime.h`): the input
    becomes a read-only buffer (`bufferization.to_buffer`), the output is
    allocated once with `memref.alloc` in the op's result shape, both are
    cast to unranked memrefs, the runtime is called, and the result is
    `bufferization.to_tensor` of the output. One-Shot Bufferize then removes
    the boundary ops. Output allocations carry the marker `seqpar.output`,
    which `seqpar-free-outputs` uses and removes.

    Every collective that moves data (all_to_all, split and gather in all
    their distributions, the hybrid ones included) calls `seqpar_rt_run`
    with its op model encoded as a descriptor (`layout::encodeOp`, a
    constant `memref.global` per distinct descriptor, read once per
    function), its lengths tensors as the run-time size lists and a dynamic
    gather size as the run-time length. The runtime resolves every size
    from the descriptor with the Layout library; when the result type leaves
    a dim dynamic, one `seqpar_rt_output_shape` query before the allocation
    gives it. `exchange_lengths` calls `seqpar_rt_exchange_lengths` and
    `group_rank` calls `seqpar_rt_group_rank`, both with their group's
    descriptor (`layout::encodeGroup`); `group_size` becomes a constant.
    Groups list their grid axes in any order, and a module may use several
    grids, all spanning every rank (a 2-D `[dp, cp]` grid beside a 1-D one,
    say): each descriptor names its grid's shape. An op's `grad_scale` is
    its adjoint's factor: the op itself runs unscaled.

    Unranked memrefs of every element type have the same descriptor, and the
    runtime takes the element type as a `dtype` code (`SEQPAR_DTYPE_*` of
    `seqpar/Layout/Codes.h`), so one declaration per entry point takes
    `memref<*xi8>`: data arguments are cast to unranked and renamed to
    `memref<*xi8>` by a `builtin.unrealized_conversion_cast`, which
    `seqpar-lower-to-llvm` removes after the lowering to LLVM (with
    upstream's reconciliation of unrealized casts).

    Runtime entry points are declared as private `func.func`s with
    `llvm.emit_c_interface`. Every status is checked by
    `__seqpar_rt_check`, a private function added to the module: on a
    failure it calls `seqpar_rt_share_failure` (a failed local query, such
    as an output shape, then reaches the other ranks, which fail in their
    next collective instead of waiting), writes the runtime's last error
    (which names the op, the dims and the sizes) to stderr and calls
    `exit(1)`.

    When `init-function` names a function of the module that has a body,
    `seqpar_rt_init` is called at its entry with the shape of the grid of the
    module's first collective (else of its first grid) and
    `seqpar_rt_finalize` before each of its returns; otherwise the program
    calls them itself.

    With `fuse-permutes`, `linalg.transpose` ops (and `linalg.generic` ops
    that only permute) feeding a collective, and a chain of them consuming
    its result alone, become strided views (`memref.transpose`) of the
    input and output buffers: the runtime's one pack and one unpack apply
    the permutation, no copy is left, chains compose and identities vanish.

    `seqpar.grid` ops are erased: nothing seqpar-specific is left.
  }];
  let options = [
    Option<"initFunction", "init-function", "std::string",
           /*default=*/"\"main\"",
           "Function that initializes and finalizes the runtime (empty: "
           "none)">,
    Option<"fusePermutes", "fuse-permutes", "bool", /*default=*/"true",
           "Fold transposes around collectives into strided views">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def SeqParFreeOutputs : Pass<"seqpar-free-outputs", "mlir::ModuleOp"> {
  let summary = "Free the runtime calls' output buffers after their last use";
  let description = [{
    Runs after bufferization. Every output buffer that `seqpar-to-runtime`
    allocated (marked `seqpar.output`) whose uses all stay in its block
    (through views and casts: runtime calls, loads and stores, copies,
    linalg ops, `memref.dim`, calls of other functions) comes from the
    runtime's allocator instead: a `func.call @seqpar_rt_alloc` of its bytes
    and a `memref.view` of them, so that the ranks of a node write the
    collective's data straight into it (the runtime's direct path). It is
    freed (`func.call @seqpar_rt_free`) after its last use, unless a call
    of another function takes it (the runtime then frees it at finalize).
    A buffer that escapes otherwise (returned, yielded, stored elsewhere)
    stays a `memref.alloc`, left alone. Without the declarations of the
    allocator (IR not made by `seqpar-to-runtime`), buffers stay
    `memref.alloc`s and get a `memref.dealloc`. The marker is removed.

    Upstream's ownership-based deallocation frees buffers at the end of
    their block, and its lowering and simplification take time quadratic in
    the number of buffers live in a block; this pass is linear: the ops of a
    block are numbered once and the deallocations inserted at the end.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def SeqParLowerToLLVM : Pass<"seqpar-lower-to-llvm", "mlir::ModuleOp"> {
  let summary = "Lower the bufferized output of seqpar-to-runtime to LLVM";
  let description = [{
    The end of the seqpar-to-llvm pipeline, in one pass so that the large
    IR is walked and verified once rather than after each of six passes:
    1. Unranked casts of one buffer in one block share one descriptor: the
       output of a collective that the next one reads is cast once, not
       twice (ranked `memref.cast`s in between change no descriptor), and
       the `builtin.unrealized_conversion_cast`s of equal values merge.
    2. Each function holding an op that convert-to-llvm does not lower
       directly (anything outside the llvm, func, arith, cf, math, index and
       ub dialects and memref's alloc, alloca, dealloc, cast, load, store,
       get_global and dim) runs upstream's convert-linalg-to-loops,
       expand-strided-metadata, lower-affine and convert-scf-to-cf; the
       others, which these passes would leave unchanged, skip them.
    3. The conversion to LLVM of convert-to-llvm (the
       ConvertToLLVMPatternInterface of every loaded dialect), without
       pattern rollback: upstream's lowerings of these dialects do not need
       it, and it halves the conversion's time.
    4. reconcile-unrealized-casts on the casts left.
    5. One of each LLVM constant (`llvm.mlir.constant`, `llvm.mlir.zero`,
       `llvm.mlir.poison`) per function, at its entry: upstream's lowering
       of each allocation and descriptor creates its own, a third of the
       ops of a collective.
    6. One `llvm.extractvalue` per function of each field of a value
       defined at its entry: every call passes an unranked memref as two
       scalars extracted at the call, and the descriptors and lists that
       every collective passes are made once, at the entry.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ConvertShardToSeqPar : Pass<"convert-shard-to-seqpar", "mlir::ModuleOp"> {
  let summary = "Convert upstream shard IR (after shard-partition) into seqpar";
  let description = [{
    Takes the SPMD IR that upstream's `sharding-propagation` and
    `shard-partition` leave (the `shard` dialect of MLIR) into seqpar, so that
    seqpar's pipeline lowers and runs it, all-to-alls included:

    - `shard.grid @g(shape = 2x3)` becomes `seqpar.grid @g(axes = ["0" = 2,
      "1" = 3])`: axis `k` is named by its decimal index. Dynamic sizes are
      an error.
    - `shard.all_to_all` (`split_axis s`, `concat_axis c`) becomes
      `seqpar.all_to_all ... scatter s gather c`, `shard.all_gather`
      (`gather_axis d`) `seqpar.gather ... dim d` and `shard.all_slice`
      (`slice_axis d`) `seqpar.split ... dim d`, on the group of the same
      grid axes in the same order (both dialects number a group's processes
      row-major in the order its axes are listed). A collective with no grid
      axes is the identity.
    - Uneven pieces: shard gives the remainder of a split to the trailing
      shards (`dim / n + (idx >= n - dim % n)`), seqpar's split rule to the
      first ones. A static uneven split gets the shard sizes explicitly
      (`scatter_lengths` of a constant, `sizes [...]`); a dynamic split dim
      gets a run-time check (`cf.assert`) that it divides evenly, as
      upstream's own lowering of `shard.all_slice` asserts.
    - `shard.process_linear_index` becomes `seqpar.group_rank` over every
      axis, `shard.process_multi_index` one `seqpar.group_rank` per axis,
      `shard.grid_shape` constants.
    - An unused `shard.sharding` is erased; a `shard.shard` left is an error
      (run `shard-partition` first), and every other shard op (all_reduce,
      reduce_scatter, broadcast, send, ...) is an error "seqpar has no
      lowering for 'shard.<op>'".

    Every seqpar op built is checked with seqpar's verifiers; what seqpar
    cannot express (an element type, a rank, `split_axis == concat_axis`)
    is reported on the shard op with seqpar's message.
  }];
  let dependentDialects = [
    "::seqpar::SeqParDialect", "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQPAR_CONVERSION_PASSES_TD
