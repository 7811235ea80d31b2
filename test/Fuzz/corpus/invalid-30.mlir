seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_per_rank(%x: tensor<?x8xf32>, %l: tensor<3xi64>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      gather_lengths(%l : tensor<3xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}
