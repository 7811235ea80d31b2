// The global-view reference of the execution tests, prepended to a test by
// its RUN line. Each rank builds its input and the output it expects from
// the global tensor with the rules of the design (docs/DESIGN.md,
// "Semantics"), written out here on their own, without the Layout library or
// the runtime: the split rule, explicit sizes, zigzag chunks, packed
// sequences, a second level split over the last group axes (hybrid ring x
// Ulysses), and group ranks from grid coordinates in the listed axis order.
//
// Global element (i0, i1, i2) of a [g0, g1, g2] tensor holds
// base + (i0 * g1 + i1) * g2 + i2, so every element of a test is distinct.
//
// A distribution of a dim of global length n over a group of p * u ranks
// (group rank r = outer * u + inner): `kind` 0 is the split rule, 1 explicit
// sizes `vals`, 2 zigzag (chunks outer and 2p-1-outer of 2p), 3 packed
// sequences of lengths `vals`, over the outer p ranks; each outer piece is
// then split by the split rule over the inner u ranks (u = 1: no second
// level). An outer group of one rank holds the whole dim.

llvm.mlir.global internal constant @ref_rank_variable("OMPI_COMM_WORLD_RANK\00")
    {addr_space = 0 : i32}
memref.global "private" constant @ref_no_values : memref<0xi64> = dense<>

func.func private @getenv(!llvm.ptr) -> !llvm.ptr
func.func private @atoi(!llvm.ptr) -> i32
func.func private @printI64(i64)
func.func private @printOpen()
func.func private @printClose()
func.func private @printComma()
func.func private @printNewline()

// This process's rank in the job, from Open MPI's environment (0 when run
// without mpirun).
func.func @ref_world_rank() -> index {
  %name = llvm.mlir.addressof @ref_rank_variable : !llvm.ptr
  %value = func.call @getenv(%name) : (!llvm.ptr) -> !llvm.ptr
  %null = llvm.mlir.zero : !llvm.ptr
  %unset = llvm.icmp "eq" %value, %null : !llvm.ptr
  %rank = scf.if %unset -> (i32) {
    %zero = arith.constant 0 : i32
    scf.yield %zero : i32
  } else {
    %parsed = func.call @atoi(%value) : (!llvm.ptr) -> i32
    scf.yield %parsed : i32
  }
  %r = arith.index_cast %rank : i32 to index
  return %r : index
}

// The coordinate of world rank `w` on a grid axis of size `size` whose
// row-major stride (product of the sizes after it) is `stride`.
func.func @ref_coord(%w: index, %stride: index, %size: index) -> index {
  %q = arith.divui %w, %stride : index
  %c = arith.remui %q, %size : index
  return %c : index
}

// An empty list, for distributions without values.
func.func @ref_none() -> memref<?xi64> {
  %v = memref.get_global @ref_no_values : memref<0xi64>
  %d = memref.cast %v : memref<0xi64> to memref<?xi64>
  return %d : memref<?xi64>
}

// The split rule: the size and offset of part q of n over p parts.
func.func @ref_even_size(%n: index, %p: index, %q: index) -> index {
  %base = arith.divui %n, %p : index
  %rem = arith.remui %n, %p : index
  %first = arith.cmpi ult, %q, %rem : index
  %one = arith.constant 1 : index
  %zero = arith.constant 0 : index
  %extra = arith.select %first, %one, %zero : index
  %s = arith.addi %base, %extra : index
  return %s : index
}
func.func @ref_even_offset(%n: index, %p: index, %q: index) -> index {
  %base = arith.divui %n, %p : index
  %rem = arith.remui %n, %p : index
  %full = arith.muli %q, %base : index
  %extra = arith.minui %q, %rem : index
  %o = arith.addi %full, %extra : index
  return %o : index
}

// value k of a list.
func.func @ref_value(%vals: memref<?xi64>, %k: index) -> index {
  %v = memref.load %vals[%k] : memref<?xi64>
  %i = arith.index_cast %v : i64 to index
  return %i : index
}

// One level: the length that outer rank q of p holds.
func.func @ref_level_length(%kind: index, %n: index, %vals: memref<?xi64>,
                            %p: index, %q: index) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %whole = arith.cmpi eq, %p, %c1 : index
  %len = scf.if %whole -> (index) {
    scf.yield %n : index
  } else {
    %l = scf.index_switch %kind -> index
    case 0 {
      %s = func.call @ref_even_size(%n, %p, %q) : (index, index, index) -> index
      scf.yield %s : index
    }
    case 1 {
      %s = func.call @ref_value(%vals, %q) : (memref<?xi64>, index) -> index
      scf.yield %s : index
    }
    case 2 {
      %twop = arith.muli %p, %c2 : index
      %chunk = arith.divui %n, %twop : index
      %s = arith.muli %chunk, %c2 : index
      scf.yield %s : index
    }
    default {
      %count = memref.dim %vals, %c0 : memref<?xi64>
      %s = scf.for %k = %c0 to %count step %c1 iter_args(%acc = %c0) -> (index) {
        %lk = func.call @ref_value(%vals, %k) : (memref<?xi64>, index) -> index
        %piece = func.call @ref_even_size(%lk, %p, %q) : (index, index, index) -> index
        %next = arith.addi %acc, %piece : index
        scf.yield %next : index
      }
      scf.yield %s : index
    }
    scf.yield %l : index
  }
  return %len : index
}

// One level: the global index of local element i of outer rank q of p.
func.func @ref_level_index(%kind: index, %n: index, %vals: memref<?xi64>,
                           %p: index, %q: index, %i: index) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %whole = arith.cmpi eq, %p, %c1 : index
  %g = scf.if %whole -> (index) {
    scf.yield %i : index
  } else {
    %r = scf.index_switch %kind -> index
    case 0 {
      %o = func.call @ref_even_offset(%n, %p, %q) : (index, index, index) -> index
      %s = arith.addi %o, %i : index
      scf.yield %s : index
    }
    case 1 {
      %o = scf.for %k = %c0 to %q step %c1 iter_args(%acc = %c0) -> (index) {
        %v = func.call @ref_value(%vals, %k) : (memref<?xi64>, index) -> index
        %next = arith.addi %acc, %v : index
        scf.yield %next : index
      }
      %s = arith.addi %o, %i : index
      scf.yield %s : index
    }
    case 2 {
      %twop = arith.muli %p, %c2 : index
      %chunk = arith.divui %n, %twop : index
      %first = arith.cmpi ult, %i, %chunk : index
      %s = scf.if %first -> (index) {
        %b = arith.muli %q, %chunk : index
        %t = arith.addi %b, %i : index
        scf.yield %t : index
      } else {
        %last = arith.subi %twop, %c1 : index
        %mirror = arith.subi %last, %q : index
        %b = arith.muli %mirror, %chunk : index
        %j = arith.subi %i, %chunk : index
        %t = arith.addi %b, %j : index
        scf.yield %t : index
      }
      scf.yield %s : index
    }
    default {
      // Sequence by sequence: this rank's piece of each, in order.
      %count = memref.dim %vals, %c0 : memref<?xi64>
      %res:3 = scf.for %k = %c0 to %count step %c1
          iter_args(%rest = %i, %start = %c0, %found = %c0)
          -> (index, index, index) {
        %lk = func.call @ref_value(%vals, %k) : (memref<?xi64>, index) -> index
        %piece = func.call @ref_even_size(%lk, %p, %q) : (index, index, index) -> index
        %off = func.call @ref_even_offset(%lk, %p, %q) : (index, index, index) -> index
        %nextStart = arith.addi %start, %lk : index
        %done = arith.cmpi ne, %found, %c0 : index
        %inside = arith.cmpi ult, %rest, %piece : index
        %out:3 = scf.if %done -> (index, index, index) {
          scf.yield %rest, %nextStart, %found : index, index, index
        } else {
          %o:3 = scf.if %inside -> (index, index, index) {
            %b = arith.addi %start, %off : index
            %t = arith.addi %b, %rest : index
            // found holds global index + 1.
            %t1 = arith.addi %t, %c1 : index
            scf.yield %rest, %nextStart, %t1 : index, index, index
          } else {
            %left = arith.subi %rest, %piece : index
            scf.yield %left, %nextStart, %c0 : index, index, index
          }
          scf.yield %o#0, %o#1, %o#2 : index, index, index
        }
        scf.yield %out#0, %out#1, %out#2 : index, index, index
      }
      %s = arith.subi %res#2, %c1 : index
      scf.yield %s : index
    }
    scf.yield %r : index
  }
  return %g : index
}

// Two levels: the length group rank r holds.
func.func @ref_length(%kind: index, %n: index, %vals: memref<?xi64>,
                      %p: index, %u: index, %r: index) -> index {
  %outer = arith.divui %r, %u : index
  %inner = arith.remui %r, %u : index
  %l = func.call @ref_level_length(%kind, %n, %vals, %p, %outer)
      : (index, index, memref<?xi64>, index, index) -> index
  %s = func.call @ref_even_size(%l, %u, %inner) : (index, index, index) -> index
  return %s : index
}

// Two levels: the global index of local element i of group rank r.
func.func @ref_index(%kind: index, %n: index, %vals: memref<?xi64>,
                     %p: index, %u: index, %r: index, %i: index) -> index {
  %outer = arith.divui %r, %u : index
  %inner = arith.remui %r, %u : index
  %l = func.call @ref_level_length(%kind, %n, %vals, %p, %outer)
      : (index, index, memref<?xi64>, index, index) -> index
  %o = func.call @ref_even_offset(%l, %u, %inner) : (index, index, index) -> index
  %j = arith.addi %o, %i : index
  %g = func.call @ref_level_index(%kind, %n, %vals, %p, %outer, %j)
      : (index, index, memref<?xi64>, index, index, index) -> index
  return %g : index
}

// The piece that group rank r holds of the global [g0, g1, g2] tensor whose
// dim d is distributed (p = u = 1: the whole tensor).
func.func @ref_piece(%g0: index, %g1: index, %g2: index, %d: index,
                     %kind: index, %vals: memref<?xi64>, %p: index,
                     %u: index, %r: index, %base: i64) -> tensor<?x?x?xi64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d0 = arith.cmpi eq, %d, %c0 : index
  %d1 = arith.cmpi eq, %d, %c1 : index
  %d2 = arith.cmpi eq, %d, %c2 : index
  %n0 = arith.select %d1, %g1, %g0 : index
  %n = arith.select %d2, %g2, %n0 : index
  %len = func.call @ref_length(%kind, %n, %vals, %p, %u, %r)
      : (index, index, memref<?xi64>, index, index, index) -> index
  %l0 = arith.select %d0, %len, %g0 : index
  %l1 = arith.select %d1, %len, %g1 : index
  %l2 = arith.select %d2, %len, %g2 : index
  %e = tensor.empty(%l0, %l1, %l2) : tensor<?x?x?xi64>
  %t = linalg.generic {
      indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x?x?xi64>) {
  ^bb0(%o: i64):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %li = arith.select %d1, %i1, %i0 : index
    %l = arith.select %d2, %i2, %li : index
    %gl = func.call @ref_index(%kind, %n, %vals, %p, %u, %r, %l)
        : (index, index, memref<?xi64>, index, index, index, index) -> index
    %x0 = arith.select %d0, %gl, %i0 : index
    %x1 = arith.select %d1, %gl, %i1 : index
    %x2 = arith.select %d2, %gl, %i2 : index
    %a = arith.muli %x0, %g1 : index
    %b = arith.addi %a, %x1 : index
    %c = arith.muli %b, %g2 : index
    %v = arith.addi %c, %x2 : index
    %vi = arith.index_cast %v : index to i64
    %vb = arith.addi %vi, %base : i64
    linalg.yield %vb : i64
  } -> tensor<?x?x?xi64>
  return %t : tensor<?x?x?xi64>
}

// The number of elements where `got` differs from `want` (all of them when
// the shapes differ); prints "( -1, case, count )" when there are any.
func.func @ref_check(%case: i64, %got: tensor<?x?x?xi64>,
                     %want: tensor<?x?x?xi64>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %a0 = tensor.dim %got, %c0 : tensor<?x?x?xi64>
  %a1 = tensor.dim %got, %c1 : tensor<?x?x?xi64>
  %a2 = tensor.dim %got, %c2 : tensor<?x?x?xi64>
  %b0 = tensor.dim %want, %c0 : tensor<?x?x?xi64>
  %b1 = tensor.dim %want, %c1 : tensor<?x?x?xi64>
  %b2 = tensor.dim %want, %c2 : tensor<?x?x?xi64>
  %e0 = arith.cmpi eq, %a0, %b0 : index
  %e1 = arith.cmpi eq, %a1, %b1 : index
  %e2 = arith.cmpi eq, %a2, %b2 : index
  %e01 = arith.andi %e0, %e1 : i1
  %same = arith.andi %e01, %e2 : i1
  %bad = scf.if %same -> (index) {
    %n = scf.for %i = %c0 to %a0 step %c1 iter_args(%x = %c0) -> (index) {
      %m = scf.for %j = %c0 to %a1 step %c1 iter_args(%y = %x) -> (index) {
        %k = scf.for %l = %c0 to %a2 step %c1 iter_args(%z = %y) -> (index) {
          %g = tensor.extract %got[%i, %j, %l] : tensor<?x?x?xi64>
          %w = tensor.extract %want[%i, %j, %l] : tensor<?x?x?xi64>
          %ne = arith.cmpi ne, %g, %w : i64
          %inc = arith.select %ne, %c1, %c0 : index
          %z1 = arith.addi %z, %inc : index
          scf.yield %z1 : index
        }
        scf.yield %k : index
      }
      scf.yield %m : index
    }
    scf.yield %n : index
  } else {
    %ab = arith.muli %a0, %a1 : index
    %all = arith.muli %ab, %a2 : index
    %one = arith.maxui %all, %c1 : index
    scf.yield %one : index
  }
  %badi = arith.index_cast %bad : index to i64
  %zero = arith.constant 0 : i64
  %failed = arith.cmpi ne, %badi, %zero : i64
  scf.if %failed {
    %minus = arith.constant -1 : i64
    func.call @printOpen() : () -> ()
    func.call @printI64(%minus) : (i64) -> ()
    func.call @printComma() : () -> ()
    func.call @printI64(%case) : (i64) -> ()
    func.call @printComma() : () -> ()
    func.call @printI64(%badi) : (i64) -> ()
    func.call @printClose() : () -> ()
    func.call @printNewline() : () -> ()
  }
  %one = arith.constant 1 : i64
  %r = arith.select %failed, %one, %zero : i64
  return %r : i64
}

// Prints "( cases, failures )".
func.func @ref_summary(%cases: i64, %failures: i64) {
  func.call @printOpen() : () -> ()
  func.call @printI64(%cases) : (i64) -> ()
  func.call @printComma() : () -> ()
  func.call @printI64(%failures) : (i64) -> ()
  func.call @printClose() : () -> ()
  func.call @printNewline() : () -> ()
  return
}

// The split rule on i64 values: the size of part q of n over p parts.
func.func @ref_split_size(%n: i64, %p: i64, %q: i64) -> i64 {
  %ni = arith.index_cast %n : i64 to index
  %pi = arith.index_cast %p : i64 to index
  %qi = arith.index_cast %q : i64 to index
  %s = func.call @ref_even_size(%ni, %pi, %qi) : (index, index, index) -> index
  %si = arith.index_cast %s : index to i64
  return %si : i64
}

// 1 when `got` differs from `want` (and prints "( -1, case, got )"), else 0.
func.func @ref_check_index(%case: i64, %got: index, %want: index) -> i64 {
  %differ = arith.cmpi ne, %got, %want : index
  scf.if %differ {
    %minus = arith.constant -1 : i64
    %g = arith.index_cast %got : index to i64
    func.call @printOpen() : () -> ()
    func.call @printI64(%minus) : (i64) -> ()
    func.call @printComma() : () -> ()
    func.call @printI64(%case) : (i64) -> ()
    func.call @printComma() : () -> ()
    func.call @printI64(%g) : (i64) -> ()
    func.call @printClose() : () -> ()
    func.call @printNewline() : () -> ()
  }
  %r = arith.extui %differ : i1 to i64
  return %r : i64
}
