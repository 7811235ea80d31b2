seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_too_large(%x: tensor<?x8xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 0 gather_size 4611686018427387904
      : tensor<?x8xf32> -> tensor<4611686018427387904x8xf32>
  return
}
