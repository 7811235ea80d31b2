seqpar.grid @g(axes = ["a" = 4])
func.func @negative_gather_size(%x: tensor<?x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size -4
      : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}
