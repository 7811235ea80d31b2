seqpar.grid @g(axes = ["a" = 2])
func.func @gather_sizes_overflow(%x: tensor<?x?xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 0
      sizes [4611686018427387904, 4611686018427387904]
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return
}
