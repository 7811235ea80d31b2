"""One rank of the seqpar.torch test suite.

Launched by test_seqpar_torch.py as `worker.py RANK WORLD PORT SEED OUT`; runs
every case of every area against the plain-torch references in reference.py
and writes {"area": {"cases": n, "failures": [...]}} as JSON to OUT. All
ranks draw every rank's data from the same seeded generator, so each knows
what every other rank holds.
"""

import datetime
import json
import os
import random
import re
import sys
import traceback

import torch
import torch.distributed as dist

import reference as ref
import seqpar.torch as sp

FLOATS = [torch.float64, torch.float32, torch.float16, torch.bfloat16]
OTHERS = [torch.int64, torch.int32, torch.int8, torch.uint8, torch.bool]
DTYPES = FLOATS + OTHERS


class Area:
    """Failures of one area of cases."""

    def __init__(self, name):
        self.name, self.cases, self.failures = name, 0, []

    def fail(self, case, message):
        self.failures.append(f"{case}: {message}")


def rand(shape, dtype, gen):
    if dtype.is_floating_point:
        return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=gen).bool()
    if dtype == torch.uint8:
        return torch.randint(0, 256, shape, generator=gen).to(dtype)
    return torch.randint(-100, 100, shape, generator=gen).to(dtype)


# Layouts are drawn from a generator of this rank's own, so that a failing
# case cannot shift the shared draws that keep the ranks in step.
STRIDES = random.Random(0)


def strided_leaf(x, rng, grad):
    """A leaf tensor and a non-contiguous view of it with the values of x, so
    that the op sees permuted strides (as the seeds' callers' transposes)."""
    n = x.dim()
    perm = list(range(n))
    (rng or STRIDES).shuffle(perm)
    inv = [perm.index(i) for i in range(n)]
    leaf = x.permute(perm).contiguous()
    if grad:
        leaf.requires_grad_(True)
    return leaf, leaf.permute(inv), inv


def strided(x, rng):
    return strided_leaf(x, rng, False)[1]


def same(area, case, what, got, want):
    if got.dtype != want.dtype or list(got.shape) != list(want.shape):
        area.fail(case, f"{what}: got {got.dtype} {list(got.shape)}, want "
                        f"{want.dtype} {list(want.shape)}")
        return False
    if not torch.equal(got, want):
        diff = (got.double() - want.double()).abs().max().item()
        area.fail(case, f"{what}: values differ (max abs diff {diff})")
        return False
    return True


def check(area, case, rng, fn, x, want, w=None, want_grad=None):
    """Runs fn on a strided view of x; compares the output and, for floating
    types, the gradient of the output's upstream gradient w."""
    area.cases += 1
    grad = x.dtype.is_floating_point and w is not None
    try:
        leaf, view, inv = strided_leaf(x, None, grad)
        out = fn(view)
        if not same(area, case, "forward", out, want) or not grad:
            return
        out.backward(strided(w, None))
        same(area, case, "backward", leaf.grad.permute(inv), want_grad)
    except Exception as e:  # noqa: BLE001 - reported as a failure
        area.fail(case, f"raised {type(e).__name__}: {e}\n"
                        f"{traceback.format_exc()}")


def dims_shape(rng, ndim, lo=1, hi=4):
    return [rng.randint(lo, hi) for _ in range(ndim)]


def maybe_aligned(rng, p, hi=3):
    """A dim size: a multiple of p half of the time, anything otherwise."""
    if rng.random() < 0.5:
        return p * rng.randint(0, hi)
    return rng.randint(0, hi * p + 2)


# ---------------------------------------------------------------------------
# Areas
# ---------------------------------------------------------------------------


def area_all_to_all(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(120):
        dtype = DTYPES[trial % len(DTYPES)]
        ndim = rng.randint(2, 6)
        s, g = rng.sample(range(ndim), 2)
        shape = dims_shape(rng, ndim)
        S, N = maybe_aligned(rng, p), maybe_aligned(rng, p)
        gsizes = ref.split_sizes(N, p)
        xs = []
        for q in range(p):
            sh = list(shape)
            sh[s], sh[g] = S, gsizes[q]
            xs.append(rand(sh, dtype, gen))
        want = ref.ref_all_to_all(xs, s, g, ref.split_sizes(S, p))
        ws = [rand(list(t.shape), dtype, gen) for t in want]
        want_grad = ref.ref_all_to_all_adjoint(ws, s, g, gsizes)
        pass_size = N % p != 0 or rng.random() < 0.3
        sd = s - ndim if rng.random() < 0.3 else s
        case = (f"all_to_all P={p} shape={list(xs[r].shape)} s={sd} g={g} "
                f"N={N} {dtype}")
        check(area, case, rng,
              lambda x: sp.all_to_all(x, ctx.group, sd, g,
                                      N if pass_size else None),
              xs[r], want[r], ws[r], want_grad[r])
    # Double backward: the backward is itself an all-to-all op whose
    # gradient is the forward again.
    area.cases += 1
    xs = [rand([3, 2 * p + 1, 2], torch.float64, gen) for _ in range(p)]
    ws = [rand([3 * p, ref.split_sizes(2 * p + 1, p)[r], 2], torch.float64,
               gen) for r in range(p)]
    vs = [rand([3, 2 * p + 1, 2], torch.float64, gen) for _ in range(p)]
    try:
        x = xs[r].clone().requires_grad_(True)
        w = ws[r].clone().requires_grad_(True)
        y = sp.all_to_all(x, ctx.group, 1, 0)
        (gx,) = torch.autograd.grad(y, x, w, create_graph=True)
        gx.backward(vs[r])
        want = ref.ref_all_to_all(vs, 1, 0, ref.split_sizes(2 * p + 1, p))
        same(area, "double backward", "grad of grad", w.grad, want[r])
    except Exception as e:  # noqa: BLE001 - reported as a failure
        area.fail("double backward", f"raised {type(e).__name__}: {e}")

    # The seed's defaults: scatter 2, gather 1.
    xs = [rand([2, 3, 2 * p, 4], torch.float32, gen) for _ in range(p)]
    want = ref.ref_all_to_all(xs, 2, 1, ref.split_sizes(2 * p, p))
    ws = [rand(list(t.shape), torch.float32, gen) for t in want]
    want_grad = ref.ref_all_to_all_adjoint(ws, 2, 1, [3] * p)
    check(area, "all_to_all defaults", rng,
          lambda x: sp.all_to_all(x, ctx.group), xs[r], want[r], ws[r],
          want_grad[r])


def random_sizes(rng, n, p):
    sizes = [0] * p
    for _ in range(n):
        sizes[rng.randrange(p)] += 1
    return sizes


def area_split_gather(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(90):
        dtype = DTYPES[trial % len(DTYPES)]
        ndim = rng.randint(1, 5)
        d = rng.randrange(ndim)
        shape = dims_shape(rng, ndim)
        n = maybe_aligned(rng, p)
        explicit = rng.random() < 0.5
        sizes = random_sizes(rng, n, p) if explicit else ref.split_sizes(n, p)
        scale = rng.choice(["up", "down", None, "default"])
        kw = {} if scale == "default" else {"grad_scale": scale}
        smap = ref.explicit_map(sizes)

        # split_forward_gather_backward
        sh = list(shape)
        sh[d] = n
        x = rand(sh, dtype, gen)
        want = ref.ref_split(x, d, smap[r])
        ws = [rand(list(ref.ref_split(x, d, smap[q]).shape), dtype, gen)
              for q in range(p)]
        how = "down" if scale == "default" else scale
        want_grad = ref.ref_gather([ref.scale(w, how, p) for w in ws], d,
                                   smap, n)
        given = sizes if explicit else None
        case = (f"split P={p} shape={sh} dim={d} sizes={given} "
                f"scale={scale} {dtype}")
        check(area, case, rng,
              lambda t: sp.split_forward_gather_backward(
                  t, ctx.group, d, sizes if explicit else None, **kw),
              x, want, ws[r], want_grad)

        # gather_forward_split_backward
        if not explicit:
            sizes = [shape[d]] * p  # None: every rank contributes its size
            smap = ref.explicit_map(sizes)
        n = sum(sizes)
        xs = []
        for q in range(p):
            sh = list(shape)
            sh[d] = sizes[q]
            xs.append(rand(sh, dtype, gen))
        want = ref.ref_gather(xs, d, smap, n)
        ws = [rand(list(want.shape), dtype, gen) for _ in range(p)]
        how = "up" if scale == "default" else scale
        want_grad = ref.scale(ref.ref_split(ws[r], d, smap[r]), how, p)
        case = (f"gather P={p} shape={list(xs[r].shape)} dim={d} "
                f"sizes={sizes if explicit else None} scale={scale} {dtype}")
        check(area, case, rng,
              lambda t: sp.gather_forward_split_backward(
                  t, ctx.group, d, sizes if explicit else None, **kw),
              xs[r], want, ws[r], want_grad)


def area_zigzag(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(45):
        dtype = DTYPES[trial % len(DTYPES)]
        ndim = rng.randint(1, 4)
        d = rng.randrange(ndim)
        shape = dims_shape(rng, ndim)
        n = 2 * p * rng.randint(0, 3)
        zmap = ref.zigzag_map(n, p)
        shape[d] = n
        x = rand(shape, dtype, gen)
        want = ref.ref_split(x, d, zmap[r])
        ws = [rand(list(want.shape), dtype, gen) for _ in range(p)]
        want_grad = ref.scale(ref.ref_gather(ws, d, zmap, n), "down", p)
        check(area, f"zigzag split P={p} shape={shape} dim={d} {dtype}", rng,
              lambda t: sp.load_balanced_split_forward_gather_backward(
                  t, ctx.group, dim=d),
              x, want, ws[r], want_grad)

        xs = [ref.ref_split(rand(shape, dtype, gen), d, zmap[q])
              for q in range(p)]
        want = ref.ref_gather(xs, d, zmap, n)
        ws = [rand(shape, dtype, gen) for _ in range(p)]
        want_grad = ref.scale(ref.ref_split(ws[r], d, zmap[r]), "up", p)
        check(area, f"zigzag gather P={p} local={list(xs[r].shape)} dim={d} "
                    f"{dtype}", rng,
              lambda t: sp.load_balanced_gather_forward_split_backward(
                  t, ctx.group, d),
              xs[r], want, ws[r], want_grad)


def area_packed(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(45):
        dtype = DTYPES[trial % len(DTYPES)]
        ndim = rng.randint(1, 4)
        d = rng.randrange(ndim)
        shape = dims_shape(rng, ndim)
        seq_lens = [rng.randint(0, 3 * p + 1)
                    for _ in range(rng.randint(1, 4))]
        n = sum(seq_lens)
        pmap = ref.packed_map(seq_lens, p)
        shape[d] = n
        x = rand(shape, dtype, gen)
        want = ref.ref_split(x, d, pmap[r])
        ws = [rand(list(ref.ref_split(x, d, pmap[q]).shape), dtype, gen)
              for q in range(p)]
        want_grad = ref.scale(ref.ref_gather(ws, d, pmap, n), "down", p)
        check(area, f"packed split P={p} shape={shape} dim={d} "
                    f"seq_lens={seq_lens} {dtype}", rng,
              lambda t: sp.packed_data_split_forward_gather_backward(
                  t, ctx.group, seq_lens, d),
              x, want, ws[r], want_grad)

        table = sp.cal_split_sizes_multi(seq_lens, p)
        want_table = torch.tensor([[ref.split_sizes(length, p)[q]
                                    for length in seq_lens]
                                   for q in range(p)], dtype=torch.int64)
        area.cases += 1
        if not torch.equal(table, want_table):
            area.fail(f"cal_split_sizes_multi({seq_lens}, {p})",
                      f"got {table.tolist()}, want {want_table.tolist()}")
        xs = [ref.ref_split(x, d, pmap[q]) for q in range(p)]
        ws = [rand(shape, dtype, gen) for _ in range(p)]
        want_grad = ref.scale(ref.ref_split(ws[r], d, pmap[r]), "up", p)
        as_list = trial % 2 == 1  # the table as a tensor or as nested lists
        check(area, f"packed gather P={p} local={list(xs[r].shape)} dim={d} "
                    f"seq_lens={seq_lens} {dtype}", rng,
              lambda t: sp.packed_data_gather_forward_split_backward(
                  t, table.tolist() if as_list else table, ctx.group, d),
              xs[r], x, ws[r], want_grad)


packed_split_cp = sp.packed_data_split_forward_gather_backward_with_cp
packed_gather_cp = sp.packed_data_gather_forward_split_backward_with_cp


def area_cp(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    # The grids, and a ring group of one rank given explicitly: a disabled
    # ring (no zigzag, any length), as ring size 1 in from_grid is.
    grids = list(ctx.grids.items()) + [((1, p), ctx.size1_ring)]
    for (ring, uly), ps in grids:
        for trial in range(16):
            dtype = DTYPES[(trial * 3 + ring) % len(DTYPES)]
            ndim = rng.randint(1, 4)
            d = rng.randrange(ndim)
            shape = dims_shape(rng, ndim)
            n = 2 * ring * rng.randint(0, 4)
            if ring == 1:
                n += rng.randint(0, 5)  # no zigzag: any length
            rmap = ref.zigzag_map(n, ring) if ring > 1 else [[(0, n)]]
            hmap = ref.hybrid_map(rmap, uly)
            shape[d] = n
            x = rand(shape, dtype, gen)
            ws = [rand(list(ref.ref_split(x, d, hmap[q]).shape), dtype, gen)
                  for q in range(p)]
            # Backward: the Ulysses gather (/U) runs first, then the ring's.
            down_u = [ref.scale(w, "down", uly) if uly > 1 else w for w in ws]
            g = ref.ref_gather(down_u, d, hmap, n)
            want_grad = ref.scale(g, "down", ring) if ring > 1 else g
            case = (f"split_with_cp ring={ring} ulysses={uly} shape={shape} "
                    f"dim={d} {dtype}")
            check(area, case, rng,
                  lambda t: sp.split_forward_gather_backward_with_cp(
                      t, d, parallel_state=ps),
                  x, ref.ref_split(x, d, hmap[r]), ws[r], want_grad)

            w = rand(shape, dtype, gen)
            g = ref.ref_split(w, d, hmap[r])
            # Backward: the ring split (xR) runs first, then Ulysses' (xU).
            g = ref.scale(g, "up", ring) if ring > 1 else g
            want_grad = ref.scale(g, "up", uly) if uly > 1 else g
            case = (f"gather_with_cp ring={ring} ulysses={uly} shape={shape} "
                    f"dim={d} {dtype}")
            check(area, case, rng,
                  lambda t: sp.gather_forward_split_backward_with_cp(
                      t, d, n, parallel_state=ps),
                  ref.ref_split(x, d, hmap[r]), x, w, want_grad)

            seq_lens = [rng.randint(0, 3 * p + 1)
                        for _ in range(rng.randint(1, 4))]
            n = sum(seq_lens)
            rmap = ref.packed_map(seq_lens, ring) if ring > 1 else [[(0, n)]]
            hmap = ref.hybrid_map(rmap, uly)
            shape[d] = n
            x = rand(shape, dtype, gen)
            ws = [rand(list(ref.ref_split(x, d, hmap[q]).shape), dtype, gen)
                  for q in range(p)]
            down_u = [ref.scale(w, "down", uly) if uly > 1 else w for w in ws]
            g = ref.ref_gather(down_u, d, hmap, n)
            want_grad = ref.scale(g, "down", ring) if ring > 1 else g
            case = (f"packed_split_with_cp ring={ring} ulysses={uly} "
                    f"shape={shape} dim={d} seq_lens={seq_lens} {dtype}")
            check(area, case, rng,
                  lambda t: packed_split_cp(t, d, seq_lens,
                                            parallel_state=ps),
                  x, ref.ref_split(x, d, hmap[r]), ws[r], want_grad)

            w = rand(shape, dtype, gen)
            g = ref.ref_split(w, d, hmap[r])
            g = ref.scale(g, "up", ring) if ring > 1 else g
            want_grad = ref.scale(g, "up", uly) if uly > 1 else g
            case = (f"packed_gather_with_cp ring={ring} ulysses={uly} "
                    f"shape={shape} dim={d} seq_lens={seq_lens} {dtype}")
            check(area, case, rng,
                  lambda t: packed_gather_cp(t, d, seq_lens,
                                             parallel_state=ps),
                  ref.ref_split(x, d, hmap[r]), x, w, want_grad)


def area_exchanges(ctx, area):
    """all_to_all_4D exchanges the lengths once per forward call, and never
    in the reverse call or in either backward."""
    p, r, gen = ctx.world, ctx.rank, ctx.gen
    calls = []
    real = sp._C.exchange_lengths

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    sp._C.exchange_lengths = counting
    try:
        lens = [2 + q for q in range(p)]
        # Every rank draws every rank's tensor, so that the shared generator
        # stays in step across ranks.
        x = [rand([1, lens[q], 2 * p, 3], torch.float32, gen)
             for q in range(p)][r]
        x.requires_grad_(True)
        y = sp.all_to_all_4D(x, 2, 1, ctx.group)
        z = sp.all_to_all_4D(y * 2, 1, 2, ctx.group)
        z.sum().backward()
        area.cases += 1
        if len(calls) != 1:
            area.fail("one exchange", f"{len(calls)} exchanges of lengths "
                                      f"for a forward, a reverse and their "
                                      f"backwards")
        area.cases += 1
        if not torch.equal(x.grad, torch.full_like(x, 2)):
            area.fail("round trip gradient", "x.grad is not 2 everywhere")
    finally:
        sp._C.exchange_lengths = real
    # The staging buffer is reused: a second identical call does not grow it.
    x = rand([2, 3 * p + 1, 5], torch.float32, gen)
    sp.all_to_all(x, ctx.group, 1, 0)
    before = sp._C.staging_bytes(ctx.group, torch.device("cpu"))
    sp.all_to_all(x, ctx.group, 1, 0)
    area.cases += 1
    after = sp._C.staging_bytes(ctx.group, torch.device("cpu"))
    if after != before:
        area.fail("staging reuse", f"staging grew from {before} to {after}")
    # release_group drops the group's runtime; the next op makes a new one.
    if p > 1:
        other = ctx.other_group
        want = sp.all_to_all(x, ctx.group, 1, 0)
        sp.all_to_all(x, other, 1, 0)
        sp.release_group(other)
        area.cases += 2
        fresh = sp._C.staging_bytes(other, torch.device("cpu"))
        if fresh != 0:
            area.fail("release_group", f"staging of a released group is "
                                       f"{fresh} bytes, not 0")
        same(area, "after release_group", "output",
             sp.all_to_all(x, other, 1, 0), want)


def area_ulysses(ctx, area):
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(45):
        dtype = DTYPES[trial % len(DTYPES)]
        b, h, hd = rng.randint(1, 3), p * rng.randint(1, 3), rng.randint(1, 4)
        lens = [rng.randint(0 if trial % 3 == 0 else 1, 6) for _ in range(p)]
        total = sum(lens)
        heads = ref.split_sizes(h, p)
        # Forward all-to-all (scatter heads, gather sequence).
        xs = [rand([b, lens[q], h, hd], dtype, gen) for q in range(p)]
        want = ref.ref_all_to_all(xs, 2, 1, heads)
        ws = [rand([b, total, h // p, hd], dtype, gen) for _ in range(p)]
        want_grad = ref.ref_all_to_all_adjoint(ws, 2, 1, lens)
        cache = sp.SeqLenCache()
        variant = trial % 3
        case = f"all_to_all_4D(2,1) P={p} lens={lens} h={h} {dtype} v{variant}"
        if variant == 0:
            fwd = lambda t: sp.all_to_all_4D(t, 2, 1, ctx.group, cache=cache)
        elif variant == 1:
            fwd = lambda t: sp.all_to_all_4D(t, group=ctx.group, seq_lens=lens,
                                            cache=cache)
        else:
            fwd = lambda t: sp.SeqAllToAll4D.apply(ctx.group, t, 2, 1)
        check(area, case, rng, fwd, xs[r], want[r], ws[r], want_grad[r])
        area.cases += 1
        cached = (sp.seq_len_cache if variant == 2 else cache).get(ctx.group)
        if cached != lens:
            area.fail(case, f"cached lengths {cached}, want {lens}")

        # Reverse all-to-all with the cached lengths.
        ys = [rand([b, total, h // p, hd], dtype, gen) for _ in range(p)]
        want = ref.ref_all_to_all(ys, 1, 2, lens)
        ws = [rand([b, lens[q], h, hd], dtype, gen) for q in range(p)]
        want_grad = ref.ref_all_to_all_adjoint(ws, 1, 2, [h // p] * p)
        case = f"all_to_all_4D(1,2) P={p} lens={lens} h={h} {dtype} v{variant}"
        if variant == 2:
            rev = lambda t: sp.SeqAllToAll4D.apply(ctx.group, t, 1, 2)
        else:
            rev = lambda t: sp.all_to_all_4D(t, 1, 2, ctx.group, cache=cache)
        check(area, case, rng, rev, ys[r], want[r], ws[r], want_grad[r])

        # 5D packed QKV, equal lengths (the seed's case) or given lengths.
        given = trial % 2 == 1
        lens5 = lens if given else [lens[0]] * p
        total5 = sum(lens5)
        xs = [rand([b, lens5[q], 3, h, hd], dtype, gen) for q in range(p)]
        want = ref.ref_all_to_all(xs, 3, 1, heads)
        ws = [rand([b, total5, 3, h // p, hd], dtype, gen) for _ in range(p)]
        want_grad = ref.ref_all_to_all_adjoint(ws, 3, 1, lens5)
        kw = {"seq_lens": lens5} if given else {}
        case = f"all_to_all_5D(3,1) P={p} lens={lens5} h={h} {dtype}"
        if given:
            fwd = lambda t: sp.all_to_all_5D(t, 3, 1, ctx.group, **kw)
        else:
            fwd = lambda t: sp.SeqAllToAll5D.apply(ctx.group, t, 3, 1)
        check(area, case, rng, fwd, xs[r], want[r], ws[r], want_grad[r])
        ys = [rand([b, total5, 3, h // p, hd], dtype, gen) for _ in range(p)]
        want = ref.ref_all_to_all(ys, 1, 3, lens5)
        ws = [rand([b, lens5[q], 3, h, hd], dtype, gen) for q in range(p)]
        want_grad = ref.ref_all_to_all_adjoint(ws, 1, 3, [h // p] * p)
        case = f"all_to_all_5D(1,3) P={p} lens={lens5} h={h} {dtype}"
        check(area, case, rng,
              lambda t: sp.all_to_all_5D(t, 1, 3, ctx.group, **kw),
              ys[r], want[r], ws[r], want_grad[r])


def exact(shape, dtype, gen):
    """Small integers: exact in every float type, so that sums of copies
    compare bit for bit whatever the order."""
    return torch.randint(-8, 9, shape, generator=gen).to(dtype)


def area_gqa(ctx, area):
    """KV heads fewer than the ranks (replicated to P/H ranks each), the
    exact GQA mapping (query_heads=), uneven heads (the split rule), forward
    and backward, against repeat_interleave + the plain all-to-all computed
    globally in plain torch."""
    p, r, g = ctx.world, ctx.rank, ctx.group
    # Generators of this area's own, the same on every rank whichever areas
    # ran before (some draw rank-dependent amounts).
    rng = random.Random(ctx.seed + 11)
    gen = torch.Generator().manual_seed(ctx.seed + 11)
    divisors = [h for h in range(1, p + 1) if p % h == 0]
    for hkv in divisors:
        for dtype in FLOATS:
            b, d = rng.randint(1, 2), rng.randint(1, 3)
            lens = [rng.randint(0, 3) for _ in range(p)]
            ks = [exact([b, lens[q], hkv, d], dtype, gen) for q in range(p)]
            # repeat_interleave to P heads, then the plain all-to-all: rank r
            # gets head r of the repeated tensor, KV head r // (P / hkv).
            rep = [k.repeat_interleave(p // hkv, dim=2) for k in ks]
            want = ref.ref_all_to_all(rep, 2, 1, [1] * p)
            ws = [exact(list(t.shape), dtype, gen) for t in want]
            want_rep_grad = ref.ref_all_to_all_adjoint(ws, 2, 1, lens)
            # The gradient of repeat_interleave sums the copies.
            want_grad = [w.double().unflatten(2, (hkv, p // hkv)).sum(3)
                         .to(dtype) for w in want_rep_grad]
            case = f"all_to_all_4D kv_heads={hkv} P={p} lens={lens} {dtype}"
            check(area, case, rng,
                  lambda x: sp.all_to_all_4D(x, 2, 1, g, seq_lens=lens,
                                             cache=sp.SeqLenCache()),
                  ks[r], want[r], ws[r], want_grad[r])
            # The reverse call sums the copies of each head.
            if hkv < p:
                entries = ref.replicated_entries(hkv, p, p)
                total = sum(lens)
                ys = [exact([b, total, 1, d], dtype, gen) for _ in range(p)]
                # Rank q gets, for each head h, the sum over the ranks that
                # hold h of their seq piece q.
                want_back = []
                offs = ref.offsets(lens)
                for q in range(p):
                    acc = torch.zeros([b, lens[q], hkv, d], dtype=torch.float64)
                    for rr in range(p):
                        for j, h in enumerate(entries[rr]):
                            acc[:, :, h] += ys[rr][:, offs[q]:offs[q] + lens[q],
                                                   j].double()
                    want_back.append(acc.to(dtype))
                vs = [exact(list(t.shape), dtype, gen) for t in want_back]
                want_back_grad = [
                    torch.cat([vs[q] for q in range(p)], dim=1)
                    .index_select(2, torch.tensor(entries[rr]))
                    for rr in range(p)]
                check(area, f"all_to_all_4D reverse heads={hkv} P={p} "
                            f"lens={lens} {dtype}", rng,
                      lambda y: sp.all_to_all_4D(y, 1, 2, g, seq_lens=lens,
                                                 heads=hkv),
                      ys[r], want_back[r], vs[r], want_back_grad[r])

    # The exact GQA mapping: each rank gets the KV heads its query heads use,
    # for head counts that do not divide the group.
    for hkv, group_size in [(1, 3), (2, 3), (3, 2), (5, 2), (2, 5), (3, 4),
                            (8, 3)]:
        hq = hkv * group_size
        # The query heads' slots (query_heads=hq gives the KV heads these).
        entries = ref.replicated_entries(hkv, max(hq, p), p)
        area.cases += 1
        if entries != ref.gqa_kv_heads(hq, hkv, p):
            area.fail(f"gqa mapping hq={hq} hkv={hkv} P={p}",
                      f"{entries} != {ref.gqa_kv_heads(hq, hkv, p)}")
        dtype = FLOATS[(hkv + group_size) % len(FLOATS)]
        lens = [rng.randint(1, 3) for _ in range(p)]
        ks = [exact([1, lens[q], hkv, 2], dtype, gen) for q in range(p)]
        outs, grads = ref.ref_replicated(ks, 2, 1, entries)
        ws = [exact(list(t.shape), dtype, gen) for t in outs]
        check(area, f"all_to_all_4D query_heads={hq} kv_heads={hkv} P={p} "
                    f"{dtype}", rng,
              lambda x: sp.all_to_all_4D(x, 2, 1, g, seq_lens=lens,
                                         query_heads=hq),
              ks[r], outs[r], ws[r], grads(ws)[r])
        # all_to_all_5D ([b, s, 3, h, d]) and all_to_all on another layout.
        ks5 = [exact([1, lens[q], 3, hkv, 2], dtype, gen) for q in range(p)]
        outs5, grads5 = ref.ref_replicated(ks5, 3, 1, entries)
        ws5 = [exact(list(t.shape), dtype, gen) for t in outs5]
        check(area, f"all_to_all_5D query_heads={hq} kv_heads={hkv} P={p}",
              rng, lambda x: sp.all_to_all_5D(x, 3, 1, g, seq_lens=lens,
                                              query_heads=hq),
              ks5[r], outs5[r], ws5[r], grads5(ws5)[r])
        n = sum(lens)
        xs = [exact([hkv, 2, ref.split_sizes(n, p)[q]], dtype, gen)
              for q in range(p)]
        outs3, grads3 = ref.ref_replicated(xs, 0, 2, entries)
        ws3 = [exact(list(t.shape), dtype, gen) for t in outs3]
        check(area, f"all_to_all scatter_slots={hq} n={hkv} P={p}", rng,
              lambda x: sp.all_to_all(x, g, 0, 2, n,
                                      scatter_slots=max(hq, p)),
              xs[r], outs3[r], ws3[r], grads3(ws3)[r])
        # gather_slots: the reverse, which sums the copies.
        ys = [exact(list(t.shape), dtype, gen) for t in outs3]
        area.cases += 1
        try:
            got = sp.all_to_all(ys[r], g, 2, 0, hkv,
                                gather_slots=max(hq, p))
            _, sum_copies = ref.ref_replicated(xs, 0, 2, entries)
            same(area, f"all_to_all gather_slots={hq} n={hkv} P={p}",
                 "forward", got, sum_copies(ys)[r])
        except Exception as e:  # noqa: BLE001 - reported as a failure
            area.fail(f"all_to_all gather_slots={hq}",
                      f"raised {type(e).__name__}: {e}")

    # Uneven heads by the split rule, and back with heads=.
    for h in [p + 1, 2 * p + 1, 3]:
        lens = [rng.randint(1, 3) for _ in range(p)]
        dtype = FLOATS[h % len(FLOATS)]
        xs = [exact([1, lens[q], h, 2], dtype, gen) for q in range(p)]
        want = ref.ref_all_to_all(xs, 2, 1, ref.split_sizes(h, p)) \
            if h >= p else None
        if want is None:  # fewer heads than ranks: replicated
            want, grads = ref.ref_replicated(xs, 2, 1,
                                             ref.replicated_entries(h, p, p))
            ws = [exact(list(t.shape), dtype, gen) for t in want]
            want_grad = grads(ws)
        else:
            ws = [exact(list(t.shape), dtype, gen) for t in want]
            want_grad = ref.ref_all_to_all_adjoint(ws, 2, 1, lens)
        check(area, f"all_to_all_4D uneven heads={h} P={p} {dtype}", rng,
              lambda x: sp.all_to_all_4D(x, 2, 1, g, seq_lens=lens),
              xs[r], want[r], ws[r], want_grad[r])
        area.cases += 1
        try:
            y = sp.all_to_all_4D(xs[r], 2, 1, g, seq_lens=lens)
            back = sp.all_to_all_4D(y, 1, 2, g, seq_lens=lens, heads=h)
            copies = [sum(e.count(k) for e in ref.replicated_entries(h, p, p))
                      if h < p else 1 for k in range(h)]
            scale = torch.tensor(copies, dtype=torch.float64).view(1, 1, h, 1)
            same(area, f"all_to_all_4D there and back heads={h} P={p}",
                 "round trip", back, (xs[r].double() * scale).to(dtype))
        except Exception as e:  # noqa: BLE001 - reported as a failure
            area.fail(f"there and back heads={h}",
                      f"raised {type(e).__name__}: {e}")

    # Errors name the function and the value.
    x = exact([1, 2, 2, 2], torch.float32, gen)
    expect_error(area, "query_heads=0", lambda: sp.all_to_all_4D(
        x, 2, 1, g, seq_lens=[2] * p, query_heads=0), ValueError,
        r"all_to_all_4D: query_heads 0 is not positive")
    expect_error(area, "scatter_slots=0", lambda: sp.all_to_all(
        x, g, 2, 1, scatter_slots=0), ValueError,
        r"all_to_all: scatter dim 2: the slot count 0 is not positive")
    expect_error(area, "reverse query_heads without heads",
                 lambda: sp.all_to_all_4D(x, 1, 2, g, seq_lens=[2] * p,
                                          query_heads=4), ValueError,
                 r"all_to_all_4D: query_heads= on the reverse call needs "
                 r"heads=")
    expect_error(area, "forward heads=", lambda: sp.all_to_all_4D(
        x, 2, 1, g, seq_lens=[2] * p, heads=2), ValueError,
        r"all_to_all_4D: heads= is the head count of the reverse call")
    expect_error(area, "reverse negative heads", lambda: sp.all_to_all_4D(
        x, 1, 2, g, seq_lens=[2] * p, heads=-1), ValueError,
        r"all_to_all_4D: heads -1 is negative")
    expect_error(area, "gather_slots without gather_size",
                 lambda: sp.all_to_all(x, g, 1, 2, gather_slots=4),
                 ValueError, r"all_to_all: gather_slots=4 sums replicated "
                             r"blocks and needs gather_size")


def attention(q, k, v):
    """Softmax attention over dim 1 of [b, s, h, d] tensors."""
    scores = torch.einsum("bshd,bthd->bhst", q, k) / q.shape[-1] ** 0.5
    return torch.einsum("bhst,bthd->bshd", scores.softmax(-1), v)


def area_attention(ctx, area):
    """End to end: Ulysses attention over uneven per-rank sequence pieces
    (all_to_all_4D there and back, with autograd) against attention on the
    whole sequence in one process; gradients of q, k and v compared."""
    p, r, rng, gen = ctx.world, ctx.rank, ctx.rng, ctx.gen
    for trial in range(4):
        b, h, d = rng.randint(1, 2), p * rng.randint(1, 2), rng.randint(2, 4)
        lens = [rng.randint(1, 5) for _ in range(p)]
        total = sum(lens)
        q, k, v, w = (rand([b, total, h, d], torch.float64, gen)
                      for _ in range(4))
        leaves = [t.clone().requires_grad_(True) for t in (q, k, v)]
        (attention(*leaves) * w).sum().backward()
        # Ranks must agree on the data: compare a checksum of q.
        check_sum = q.sum().reshape(1)
        dist.all_reduce(check_sum, group=ctx.group)
        area.cases += 1
        if not torch.allclose(check_sum, q.sum() * p):
            area.fail("shared data", "ranks drew different tensors")

        start = sum(lens[:r])
        local = [t.narrow(1, start, lens[r]).clone().requires_grad_(True)
                 for t in (q, k, v)]
        cache = sp.SeqLenCache()
        heads = [sp.all_to_all_4D(t, 2, 1, ctx.group, cache=cache)
                 for t in local]
        out = sp.all_to_all_4D(attention(*heads), 1, 2, ctx.group,
                               cache=cache)
        (out * w.narrow(1, start, lens[r])).sum().backward()
        case = f"ulysses attention P={p} lens={lens} h={h}"
        area.cases += 1
        want = attention(q, k, v).narrow(1, start, lens[r])
        if not torch.allclose(out, want, rtol=1e-10, atol=1e-12):
            area.fail(case, "output differs from whole-sequence attention")
        for name, mine, full in zip("qkv", local, leaves):
            area.cases += 1
            ref_grad = full.grad.narrow(1, start, lens[r])
            if not torch.allclose(mine.grad, ref_grad, rtol=1e-10,
                                  atol=1e-12):
                area.fail(case, f"grad of {name} differs (max abs diff "
                                f"{(mine.grad - ref_grad).abs().max()})")


def expect_error(area, case, fn, exc, pattern):
    """fn must raise `exc` whose message matches the regex `pattern`."""
    area.cases += 1
    try:
        fn()
    except exc as e:
        if not re.search(pattern, str(e)):
            area.fail(case, f"message {str(e)!r} does not match {pattern!r}")
        return
    except Exception as e:  # noqa: BLE001 - reported as a failure
        area.fail(case, f"raised {type(e).__name__} instead of "
                        f"{exc.__name__}: {e}")
        return
    area.fail(case, f"did not raise {exc.__name__}")


def disagreements(ctx, area):
    """Ranks that disagree about a call, in the default mode: every rank
    raises ValueError naming the disagreement (the rank that rejected its own
    arguments with its own error), none waits or gets data; afterwards the
    group still works. The last rank is the odd one out."""
    p, g, r = ctx.world, ctx.group, ctx.rank
    odd = r == p - 1
    agree = (r"(ranks 0 and \d+ disagree on the {}|rank \d+ rejected its "
             r"arguments|{})")
    f32 = torch.float32
    cases = [
        ("element type", "all_to_all",
         lambda: sp.all_to_all(torch.zeros(2, 2 * p, dtype=torch.float64
                                           if odd else f32), g, 1, 0),
         agree.format(r"element type: f32 vs f64", "^$")),
        ("op", "split_forward_gather_backward" if odd else
         "gather_forward_split_backward",
         lambda: (sp.split_forward_gather_backward(torch.zeros(2 * p), g, 0)
                  if odd else
                  sp.gather_forward_split_backward(torch.zeros(2), g, 0)),
         agree.format(r"op: gather vs split", "^$")),
        ("input shape", "all_to_all",
         lambda: sp.all_to_all(torch.zeros(2 * p, 2, 5 if odd else 4), g, 0,
                               1),
         agree.format(rf"input shape: \[{2 * p}, \?, 4\] vs "
                      rf"\[{2 * p}, \?, 5\]", "^$")),
        ("gathered rows", "gather_forward_split_backward",
         lambda: sp.gather_forward_split_backward(
             torch.zeros(2, 3 if odd else 2), g, 1, [2] * p),
         agree.format("^$", r"input dim 1 has size 3 on rank")),
        ("split sizes", "split_forward_gather_backward",
         lambda: sp.split_forward_gather_backward(
             torch.zeros(2 * p), g, 0,
             [1] + [2] * (p - 2) + [3] if odd else [2] * p),
         agree.format(r"scatter sizes: \[2(, 2)*\] vs \[1, (2, )*3\]",
                      "^$")),
        ("sequence lengths", "packed_data_split_forward_gather_backward",
         lambda: sp.packed_data_split_forward_gather_backward(
             torch.zeros(6), g, [3, 3] if odd else [4, 2], 0),
         agree.format(r"scatter sequence lengths: \[4, 2\] vs \[3, 3\]",
                      "^$")),
        ("all_to_all_4D lengths", "all_to_all_4D",
         lambda: sp.all_to_all_4D(torch.zeros(1, 2 * p, p, 2), 1, 2, g,
                                  seq_lens=[2] * p if not odd else
                                  [1] + [2] * (p - 2) + [3]),
         agree.format(r"scatter sizes: \[2(, 2)*\] vs \[1, (2, )*3\]",
                      "^$")),
    ]
    for what, fn, call, pattern in cases:
        expect_error(area, f"ranks disagree on the {what}", call, ValueError,
                     rf"^{fn}: .*{pattern}")
        # The group is intact: an agreeing call works.
        area.cases += 1
        out = sp.all_to_all(torch.full((2 * p, 1), float(r)), g, 0, 1)
        if out.flatten().tolist() != [float(q) for _ in range(2)
                                      for q in range(p)]:
            area.fail(f"after {what}", f"got {out.flatten().tolist()}")


def area_errors(ctx, area):
    p, g = ctx.world, ctx.group
    x = torch.zeros(2, 3, 4)
    E = ValueError
    expect_error(area, "split sizes do not sum",
                 lambda: sp.split_forward_gather_backward(
                     x, g, 1, [4] + [0] * (p - 1)),
                 E, r"split_forward_gather_backward: split: dim 1: sizes "
                    r"\[4(, 0)*\] sum to 4 but the dim has size 3")
    expect_error(area, "split sizes wrong count",
                 lambda: sp.split_forward_gather_backward(
                     x, g, 1, [1] * (p + 1)),
                 E, rf"split_forward_gather_backward: split: dim 1: expected "
                    rf"{p} sizes \(one per rank\) but got {p + 1}")
    expect_error(area, "split sizes empty",
                 lambda: sp.split_forward_gather_backward(x, g, 1, []),
                 E, rf"split_sizes must have one entry per rank \({p}\)")
    expect_error(area, "split sizes not a list",
                 lambda: sp.split_forward_gather_backward(x, g, 1, 3),
                 E, r"split_sizes must be a list of ints, got int")
    expect_error(area, "split dim out of range",
                 lambda: sp.split_forward_gather_backward(x, g, 3),
                 E, r"split_forward_gather_backward: split: dim 3 is out of "
                    r"range for a tensor of rank 3")
    expect_error(area, "gather sizes do not match the input",
                 lambda: sp.gather_forward_split_backward(
                     x, g, 2, [5] * p),
                 E, r"gather_forward_split_backward: gather: input dim 2 has "
                    r"size 4 on rank \d+ but its piece of \d+ by explicit sizes "
                    r"over \d+ ranks is 5 ")
    expect_error(area, "bad grad_scale",
                 lambda: sp.split_forward_gather_backward(
                     x, g, 1, grad_scale="sideways"),
                 E, r'grad_scale must be "up", "down" or None, got "sideways"')
    expect_error(area, "grad_scale not a string",
                 lambda: sp.gather_forward_split_backward(
                     x, g, 1, grad_scale=2),
                 E, r'gather_forward_split_backward: grad_scale must be "up", '
                    r'"down" or None, got 2')
    expect_error(area, "cal_split_sizes_multi parts",
                 lambda: sp.cal_split_sizes_multi([3, 4], 0),
                 E, r"cal_split_sizes_multi: cannot split sequences into 0 "
                    r"parts")
    if p > 1 and ctx.rank == 0:
        # A rank that never joins: the process group's timeout comes back as
        # a RuntimeError naming the op and the transfer, not as an abort.
        # With the agreement checks (the default) the timeout comes from
        # their exchange; opted out, from the transfer itself.
        expect_error(area, "backend error",
                     lambda: sp.all_to_all(torch.zeros(2, 2 * p), ctx.short,
                                           1, 0),
                     RuntimeError,
                     r"all_to_all: the agreement check's exchange \(group of "
                     rf"{p} ranks\): torch-gloo: allgatherHost failed: "
                     r".*[Tt]imed out")
        sp.set_check_mode(ctx.short, False)
        expect_error(area, "backend error without checks",
                     lambda: sp.all_to_all(torch.zeros(2, 2 * p), ctx.short,
                                           1, 0),
                     RuntimeError,
                     rf"all_to_all \(scatter dim 1, gather dim 0, f32 "
                     rf"\[2, {2 * p}\] -> \[{2 * p}, 2\], group rank 0 of "
                     rf"{p}\): the exchange: torch-gloo: alltoallv failed: "
                     r".*([Tt]imed out|timeout)")
    expect_error(area, "all_to_all same dims",
                 lambda: sp.all_to_all(x, g, 1, 1),
                 E, r"all_to_all: scatter dim and gather dim are both 1")
    expect_error(area, "all_to_all dim out of range",
                 lambda: sp.all_to_all(x, g, 5, 1),
                 E, r"all_to_all: scatter dim 5 is out of range for a tensor "
                    r"of rank 3")
    expect_error(area, "all_to_all rank 0",
                 lambda: sp.all_to_all(torch.zeros(()), g, 0, 1),
                 E, r"all_to_all: the input has rank 0 but ranks 1 to 6 are "
                    r"supported")
    expect_error(area, "all_to_all rank 7",
                 lambda: sp.all_to_all(torch.zeros([1] * 7), g, 0, 1),
                 E, r"all_to_all: the input has rank 7 but ranks 1 to 6 are "
                    r"supported")
    expect_error(area, "all_to_all negative gather_size",
                 lambda: sp.all_to_all(x, g, 2, 1, -5),
                 E, r"all_to_all: gather_size -5 is negative")
    expect_error(area, "all_to_all gather_size does not match",
                 lambda: sp.all_to_all(x, g, 2, 1, 4 * p),
                 E, r"all_to_all: input dim 1 has size 3 on rank \d+ but its "
                    r"piece of \d+ by the split rule over \d+ ranks is 4 ")
    if p > 1:
        # One rank is a disabled ring (Layout's zigzag over one rank keeps
        # everything, any length).
        expect_error(area, "zigzag length",
                     lambda: sp.load_balanced_split_forward_gather_backward(
                         torch.zeros(2 * p + 1, 2), g, 0),
                     E, rf"load_balanced_split_forward_gather_backward: "
                        rf"zigzag_split: dim 0: zigzag length {2 * p + 1} is "
                        rf"not a multiple of 2 \* {p} = {2 * p}")
    expect_error(area, "packed lengths do not sum",
                 lambda: sp.packed_data_split_forward_gather_backward(
                     x, g, [1, 1], 2),
                 E, r"packed_data_split_forward_gather_backward: "
                    r"packed_split: dim 2: sequence lengths \[1, 1\] sum to 2 "
                    r"but the dim has size 4")
    expect_error(area, "packed table shape",
                 lambda: sp.packed_data_gather_forward_split_backward(
                     x, [[1, 2]] * (p + 1), g, 1),
                 E, rf"all_split_sizes: the table has {p + 1} rows but the "
                    rf"group has {p} ranks")
    if p > 1:
        expect_error(area, "packed table rows of different lengths",
                     lambda: sp.packed_data_gather_forward_split_backward(
                         x, [[1, 2]] + [[1]] * (p - 1), g, 1),
                     E, r"packed_data_gather_forward_split_backward: "
                        r"all_split_sizes: the table's rows have different "
                        r"lengths: row 0 has 2, row 1 has 1")
        expect_error(area, "packed table column overflows",
                     lambda: sp.packed_data_gather_forward_split_backward(
                         x, [[2 ** 62]] * p, g, 1),
                     E, r"packed_data_gather_forward_split_backward: "
                        r"all_split_sizes: column 0 \[4611686018427387904, .*"
                        r"overflow int64 when summed")
        expect_error(area, "packed table not the split rule",
                     lambda: sp.packed_data_gather_forward_split_backward(
                         x, [[0]] * (p - 1) + [[3]], g, 1),
                     E, r"all_split_sizes: the table is not the split rule of the "
                        r"sequence lengths \[3\]")
    # Dims near 2^62 and sizes whose sum overflows int64: errors that name
    # the values, never a wrapped size.
    expect_error(area, "input past the element limit",
                 lambda: sp.split_forward_gather_backward(
                     torch.empty(2 ** 62, 0), g, 0),
                 E, r"split_forward_gather_backward: split: the input shape "
                    r"\[4611686018427387904, 0\] has more than 2\^59 "
                    r"elements")
    if p > 1:
        expect_error(area, "gather sizes overflow",
                     lambda: sp.gather_forward_split_backward(
                         torch.zeros(2, 3), g, 1, [2 ** 62] * p),
                     E, r"gather_forward_split_backward: gather: dim 1: "
                        r"sizes \[4611686018427387904, .* overflow int64 "
                        r"when summed")
    expect_error(area, "unsupported dtype",
                 lambda: sp.all_to_all(
                     torch.zeros(2, 2 * p, dtype=torch.int16), g, 1, 0),
                 E, r"all_to_all: element type Short is not supported")
    expect_error(area, "not a process group",
                 lambda: sp.all_to_all(x, "world", 2, 1),
                 E, r"all_to_all: expected a torch.distributed.ProcessGroup, "
                    r"got str")
    expect_error(area, "4D wrong rank",
                 lambda: sp.all_to_all_4D(torch.zeros(2, 3, 4), group=g),
                 E, r"all_to_all_4D: input must be a 4D tensor, got 3D of "
                    r"shape \[2, 3, 4\]")
    expect_error(area, "4D bad dims",
                 lambda: sp.all_to_all_4D(torch.zeros(1, 2, p, 2), 3, 1, g),
                 E, r"scatter_idx must be 1 or 2 and gather_idx must be 1 or "
                    r"2 \(and differ\), got scatter_idx 3 and gather_idx 1")
    expect_error(area, "4D reverse before forward",
                 lambda: sp.all_to_all_4D(torch.zeros(1, 2, 1, 2), 1, 2, g,
                                          cache=sp.SeqLenCache()),
                 E, r"reverse all-to-all \(scatter 1, gather 2\) needs the "
                    r"sequence lengths of a forward call")
    expect_error(area, "4D reverse lengths do not sum",
                 lambda: sp.all_to_all_4D(torch.zeros(1, p + 1, 1, 2), 1, 2,
                                          g, seq_lens=[1] * p),
                 E, rf"all_to_all_4D: all_to_all: scatter dim 1: sizes "
                    rf"\[1(, 1)*\] sum to {p} but the dim has size {p + 1}")
    expect_error(area, "5D wrong rank",
                 lambda: sp.all_to_all_5D(torch.zeros(2, 3, 4, 1), group=g),
                 E, r"all_to_all_5D: input must be a 5D tensor, got 4D")
    expect_error(area, "5D bad dims",
                 lambda: sp.all_to_all_5D(torch.zeros(1, 2, 3, p, 2), 2, 1, g),
                 E, r"all_to_all_5D: scatter_idx must be 1 or 3")
    if p > 1:
        disagreements(ctx, area)
    for (ring, uly), ps in ctx.grids.items():
        if ring > 1:
            expect_error(area, f"with_cp gather_size ring={ring}",
                         lambda: sp.gather_forward_split_backward_with_cp(
                             x, 1, 2 * ring + 1, parallel_state=ps),
                         E, rf"gather_forward_split_backward_with_cp: "
                            rf"gather_size: .*{2 * ring + 1}.*2 \* {ring}")
            expect_error(area, f"with_cp split length ring={ring}",
                         lambda: sp.split_forward_gather_backward_with_cp(
                             torch.zeros(2, 2 * ring + 1), 1,
                             parallel_state=ps),
                         E, rf"split_forward_gather_backward_with_cp: .*"
                            rf"{2 * ring + 1}.*2 \* {ring}")
    expect_error(area, "from_grid sizes",
                 lambda: sp.ParallelState.from_grid(p + 1, 1),
                 E, rf"ring_size {p + 1} x ulysses_size 1 must equal the "
                    rf"number of ranks {p}")
    if ctx.rank != 0:
        for name, call in [
                ("all_to_all", lambda: sp.all_to_all(x, ctx.rank0_only)),
                ("split_forward_gather_backward",
                 lambda: sp.split_forward_gather_backward(
                     x, ctx.rank0_only, 1)),
                ("all_to_all_4D", lambda: sp.all_to_all_4D(
                    torch.zeros(1, 2, 2, 2), group=ctx.rank0_only)),
                ("set_check_mode",
                 lambda: sp.set_check_mode(ctx.rank0_only))]:
            expect_error(area, f"{name} on a group without this rank", call,
                         E, rf"{name}: this process \(world rank "
                            rf"{ctx.rank}\) is not a member of the process "
                            rf"group it was given")
    # The registered op called directly, as a traced graph would.
    desc, scale = sp._describe("split", 1, [], "down", "f")
    expect_error(area, "op on an unregistered group",
                 lambda: torch.ops.seqpar.run(x, "no-such-group", desc,
                                              scale, "f"),
                 E, r'^f: no process group named "no-such-group" is '
                    r'registered')
    expect_error(area, "op without a descriptor",
                 lambda: torch.ops.seqpar.run(x, g.group_name, [], 0, "f"),
                 E, r"^f: the op descriptor is empty")
    expect_error(area, "cal_split_sizes parts",
                 lambda: sp.cal_split_sizes(4, 0),
                 E, r"cal_split_sizes: cannot split 4 into 0 parts")
    # A negative size is an error naming it, not a list of negative sizes.
    expect_error(area, "cal_split_sizes negative size",
                 lambda: sp.cal_split_sizes(-3, 3),
                 E, r"cal_split_sizes: cannot split the negative size -3")
    expect_error(area, "cal_split_sizes_multi negative length",
                 lambda: sp.cal_split_sizes_multi([4, -2], 2),
                 E, r"cal_split_sizes_multi: sequence lengths \[4, -2\] "
                    r"contain a negative length -2")


# ---------------------------------------------------------------------------
# torch.compile and the meta device
# ---------------------------------------------------------------------------


def compiled_matches_eager(area, case, fn, x, w, backend="aot_eager",
                           fullgraph=True):
    """fn inside torch.compile (no graph break when `fullgraph`) gives the
    eager result and the eager gradient of upstream gradient w, bit for
    bit: seqpar::run is traced as one op with its meta kernel, and its
    backward (the adjoint) lands in the compiled backward graph."""
    area.cases += 1
    try:
        torch._dynamo.reset()
        compiled = torch.compile(fn, backend=backend, fullgraph=fullgraph)
        results = []
        for f in (fn, compiled):
            leaf = x.clone().requires_grad_(True)
            out = f(leaf)
            (out * w).sum().backward()
            results.append((out.detach(), leaf.grad))
        (eo, eg), (co, cg) = results
        if same(area, case, "compiled forward", co, eo):
            same(area, case, "compiled backward", cg, eg)
    except Exception as e:  # noqa: BLE001 - reported as a failure
        area.fail(case, f"raised {type(e).__name__}: {e}\n"
                        f"{traceback.format_exc()}")


def area_compile(ctx, area):
    p, r, g, gen = ctx.world, ctx.rank, ctx.group, ctx.gen
    f64 = torch.float64

    def case(name, fn, shape, meta_error=None, **kw):
        x = rand(shape, f64, gen)
        with torch.no_grad():
            out_shape = list(fn(x).shape)
        w = rand(out_shape, f64, gen)
        compiled_matches_eager(area, name, fn, x, w, **kw)
        # The meta device: the shape of the eager result, no communication.
        meta = torch.empty(shape, dtype=f64, device="meta")
        if meta_error:
            expect_error(area, name + " meta", lambda: fn(meta), ValueError,
                         meta_error)
            return
        area.cases += 1
        try:
            m = fn(meta)
            if m.device.type != "meta" or list(m.shape) != out_shape:
                area.fail(name + " meta", f"got {m.device} {list(m.shape)}, "
                                          f"want meta {out_shape}")
        except Exception as e:  # noqa: BLE001 - reported as a failure
            area.fail(name + " meta", f"raised {type(e).__name__}: {e}")

    n = 2 * p + 1  # unaligned everywhere
    case("all_to_all", lambda t: sp.all_to_all(t, g, 2, 1), [2, 3, n, 4])
    case("all_to_all negative dims",
         lambda t: sp.all_to_all(t, g, -2, -3, gather_size=3 * p - 1),
         [2, sp.cal_split_sizes(3 * p - 1, p)[r], n, 4])
    case("split", lambda t: sp.split_forward_gather_backward(t, g, 1),
         [3, n, 2])
    case("split up", lambda t: sp.split_forward_gather_backward(
        t, g, 0, grad_scale="up"), [n, 2])
    case("gather", lambda t: sp.gather_forward_split_backward(
        t, g, 1, gather_sizes=sp.cal_split_sizes(n, p)),
        [3, sp.cal_split_sizes(n, p)[r], 2])
    case("zigzag split", lambda t:
         sp.load_balanced_split_forward_gather_backward(t, g, 1),
         [2, 4 * p, 3])
    case("zigzag gather", lambda t:
         sp.load_balanced_gather_forward_split_backward(t, g, 1), [2, 4, 3])
    lens = [2 * p + 1, 1, p]
    case("packed split", lambda t: sp.packed_data_split_forward_gather_backward(
        t, g, lens, dim=1), [2, sum(lens), 3])
    table = sp.cal_split_sizes_multi(lens, p)
    # The table is a tensor read on the host: one graph break.
    case("packed gather", lambda t: sp.packed_data_gather_forward_split_backward(
        t, table, g, dim=1), [2, int(table[r].sum()), 3], fullgraph=False)
    for (ring, uly), ps in ctx.grids.items():
        m = 2 * ring * 3
        case(f"split_with_cp {ring}x{uly}",
             lambda t, ps=ps: sp.split_forward_gather_backward_with_cp(
                 t, 1, parallel_state=ps), [2, m, 3])
        local = sp.split_forward_gather_backward_with_cp(
            torch.zeros(1, m), 1, parallel_state=ps).shape[1]
        case(f"gather_with_cp {ring}x{uly}",
             lambda t, ps=ps, m=m: sp.gather_forward_split_backward_with_cp(
                 t, 1, m, parallel_state=ps), [2, local, 3])
        case(f"packed_split_with_cp {ring}x{uly}",
             lambda t, ps=ps: sp.packed_data_split_forward_gather_backward_with_cp(
                 t, 0, lens, parallel_state=ps), [sum(lens), 2])
    heads = 2 * p
    lens4 = [3 + q for q in range(p)]
    case("all_to_all_4D seq_lens=", lambda t: sp.all_to_all_4D(
        t, 2, 1, g, seq_lens=lens4), [1, lens4[r], heads, 2])
    case("all_to_all_4D reverse", lambda t: sp.all_to_all_4D(
        t, 1, 2, g, seq_lens=lens4), [1, sum(lens4), 2, 2])
    # Exchanging the lengths is communication with a Python result: one
    # graph break, then the op runs compiled.
    no_exchange = (r"all_to_all_4D: a meta tensor has no data to exchange "
                   r"sequence lengths with the other ranks; pass seq_lens=")
    case("all_to_all_4D exchange", lambda t: sp.all_to_all_4D(t, 2, 1, g),
         [1, lens4[r], heads, 2], fullgraph=False, meta_error=no_exchange)
    case("all_to_all_5D", lambda t: sp.all_to_all_5D(t, 3, 1, g),
         [1, 2, 3, heads, 2])
    # GQA: 3 KV heads serving 3 * p query heads, replicated where needed.
    case("all_to_all_4D query_heads", lambda t: sp.all_to_all_4D(
        t, 2, 1, g, seq_lens=lens4, query_heads=3 * p),
        [1, lens4[r], 3, 2])
    case("all_to_all_4D reverse heads", lambda t: sp.all_to_all_4D(
        t, 1, 2, g, seq_lens=lens4, heads=1), [1, sum(lens4), 1, 2])
    case("SeqAllToAll4D", lambda t: sp.SeqAllToAll4D.apply(g, t, 2, 1)
         .sum(dim=-1), [1, 3, heads, 2], fullgraph=False,
         meta_error=no_exchange)

    # A module with a Ulysses exchange around a linear layer, compiled by
    # inductor (the default backend); once per launch size to bound the
    # C++ compilation time.
    if p == 2:
        lin = torch.nn.Linear(4, 4, dtype=f64)

        def block(t):
            h = sp.all_to_all(t, g, 2, 1)
            return sp.all_to_all(torch.tanh(lin(h)), g, 1, 2)

        x = rand([2, 3, 2 * p, 4], f64, gen)
        w = rand([2, 3, 2 * p, 4], f64, gen)
        area.cases += 1
        try:
            torch._dynamo.reset()
            compiled = torch.compile(block, fullgraph=True)
            outs = []
            for f in (block, compiled):
                leaf = x.clone().requires_grad_(True)
                lin.zero_grad()
                out = f(leaf)
                (out * w).sum().backward()
                outs.append((out.detach(), leaf.grad, lin.weight.grad.clone()))
            for what, a, b in zip(("forward", "input grad", "weight grad"),
                                  outs[0], outs[1]):
                if not torch.allclose(a, b, rtol=1e-12, atol=1e-12):
                    area.fail("inductor block", f"{what} differs by "
                              f"{(a - b).abs().max().item()}")
        except Exception as e:  # noqa: BLE001 - reported as a failure
            area.fail("inductor block", f"raised {type(e).__name__}: {e}\n"
                                        f"{traceback.format_exc()}")


# ---------------------------------------------------------------------------
# The peers: yunchang, DeepSpeed, DTensor
# ---------------------------------------------------------------------------


def area_peers(ctx, area):
    """seqpar's all_to_all gives bitwise the forward and the backward of
    each peer's Ulysses exchange, on every shape that peer takes."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
    import peers as peer_lib

    p, g, gen = ctx.world, ctx.group, ctx.gen
    lib = peer_lib.Peers(g)
    for heads in sorted({2 * p, 4 * p, 3 * p - 1, 2 * p + 1}):
        for dtype in (torch.float64, torch.float32, torch.bfloat16):
            for scatter, gather in ((2, 1), (1, 2)):
                shape = [2, 3, heads, 5] if scatter == 2 else [2, 3 * p,
                                                               heads, 5]
                if scatter == 1 and heads % p:
                    continue  # the reverse takes H/P heads per rank
                x = rand(shape, dtype, gen)
                want = sp.all_to_all(x.requires_grad_(True), g, scatter,
                                     gather)
                w = rand(list(want.shape), dtype, gen)
                (want_grad,) = torch.autograd.grad(want, x, w)
                for peer in peer_lib.PEERS:
                    if not peer_lib.supported(peer, heads, p):
                        continue
                    if peer == "dtensor" and scatter == 1:
                        continue  # DTensor's reverse needs uneven from_local
                    case = (f"{peer} all_to_all {scatter}->{gather} "
                            f"shape={shape} {dtype}")
                    area.cases += 1
                    try:
                        got = lib.run(peer, x, scatter, gather)
                        (got_grad,) = torch.autograd.grad(got, x, w)
                        if same(area, case, "forward", want.detach(),
                                got.detach()):
                            same(area, case, "backward", want_grad, got_grad)
                    except Exception as e:  # noqa: BLE001 - a failure
                        area.fail(case, f"raised {type(e).__name__}: {e}")


AREAS = [
    ("all_to_all", area_all_to_all),
    ("split_gather", area_split_gather),
    ("zigzag", area_zigzag),
    ("packed", area_packed),
    ("cp", area_cp),
    ("ulysses", area_ulysses),
    ("exchanges", area_exchanges),
    ("attention", area_attention),
    ("errors", area_errors),
    ("compile", area_compile),
    ("peers", area_peers),
    ("gqa", area_gqa),
]


class Ctx:
    pass


def main():
    rank, world, port, seed = (int(a) for a in sys.argv[1:5])
    out_path = sys.argv[5]
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}",
                            rank=rank, world_size=world,
                            timeout=datetime.timedelta(seconds=120))
    ctx = Ctx()
    ctx.rank, ctx.world, ctx.group = rank, world, dist.group.WORLD
    ctx.seed = seed
    ctx.rng = random.Random(seed)
    STRIDES.seed(seed * 1000 + rank)
    ctx.gen = torch.Generator().manual_seed(seed)
    ctx.other_group = dist.new_group(list(range(world)))
    ctx.short = dist.new_group(list(range(world)),
                               timeout=datetime.timedelta(seconds=2))
    # Every ring x Ulysses grid of the world (collective group creation).
    ctx.grids = {}
    for ring in range(1, world + 1):
        if world % ring == 0:
            ctx.grids[(ring, world // ring)] = sp.ParallelState.from_grid(
                ring, world // ring)
    singles = [dist.new_group([q]) for q in range(world)]
    ctx.rank0_only = singles[0]  # every other rank is not a member
    ctx.size1_ring = sp.ParallelState(singles[rank],
                                      ctx.group if world > 1 else None)
    results = {}
    only = os.environ.get("SEQPAR_TEST_AREAS")  # a,b,...: only these
    for name, fn in AREAS:
        if only and name not in only.split(","):
            results[name] = {"cases": 1, "failures": []}
            continue
        area = Area(name)
        try:
            fn(ctx, area)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            area.fail("area", f"raised {type(e).__name__}: {e}\n"
                              f"{traceback.format_exc()}")
        results[name] = {"cases": area.cases, "failures": area.failures}
    with open(out_path, "w") as f:
        json.dump({"seed": seed, "areas": results}, f)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
