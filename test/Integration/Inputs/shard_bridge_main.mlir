// The harness of shard_bridge.mlir: the program that calls the partitioned
// functions on every rank and compares them with the whole-tensor result.
// It is appended to them after upstream's shard passes (which reject
// functions without sharding annotations); @line and @grid come from
// there. Its own shard ops (an uneven all-to-all, the process queries) are
// converted with the rest.

shard.grid @h(shape = 4)
shard.grid @q(shape = 2x2)

func.func private @printMemrefI64(memref<*xi64>)

// Rank r holds x[i, j] = 100 * r + 10 * i + j, 2 x 10. Shard splits the 10
// columns over 4 shards as [2, 2, 3, 3], the remainder to the last ones
// (upstream's shard_shape rule: 10 / 4 + (r >= 4 - 10 % 4)); rank r
// receives its columns of every rank, stacked in rank order. Returns the
// number of columns received and the elements that differ from that rule.
func.func @uneven() -> (i64, i64) {
  %r = shard.process_linear_index on @h : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c10 = arith.constant 10 : index
  %c100 = arith.constant 100 : index
  %e = tensor.empty() : tensor<2x10xf32>
  %x = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x10xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %a = arith.muli %r, %c100 : index
    %b = arith.muli %i, %c10 : index
    %ab = arith.addi %a, %b : index
    %v = arith.addi %ab, %j : index
    %vi = arith.index_cast %v : index to i64
    %vf = arith.sitofp %vi : i64 to f32
    linalg.yield %vf : f32
  } -> tensor<2x10xf32>
  %y = shard.all_to_all %x on @h grid_axes = [0] split_axis = 1 concat_axis = 0
      : tensor<2x10xf32> -> tensor<8x?xf32>
  %n = tensor.dim %y, %c1 : tensor<8x?xf32>
  // The offset of rank r's columns: 2 * r + max(r - 2, 0).
  %c0 = arith.constant 0 : index
  %r2 = arith.subi %r, %c2 : index
  %extra = arith.maxsi %r2, %c0 : index
  %twice = arith.muli %r, %c2 : index
  %offset = arith.addi %twice, %extra : index
  %zero = arith.constant 0 : i64
  %init = tensor.from_elements %zero : tensor<i64>
  %bad = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%y : tensor<8x?xf32>) outs(%init : tensor<i64>) {
  ^bb0(%got: f32, %acc: i64):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %src = arith.divui %i, %c2 : index
    %row = arith.remui %i, %c2 : index
    %a = arith.muli %src, %c100 : index
    %b = arith.muli %row, %c10 : index
    %col = arith.addi %offset, %j : index
    %ab = arith.addi %a, %b : index
    %v = arith.addi %ab, %col : index
    %vi = arith.index_cast %v : index to i64
    %want = arith.sitofp %vi : i64 to f32
    %ne = arith.cmpf une, %got, %want : f32
    %one = arith.extui %ne : i1 to i64
    %s = arith.addi %acc, %one : i64
    linalg.yield %s : i64
  } -> tensor<i64>
  %cols = arith.index_cast %n : index to i64
  %m = tensor.extract %bad[] : tensor<i64>
  return %cols, %m : i64, i64
}

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

  // (columns received, mismatches, the coordinates on the 2 x 2 grid, the
  // rank in it).
  %cols, %bad = func.call @uneven() : () -> (i64, i64)
  %p:2 = shard.process_multi_index on @q : index, index
  %l = shard.process_linear_index on @q : index
  %p0 = arith.index_cast %p#0 : index to i64
  %p1 = arith.index_cast %p#1 : index to i64
  %li = arith.index_cast %l : index to i64
  %out2 = tensor.from_elements %cols, %bad, %p0, %p1, %li : tensor<5xi64>
  %buf2 = bufferization.to_buffer %out2 : tensor<5xi64> to memref<5xi64>
  %ub2 = memref.cast %buf2 : memref<5xi64> to memref<*xi64>
  func.call @printMemrefI64(%ub2) : (memref<*xi64>) -> ()
  return
}
