func.func private @seqpar_rt_run(memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32
func.func private @user(memref<4xf32>)

func.func @freed(%n: index, %d: memref<*xi64>) -> f32 {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  %u = memref.cast %a : memref<4xf32> to memref<*xf32>
  %b = builtin.unrealized_conversion_cast %u : memref<*xf32> to memref<*xi8>
  %c1_i32 = arith.constant 1 : i32
  %c-1 = arith.constant -1 : i64
  %s = func.call @seqpar_rt_run(%b, %b, %c1_i32, %d, %d, %d, %c-1)
      : (memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %a[%c0] : memref<4xf32>
    %w = arith.addf %acc, %v : f32
    scf.yield %w : f32
  }
  return %r : f32
}

func.func @negative_escapes() -> memref<4xf32> {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  %b = memref.alloc() {seqpar.output} : memref<4xf32>
  func.call @user(%b) : (memref<4xf32>) -> ()
  return %a : memref<4xf32>
}

func.func @negative_unmarked() {
  %a = memref.alloc() : memref<4xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xf32>
  return
}
