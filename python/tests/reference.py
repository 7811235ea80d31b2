"""Plain-torch global-view references of seqpar's ops, from DESIGN.md.

Every function takes the tensors of all P ranks (or the global tensor) in one
process and returns what each rank must hold. Written from the rules, not
from the seeds or from seqpar: the split rule, shard maps as lists of global
intervals per rank, and the adjoints with their gradient scales.
"""

import torch


def split_sizes(n, parts):
    """sizes(n, P)[r] = n // P + (r < n % P)."""
    return [n // parts + (1 if r < n % parts else 0) for r in range(parts)]


def offsets(sizes):
    out, acc = [], 0
    for s in sizes:
        out.append(acc)
        acc += s
    return out


def scale(t, how, parts):
    if how == "up":
        return t * parts
    if how == "down":
        return t / parts
    return t


# Shard maps: for every rank, the global intervals (begin, size) it holds, in
# local order.


def explicit_map(sizes):
    return [[(o, s)] for o, s in zip(offsets(sizes), sizes)]


def even_map(n, parts):
    return explicit_map(split_sizes(n, parts))


def zigzag_map(n, parts):
    c = n // (2 * parts)
    return [[(r * c, c), ((2 * parts - 1 - r) * c, c)] for r in range(parts)]


def packed_map(seq_lens, parts):
    pieces = [[] for _ in range(parts)]
    start = 0
    for length in seq_lens:
        sizes = split_sizes(length, parts)
        for r, (o, s) in enumerate(zip(offsets(sizes), sizes)):
            if s:
                pieces[r].append((start + o, s))
        start += length
    return pieces


def sub_range(pieces, offset, size):
    """The global intervals of local positions [offset, offset + size)."""
    out, pos, end = [], 0, offset + size
    for b, s in pieces:
        lo, hi = max(offset, pos), min(end, pos + s)
        if lo < hi:
            out.append((b + lo - pos, hi - lo))
        pos += s
    return out


def hybrid_map(ring_map, ulysses):
    """Ring map, then the split rule over `ulysses` ranks of each ring rank's
    local length; group rank = ring_rank * ulysses + ulysses_rank."""
    out = []
    for pieces in ring_map:
        length = sum(s for _, s in pieces)
        sizes = split_sizes(length, ulysses)
        for o, s in zip(offsets(sizes), sizes):
            out.append(sub_range(pieces, o, s))
    return out


def local_size(pieces):
    return sum(s for _, s in pieces)


def ref_split(x, dim, pieces):
    """The local tensor of a rank holding `pieces` of `x` along `dim`."""
    parts = [x.narrow(dim, b, s) for b, s in pieces]
    if not parts:
        return x.narrow(dim, 0, 0).clone()
    return torch.cat(parts, dim)


def ref_gather(xs, dim, shard_map, global_size):
    """The global tensor from every rank's local tensor `xs[r]`."""
    shape = list(xs[0].shape)
    shape[dim] = global_size
    out = torch.zeros(shape, dtype=xs[0].dtype)
    for x, pieces in zip(xs, shard_map):
        pos = 0
        for b, s in pieces:
            out.narrow(dim, b, s).copy_(x.narrow(dim, pos, s))
            pos += s
    return out


def ref_all_to_all(xs, scatter_dim, gather_dim, scatter_sizes):
    """Rank r gets the concatenation along `gather_dim`, over q, of rank q's
    slice [offset(r), +size(r)) of `scatter_dim`."""
    offs = offsets(scatter_sizes)
    return [torch.cat([x.narrow(scatter_dim, offs[r], scatter_sizes[r])
                       for x in xs], gather_dim)
            for r in range(len(xs))]


def ref_all_to_all_adjoint(ws, scatter_dim, gather_dim, gather_sizes):
    """Adjoint of ref_all_to_all: the all-to-all with the dims swapped, whose
    scatter sizes are the forward's gather pieces."""
    return ref_all_to_all(ws, gather_dim, scatter_dim, gather_sizes)


# ---------------------------------------------------------------------------
# GQA: replicated blocks
# ---------------------------------------------------------------------------


def replicated_entries(n, slots, p):
    """The entries of a dim of `n` spread over `slots` slots that each of `p`
    ranks receives, from the definition: entry h covers [h/n, (h+1)/n) of
    [0, 1), slot v covers [v/slots, (v+1)/slots), and a rank receives the
    entries overlapping one of its split-rule slots."""
    sizes = split_sizes(slots, p)
    out, start = [], 0
    for q in range(p):
        slots_q = range(start, start + sizes[q])
        out.append([h for h in range(n)
                    if any(h * slots < (v + 1) * n and (h + 1) * slots > v * n
                           for v in slots_q)])
        start += sizes[q]
    return out


def gqa_kv_heads(hq, hkv, p):
    """The KV heads that the query heads all_to_all_4D gives each rank use
    (the split rule of `hq` over p, or each query head to p/hq ranks when
    hq < p; query head j uses KV head j // (hq // hkv)): what GQA attention
    on a rank needs."""
    queries = replicated_entries(hq, max(hq, p), p)
    return [sorted({j // (hq // hkv) for j in qs}) for qs in queries]


def ref_replicated(xs, s, g, index_lists):
    """Rank r's output of the all-to-all that sends rank q's entries
    index_lists[r] of dim `s` to rank r, gathering `g` in rank order, with
    its gradient rule: a function of the upstream gradients that sums every
    copy (computed in float64 with autograd, then cast back)."""
    def forward(inputs):
        whole = torch.cat(inputs, dim=g)
        return [whole.index_select(s, torch.tensor(ix, dtype=torch.long))
                for ix in index_lists]

    outs = forward(xs)

    def grads(ws):
        leaves = [x.detach().double().clone().requires_grad_(True)
                  for x in xs]
        ys = forward(leaves)
        loss = sum((y * w.double()).sum() for y, w in zip(ys, ws))
        loss.backward()
        return [leaf.grad.to(x.dtype) for leaf, x in zip(leaves, xs)]

    return outs, grads
