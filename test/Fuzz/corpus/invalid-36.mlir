seqpar.grid @g(axes = ["a" = 4])
func.func @gather_overflow(%x: tensor<4611686018427387904x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<4611686018427387904x8xf32> -> tensor<?x2xf32>
  return
}
