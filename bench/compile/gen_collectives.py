#!/usr/bin/env python3
"""Writes seqpar IR with N collectives for the compile-time benchmark.

One function holds a chain of N ops cycling through the forms the pipeline
lowers differently: aligned all-to-all and its reverse, unaligned (per-peer)
all-to-all and back, split and gather with explicit sizes, zigzag split and
gather, each with the transposes the conversion fuses. Usage:
gen_collectives.py N > file.mlir
"""
import sys


def main():
    n = int(sys.argv[1])
    out = [
        'seqpar.grid @cp(axes = ["u" = 4])',
        "func.func @main(%x0: tensor<16x64xf32>) -> tensor<16x64xf32> {",
    ]
    # Each step maps tensor<16x64xf32> to itself with 4 collectives.
    steps = (n + 3) // 4
    v = "%x0"
    for i in range(steps):
        out += [
            f"  %a{i} = seqpar.all_to_all {v} on @cp[\"u\"] scatter 1 gather 0"
            f" : tensor<16x64xf32> -> tensor<64x16xf32>",
            f"  %b{i} = seqpar.all_to_all %a{i} on @cp[\"u\"] scatter 0 gather 1"
            f" : tensor<64x16xf32> -> tensor<16x64xf32>",
            f"  %c{i} = seqpar.split %b{i} on @cp[\"u\"] dim 1 sizes [20, 20, 12, 12]"
            f" : tensor<16x64xf32> -> tensor<16x?xf32>",
            f"  %d{i} = seqpar.gather %c{i} on @cp[\"u\"] dim 1 sizes [20, 20, 12, 12]"
            f" : tensor<16x?xf32> -> tensor<16x64xf32>",
        ]
        v = f"%d{i}"
    out += [f"  return {v} : tensor<16x64xf32>", "}"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
