seqpar.grid @g(axes = ["a" = 4])
func.func @static_and_dynamic_gather_size(%x: tensor<?x8xf32>, %n: index) {
  %0 = "seqpar.all_to_all"(%x, %n) <{grid = @g, axes = ["a"], scatter_dim = 1 : i64,
      gather_dim = 0 : i64, gather_size = 8 : i64,
      operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<?x8xf32>, index) -> tensor<?x2xf32>
  return
}
