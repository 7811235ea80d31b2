// The C ABI called from MLIR as the SeqParToRuntime lowering will call it:
// private declarations with llvm.emit_c_interface, unranked memrefs, under
// mpirun -np 2 with mlir-runner. Rank r receives rows [2r, 2r+1] of both
// ranks' [4, 3] inputs (rank q adds 100 q), concatenated along dim 1.

func.func private @seqpar_rt_init(memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
func.func private @seqpar_rt_finalize() -> i32
func.func private @seqpar_rt_group_rank(i64) -> i64
func.func private @seqpar_rt_all_to_all(memref<*xf32>, memref<*xf32>, i32, i64, i64, i64, i64, memref<*xi64>, memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %two = arith.constant 2 : i64
  %one = arith.constant 1 : i64
  %ten = arith.constant 10 : i64
  %hundred = arith.constant 100.0 : f32
  %sizes = memref.alloca() : memref<1xi64>
  memref.store %two, %sizes[%c0] : memref<1xi64>
  %su = memref.cast %sizes : memref<1xi64> to memref<*xi64>
  %st = call @seqpar_rt_init(%su) : (memref<*xi64>) -> i32
  %r = call @seqpar_rt_group_rank(%one) : (i64) -> i64
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
  %out = memref.alloc() : memref<2x6xf32>
  %iu = memref.cast %in : memref<4x3xf32> to memref<*xf32>
  %ou = memref.cast %out : memref<2x6xf32> to memref<*xf32>
  %empty = memref.alloca() : memref<0xi64>
  %eu = memref.cast %empty : memref<0xi64> to memref<*xi64>
  %dt = arith.constant 1 : i32
  %s = arith.constant 0 : i64
  %n = arith.constant -1 : i64
  %code = call @seqpar_rt_all_to_all(%iu, %ou, %dt, %one, %s, %one, %n, %eu, %eu) : (memref<*xf32>, memref<*xf32>, i32, i64, i64, i64, i64, memref<*xi64>, memref<*xi64>) -> i32
  call @printMemrefF32(%ou) : (memref<*xf32>) -> ()
  %f = call @seqpar_rt_finalize() : () -> i32
  return
}
