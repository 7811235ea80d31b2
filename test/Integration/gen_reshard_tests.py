#!/usr/bin/env python3
"""Prints the cases of a reshard execution test (test/Integration/reshard_*.mlir).

A 3-D tensor with uneven dims on a two-axis grid: every ordered pair of the
19 shardings that the split rule gives (each axis on no dim or on one, both
axes on one dim in either order), and pairs of shardings with zigzag,
explicit-size and packed first axes. Each case is a function that

  1. builds the global tensor on every rank (Inputs/reference.mlir),
  2. reshards it from replicated to the source sharding `a`,
  3. reshards `a` to the target `b` (the step under test),
  4. checks the result against the piece that the global view says this rank
     holds under `b` (where `b` splits one dim: what the reference computes
     on its own), and
  5. reshards `b` back to replicated and checks the whole tensor.

The local types come from the hierarchical rule written out here (the first
axis by the dim's distribution, every further one by the split rule), apart
from the Layout library. The tests' RUN lines call it; by hand:

    python3 test/Integration/gen_reshard_tests.py 2x3
"""

import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_grid_tests import EVEN, PACKED, SIZES, ZIGZAG  # noqa: E402
from gen_grid_tests import even_sizes, level_lengths, main_lines  # noqa: E402

SHAPE = [5, 12, 3]
DIST_TEXT = {EVEN: "", SIZES: " sizes %s", ZIGZAG: " zigzag",
             PACKED: " packed %s"}


class Sharding:
    """Per dim: (axes, kind, values); the kind and values split by the
    first axis."""

    def __init__(self, dims):
        self.dims = dims

    def text(self, grid):
        parts = []
        for axes, kind, vals in self.dims:
            names = ['"%s"' % a for a in axes]
            if names:
                dist = DIST_TEXT[kind]
                names[0] += dist % (list(vals),) if "%" in dist else dist
            parts.append("{%s}" % ", ".join(names))
        return "<@%s, [%s]>" % (grid, ", ".join(parts))


def local_lengths(n, axes, kind, vals, size, coords):
    """The length a rank at `coords` holds of a dim of length n."""
    length = n
    for level, axis in enumerate(axes):
        p, c = size[axis], coords[axis]
        if level == 0:
            length = level_lengths(kind, n, vals, p)[c]
        else:
            length = even_sizes(length, p)[c]
    return length


def local_type(sharding, names, sizes):
    size = dict(zip(names, sizes))
    dims = []
    for d, (axes, kind, vals) in enumerate(sharding.dims):
        seen = set()
        for coords in itertools.product(*[range(s) for s in sizes]):
            seen.add(local_lengths(SHAPE[d], axes, kind, vals, size,
                                   dict(zip(names, coords))))
        dims.append(str(seen.pop()) if len(seen) == 1 else "?")
    return "tensor<%sxi64>" % "x".join(dims)


def split_rule_shardings(names):
    """The 19 shardings of a 3-D tensor over two axes by the split rule."""
    a, b = names
    out = []
    for da in [None, 0, 1, 2]:
        for db in [None, 0, 1, 2]:
            orders = [[a, b], [b, a]] if da is not None and da == db else [None]
            for order in orders:
                dims = [[[], EVEN, []] for _ in range(3)]
                if order:
                    dims[da][0] = list(order)
                else:
                    if da is not None:
                        dims[da][0].append(a)
                    if db is not None:
                        dims[db][0].append(b)
                out.append(Sharding([tuple(d) for d in dims]))
    return out


def special_shardings(names, sizes):
    """Zigzag, explicit sizes and packed sequences on first axes."""
    a, b = names
    sa, sb = sizes
    zeros = [0] * (sb - 1) + [SHAPE[0]]
    rep = ([], EVEN, [])
    return [
        Sharding([rep, ([a], ZIGZAG, []), rep]),
        Sharding([rep, ([b, a], ZIGZAG, []), rep]),
        Sharding([([b], SIZES, zeros), ([a], SIZES, [9, 3]), rep]),
        Sharding([rep, ([b], PACKED, [7, 5]), ([a], EVEN, [])]),
        Sharding([rep, ([a, b], PACKED, [7, 0, 5]), rep]),
    ]


def emit_case(lines, case_id, grid, names, sizes, src, dst):
    size = dict(zip(names, sizes))
    stride, s = {}, 1
    for n, sz in reversed(list(zip(names, sizes))):
        stride[n] = s
        s *= sz
    shape = "[%s]" % ", ".join(str(x) for x in SHAPE)
    whole = "tensor<%sxi64>" % "x".join(str(x) for x in SHAPE)
    rep = Sharding([([], EVEN, [])] * 3).text(grid)
    a_type = local_type(src, names, sizes)
    b_type = local_type(dst, names, sizes)
    lines.append("// %s -> %s" % (src.text(grid), dst.text(grid)))
    lines.append("func.func @case%d(%%w: index) -> i64 {" % case_id)
    consts = sorted(set([0, 1, 2, 3] + SHAPE + list(stride.values()) + sizes))
    for c in consts:
        lines.append("  %%c%d = arith.constant %d : index" % (c, c))
    lines.append("  %%case = arith.constant %d : i64" % case_id)
    lines.append("  %base = arith.constant 0 : i64")
    lines.append("  %none = func.call @ref_none() : () -> memref<?xi64>")
    dims = "%%c%d, %%c%d, %%c%d" % tuple(SHAPE)
    lines.append("  %%g0 = func.call @ref_piece(%s, %%c0, %%c0, %%none, %%c1, "
                 "%%c1, %%c0, %%base) : (index, index, index, index, index, "
                 "memref<?xi64>, index, index, index, i64) -> "
                 "tensor<?x?x?xi64>" % dims)
    lines.append("  %%g = tensor.cast %%g0 : tensor<?x?x?xi64> to %s" % whole)
    lines.append("  %%x = seqpar.reshard %%g from %s to %s shape %s : %s -> %s"
                 % (rep, src.text(grid), shape, whole, a_type))
    lines.append("  %%y = seqpar.reshard %%x from %s to %s shape %s : %s -> %s"
                 % (src.text(grid), dst.text(grid), shape, a_type, b_type))
    lines.append("  %%z = seqpar.reshard %%y from %s to %s shape %s : %s -> %s"
                 % (dst.text(grid), rep, shape, b_type, whole))
    lines.append("  %%zd = tensor.cast %%z : %s to tensor<?x?x?xi64>" % whole)
    lines.append("  %f0 = func.call @ref_check(%case, %zd, %g0) : "
                 "(i64, tensor<?x?x?xi64>, tensor<?x?x?xi64>) -> i64")
    split = [d for d, (axes, _, _) in enumerate(dst.dims) if axes]
    if len(split) == 1:
        # The reference splits one dim over up to two levels itself.
        d = split[0]
        axes, kind, vals = dst.dims[d]
        p = size[axes[0]]
        u = size[axes[1]] if len(axes) > 1 else 1
        for k, axis in enumerate(axes):
            lines.append("  %%k%d = func.call @ref_coord(%%w, %%c%d, %%c%d) : "
                         "(index, index, index) -> index"
                         % (k, stride[axis], size[axis]))
        if len(axes) > 1:
            lines.append("  %%ku = arith.muli %%k0, %%c%d : index" % u)
            lines.append("  %r = arith.addi %ku, %k1 : index")
        else:
            lines.append("  %r = arith.addi %k0, %c0 : index")
        if vals:
            lines.append("  %%vals = memref.get_global @case%d_vals : "
                         "memref<%dxi64>" % (case_id, len(vals)))
            lines.append("  %%list = memref.cast %%vals : memref<%dxi64> to "
                         "memref<?xi64>" % len(vals))
        else:
            lines.append("  %list = func.call @ref_none() : () -> "
                         "memref<?xi64>")
        lines.append("  %%kind = arith.constant %d : index" % kind)
        lines.append("  %%p = arith.constant %d : index" % p)
        lines.append("  %%u = arith.constant %d : index" % u)
        lines.append("  %%want = func.call @ref_piece(%s, %%c%d, %%kind, "
                     "%%list, %%p, %%u, %%r, %%base) : (index, index, index, "
                     "index, index, memref<?xi64>, index, index, index, i64) "
                     "-> tensor<?x?x?xi64>" % (dims, d))
        lines.append("  %%got = tensor.cast %%y : %s to tensor<?x?x?xi64>"
                     % b_type)
        lines.append("  %f1 = func.call @ref_check(%case, %got, %want) : "
                     "(i64, tensor<?x?x?xi64>, tensor<?x?x?xi64>) -> i64")
        lines.append("  %f = arith.ori %f0, %f1 : i64")
        lines.append("  return %f : i64")
        if vals:
            lines.insert(lines.index("// %s -> %s" % (src.text(grid),
                                                      dst.text(grid))),
                         'memref.global "private" constant @case%d_vals : '
                         "memref<%dxi64> = dense<%s>"
                         % (case_id, len(vals), list(vals)))
    else:
        lines.append("  return %f0 : i64")
    lines.append("}")
    lines.append("")


def module_text(names, sizes):
    grid = "g"
    ranks = sizes[0] * sizes[1]
    plain = split_rule_shardings(names)
    special = special_shardings(names, sizes)
    pairs = [(a, b) for a in plain for b in plain]
    # Each special sharding to and from a spread of the others.
    for i, s in enumerate(special):
        for t in plain[i::4] + special:
            pairs += [(s, t), (t, s)] if t not in special else [(s, t)]
    out = ["// Generated by gen_reshard_tests.py.",
           "// CHECK-COUNT-%d: <stdout>:( %d, 0 )" % (ranks, len(pairs)), "",
           "seqpar.grid @%s(axes = [%s])" % (grid, ", ".join(
               '"%s" = %d' % x for x in zip(names, sizes))), ""]
    for i, (a, b) in enumerate(pairs):
        emit_case(out, i, grid, names, sizes, a, b)
    out += main_lines(len(pairs))
    return "\n".join(out) + "\n"


def main():
    grids = {"2x2": (["a", "b"], [2, 2]), "2x3": (["a", "b"], [2, 3])}
    if len(sys.argv) != 2 or sys.argv[1] not in grids:
        sys.exit("usage: gen_reshard_tests.py {%s}" % ",".join(grids))
    sys.stdout.write(module_text(*grids[sys.argv[1]]))


if __name__ == "__main__":
    main()
