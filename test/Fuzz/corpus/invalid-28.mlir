seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_and_lengths(%x: tensor<?x8xf32>, %l: tensor<4xi64>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 8
      gather_lengths(%l : tensor<4xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}
