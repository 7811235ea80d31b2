seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_contradicts_shapes(%x: tensor<10xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<equal>}
      : tensor<10xf32> -> tensor<?xf32>
  return
}
