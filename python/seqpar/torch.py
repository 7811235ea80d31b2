"""seqpar's drop-in replacements for the seeds' sequence-parallel helpers.

Every function has the name, arguments, results and gradients of its seed
(the context-parallel module of MindSpeed-MM-style trainers and the Ulysses
all-to-alls of VILA/USP). Each is one op of the seqpar runtime, executed in
C++ on the ``torch.distributed`` process group given (Gloo on CPU, NCCL on
GPU): sizes come from seqpar's Layout library, the input's strides go
straight into the runtime's pack, there is at most one pack and one unpack
per collective and no padding or barrier; the ranks first check that they
agree on the call (see set_check_mode). Autograd is the runtime's adjoint of
each op (itself differentiable).

Differences from the seeds:

* ``*_with_cp`` functions take their ring and Ulysses groups from a
  :class:`ParallelState` passed as ``parallel_state=`` instead of a global.
* ``all_to_all_4D`` keeps the per-rank sequence lengths of its forward call
  (scatter 2, gather 1) in an explicit :class:`SeqLenCache` (``cache=``,
  default :data:`seq_len_cache`) for the reverse call (scatter 1, gather 2);
  ``seq_lens=`` passes them directly instead. Its backward reuses the lengths
  of its own forward and exchanges nothing.
* Unaligned sizes work everywhere the split rule applies; bad arguments
  raise ``ValueError`` naming the function, the dims and the sizes.
* Process groups of size 1 are not special-cased: the op still runs (one
  copy) and validates its arguments. The exception is the ring of the
  ``*_with_cp`` functions: a ring group of one rank is disabled, as in the
  seeds' parallel state (no zigzag, no divisibility requirement).
* Every size (split rule, zigzag and packed pieces, the Ulysses pieces of a
  hybrid layout) comes from seqpar's Layout library through ``_C``; nothing
  here computes a split, an offset or a gathered length.
* Every element type moves, also on Gloo (which has no bfloat16 or bool
  collectives): the runtime sends bytes.
* ``packed_data_gather_forward_split_backward`` accepts only tables that are
  the split rule of their column sums (what ``cal_split_sizes_multi`` makes),
  the only tables the seeds pass.
"""

from typing import Dict, List, Optional, Sequence

import torch
import torch.distributed as dist

from . import _C
from .parallel_state import ParallelState

try:
    from torch.compiler import assume_constant_result as _assume_constant_result
except ImportError:  # torch < 2.3
    from torch._dynamo import assume_constant_result as _assume_constant_result

__all__ = [
    "ParallelState",
    "SeqLenCache",
    "seq_len_cache",
    "all_to_all",
    "split_forward_gather_backward",
    "gather_forward_split_backward",
    "load_balanced_split_forward_gather_backward",
    "load_balanced_gather_forward_split_backward",
    "split_forward_gather_backward_with_cp",
    "gather_forward_split_backward_with_cp",
    "packed_data_split_forward_gather_backward",
    "packed_data_gather_forward_split_backward",
    "packed_data_split_forward_gather_backward_with_cp",
    "packed_data_gather_forward_split_backward_with_cp",
    "all_to_all_4D",
    "all_to_all_5D",
    "SeqAllToAll4D",
    "SeqAllToAll5D",
    "cal_split_sizes",
    "cal_split_sizes_multi",
    "release_group",
    "set_check_mode",
]


def _group(group):
    """The process group to use: `group`, or the default group for None."""
    return group if group is not None else dist.group.WORLD


def _group_name(group, fn: str) -> str:
    """The registered name of `group`, under which seqpar::run finds it."""
    if group is dist.GroupMember.NON_GROUP_MEMBER:
        raise ValueError(
            f"{fn}: this process (world rank {dist.get_rank()}) is not a "
            f"member of the process group it was given; call it only on the "
            f"ranks passed to new_group(ranks=...)")
    if not isinstance(group, dist.ProcessGroup):
        raise ValueError(f"{fn}: expected a torch.distributed.ProcessGroup, "
                         f"got {type(group).__name__}")
    return group.group_name


@_assume_constant_result
def _layout(query: str, *args):
    """A size query of the Layout library (`_C.<query>`): a pure function of
    its arguments, which torch.compile runs once while tracing."""
    return getattr(_C, query)(*args)


@_assume_constant_result
def _describe(builder: str, *args):
    """The descriptor of an op and the gradient scale of its backward, from
    the builder `_C.<builder>`; constant under torch.compile."""
    desc, backward_scale = getattr(_C, builder)(*args)
    return list(desc), int(backward_scale)


def _run(builder: str, input_: torch.Tensor, group, *args) -> torch.Tensor:
    """Runs the op that `_C.<builder>(*args)` describes on `input_` over
    `group`, as the registered torch op seqpar::run (autograd, meta and
    torch.compile included). The last of `args` is the function's name."""
    fn = args[-1]
    desc, backward_scale = _describe(builder, *args)
    return torch.ops.seqpar.run(input_, _group_name(_group(group), fn), desc,
                                backward_scale, fn)


@torch.compiler.disable
def _tolist(t: torch.Tensor) -> list:
    """`t.tolist()` outside torch.compile (a graph break): torch 2.4 would
    trace it into unbacked SymInts that the size queries cannot take."""
    return t.tolist()


def _int_list(values, what: str, fn: str) -> List[int]:
    if isinstance(values, torch.Tensor):
        values = _tolist(values)
    if not isinstance(values, (list, tuple)):
        raise ValueError(f"{fn}: {what} must be a list of ints, "
                         f"got {type(values).__name__}")
    return [int(v) for v in values]


def _ring_on(ps: ParallelState) -> bool:
    """Whether the ring of `ps` takes part: a ring of one rank is disabled
    (no zigzag, no divisibility requirement), as in the seeds."""
    return ps.is_ring_enable() and ps.get_ring_group_size() > 1


def _hybrid_sizes(ps: ParallelState, dist: str, length: int,
                  seq_lens: List[int], fn: str) -> List[int]:
    """This rank's Ulysses group's pieces of a dim split by `dist` over the
    ring (when on), then by the split rule over Ulysses (Layout's two-level
    distribution over a [ring, ulysses] grid)."""
    ring = ps.get_ring_group_size() if _ring_on(ps) else 1
    ulysses = (ps.get_ulysses_group_size() if ps.is_ulysses_enable() else 1)
    table = _layout("hybrid_sizes", dist, length, seq_lens, ring, ulysses, fn)
    return table[ps.get_ring_rank() if _ring_on(ps) else 0]


def _sizes_arg(sizes, what: str, group, fn: str) -> List[int]:
    """Explicit per-rank sizes; [] tells the runtime to use its default."""
    if sizes is None:
        return []
    sizes = _int_list(sizes, what, fn)
    if not sizes:
        # The runtime reads [] as "the default", so reject it here.
        raise ValueError(f"{fn}: {what} must have one entry per rank "
                         f"({dist.get_world_size(group)}), got []")
    return sizes


# ---------------------------------------------------------------------------
# Size rules (the Layout library's)
# ---------------------------------------------------------------------------


def cal_split_sizes(dim_size: int, world_size: int) -> List[int]:
    """The split rule: ``dim_size // world_size`` per rank, plus one for the
    first ``dim_size % world_size`` ranks."""
    return _layout("split_sizes", int(dim_size), int(world_size), "cal_split_sizes")


def cal_split_sizes_multi(seq_lens: Sequence[int],
                          world_size: int) -> torch.Tensor:
    """The ``[world_size, len(seq_lens)]`` int64 table of the split rule
    applied to every sequence."""
    fn = "cal_split_sizes_multi"
    table = _layout("packed_size_table", _int_list(seq_lens, "seq_lens", fn),
                                 int(world_size), fn)
    return torch.tensor(table, dtype=torch.int64).reshape(int(world_size),
                                                          len(seq_lens))


def set_check_mode(group, on: bool = True, device="cpu") -> None:
    """Turns seqpar's agreement checks on `group` (for tensors on `device`)
    on or off; they are on by default. With them every op first all-gathers
    a small record of each rank's call (op, dtype, shapes, sizes), so that
    ranks called with inconsistent arguments all raise ValueError naming
    the disagreement instead of hanging in the collective or getting wrong
    data. SEQPAR_RT_CHECK=0 in the environment turns them off for every
    group."""
    _group_name(_group(group), "set_check_mode")
    _C.set_check_mode(_group(group), bool(on), torch.device(device))


def release_group(group) -> None:
    """Frees the runtime state (staging buffers) seqpar keeps for `group`;
    call it before destroying a process group that seqpar used."""
    _group_name(_group(group), "release_group")
    _C.release_group(_group(group))
    seq_len_cache.clear(group)


# ---------------------------------------------------------------------------
# All-to-all, split and gather
# ---------------------------------------------------------------------------


def all_to_all(input_: torch.Tensor,
               process_group: dist.ProcessGroup,
               scatter_dim: int = 2,
               gather_dim: int = 1,
               gather_size: Optional[int] = None,
               *,
               scatter_slots: Optional[int] = None,
               gather_slots: Optional[int] = None) -> torch.Tensor:
    """Scatters `scatter_dim` by the split rule and gathers `gather_dim`.

    Every rank holds the whole scatter dim and its split-rule piece of a
    gather dim of total size `gather_size` (default: the input's gather dim
    times the group size). Aligned or not, one collective. Backward: the
    all-to-all with the dims swapped.

    `scatter_slots=V` replicates the scatter dim instead of splitting it
    (GQA's KV heads): its S entries are spread over V slots, the slots split
    by the split rule, and each rank receives the entries covering its slots,
    so that with S < P = V each entry goes to P/S ranks, and with V the query
    heads each rank gets the KV heads its query heads use. Each entry is read
    once and sent to every rank that needs it; the backward sums the copies'
    gradients in group-rank order. `gather_slots=V` (with `gather_size` = S)
    is that reverse op.
    """
    fn = "all_to_all"
    if gather_size is not None and int(gather_size) < 0:
        # Layout's builders read a negative length as "the default".
        raise ValueError(f"{fn}: gather_size {int(gather_size)} is negative")
    if gather_slots is not None and gather_size is None:
        raise ValueError(f"{fn}: gather_slots={int(gather_slots)} sums "
                         f"replicated blocks and needs gather_size, the "
                         f"number of entries gathered")
    return _run("all_to_all", input_, _group(process_group), scatter_dim,
                gather_dim, [], [],
                -1 if gather_size is None else int(gather_size),
                _opt_int(scatter_slots), _opt_int(gather_slots), fn)


def _opt_int(value) -> Optional[int]:
    return None if value is None else int(value)


def split_forward_gather_backward(input_: torch.Tensor,
                                  process_group: dist.ProcessGroup,
                                  dim: int,
                                  split_sizes: Optional[List[int]] = None,
                                  grad_scale: Optional[str] = "down"
                                  ) -> torch.Tensor:
    """Keeps this rank's piece of `dim` (`split_sizes`, default the split
    rule). Backward: gathers the gradient, scaled by `grad_scale` ("up": times
    the group size, "down": divided by it, None: unscaled)."""
    fn = "split_forward_gather_backward"
    group = _group(process_group)
    return _run("split", input_, group, dim,
                    _sizes_arg(split_sizes, "split_sizes", group, fn),
                    grad_scale, fn)


def gather_forward_split_backward(input_: torch.Tensor,
                                  process_group: dist.ProcessGroup,
                                  dim: int,
                                  gather_sizes: Optional[List[int]] = None,
                                  grad_scale: Optional[str] = "up"
                                  ) -> torch.Tensor:
    """Concatenates every rank's input along `dim` (rank q contributes
    `gather_sizes[q]`, default: every rank the size of this input).
    Backward: this rank's piece of the gradient, scaled by `grad_scale`."""
    fn = "gather_forward_split_backward"
    group = _group(process_group)
    return _run("gather", input_, group, dim,
                     _sizes_arg(gather_sizes, "gather_sizes", group, fn),
                     grad_scale, fn)


def load_balanced_split_forward_gather_backward(
        input_: torch.Tensor,
        process_group: dist.ProcessGroup,
        dim: int = 0) -> torch.Tensor:
    """Zigzag split for ring attention: `dim` is cut into 2P equal chunks and
    rank r keeps chunks r and 2P-1-r. Backward: gather, divide by P, restore
    the chunk order."""
    fn = "load_balanced_split_forward_gather_backward"
    return _run("zigzag_split", input_, _group(process_group), dim, "down", fn)


def load_balanced_gather_forward_split_backward(
        input_: torch.Tensor,
        process_group: dist.ProcessGroup,
        dim: int = 0) -> torch.Tensor:
    """Inverse of the zigzag split. Backward: times P, keep this rank's two
    chunks."""
    fn = "load_balanced_gather_forward_split_backward"
    return _run("zigzag_gather", input_, _group(process_group), dim, "up", -1, fn)


def split_forward_gather_backward_with_cp(
        input_: torch.Tensor, dim: int, *,
        parallel_state: ParallelState) -> torch.Tensor:
    """Context-parallel split: zigzag over the ring group (when enabled),
    then the split rule over the Ulysses group (when enabled)."""
    fn = "split_forward_gather_backward_with_cp"
    ps = parallel_state
    if _ring_on(ps):
        input_ = _run("zigzag_split", input_, ps.get_ring_group(), dim, "down", fn)
    if ps.is_ulysses_enable():
        input_ = _run("split", input_, ps.get_ulysses_group(), dim, [], "down", fn)
    return input_


def gather_forward_split_backward_with_cp(
        input_: torch.Tensor, dim: int, gather_size: int, *,
        parallel_state: ParallelState) -> torch.Tensor:
    """Inverse of :func:`split_forward_gather_backward_with_cp` for a dim of
    total size `gather_size`: gather over Ulysses, then zigzag over the
    ring."""
    fn = "gather_forward_split_backward_with_cp"
    ps = parallel_state
    gather_size = int(gather_size)
    sizes = _hybrid_sizes(ps, "zigzag", gather_size, [], f"{fn}: gather_size")
    if ps.is_ulysses_enable():
        input_ = _run("gather", input_, ps.get_ulysses_group(), dim, sizes, "up",
                           fn)
    if _ring_on(ps):
        input_ = _run("zigzag_gather", input_, ps.get_ring_group(), dim, "up",
                                  gather_size, fn)
    return input_


# ---------------------------------------------------------------------------
# Packed variable-length sequences
# ---------------------------------------------------------------------------


def packed_data_split_forward_gather_backward(
        hidden_states: torch.Tensor,
        process_group: dist.ProcessGroup,
        sequence_lengths: List[int],
        dim: int = 0) -> torch.Tensor:
    """Splits each packed sequence (lengths `sequence_lengths`, concatenated
    along `dim`) by the split rule and keeps this rank's pieces, in order.
    Backward: gather and divide by the group size."""
    fn = "packed_data_split_forward_gather_backward"
    return _run("packed_split", hidden_states, _group(process_group), dim,
                           _int_list(sequence_lengths, "sequence_lengths", fn),
                           "down", fn)


def packed_data_gather_forward_split_backward(
        local_hidden_states: torch.Tensor,
        all_split_sizes,
        process_group: dist.ProcessGroup,
        dim: int = 0) -> torch.Tensor:
    """Rebuilds the packed sequences from every rank's pieces.

    `all_split_sizes` is the ``[P, num_seqs]`` table of the split
    (:func:`cal_split_sizes_multi`; a tensor or nested lists). Backward:
    this rank's pieces of the gradient, times the group size.
    """
    fn = "packed_data_gather_forward_split_backward"
    group = _group(process_group)
    if isinstance(all_split_sizes, torch.Tensor):
        all_split_sizes = _tolist(all_split_sizes)
    table = [_int_list(row, "all_split_sizes rows", fn)
             for row in all_split_sizes]
    seq_lens = _layout("packed_lengths", table, dist.get_world_size(group), fn)
    return _run("packed_gather", local_hidden_states, group, dim, seq_lens, "up",
                            fn)


def packed_data_split_forward_gather_backward_with_cp(
        x: torch.Tensor, dim: int, seq_lens: List[int], *,
        parallel_state: ParallelState) -> torch.Tensor:
    """Packed split over the ring group (each sequence by the split rule),
    then an even split of the result over the Ulysses group."""
    fn = "packed_data_split_forward_gather_backward_with_cp"
    ps = parallel_state
    if _ring_on(ps):
        x = _run("packed_split", x, ps.get_ring_group(), dim,
                            _int_list(seq_lens, "seq_lens", fn), "down", fn)
    if ps.is_ulysses_enable():
        x = _run("split", x, ps.get_ulysses_group(), dim, [], "down", fn)
    return x


def packed_data_gather_forward_split_backward_with_cp(
        x: torch.Tensor, dim: int, seq_lens: List[int], *,
        parallel_state: ParallelState) -> torch.Tensor:
    """Inverse of :func:`packed_data_split_forward_gather_backward_with_cp`:
    gather over Ulysses, then rebuild the sequences over the ring."""
    fn = "packed_data_gather_forward_split_backward_with_cp"
    ps = parallel_state
    seq_lens = _int_list(seq_lens, "seq_lens", fn)
    sizes = _hybrid_sizes(ps, "packed", -1, seq_lens, fn)
    if ps.is_ulysses_enable():
        x = _run("gather", x, ps.get_ulysses_group(), dim, sizes, "up", fn)
    if _ring_on(ps):
        x = _run("packed_gather", x, ps.get_ring_group(), dim, seq_lens, "up", fn)
    return x


# ---------------------------------------------------------------------------
# Ulysses all-to-alls of VILA / USP
# ---------------------------------------------------------------------------


class SeqLenCache:
    """Per-group sequence lengths of the last forward ``all_to_all_4D``.

    The forward all-to-all (scatter 2, gather 1) of a rank's ``[b, s_r, h,
    d]`` tensor exchanges the lengths ``s_r`` once (one all-gather of one
    int64 per rank) and stores them here under its group; the reverse call
    (scatter 1, gather 2) on the same group reads them. This replaces the
    seed's process-wide ``set_ulysses_seq_len``/``get_ulysses_seq_len``. The
    autograd backward of either call does not read the cache: each op keeps
    its own lengths.
    """

    def __init__(self):
        self._lens: Dict[str, tuple] = {}

    def set(self, group, seq_lens: Sequence[int]) -> None:
        self._lens[group.group_name] = (group, [int(v) for v in seq_lens])

    def get(self, group) -> Optional[List[int]]:
        entry = self._lens.get(group.group_name)
        return list(entry[1]) if entry is not None else None

    def clear(self, group=None) -> None:
        """Forgets the lengths of `group` (of every group for None)."""
        if group is None:
            self._lens.clear()
        else:
            self._lens.pop(group.group_name, None)


#: The cache all_to_all_4D uses unless given ``cache=``.
seq_len_cache = SeqLenCache()


def _head_slots(fn: str, heads: int, query_heads: Optional[int], world: int
                ) -> Optional[int]:
    """The slots of a head dim of `heads` entries. With `query_heads` (GQA),
    the slots the query heads themselves are distributed over: Hq (the split
    rule) when Hq >= P, else P (replicated), so that each rank gets exactly
    the KV heads of the query heads it holds. Without, the group size when
    there are fewer heads than ranks (each head to P/heads ranks, as
    repeat_interleave + all-to-all), else none (the split rule)."""
    if query_heads is not None:
        if int(query_heads) < 1:
            raise ValueError(f"{fn}: query_heads {int(query_heads)} is not "
                             f"positive")
        return max(int(query_heads), world)
    return world if heads < world else None


def all_to_all_4D(input: torch.Tensor,
                  scatter_idx: int = 2,
                  gather_idx: int = 1,
                  group=None, *,
                  seq_lens: Optional[Sequence[int]] = None,
                  cache: Optional[SeqLenCache] = None,
                  query_heads: Optional[int] = None,
                  heads: Optional[int] = None) -> torch.Tensor:
    """Ulysses all-to-all of ``[b, s, h, d]`` tensors with per-rank sequence
    lengths.

    ``scatter_idx=2, gather_idx=1``: ``[b, s_r, h, d] -> [b, sum(s), h_r,
    d]``; rank r's own length ``s_r`` may differ between ranks (no padding).
    The lengths are exchanged once (unless `seq_lens` gives them) and stored
    in `cache` (default :data:`seq_len_cache`) under the group. The heads
    are split by the split rule (``h_r = h/P`` when P divides h); with fewer
    heads than ranks (GQA's KV heads) each head goes to ``P/h`` ranks, as
    ``repeat_interleave(P/h)`` + all-to-all would send it (right for
    attention when the query heads are split evenly, P dividing them, or
    are fewer than P); ``query_heads=Hq`` gives each rank exactly the KV
    heads of the query heads this function gives it, for any Hq. Replicated
    heads are read once, and the backward sums their gradients (in
    group-rank order).

    ``scatter_idx=1, gather_idx=2``: ``[b, sum(s), h_r, d] -> [b, s_r, h,
    d]`` with the lengths of `seq_lens` or of the cached forward call;
    ``heads=h`` gives the gathered head count where P does not divide it.
    With fewer heads than ranks (or `query_heads`) this is the adjoint of
    the replicating forward: it sums the copies of each head (the gradient
    of replicated KV heads), it does not pick one (an output computed on
    replicated query heads comes back P/h times; keep Hq >= P or divide).
    """
    fn = "all_to_all_4D"
    group = _group(group)
    _group_name(group, fn)  # a group this rank is in
    cache = seq_len_cache if cache is None else cache
    if input.dim() != 4:
        raise ValueError(f"{fn}: input must be a 4D tensor, got "
                         f"{input.dim()}D of shape {list(input.shape)}")
    world = dist.get_world_size(group)
    if (scatter_idx, gather_idx) == (2, 1):
        if heads is not None:
            raise ValueError(f"{fn}: heads= is the head count of the reverse "
                             f"call (scatter_idx 1); the forward reads it "
                             f"from the input, here {input.shape[2]}")
        if seq_lens is None:
            _group_name(group, fn)
            if input.is_meta:
                raise ValueError(
                    f"{fn}: a meta tensor has no data to exchange sequence "
                    f"lengths with the other ranks; pass seq_lens=")
            seq_lens = _C.exchange_lengths(group, input.shape[1],
                                           input.device, fn)
        else:
            seq_lens = _int_list(seq_lens, "seq_lens", fn)
        cache.set(group, seq_lens)
        slots = _head_slots(fn, input.shape[2], query_heads, world)
        return _run("all_to_all", input, group, 2, 1, [], seq_lens, -1,
                    slots, None, fn)
    if (scatter_idx, gather_idx) == (1, 2):
        if seq_lens is None:
            seq_lens = cache.get(group)
            if seq_lens is None:
                raise ValueError(
                    f"{fn}: the reverse all-to-all (scatter 1, gather 2) "
                    f"needs the sequence lengths of a forward call (scatter "
                    f"2, gather 1) on this group first, or seq_lens=")
        else:
            seq_lens = _int_list(seq_lens, "seq_lens", fn)
        return _run("all_to_all", input, group, 1, 2, seq_lens, [],
                    *_reverse_heads(fn, heads, query_heads, world), fn)
    raise ValueError(f"{fn}: scatter_idx must be 1 or 2 and gather_idx must "
                     f"be 1 or 2 (and differ), got scatter_idx {scatter_idx} "
                     f"and gather_idx {gather_idx}")


def _reverse_heads(fn: str, heads: Optional[int], query_heads: Optional[int],
                   world: int):
    """(gather_size, scatter_slots, gather_slots) of a reverse call that
    gathers `heads` heads back (None: every rank's own count times P)."""
    if heads is None:
        if query_heads is not None:
            raise ValueError(f"{fn}: query_heads= on the reverse call needs "
                             f"heads=, the head count to gather back")
        return -1, None, None
    heads = int(heads)
    if heads < 0:
        raise ValueError(f"{fn}: heads {heads} is negative")
    return heads, None, _head_slots(fn, heads, query_heads, world)


def all_to_all_5D(input: torch.Tensor,
                  scatter_idx: int = 3,
                  gather_idx: int = 1,
                  group=None, *,
                  seq_lens: Optional[Sequence[int]] = None,
                  query_heads: Optional[int] = None,
                  heads: Optional[int] = None) -> torch.Tensor:
    """Ulysses all-to-all of packed QKV ``[b, s, 3, h, d]`` tensors.

    ``scatter_idx=3, gather_idx=1``: ``[b, s/P, 3, h, d] -> [b, s, 3, h_r,
    d]``; ``scatter_idx=1, gather_idx=3`` is the reverse (the inverse when
    no head is replicated, else the sum of the copies). As in the seed,
    every rank holds ``s/P`` positions, unless `seq_lens` gives each rank's
    length (then the reverse call needs the same `seq_lens`). Heads as in
    :func:`all_to_all_4D` (split rule, replicated when fewer than the ranks
    or with `query_heads`; `heads` on the reverse call).
    """
    fn = "all_to_all_5D"
    group = _group(group)
    _group_name(group, fn)  # a group this rank is in
    if input.dim() != 5:
        raise ValueError(f"{fn}: input must be a 5D tensor, got "
                         f"{input.dim()}D of shape {list(input.shape)}")
    world = dist.get_world_size(group)
    lens = [] if seq_lens is None else _int_list(seq_lens, "seq_lens", fn)
    if (scatter_idx, gather_idx) == (3, 1):
        if heads is not None:
            raise ValueError(f"{fn}: heads= is the head count of the reverse "
                             f"call (scatter_idx 1); the forward reads it "
                             f"from the input, here {input.shape[3]}")
        slots = _head_slots(fn, input.shape[3], query_heads, world)
        return _run("all_to_all", input, group, 3, 1, [], lens, -1, slots,
                    None, fn)
    if (scatter_idx, gather_idx) == (1, 3):
        return _run("all_to_all", input, group, 1, 3, lens, [],
                    *_reverse_heads(fn, heads, query_heads, world), fn)
    raise ValueError(f"{fn}: scatter_idx must be 1 or 3 and gather_idx must "
                     f"be 1 or 3 (and differ), got scatter_idx {scatter_idx} "
                     f"and gather_idx {gather_idx}")


class SeqAllToAll4D:
    """The seed's autograd function: ``SeqAllToAll4D.apply(group, input,
    scatter_idx, gather_idx)``. The all-to-all is a C++ autograd op whose
    backward is the reverse all-to-all with the forward's own lengths."""

    @staticmethod
    def apply(group, input, scatter_idx=2, gather_idx=1):
        return all_to_all_4D(input, scatter_idx, gather_idx, group=group)


class SeqAllToAll5D:
    """The seed's autograd function: ``SeqAllToAll5D.apply(group, input,
    scatter_idx, gather_idx)``."""

    @staticmethod
    def apply(group, input, scatter_idx=3, gather_idx=1):
        return all_to_all_5D(input, scatter_idx, gather_idx, group=group)
