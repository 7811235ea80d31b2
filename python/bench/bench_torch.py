"""seqpar.torch against the seeds' plain-torch paths and the peers, on one
Gloo group.

`bench_torch.py --nprocs P --out FILE` launches P ranks of itself on
loopback; each rank times, in the same process group and the same run,
seqpar.torch.all_to_all / all_to_all_4D, plain-torch implementations of the
seeds' paths (written here from the seeds: permute + contiguous copies
around all_to_all_single, padding and barriers for VILA's uneven lengths)
and the peers of peers.py (yunchang, DeepSpeed, DTensor), forward and
backward, and GQA's exchange of fewer KV heads than ranks against
repeat_interleave + all-to-all (ALST's path); checks that every path gives seqpar's result bit for bit, and
rank 0 writes the medians (of the slowest rank, per call) as JSON.
"""

import argparse
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import torch
import torch.distributed as dist

# ---------------------------------------------------------------------------
# The seeds' paths, in plain torch
# ---------------------------------------------------------------------------


def split_sizes(n, p):
    return [n // p + (1 if r < n % p else 0) for r in range(p)]


def seed_aligned_all_to_all(x, group, scatter_dim, gather_dim):
    """The seed's _aligned_all_to_all (scatter and gather sizes divisible)."""
    p = dist.get_world_size(group)
    shape = list(x.shape)
    shape[scatter_dim] //= p
    if scatter_dim == 0:
        t = x.reshape([p] + shape).contiguous()
    else:
        t = x.reshape([-1, p] + shape[scatter_dim:]).transpose(0, 1) \
            .contiguous()
    out = torch.empty_like(t)
    dist.all_to_all_single(out, t, group=group)
    out = out.view([p] + shape).contiguous()
    n = out.dim()
    if gather_dim == 1:
        out = out.transpose(0, 1).contiguous()
    elif gather_dim == 2:
        out = out.permute(*{4: (1, 2, 0, 3), 5: (1, 2, 0, 3, 4)}[n]) \
            .contiguous()
    elif gather_dim == 3:
        out = out.permute(*{4: (1, 2, 3, 0), 5: (1, 2, 3, 0, 4)}[n]) \
            .contiguous()
    return out.view(shape[:gather_dim] + [shape[gather_dim] * p] +
                    shape[gather_dim + 1:]).contiguous()


def adjust_dims(x, scatter_dim, gather_dim):
    """The seed's adjust_tensor_dimensions: scatter dim to 0, gather to 1."""
    dims = list(range(x.dim()))
    if gather_dim == 0:
        if scatter_dim != 1:
            dims[1], dims[gather_dim] = dims[gather_dim], dims[1]
            dims[0], dims[scatter_dim] = dims[scatter_dim], dims[0]
        else:
            dims[scatter_dim], dims[gather_dim] = \
                dims[gather_dim], dims[scatter_dim]
    elif gather_dim == 1:
        if scatter_dim != 0:
            dims[0], dims[scatter_dim] = dims[scatter_dim], dims[0]
    else:
        if scatter_dim == 0:
            dims[1], dims[gather_dim] = dims[gather_dim], dims[1]
        else:
            dims[0], dims[scatter_dim] = dims[scatter_dim], dims[0]
            dims[1], dims[gather_dim] = dims[gather_dim], dims[1]
    return x.permute(dims).contiguous(), dims


def seed_partial_unaligned_all_to_all(x, group, scatter_dim, gather_dim,
                                      gather_size):
    """The seed's _partial_unaligned_all_to_all (one of the two sizes is
    divisible by the group size)."""
    p = dist.get_world_size(group)
    r = dist.get_rank(group)
    x = x.contiguous()
    s = x.size(scatter_dim)
    in_splits = split_sizes(s, p)
    out_splits = split_sizes(gather_size, p)
    t, dims = adjust_dims(x, scatter_dim, gather_dim)
    tshape = list(t.shape)
    if s % p == 0:
        t = t.view([p, s // p, x.size(gather_dim)] + tshape[2:]) \
            .transpose(1, 2).contiguous()
    # The output holds the gather dim first, then the scatter dim.
    dims[1], dims[0] = dims[0], dims[1]
    out = torch.empty((gather_size, in_splits[r], *tshape[2:]),
                      dtype=x.dtype, device=x.device)
    oshape = list(out.shape)
    dist.all_to_all_single(out, t, output_split_sizes=out_splits,
                           input_split_sizes=in_splits if s % p else [1] * p,
                           group=group)
    if gather_size % p == 0 and s % p != 0:
        out = out.view([p, in_splits[r], gather_size // p] + tshape[2:]) \
            .transpose(1, 2).reshape(oshape).contiguous()
    inverse = [0] * len(dims)
    for new, old in enumerate(dims):
        inverse[old] = new
    return out.permute(inverse).contiguous()


def seed_all_to_all(x, group, scatter_dim, gather_dim):
    p = dist.get_world_size(group)
    gather_size = x.size(gather_dim) * p
    if x.size(scatter_dim) % p == 0:
        return seed_aligned_all_to_all(x, group, scatter_dim, gather_dim)
    return seed_partial_unaligned_all_to_all(x, group, scatter_dim,
                                             gather_dim, gather_size)


def seed_all_to_all_4D(x, group, state):
    """VILA's all_to_all_4D forward (scatter 2, gather 1): barrier, lengths
    all-gathered, padded, permuted, barrier, all_to_all_single, unpadded."""
    p = dist.get_world_size(group)
    bs, shard, hc, hs = x.shape
    lens = [torch.zeros(1, dtype=torch.int64) for _ in range(p)]
    dist.barrier(group=group)
    # The seed all-gathers a 0-d tensor into 1-element ones, which Gloo
    # rejects; a 1-element tensor moves the same bytes.
    dist.all_gather(lens, torch.tensor([shard]), group=group)
    state["lens"] = lens
    mx = max(lens)
    x = torch.nn.functional.pad(x, (0, 0, 0, 0, 0, mx - shard))
    seqlen = mx * p
    shc = hc // p
    t = x.reshape(bs, mx, p, shc, hs).transpose(0, 2).contiguous()
    out = torch.empty_like(t)
    dist.barrier(group=group)
    dist.all_to_all_single(out, t, group=group)
    out = out.reshape(seqlen, bs, shc, hs)
    parts = torch.split(out, int(mx), dim=0)
    out = torch.cat([o[:n.item()] for o, n in zip(parts, lens)])
    return out.transpose(0, 1).contiguous().reshape(bs, int(sum(lens)), shc,
                                                    hs)


def seed_all_to_all_4D_reverse(x, group, state):
    """VILA's all_to_all_4D reverse (scatter 1, gather 2) with the cached
    lengths: pad every piece, permute, barrier, all_to_all_single, unpad."""
    p = dist.get_world_size(group)
    r = dist.get_rank(group)
    lens = state["lens"]
    bs, _, shc, hs = x.shape
    hc = shc * p
    mx = int(max(lens))
    pieces = torch.split(x, [int(n) for n in lens], dim=1)
    x = torch.cat([torch.nn.functional.pad(t, (0, 0, 0, 0, 0,
                                               mx - t.shape[1]))
                   for t in pieces], dim=1)
    t = x.reshape(bs, p, mx, shc, hs).transpose(0, 3).transpose(0, 1) \
        .contiguous().reshape(p, shc, mx, bs, hs)
    out = torch.empty_like(t)
    dist.barrier(group=group)
    dist.all_to_all_single(out, t, group=group)
    out = out.reshape(hc, mx, bs, hs)
    mine = int(lens[r])
    out = out[:, :mine, :, :]
    return out.transpose(0, 2).contiguous().reshape(bs, mine, hc, hs)


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def timed(fns, group, iters, warmup):
    """Median over calls of the slowest rank's time per call, in ms, of each
    of `fns`. Calls alternate between the functions, so that load from
    elsewhere on the machine affects them alike."""
    times = [[] for _ in fns]
    for i in range(warmup + iters):
        for k, fn in enumerate(fns):
            dist.barrier(group=group)
            t0 = time.perf_counter()
            fn()
            t = time.perf_counter() - t0
            if i >= warmup:
                times[k].append(t)
    t = torch.tensor(times, dtype=torch.float64)
    dist.all_reduce(t, op=dist.ReduceOp.MAX, group=group)
    return [statistics.median(row) * 1e3 for row in t.tolist()]


def rank_main(args):
    import seqpar.torch as sp

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import peers as peer_lib

    rank, p = args.rank, args.nprocs
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{args.port}",
                            rank=rank, world_size=p,
                            timeout=datetime.timedelta(seconds=300))
    group = dist.group.WORLD
    peers = peer_lib.Peers(group)
    gen = torch.Generator().manual_seed(1 + rank)
    b, d, s = 1, 128, args.seq
    rows = []

    def record(table, op, case, direction, shape, paths, check, bare_numel):
        """Times every path of `paths` (name -> fn returning a tensor, None
        where the path does not take the shape) after checking that each
        gives seqpar's result bit for bit."""
        want = paths["seqpar"]()
        for name, fn in paths.items():
            if name != "seqpar" and fn is not None and \
                    not torch.equal(fn(), want):
                raise SystemExit(f"{op} {case} {direction}: {name} and "
                                 f"seqpar differ")
        # The transport alone: all_to_all_single of about the input's bytes
        # (the same count on every rank) between contiguous buffers.
        n = bare_numel // p * p
        flat_in = torch.empty(n, dtype=check.dtype)
        flat_out = torch.empty(n, dtype=check.dtype)

        def bare_fn():
            dist.all_to_all_single(flat_out, flat_in, group=group)

        names = [k for k, fn in paths.items() if fn is not None]
        times = timed([paths[k] for k in names] + [bare_fn], group, iters,
                      args.warmup)
        ms = dict(zip(names + ["bare"], times))
        mib = check.numel() * check.element_size() / 2**20
        rows.append({"table": table, "ranks": p, "op": op, "case": case,
                     "pass": direction, "shape": shape, "mib": round(mib, 2),
                     "ms": {k: ms.get(k) for k in list(paths) + ["bare"]}})

    def backward_of(fn, x, gy):
        """The backward of fn at x for upstream gradient gy, repeatable."""
        y = fn(x)
        return lambda: torch.autograd.grad(y, x, gy, retain_graph=True)[0]

    # The first calls of a run are slow whatever they are (socket buffers
    # and the heap grow to their working sizes): a dry pass over every case,
    # with few calls, comes before the measured one.
    for dry in (True, False):
        iters = 3 if dry else args.iters
        rows.clear()
        # Ulysses: [b, S/P, H, D] -> [b, S, H/P, D] against every peer.
        # Unaligned: H = 32 + P - 1 heads, where the split rule and
        # torch.chunk (DTensor) agree.
        for case, heads in (("aligned", 32), ("unaligned", 32 + p - 1)):
            shape = [b, s // p, heads, d]
            x = torch.randn(*shape, generator=gen).requires_grad_(True)

            def path(name):
                if name == "seqpar":
                    return lambda t: sp.all_to_all(t, group, 2, 1)
                if name == "seed":
                    return lambda t: seed_all_to_all(t, group, 2, 1)
                if not peer_lib.supported(name, heads, p):
                    return None
                return lambda t, name=name: peers.run(name, t, 2, 1)

            names = ["seqpar", "seed"] + list(peer_lib.PEERS)
            fns = {k: path(k) for k in names}
            record("ulysses", "all_to_all", case, "forward", shape,
                   {k: (None if f is None else
                        (lambda f=f: f(x.detach())))
                    for k, f in fns.items()}, x, x.numel())
            with torch.no_grad():
                out_shape = list(sp.all_to_all(x, group, 2, 1).shape)
            gy = torch.randn(*out_shape, generator=gen)
            # The seed's backward is its all-to-all with the dims swapped.
            bwd = {k: (None if f is None else backward_of(f, x, gy))
                   for k, f in fns.items() if k != "seed"}
            bwd["seed"] = lambda: seed_partial_unaligned_all_to_all(
                gy, group, 1, 2, heads)
            record("ulysses", "all_to_all", case, "backward", out_shape,
                   {k: bwd[k] for k in names}, gy, x.numel())

        for case in ("aligned", "unaligned"):
            # all_to_all_4D: per-rank lengths equal, or all different.
            mine = s // p if case == "aligned" else s // p - 7 * rank
            x = torch.randn(b, mine, 32, d, generator=gen)
            state = {}
            record("vila", "all_to_all_4D", case, "forward", [b, mine, 32, d],
                   {"seqpar": lambda: sp.all_to_all_4D(x, 2, 1, group),
                    "seed": lambda: seed_all_to_all_4D(x, group, state)}, x,
                   b * (s // p) * 32 * d)
            total = sum(s // p if case == "aligned" else s // p - 7 * q
                        for q in range(p))
            y = torch.randn(b, total, 32 // p, d, generator=gen)
            record("vila", "all_to_all_4D reverse", case, "forward",
                   [b, total, 32 // p, d],
                   {"seqpar": lambda: sp.all_to_all_4D(y, 1, 2, group),
                    "seed": lambda: seed_all_to_all_4D_reverse(y, group,
                                                               state)}, y,
                   b * (s // p) * 32 * d)

        # GQA: KV heads fewer than the ranks. seqpar replicates them inside
        # its one exchange (each head read once, the backward sums the
        # copies as it unpacks); ALST repeat_interleaves them to P heads and
        # runs DeepSpeed's all-to-all; "repeat + seqpar" is that with
        # seqpar's plain all-to-all. Exact gradients (small integers), so
        # that every order of summing the copies gives the same bits.
        for hkv in sorted({1, p // 2}):
            shape = [b, 4 * s // p, hkv, d]
            x = torch.randn(*shape, generator=gen).requires_grad_(True)
            reps = p // hkv

            def gqa(name):
                if name == "seqpar":
                    return lambda t: sp.all_to_all(t, group, 2, 1,
                                                   scatter_slots=p)
                if name == "repeat_seqpar":
                    return lambda t: sp.all_to_all(
                        t.repeat_interleave(reps, dim=2), group, 2, 1)
                return lambda t: peers.run(
                    "deepspeed", t.repeat_interleave(reps, dim=2), 2, 1)

            names = ["seqpar", "repeat_seqpar", "alst"]
            fns = {k: gqa(k) for k in names}
            case = f"H_kv = {hkv}"
            record("gqa", "all_to_all", case, "forward", shape,
                   {k: (lambda f=f: f(x.detach())) for k, f in fns.items()},
                   x, x.numel() * reps)
            with torch.no_grad():
                out_shape = list(fns["seqpar"](x).shape)
            gy = torch.randint(-8, 9, out_shape, generator=gen).float()
            record("gqa", "all_to_all", case, "backward", out_shape,
                   {k: backward_of(f, x, gy) for k, f in fns.items()}, gy,
                   x.numel() * reps)

    if rank == 0:
        with open(args.out, "w") as f:
            json.dump({"versions": peer_lib.versions(), "rows": rows}, f)
    dist.barrier()
    dist.destroy_process_group()


def launch(args):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1")
    procs = [subprocess.Popen(
        [sys.executable, __file__, "--rank", str(r), "--nprocs",
         str(args.nprocs), "--port", str(port), "--out", args.out,
         "--seq", str(args.seq), "--iters", str(args.iters),
         "--warmup", str(args.warmup)], env=env)
        for r in range(args.nprocs)]
    codes = [proc.wait() for proc in procs]
    if any(codes):
        raise SystemExit(f"benchmark ranks exited with {codes}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nprocs", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--rank", type=int, default=-1)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seq", type=int, default=4096,
                        help="global sequence length S")
    parser.add_argument("--iters", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if args.rank < 0:
        launch(args)
    else:
        rank_main(args)


if __name__ == "__main__":
    main()
