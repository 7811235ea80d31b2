"""What seqpar.torch's default agreement checks cost, on one Gloo group.

`bench_checks.py --nprocs P` launches P ranks of itself on loopback; each
times seqpar.torch.all_to_all ([1, S/P, 32, 128] float32 -> [1, S, 32/P,
128]) at about 64 KiB, 1 MiB and 64 MiB per rank with the checks on (the
default) and off (set_check_mode(group, False)), the two taking turns, and
rank 0 prints one markdown row per size: medians of the slowest rank's time
per call.
"""

import argparse
import datetime
import os
import socket
import statistics
import subprocess
import sys
import time

import torch
import torch.distributed as dist


def rank_main(args):
    import seqpar.torch as sp

    torch.set_num_threads(1)
    dist.init_process_group("gloo",
                            init_method=f"tcp://127.0.0.1:{args.port}",
                            rank=args.rank, world_size=args.nprocs,
                            timeout=datetime.timedelta(seconds=300))
    g, p = dist.group.WORLD, args.nprocs
    for kib in (64, 1024, 65536):
        rows = max(1, kib * 1024 // (32 * 128 * 4))
        x = torch.randn(1, rows, 32, 128)
        reps = 301 if kib <= 1024 else 31
        times = {True: [], False: []}
        for i in range(reps + 1):
            for on in (True, False):
                sp.set_check_mode(g, on)
                dist.barrier(group=g)
                t0 = time.perf_counter()
                sp.all_to_all(x, g, 2, 1)
                if i:
                    times[on].append(time.perf_counter() - t0)
        t = torch.tensor([times[True], times[False]], dtype=torch.float64)
        dist.all_reduce(t, op=dist.ReduceOp.MAX, group=g)
        on, off = (statistics.median(row) * 1e3 for row in t.tolist())
        if args.rank == 0:
            print(f"| {p} | {x.numel() * 4 // 1024} KiB | {on:.4f} | "
                  f"{off:.4f} | {(on / off - 1) * 100:+.1f}% |", flush=True)
    sp.set_check_mode(g, True)
    dist.barrier()
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nprocs", type=int, required=True)
    parser.add_argument("--rank", type=int, default=-1)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.rank >= 0:
        return rank_main(args)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1")
    procs = [subprocess.Popen([sys.executable, __file__, "--rank", str(r),
                               "--nprocs", str(args.nprocs), "--port",
                               str(port)], env=env)
             for r in range(args.nprocs)]
    codes = [proc.wait() for proc in procs]
    if any(codes):
        raise SystemExit(f"benchmark ranks exited with {codes}")


if __name__ == "__main__":
    main()
