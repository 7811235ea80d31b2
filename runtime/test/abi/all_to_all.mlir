// The C ABI called from MLIR as the SeqParToRuntime lowering calls it:
// private declarations with llvm.emit_c_interface, unranked memrefs, the op
// and the group as descriptors in memref.global constants (the words of
// seqpar/Layout/Codes.h), the output allocated with the shape that
// seqpar_rt_output_shape gives, under mpirun -np 2 with mlir-runner. Rank r
// receives rows [2r, 2r+1] of both ranks' [4, 3] inputs (rank q adds 100 q),
// concatenated along dim 1.

// The default grid [2].
memref.global "private" constant @grid : memref<1xi64> = dense<[2]>
// Group descriptor: grid shape [2], axes [0].
memref.global "private" constant @group : memref<4xi64> = dense<[1, 2, 1, 0]>
// Op descriptor: magic "SP01", all_to_all (kind 0), no grad scale; grid [2],
// axes [0]; scatter dim 0 by the split rule (dist 0, no inner axes, default
// length, no values); gather dim 1 likewise.
memref.global "private" constant @all_to_all : memref<17xi64> = dense<[
  6003351290296401920, 0, 0, 1, 2, 1, 0,
  0, 0, 0, -1, 0,
  1, 0, 0, -1, 0]>

func.func private @seqpar_rt_init(memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
func.func private @seqpar_rt_finalize() -> i32
func.func private @seqpar_rt_group_rank(memref<*xi64>) -> i64 attributes {llvm.emit_c_interface}
func.func private @seqpar_rt_output_shape(memref<*xf32>, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64, memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
func.func private @seqpar_rt_run(memref<*xf32>, memref<*xf32>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32 attributes {llvm.emit_c_interface}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %ten = arith.constant 10 : i64
  %hundred = arith.constant 100.0 : f32
  %grid = memref.get_global @grid : memref<1xi64>
  %gridu = memref.cast %grid : memref<1xi64> to memref<*xi64>
  %st = call @seqpar_rt_init(%gridu) : (memref<*xi64>) -> i32
  %group = memref.get_global @group : memref<4xi64>
  %groupu = memref.cast %group : memref<4xi64> to memref<*xi64>
  %r = call @seqpar_rt_group_rank(%groupu) : (memref<*xi64>) -> i64
  %rf = arith.sitofp %r : i64 to f32
  %rh = arith.mulf %rf, %hundred : f32
  %in = memref.alloc() : memref<4x3xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %ii = arith.index_cast %i : index to i64
      %jj = arith.index_cast %j : index to i64
      %t = arith.muli %ii, %ten : i64
      %v = arith.addi %t, %jj : i64
      %vf = arith.sitofp %v : i64 to f32
      %w = arith.addf %vf, %rh : f32
      memref.store %w, %in[%i, %j] : memref<4x3xf32>
    }
  }
  %iu = memref.cast %in : memref<4x3xf32> to memref<*xf32>
  %op = memref.get_global @all_to_all : memref<17xi64>
  %opu = memref.cast %op : memref<17xi64> to memref<*xi64>
  // No sizes or lengths are left to run time.
  %empty = memref.alloca() : memref<0xi64>
  %eu = memref.cast %empty : memref<0xi64> to memref<*xi64>
  %nolength = arith.constant -1 : i64
  %shape = memref.alloca() : memref<2xi64>
  %shapeu = memref.cast %shape : memref<2xi64> to memref<*xi64>
  %sc = call @seqpar_rt_output_shape(%iu, %opu, %eu, %eu, %nolength, %shapeu) : (memref<*xf32>, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64, memref<*xi64>) -> i32
  call @printMemrefI64(%shapeu) : (memref<*xi64>) -> ()
  %d0 = memref.load %shape[%c0] : memref<2xi64>
  %d1 = memref.load %shape[%c1] : memref<2xi64>
  %n0 = arith.index_cast %d0 : i64 to index
  %n1 = arith.index_cast %d1 : i64 to index
  %out = memref.alloc(%n0, %n1) : memref<?x?xf32>
  %ou = memref.cast %out : memref<?x?xf32> to memref<*xf32>
  %dt = arith.constant 1 : i32
  %code = call @seqpar_rt_run(%iu, %ou, %dt, %opu, %eu, %eu, %nolength) : (memref<*xf32>, memref<*xf32>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32
  call @printMemrefF32(%ou) : (memref<*xf32>) -> ()
  %f = call @seqpar_rt_finalize() : () -> i32
  return
}
