"""seqpar.torch against plain-torch references on 1 to 4 Gloo ranks.

Each process count is one launch of worker.py per rank (loopback TCP on a
free port); every area's cases run in that launch and each area is reported
here as its own test.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
AREAS = ["all_to_all", "split_gather", "zigzag", "packed", "cp", "ulysses",
         "exchanges", "attention", "errors", "compile",
         "peers", "gqa"]
# SEQPAR_TEST_AREAS=a,b runs (and reports) only those areas.
if os.environ.get("SEQPAR_TEST_AREAS"):
    AREAS = [a for a in AREAS
             if a in os.environ["SEQPAR_TEST_AREAS"].split(",")]
TIMEOUT_S = 400


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(nprocs, seed):
    """Runs worker.py on `nprocs` ranks; returns every rank's results."""
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [HERE] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        outs = [os.path.join(tmp, f"rank{r}.json") for r in range(nprocs)]
        procs = [subprocess.Popen(
            [sys.executable, os.path.join(HERE, "worker.py"), str(r),
             str(nprocs), str(port), str(seed), outs[r]],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True) for r in range(nprocs)]
        logs = []
        for r, proc in enumerate(procs):
            try:
                log, _ = proc.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                for other in procs:
                    other.kill()
                log, _ = proc.communicate()
                log += f"\n[rank {r} killed after {TIMEOUT_S} s]"
            logs.append(f"--- rank {r} (exit {proc.returncode}) ---\n{log}")
        results = []
        for r, path in enumerate(outs):
            if procs[r].returncode != 0 or not os.path.exists(path):
                pytest.fail(f"rank {r} of {nprocs} failed:\n" +
                            "\n".join(logs), pytrace=False)
            with open(path) as f:
                results.append(json.load(f))
    return results


@pytest.fixture(scope="module")
def world(nprocs):
    seed = int(os.environ.get("SEQPAR_TEST_SEED", "20251121"))
    return launch(nprocs, seed)


@pytest.mark.parametrize("area", AREAS)
def test_area(world, nprocs, area):
    failures = []
    for rank, res in enumerate(world):
        entry = res["areas"][area]
        assert entry["cases"] > 0, f"area {area} ran no case on rank {rank}"
        failures += [f"[rank {rank}] {f}" for f in entry["failures"]]
    assert not failures, (f"{len(failures)} failures with {nprocs} ranks, "
                          f"seed {world[0]['seed']}:\n" +
                          "\n".join(failures[:20]))
