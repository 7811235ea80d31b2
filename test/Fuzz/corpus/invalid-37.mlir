seqpar.grid @g(axes = ["a" = 65536])
func.func @all_to_all_gather_overflow(%x: tensor<288230376151711744x?xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<288230376151711744x?xf32> -> tensor<?x?xf32>
  return
}
