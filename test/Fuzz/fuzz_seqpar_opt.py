#!/usr/bin/env python3
"""A time-bounded mutation fuzzer for seqpar-opt.

    fuzz_seqpar_opt.py SEQPAR_OPT CORPUS_DIR [--seconds N] [--seed S]
                       [--crashes DIR]

Takes the inputs of CORPUS_DIR (seqpar IR, one case per file: the cases of
the dialect, transform and conversion tests), mutates them where a user's
mistakes and a generator's corner cases lie (integers replaced by 0, -1,
huge and overflowing values; dims, axes and lengths changed; op names,
element types and tensor shapes swapped; lines dropped, duplicated or cut),
and runs seqpar-opt on each mutant with a random pass pipeline until the
time budget is spent. A run passes when seqpar-opt exits with 0 (accepted)
or 1 (a diagnostic) within the per-run timeout and prints no crash report
(no signal, "LLVM ERROR", assertion, stack dump, or sanitizer report). Any
other outcome saves the input and the command under --crashes and makes the
fuzzer exit with 1 after the budget, listing them. The seed makes a run
reproducible; it is printed.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

PIPELINES = [
    [],
    ["--canonicalize"],
    ["--seqpar-decompose"],
    ["--seqpar-select-lowering"],
    ["--test-seqpar-adjoint"],
    ["--seqpar-decompose", "--canonicalize"],
    ["--seqpar-to-runtime"],
    ["--seqpar-to-llvm"],
    ["--seqpar-to-llvm=simplify=false"],
    ["--seqpar-plan-reshard=explain"],
    ["--canonicalize", "--seqpar-plan-reshard"],
    ["--convert-shard-to-seqpar"],
]

INTERESTING = [0, 1, -1, 2, 3, 7, 64, -2, 2**31 - 1, 2**31, 2**32, 2**59,
               2**62, 2**63 - 1, -2**63, 65536, 65537, 1 << 24]

OPS = ["all_to_all", "split", "gather", "zigzag_split", "zigzag_gather",
       "packed_split", "packed_gather", "hybrid_split", "hybrid_gather",
       "hybrid_packed_split", "hybrid_packed_gather", "group_rank",
       "group_size", "grid", "reshard"]

TYPES = ["f32", "f16", "bf16", "f64", "i64", "i32", "i8", "i1", "index",
         "f8E4M3FN", "complex<f32>"]

CRASH_MARKERS = re.compile(
    r"LLVM ERROR|Assertion .* failed|Stack dump|PLEASE submit a bug report|"
    r"AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault|"
    r"terminate called")


def on_seqpar_lines(text, matches):
    """The matches that lie on lines of seqpar ops: the fuzzer aims at
    seqpar's parsers, verifiers and passes, not at the other dialects' (an
    upstream parser's crash is reported upstream; see README)."""
    keep = []
    for m in matches:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if "seqpar" in text[start:end if end >= 0 else len(text)]:
            keep.append(m)
    return keep


def mutate(text, rng):
    """One to three random mutations of `text`."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(8)
        if kind == 0:  # an integer
            nums = list(re.finditer(r"-?\b\d+\b", text))
            nums = on_seqpar_lines(text, nums)
            if nums:
                m = rng.choice(nums)
                value = (rng.choice(INTERESTING) if rng.random() < 0.7
                         else rng.randint(-5, 40))
                text = text[:m.start()] + str(value) + text[m.end():]
        elif kind == 1:  # an op name
            names = list(re.finditer(r"seqpar\.(\w+)", text))
            names = on_seqpar_lines(text, names)
            if names:
                m = rng.choice(names)
                text = (text[:m.start(1)] + rng.choice(OPS) +
                        text[m.end(1):])
        elif kind == 2:  # an element type
            types = list(re.finditer(r"x(f32|f16|bf16|f64|i64|i32|i8|i1)>",
                                     text))
            types = on_seqpar_lines(text, types)
            if types:
                m = rng.choice(types)
                text = text[:m.start(1)] + rng.choice(TYPES) + text[m.end(1):]
        elif kind == 3:  # a tensor dim: static, dynamic or dropped
            dims = list(re.finditer(r"(?<=[<x])(\d+|\?)x", text))
            dims = on_seqpar_lines(text, dims)
            if dims:
                m = rng.choice(dims)
                new = rng.choice(["?x", "0x", "1x", "", "3x2x",
                                  f"{rng.choice(INTERESTING)}x"])
                text = text[:m.start()] + new + text[m.end():]
        elif kind == 4:  # drop a line
            lines = text.splitlines()
            if len(lines) > 1:
                del lines[rng.randrange(len(lines))]
            text = "\n".join(lines) + "\n"
        elif kind == 5:  # duplicate a line
            lines = text.splitlines()
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(rng.randrange(len(lines) + 1), lines[i])
            text = "\n".join(lines) + "\n"
        elif kind == 6:  # cut the file
            text = text[:rng.randrange(len(text) + 1)]
        else:  # an axis name or a list
            lists = list(re.finditer(r"\[[^\[\]]*\]", text))
            lists = on_seqpar_lines(text, lists)
            if lists:
                m = rng.choice(lists)
                new = rng.choice(['["u"]', '["u", "u"]', "[]", '["nope"]',
                                  "[0, 1]", "[-1]", f"[{2**63 - 1}]",
                                  '["ring", "ulysses"]'])
                text = text[:m.start()] + new + text[m.end():]
    return text


def run_one(opt, path, pipeline, timeout):
    """(ok, why, output) of seqpar-opt on `path`."""
    cmd = [opt, path, "-o", os.devnull] + pipeline
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return False, f"no result after {timeout} s", "", cmd
    out = proc.stdout + proc.stderr
    if proc.returncode < 0:
        return False, f"killed by signal {-proc.returncode}", out, cmd
    if proc.returncode not in (0, 1):
        return False, f"exit status {proc.returncode}", out, cmd
    if CRASH_MARKERS.search(out):
        return False, "crash report in the output", out, cmd
    if proc.returncode == 1 and "error:" not in out:
        return False, "failed without a diagnostic", out, cmd
    return True, "", out, cmd


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("opt")
    parser.add_argument("corpus")
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("SEQPAR_FUZZ_SECONDS",
                                                     "60")))
    parser.add_argument("--seed", type=int,
                        default=int(os.environ.get("SEQPAR_FUZZ_SEED", "0"))
                        or int(time.time()))
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--crashes", default=None)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    corpus = []
    for name in sorted(os.listdir(args.corpus)):
        with open(os.path.join(args.corpus, name)) as f:
            corpus.append((name, f.read()))
    if not corpus:
        sys.exit(f"fuzz: no inputs in {args.corpus}")
    crashes = args.crashes or tempfile.mkdtemp(prefix="seqpar-fuzz-")
    os.makedirs(crashes, exist_ok=True)
    print(f"fuzz: seed {args.seed}, {len(corpus)} corpus inputs, "
          f"{args.seconds:.0f} s", flush=True)

    deadline = time.monotonic() + args.seconds
    runs, accepted, found = 0, 0, []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "input.mlir")
        # Every corpus input once unmutated, then mutants.
        i = 0
        while time.monotonic() < deadline:
            name, text = corpus[i % len(corpus)]
            if i >= len(corpus):
                name, text = rng.choice(corpus)
                text = mutate(text, rng)
            i += 1
            pipeline = rng.choice(PIPELINES)
            with open(path, "w") as f:
                f.write(text)
            ok, why, out, cmd = run_one(args.opt, path, pipeline,
                                        args.timeout)
            runs += 1
            if ok:
                accepted += "error:" not in out
                continue
            n = len(found)
            saved = os.path.join(crashes, f"crash-{n}.mlir")
            with open(saved, "w") as f:
                f.write(text)
            with open(saved + ".txt", "w") as f:
                f.write(" ".join(cmd[:1] + [saved] + cmd[2:]) + "\n" + why +
                        "\n" + out)
            found.append(f"{saved} (from {name}, {' '.join(pipeline)}): "
                         f"{why}")
            print(f"fuzz: FOUND {found[-1]}", flush=True)
    print(f"fuzz: {runs} runs ({accepted} accepted, {runs - accepted - len(found)}"
          f" rejected with a diagnostic), {len(found)} failures", flush=True)
    if found:
        print("fuzz: failures:\n  " + "\n  ".join(found))
        sys.exit(1)


if __name__ == "__main__":
    main()
