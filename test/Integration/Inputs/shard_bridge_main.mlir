// The harness of shard_bridge.mlir: the program that calls the partitioned
// functions on every rank and compares them with the whole-tensor result.
// It is appended to them after upstream's shard passes (which reject
// functions without sharding annotations).

func.func private @printMemrefI64(memref<*xi64>)

func.func @line_reference(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %init = tensor.empty() : tensor<8x16xf32>
  %d = linalg.mul ins(%x, %x : tensor<8x16xf32>, tensor<8x16xf32>)
      outs(%init : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %d : tensor<8x16xf32>
}

// x[i, j] = i * cols + j, the same on every rank.
func.func @iota(%rows: index, %cols: index) -> tensor<?x?xf32> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %t = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %a = arith.muli %i, %cols : index
    %v = arith.addi %a, %j : index
    %vi = arith.index_cast %v : index to i64
    %vf = arith.sitofp %vi : i64 to f32
    linalg.yield %vf : f32
  } -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

// The number of elements of `a` and `b` whose bits differ, and the sum of
// the elements of `a` (as integers).
func.func @compare(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> (i64, i64) {
  %zero = arith.constant 0 : i64
  %init = tensor.from_elements %zero : tensor<i64>
  %mismatches = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>,
                       affine_map<(i, j) -> (i, j)>,
                       affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>)
      outs(%init : tensor<i64>) {
  ^bb0(%x: f32, %y: f32, %acc: i64):
    %xb = arith.bitcast %x : f32 to i32
    %yb = arith.bitcast %y : f32 to i32
    %ne = arith.cmpi ne, %xb, %yb : i32
    %n = arith.extui %ne : i1 to i64
    %s = arith.addi %acc, %n : i64
    linalg.yield %s : i64
  } -> tensor<i64>
  %sum = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>,
                       affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%a : tensor<?x?xf32>) outs(%init : tensor<i64>) {
  ^bb0(%x: f32, %acc: i64):
    %v = arith.fptosi %x : f32 to i64
    %s = arith.addi %acc, %v : i64
    linalg.yield %s : i64
  } -> tensor<i64>
  %m = tensor.extract %mismatches[] : tensor<i64>
  %t = tensor.extract %sum[] : tensor<i64>
  return %m, %t : i64, i64
}

func.func @main() {
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  %c16 = arith.constant 16 : index

  %x0 = func.call @iota(%c8, %c16) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<8x16xf32>
  %y = func.call @line(%x) : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %z = func.call @line_reference(%x) : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %yd = tensor.cast %y : tensor<8x16xf32> to tensor<?x?xf32>
  %zd = tensor.cast %z : tensor<8x16xf32> to tensor<?x?xf32>
  %m0, %s0 = func.call @compare(%yd, %zd)
      : (tensor<?x?xf32>, tensor<?x?xf32>) -> (i64, i64)

  %u0 = func.call @iota(%c8, %c12) : (index, index) -> tensor<?x?xf32>
  %u = tensor.cast %u0 : tensor<?x?xf32> to tensor<8x12xf32>
  %v = func.call @grid(%u) : (tensor<8x12xf32>) -> tensor<8x12xf32>
  %vd = tensor.cast %v : tensor<8x12xf32> to tensor<?x?xf32>
  %m1, %s1 = func.call @compare(%vd, %u0)
      : (tensor<?x?xf32>, tensor<?x?xf32>) -> (i64, i64)

  %out = tensor.from_elements %m0, %m1, %s0, %s1 : tensor<4xi64>
  %buf = bufferization.to_buffer %out : tensor<4xi64> to memref<4xi64>
  %ub = memref.cast %buf : memref<4xi64> to memref<*xi64>
  func.call @printMemrefI64(%ub) : (memref<*xi64>) -> ()
  return
}
