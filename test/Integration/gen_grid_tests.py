#!/usr/bin/env python3
"""Prints the cases of a grid execution test (test/Integration/grid_*.mlir).

Every op kind on a grid, with groups listed in every axis order (and, for
the hybrid ops, every ordered pair of ring and Ulysses axes): each case is
a function that builds this rank's input from the global view, runs the op
and compares its result, element by element, with the piece the global view
says this rank holds (Inputs/reference.mlir, prepended by the RUN line).
The sizes are chosen so that most pieces differ between ranks (the result
types are static only where every rank agrees). The tests' RUN lines call
it; by hand:

    python3 test/Integration/gen_grid_tests.py 2x2x2
"""

import itertools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Distribution kinds of Inputs/reference.mlir.
EVEN, SIZES, ZIGZAG, PACKED = 0, 1, 2, 3


def even_sizes(n, p):
    return [n // p + (1 if q < n % p else 0) for q in range(p)]


def level_lengths(kind, n, vals, p):
    if p == 1:
        return [n]
    if kind == EVEN:
        return even_sizes(n, p)
    if kind == SIZES:
        return list(vals)
    if kind == ZIGZAG:
        return [2 * (n // (2 * p))] * p
    return [sum(even_sizes(l, p)[q] for l in vals) for q in range(p)]


def lengths(dist):
    """The length every group rank holds under `dist`."""
    kind, n, vals, p, u = dist
    return [even_sizes(l, u)[i] for l in level_lengths(kind, n, vals, p)
            for i in range(u)]


def dim_text(values):
    return str(values[0]) if len(set(values)) == 1 else "?"


def shape_with(d, n):
    """A global shape whose dim d has length n (the others 2, 3, 2)."""
    s = [2, 3, 2]
    s[d] = n
    return s


class Case:
    """One op on one group: the global shape, how the input and the expected
    output are distributed (dim, dist), and the op's text."""

    def __init__(self, title, grid, axes, p, u, shape, inp, out, op,
                 lengths_dim=None):
        self.title, self.grid, self.axes = title, grid, axes
        self.p, self.u, self.shape = p, u, shape
        self.inp, self.out, self.op = inp, out, op
        self.lengths_dim = lengths_dim


def local_type(shape, moved):
    """The type of a piece: `moved` is (dim, dist) or None."""
    dims = [str(d) for d in shape]
    if moved:
        d, dist = moved
        dims[d] = dim_text(lengths(dist))
    return "tensor<" + "x".join(dims) + "xi64>"


def group_text(grid, axes):
    return "@%s[%s]" % (grid, ", ".join('"%s"' % a for a in axes))


def plain_cases(grid, names, sizes, axes, first_dim):
    """The cases of every non-hybrid op kind on the group `axes`."""
    size = dict(zip(names, sizes))
    P = 1
    for a in axes:
        P *= size[a]
    g = group_text(grid, axes)
    cases = []

    def add(title, shape, inp, out, op_fmt, lengths_dim=None):
        cases.append(Case(title, grid, axes, P, 1, shape, inp, out, op_fmt,
                          lengths_dim))

    # The group queries: this rank's index in the group, the group's size.
    add("group_rank and group_size", [1, 1, 1], None, None, "query")
    d = first_dim % 3
    # split by the split rule and by explicit sizes.
    n = 2 * P + 1
    dist = (EVEN, n, [], P, 1)
    add("split", shape_with(d, n), None, (d, dist),
        "seqpar.split %%x on %s dim %d" % (g, d))
    d = (d + 1) % 3
    vals = [q % 3 + 1 for q in range(P)]
    dist = (SIZES, sum(vals), vals, P, 1)
    add("split sizes", shape_with(d, sum(vals)), None, (d, dist),
        "seqpar.split %%x on %s dim %d sizes %s" % (g, d, vals))
    # gather of uneven pieces, of explicit sizes (a zero one), of equal ones.
    d = (d + 1) % 3
    n = 2 * P + 1
    dist = (EVEN, n, [], P, 1)
    add("gather", shape_with(d, n), (d, dist), None,
        "seqpar.gather %%x on %s dim %d gather_size %d" % (g, d, n))
    d = (d + 1) % 3
    vals = [q % 3 for q in range(P)]
    vals[-1] += 1
    dist = (SIZES, sum(vals), vals, P, 1)
    add("gather sizes", shape_with(d, sum(vals)), (d, dist), None,
        "seqpar.gather %%x on %s dim %d sizes %s" % (g, d, vals))
    d = (d + 1) % 3
    dist = (EVEN, 2 * P, [], P, 1)
    add("gather equal", shape_with(d, 2 * P), (d, dist), None,
        "seqpar.gather %%x on %s dim %d" % (g, d))
    # zigzag, with an odd length on a group of one rank.
    d = (d + 1) % 3
    n = 4 * P if P > 1 else 3
    dist = (ZIGZAG, n, [], P, 1)
    add("zigzag_split", shape_with(d, n), None, (d, dist),
        "seqpar.zigzag_split %%x on %s dim %d" % (g, d))
    d = (d + 1) % 3
    add("zigzag_gather", shape_with(d, n), (d, (ZIGZAG, n, [], P, 1)), None,
        "seqpar.zigzag_gather %%x on %s dim %d" % (g, d))
    # packed sequences, one of them empty when P is 1.
    d = (d + 1) % 3
    seqs = [2 * P + 1, P - 1, 3]
    dist = (PACKED, sum(seqs), seqs, P, 1)
    add("packed_split", shape_with(d, sum(seqs)), None, (d, dist),
        "seqpar.packed_split %%x on %s dim %d seq_lens %s" % (g, d, seqs))
    d = (d + 1) % 3
    add("packed_gather", shape_with(d, sum(seqs)), (d, dist), None,
        "seqpar.packed_gather %%x on %s dim %d seq_lens %s" % (g, d, seqs))
    # all_to_all: uneven scatter and gather, aligned, exchanged lengths.
    for k, (s, gd) in enumerate([(0, 1), (2, 0), (1, 2)]):
        s, gd = (s + first_dim) % 3, (gd + first_dim) % 3
        shape = [2, 3, 2]
        if k == 0:
            S, N = P + 1, 2 * P - 1
            shape[s], shape[gd] = S, N
            add("all_to_all", shape, (gd, (EVEN, N, [], P, 1)),
                (s, (EVEN, S, [], P, 1)),
                "seqpar.all_to_all %%x on %s scatter %d gather %d "
                "gather_size %d" % (g, s, gd, N))
        elif k == 1:
            S, N = 2 * P, 3 * P
            shape[s], shape[gd] = S, N
            add("all_to_all equal", shape, (gd, (EVEN, N, [], P, 1)),
                (s, (EVEN, S, [], P, 1)),
                "seqpar.all_to_all %%x on %s scatter %d gather %d"
                % (g, s, gd))
        else:
            vals = [q % 3 + 1 for q in range(P)]
            S, N = 2 * P, sum(vals)
            shape[s], shape[gd] = S, N
            add("all_to_all exchanged lengths", shape,
                (gd, (SIZES, N, vals, P, 1)), (s, (EVEN, S, [], P, 1)),
                "seqpar.all_to_all %%x on %s scatter %d gather %d "
                "gather_lengths(%%lens : tensor<%dxi64>)" % (g, s, gd, P),
                lengths_dim=gd)
    return cases


def hybrid_cases(grid, names, sizes, ring, uly, first_dim):
    size = dict(zip(names, sizes))
    p, u = size[ring], size[uly]
    head = '@%s ring "%s" ulysses "%s"' % (grid, ring, uly)
    cases = []
    d = first_dim % 3

    # A ring of one rank is disabled: no zigzag, any length.
    n = 2 * p * (u + 1) + (1 if p == 1 else 0)
    dist = (ZIGZAG, n, [], p, u)
    cases.append(Case("hybrid_split", grid, [ring, uly], p, u,
                      shape_with(d, n), None, (d, dist),
                      "seqpar.hybrid_split %%x on %s dim %d" % (head, d)))
    d = (d + 1) % 3
    cases.append(Case("hybrid_gather", grid, [ring, uly], p, u,
                      shape_with(d, n), (d, dist), None,
                      "seqpar.hybrid_gather %%x on %s dim %d gather_size %d"
                      % (head, d, n)))
    d = (d + 1) % 3
    seqs = [2 * p * u + 1, 3]
    dist = (PACKED, sum(seqs), seqs, p, u)
    cases.append(Case("hybrid_packed_split", grid, [ring, uly], p, u,
                      shape_with(d, sum(seqs)), None, (d, dist),
                      "seqpar.hybrid_packed_split %%x on %s dim %d seq_lens %s"
                      % (head, d, seqs)))
    d = (d + 1) % 3
    cases.append(Case("hybrid_packed_gather", grid, [ring, uly], p, u,
                      shape_with(d, sum(seqs)), (d, dist), None,
                      "seqpar.hybrid_packed_gather %%x on %s dim %d seq_lens %s"
                      % (head, d, seqs)))
    return cases


def ordered_groups(names):
    for k in range(1, len(names) + 1):
        for perm in itertools.permutations(names, k):
            yield list(perm)


def grid_cases(grid, names, sizes):
    cases = []
    for i, axes in enumerate(ordered_groups(names)):
        cases += plain_cases(grid, names, sizes, axes, i)
    for i, (ring, uly) in enumerate(itertools.permutations(names, 2)):
        cases += hybrid_cases(grid, names, sizes, ring, uly, i)
    return cases


def emit_piece(lines, name, shape, moved, case_id, r, tag):
    """Emits a call of ref_piece for `moved` (or the whole tensor)."""
    dims = ", ".join("%%c%d" % x for x in shape)
    if moved:
        d, (kind, n, vals, p, u) = moved
        if vals:
            lines.append("  %%%s_vals = memref.get_global @case%d_%s_vals : "
                         "memref<%dxi64>" % (tag, case_id, tag, len(vals)))
            lines.append("  %%%s_list = memref.cast %%%s_vals : memref<%dxi64>"
                         " to memref<?xi64>" % (tag, tag, len(vals)))
        else:
            lines.append("  %%%s_list = func.call @ref_none() : () -> "
                         "memref<?xi64>" % tag)
        args = "%%c%d, %%c%d, %%%s_list, %%c%d, %%c%d, %s" % (
            d, kind, tag, p, u, r)
    else:
        lines.append("  %%%s_list = func.call @ref_none() : () -> "
                     "memref<?xi64>" % tag)
        args = "%%c0, %%c0, %%%s_list, %%c1, %%c1, %%c0" % tag
    lines.append("  %%%s = func.call @ref_piece(%s, %s, %%base) : (index, "
                 "index, index, index, index, memref<?xi64>, index, index, "
                 "index, i64) -> tensor<?x?x?xi64>" % (name, dims, args))


def emit_case(case, case_id, grids):
    names, sizes = grids[case.grid]
    size = dict(zip(names, sizes))
    stride = {}
    s = 1
    for a, n in reversed(list(zip(names, sizes))):
        stride[a] = s
        s *= n
    lines = ["// %s on %s" % (case.title, group_text(case.grid, case.axes)),
        "func.func @case%d(%%w: index) -> i64 {" % case_id]
    consts = set([0, 1, 2, 3] + case.shape + [case.p, case.u])
    for a in case.axes:
        consts |= {stride[a], size[a]}
    for (dist_of) in (case.inp, case.out):
        if dist_of:
            consts |= {dist_of[0], dist_of[1][0], dist_of[1][3],
                       dist_of[1][4]}
    for c in sorted(consts):
        lines.append("  %%c%d = arith.constant %d : index" % (c, c))
    lines.append("  %%base = arith.constant %d : i64" % (1000 * case_id))
    lines.append("  %%case = arith.constant %d : i64" % case_id)
    # The group rank: the coordinates on the listed axes, row-major in
    # the listed order.
    r = None
    for k, a in enumerate(case.axes):
        lines.append("  %%k%d = func.call @ref_coord(%%w, %%c%d, %%c%d) : "
                     "(index, index, index) -> index" % (k, stride[a], size[a]))
        if r is None:
            r = "%%k%d" % k
        else:
            lines.append("  %%s%d = arith.muli %s, %%c%d : index"
                         % (k, r, size[a]))
            lines.append("  %%r%d = arith.addi %%s%d, %%k%d : index"
                         % (k, k, k))
            r = "%%r%d" % k
    if case.op == "query":
        group = group_text(case.grid, case.axes)
        lines.append("  %%rank = seqpar.group_rank on %s" % group)
        lines.append("  %%size = seqpar.group_size on %s" % group)
        lines.append("  %%f0 = func.call @ref_check_index(%%case, %%rank, %s) : "
                     "(i64, index, index) -> i64" % r)
        lines.append("  %%f1 = func.call @ref_check_index(%%case, %%size, "
                     "%%c%d) : (i64, index, index) -> i64" % case.p)
        lines.append("  %f = arith.ori %f0, %f1 : i64")
        lines.append("  return %f : i64")
        lines.append("}")
        return lines
    in_type = local_type(case.shape, case.inp)
    out_type = local_type(case.shape, case.out)
    if case.lengths_dim is not None:
        # Exchanged lengths are known at run time only.
        dims = out_type[len("tensor<"):-len("xi64>")].split("x")
        dims[case.lengths_dim] = "?"
        out_type = "tensor<" + "x".join(dims) + "xi64>"
    emit_piece(lines, "x0", case.shape, case.inp, case_id, r, "in")
    lines.append("  %%x = tensor.cast %%x0 : tensor<?x?x?xi64> to %s" % in_type)
    if case.lengths_dim is not None:
        lines.append("  %%lens = seqpar.exchange_lengths %%x on %s dim %d : "
                     "%s -> tensor<%dxi64>" % (group_text(case.grid, case.axes),
                                              case.lengths_dim, in_type,
                                              case.p))
    lines.append("  %%y = %s" % case.op)
    lines.append("      : %s -> %s" % (in_type, out_type))
    lines.append("  %%got = tensor.cast %%y : %s to tensor<?x?x?xi64>"
                 % out_type)
    emit_piece(lines, "want", case.shape, case.out, case_id, r, "out")
    lines.append("  %f = func.call @ref_check(%case, %got, %want) : "
                 "(i64, tensor<?x?x?xi64>, tensor<?x?x?xi64>) -> i64")
    lines.append("  return %f : i64")
    lines.append("}")
    globals_ = []
    for tag, moved in (("in", case.inp), ("out", case.out)):
        if moved and moved[1][2]:
            vals = moved[1][2]
            globals_.append(
                'memref.global "private" constant @case%d_%s_vals : '
                "memref<%dxi64> = dense<%s>" % (case_id, tag, len(vals),
                                                 list(vals)))
    return globals_ + lines


def module_text(ranks, grids, cases):
    """The cases of one test as a module, with the FileCheck line that
    counts the passing cases on every rank."""
    out = ["// Generated by gen_grid_tests.py."]
    if ranks == 1:
        out.append("// CHECK: ( %d, 0 )" % len(cases))
    else:
        out.append("// CHECK-COUNT-%d: <stdout>:( %d, 0 )" % (ranks, len(cases)))
    out.append("")
    for name, (names, sizes) in grids.items():
        axes = ", ".join('"%s" = %d' % (a, s) for a, s in zip(names, sizes))
        out.append("seqpar.grid @%s(axes = [%s])" % (name, axes))
    out.append("")
    for i, case in enumerate(cases):
        out += emit_case(case, i, grids)
        out.append("")
    out += main_lines(len(cases))
    return "\n".join(out) + "\n"


def main_lines(count):
    """@main: runs @case0 .. @case<count-1> on this rank and prints
    (cases, failures) with ref_summary."""
    out = ["func.func @main() {",
           "  %w = func.call @ref_world_rank() : () -> index",
           "  %zero = arith.constant 0 : i64"]
    acc = "%zero"
    for i in range(count):
        out.append("  %%f%d = func.call @case%d(%%w) : (index) -> i64" % (i, i))
        out.append("  %%a%d = arith.addi %s, %%f%d : i64" % (i, acc, i))
        acc = "%%a%d" % i
    out.append("  %%cases = arith.constant %d : i64" % count)
    out.append("  func.call @ref_summary(%%cases, %s) : (i64, i64) -> ()" % acc)
    out.append("  return")
    out.append("}")
    return out


def tests():
    """The tests by name: (ranks, grids, cases)."""
    out = {}
    grids = {"dpcp": (["dp", "cp"], [2, 2]), "world": (["w"], [4])}
    out["2x2"] = (4, grids, grid_cases("dpcp", *grids["dpcp"]) +
                  grid_cases("world", *grids["world"]))
    grids = {"g": (["a", "b"], [2, 3])}
    out["2x3"] = (6, grids, grid_cases("g", *grids["g"]))
    grids = {"g": (["a", "b", "c"], [2, 2, 2])}
    out["2x2x2"] = (8, grids, grid_cases("g", *grids["g"]))
    # Axes of size 1: groups of one rank, a disabled ring (zigzag of any
    # length), on 2 ranks; two grids over them, in either axis order.
    grids = {"g": (["r", "u"], [1, 2]), "h": (["u", "r"], [2, 1])}
    out["size1_axes"] = (2, grids, grid_cases("g", *grids["g"]) +
                         grid_cases("h", *grids["h"]))
    grids = {"one": (["a", "b"], [1, 1])}
    out["1rank"] = (1, grids, grid_cases("one", *grids["one"]))
    return out


def main():
    all_tests = tests()
    if len(sys.argv) != 2 or sys.argv[1] not in all_tests:
        sys.exit("usage: gen_grid_tests.py {%s}" % ",".join(all_tests))
    sys.stdout.write(module_text(*all_tests[sys.argv[1]]))


if __name__ == "__main__":
    main()
